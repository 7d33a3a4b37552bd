"""sknn: scikit-learn estimators backed by PyTorch.

The estimators and modules are imported on first use (PEP 562), so that ``import sknn``
and the ``sknn`` command's ``--help`` do not wait for torch, skorch and scikit-learn.
``from sknn import DenseClassifier`` works as usual.
"""

import importlib as _importlib

from .compare import compare  # a light module: its work is imported when compare() runs

__version__ = "0.1.0"

# public name -> the module that defines it (a module itself when the name is the module's)
_LAZY = {
    "Engine": "._engine",
    "ConvImageClassifier": ".conv",
    "DenseClassifier": ".dense",
    "DenseRegressor": ".dense",
    "KeyedVectors": ".keyedvectors",
    "load": ".persist",
    "LSTMLanguageModel": ".sequence",
    "LSTMSequenceTagger": ".sequence",
    "TrainingDiverged": "._non_finite",
    "TransferVGGClassifier": ".transfer",
    "VGGFeatureExtractor": ".transfer",
    "Word2VecTransformer": ".word2vec",
    "datasets": ".datasets",
    "export": ".export",
    "plot": ".plot",
}
_MODULES = {"datasets", "export", "plot"}

__all__ = ["ConvImageClassifier", "DenseClassifier", "DenseRegressor", "Engine", "KeyedVectors", "LSTMLanguageModel",
           "LSTMSequenceTagger", "TrainingDiverged", "TransferVGGClassifier", "VGGFeatureExtractor",
           "Word2VecTransformer", "compare", "datasets", "export", "load", "__version__"]


def __getattr__(name):
    if name in _LAZY:
        module = _importlib.import_module(_LAZY[name], __name__)
        value = module if name in _MODULES else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_LAZY))
