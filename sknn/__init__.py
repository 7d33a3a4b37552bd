"""sknn: scikit-learn estimators backed by PyTorch."""

from ._engine import Engine
from . import datasets
from .compare import compare
from .conv import ConvImageClassifier
from .dense import DenseClassifier, DenseRegressor
from .sequence import LSTMLanguageModel, LSTMSequenceTagger
from .transfer import TransferVGGClassifier, VGGFeatureExtractor

__version__ = "0.1.0"

__all__ = ["ConvImageClassifier", "DenseClassifier", "DenseRegressor", "Engine", "LSTMLanguageModel",
           "LSTMSequenceTagger", "TransferVGGClassifier", "VGGFeatureExtractor", "compare", "datasets",
           "__version__"]
