"""Net Emotional Value (Shaw): mean intensity of the positive emotions minus mean intensity of the
destroying ones.

Per text the intensities are the model's 0..1 emotion scores: the 12 positive emotions
(attention, recommendation, advocacy) and the 8 destroying ones. NEV therefore lies in [-1, 1]:
-1 when every destroying emotion is certain and no positive one is, +1 the other way round, 0 for
a neutral text. Averaging within each side keeps the two sides equally weighted although there
are 12 positive emotions and 8 negative ones, as in Shaw's definition.
"""

from __future__ import annotations

import numpy as np

from .taxonomy import EMOTION_IDS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

_POS = [EMOTION_IDS.index(e) for e in POSITIVE_EMOTIONS]
_NEG = [EMOTION_IDS.index(e) for e in NEGATIVE_EMOTIONS]


def nev_scores(emotion_scores: np.ndarray) -> np.ndarray:
    """NEV per row of an ``[n, 20]`` (or ``[n, >=20]``, emotions first) score matrix."""
    scores = np.asarray(emotion_scores, dtype=np.float64)
    return scores[:, _POS].mean(axis=1) - scores[:, _NEG].mean(axis=1)
