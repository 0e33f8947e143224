"""Net Emotional Value (Shaw): mean intensity of the positive emotions minus mean intensity of the
destroying ones.

Per text the intensities are the model's 0..1 emotion scores: the 12 positive emotions
(attention, recommendation, advocacy) and the 8 destroying ones. NEV therefore lies in [-1, 1]:
-1 when every destroying emotion is certain and no positive one is, +1 the other way round, 0 for
a neutral text. Averaging within each side keeps the two sides equally weighted although there
are 12 positive emotions and 8 negative ones, as in Shaw's definition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where tables are handled: analyze() needs only numpy
    import pandas as pd

from .taxonomy import CLUSTER_IDS, EMOTION_IDS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

_POS = [EMOTION_IDS.index(e) for e in POSITIVE_EMOTIONS]
_NEG = [EMOTION_IDS.index(e) for e in NEGATIVE_EMOTIONS]


def nev_scores(emotion_scores: np.ndarray) -> np.ndarray:
    """NEV per row of an ``[n, 20]`` (or ``[n, >=20]``, emotions first) score matrix."""
    scores = np.asarray(emotion_scores, dtype=np.float64)
    return scores[:, _POS].mean(axis=1) - scores[:, _NEG].mean(axis=1)


# ------------------------------------------------------------------------- tagged tables
#
# A tagged table is what `emotext tag` writes (any of its formats) or a DataFrame built from
# `Analysis.to_dict()` rows: one row per text with `nev`, `tags`, `emotion_<id>` scores and
# `status`. Aggregates are over the rows with status "ok"; errors are counted, not averaged in.

EMOTION_COLUMNS = [f"emotion_{e}" for e in EMOTION_IDS]
FREQUENCIES = {"D": "D", "day": "D", "W": "W", "week": "W", "M": "M", "month": "M"}
BOOTSTRAP_MAX_N = 50_000


def load_tagged(source: Any) -> pd.DataFrame:
    """Rows of a tagged file or DataFrame that were tagged successfully, lists parsed."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        from .io import detect_format

        path = Path(source)
        fmt = detect_format(path)
        if fmt == "parquet":
            frame = pd.read_parquet(path)
        elif fmt == "jsonl":
            frame = pd.read_json(path, lines=True, dtype=False)
        elif fmt == "xlsx":
            frame = pd.read_excel(path)
        else:
            frame = pd.read_csv(path, keep_default_na=True, low_memory=False)
    missing = [c for c in ("nev", "tags", *EMOTION_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"not an emotext-tagged table: column(s) {missing[:4]} missing (run `emotext tag` first)")
    if "status" in frame.columns:
        frame = frame[frame["status"] == "ok"]
    frame = frame.reset_index(drop=True)
    for col in ("tags", "emotion_tags"):
        if col in frame.columns:
            frame[col] = [_as_list(v) for v in frame[col]]
    frame["nev"] = pd.to_numeric(frame["nev"], errors="coerce")
    for col in EMOTION_COLUMNS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return list(json.loads(value)) if value.strip().startswith("[") else [v for v in value.split(";") if v]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(v) for v in value]


