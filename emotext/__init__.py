"""emotext: Shaw's customer emotions, clusters and NEV from customer feedback.

``analyze`` / ``Analyzer`` import torch only when a model is first loaded, so ``import emotext``
stays cheap for tools that only read tagged files.
"""

from .analyze import Analysis, Analyzer, Evidence, analyze

__version__ = "0.1.0.dev0"
__all__ = ["Analysis", "Analyzer", "Evidence", "__version__", "analyze"]
