"""sknn: scikit-learn estimators backed by PyTorch."""

from ._engine import Engine
from . import datasets, export
from .compare import compare
from .conv import ConvImageClassifier
from .dense import DenseClassifier, DenseRegressor
from .keyedvectors import KeyedVectors
from .persist import load
from .sequence import LSTMLanguageModel, LSTMSequenceTagger
from .transfer import TransferVGGClassifier, VGGFeatureExtractor
from .word2vec import Word2VecTransformer

__version__ = "0.1.0"

__all__ = ["ConvImageClassifier", "DenseClassifier", "DenseRegressor", "Engine", "KeyedVectors", "LSTMLanguageModel",
           "LSTMSequenceTagger", "TransferVGGClassifier", "VGGFeatureExtractor", "Word2VecTransformer", "compare",
           "datasets", "export", "load", "__version__"]
