"""sknn: scikit-learn estimators backed by PyTorch."""

from ._engine import Engine
from .compare import compare
from .dense import DenseClassifier, DenseRegressor

__version__ = "0.1.0"

__all__ = ["DenseClassifier", "DenseRegressor", "Engine", "compare", "__version__"]
