"""formcheck: a local-first form checker for back-pain-relief strength training."""

__version__ = "0.1.0"