def bootstrap_ci(
    values: Sequence[float] | np.ndarray, level: float = 0.95, n_boot: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean.

    NaN for fewer than two values (no spread to resample). Above ``BOOTSTRAP_MAX_N`` values the
    normal approximation is used: there the two agree to the third decimal and resampling a
    million rows 2,000 times would dominate the run.
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return float("nan"), float("nan")
    alpha = (1 - level) / 2
    if len(x) > BOOTSTRAP_MAX_N:
        half = 1.959963984540054 * x.std(ddof=1) / np.sqrt(len(x))
        return float(x.mean() - half), float(x.mean() + half)
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    per_batch = max(1, 2_000_000 // len(x))
    for start in range(0, n_boot, per_batch):
        stop = min(n_boot, start + per_batch)
        means[start:stop] = x[rng.integers(0, len(x), size=(stop - start, len(x)))].mean(axis=1)
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def _stats(group: pd.DataFrame, min_n: int, n_boot: int, seed: int) -> dict[str, Any]:
    nev = group["nev"].to_numpy(dtype=np.float64)
    low, high = bootstrap_ci(nev, n_boot=n_boot, seed=seed)
    out: dict[str, Any] = {
        "n": len(group),
        "nev": float(np.nanmean(nev)) if len(nev) else float("nan"),
        "ci_low": low,
        "ci_high": high,
    }
    for cluster in CLUSTER_IDS:
        out[f"share_{cluster}"] = float(np.mean([cluster in t for t in group["tags"]])) if len(group) else float("nan")
    out["low_n"] = len(group) < min_n
    return out


def nev_table(
    tagged: pd.DataFrame,
    by: Sequence[str] = (),
    time_col: str | None = None,
    freq: str = "W",
    min_n: int = 30,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """NEV with n, 95 % bootstrap CI and cluster shares: overall, per segment, per period or both.

    Segments smaller than ``min_n`` are kept and marked ``low_n``: hiding them would hide the
    agent with three furious customers.
    """
    import pandas as pd

    frame = tagged
    keys = list(by)
    for col in keys + ([time_col] if time_col else []):
        if col not in frame.columns:
            raise ValueError(f"column {col!r} not in the tagged table; it has: {list(frame.columns)}")
    if time_col:
        frame = with_period(frame, time_col, freq)
        keys = ["period", *keys]
    if not keys:
        return pd.DataFrame([{"segment": "all", **_stats(frame, min_n, n_boot, seed)}])
    rows = []
    for values, group in frame.groupby(keys, dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        rows.append({**dict(zip(keys, values, strict=True)), **_stats(group, min_n, n_boot, seed)})
    columns = [*keys, "n", "nev", "ci_low", "ci_high", *(f"share_{c}" for c in CLUSTER_IDS), "low_n"]
    return pd.DataFrame(rows, columns=columns)


def with_period(frame: pd.DataFrame, time_col: str, freq: str) -> pd.DataFrame:
    """Adds ``period`` (start of the day/week/month); rows whose time does not parse are dropped."""
    import pandas as pd

    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {sorted(FREQUENCIES)}, not {freq!r}")
    times = pd.to_datetime(frame[time_col], errors="coerce", utc=True).dt.tz_localize(None)
    out = frame.assign(period=times.dt.to_period(FREQUENCIES[freq]).dt.start_time)
    return out[times.notna()]


def signature(tagged: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Shaw's Emotional Signature: mean intensity of each emotion per segment, and its difference
    from the overall profile (``<emotion>_vs_all``). Without ``by``: the overall profile."""
    import pandas as pd

    overall = tagged[EMOTION_COLUMNS].mean()
    if not by:
        profile = {c.removeprefix("emotion_"): overall[c] for c in EMOTION_COLUMNS}
        return pd.DataFrame([{"segment": "all", "n": len(tagged), **profile}])
    rows = []
    for values, group in tagged.groupby(list(by), dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        means = group[EMOTION_COLUMNS].mean()
        row: dict[str, Any] = {**dict(zip(by, values, strict=True)), "n": len(group)}
        for col in EMOTION_COLUMNS:
            emotion = col.removeprefix("emotion_")
            row[emotion] = means[col]
            row[f"{emotion}_vs_all"] = means[col] - overall[col]
        rows.append(row)
    return pd.DataFrame(rows)


def drivers(tagged: pd.DataFrame, rating_col: str) -> pd.DataFrame:
    """Spearman correlation of NEV and of each emotion with a rating (CSAT, NPS, stars).

    Rows without a numeric rating are left out (``n`` says how many remain); a constant column
    has no rank correlation and gets NaN.
    """
    import pandas as pd
    from scipy.stats import spearmanr

    if rating_col not in tagged.columns:
        raise ValueError(f"rating column {rating_col!r} not in the tagged table")
    rating = pd.to_numeric(tagged[rating_col], errors="coerce")
    keep = rating.notna()
    rows = []
    for col in ["nev", *EMOTION_COLUMNS]:
        x, y = tagged.loc[keep, col].to_numpy(dtype=float), rating[keep].to_numpy(dtype=float)
        if len(x) < 3 or np.all(x == x[0]) or np.all(y == y[0]):
            rho, p = float("nan"), float("nan")
        else:
            result = spearmanr(x, y)
            rho, p = float(result.statistic), float(result.pvalue)
        rows.append({"feature": col.removeprefix("emotion_"), "spearman_rho": rho, "p_value": p, "n": len(x)})
    return pd.DataFrame(rows)
