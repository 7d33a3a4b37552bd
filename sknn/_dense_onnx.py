"""The ONNX graph of the dense family (DenseClassifier, DenseRegressor): its part of the family contract.

The graph takes ``X`` float32 (B, n_features) and gives ``probabilities`` (B, n_classes)
or ``predictions`` (B,) or (B, n_outputs). With the built-in preprocessing, the column
encoding stays outside the graph (its categories are in the metadata) and everything
after it (scaling, clipping, missing indicators, embeddings) is inside.
"""

import numpy as np
import torch

from .export import OnnxGraph, Predictions, Probabilities, labels, proba_output

__all__ = ["dense_onnx_feed", "dense_onnx_graph"]


def dense_onnx_graph(estimator, network):
    """The :class:`~sknn.export.OnnxGraph` of a fitted dense estimator, ``network`` its evaluation copy."""
    n = int(estimator.n_features_in_)
    pre = getattr(estimator, "preprocessor_", None) if estimator.architecture_["preprocessing"] else None
    inputs = [{"name": "X", "dtype": "float32", "shape": ["batch", n],
               "description": "the feature matrix, as the estimator takes it (sparse matrices densified)"}]
    if hasattr(estimator, "feature_names_in_"):
        inputs[0]["feature_names"] = [str(c) for c in estimator.feature_names_in_]
    prep = {"steps_outside_graph": [("X as float32, in the columns and scale used in fit (a Pipeline's "
                                    "transformers before the estimator are not exported)")],
            "steps_in_graph": ["the network", "softmax"] if estimator._is_classifier else ["the network"]}
    if pre is not None:  # the built-in preprocessing: the column encoding outside, the rest in the graph
        names = estimator.feature_names_in_ if hasattr(estimator, "feature_names_in_") else range(n)
        order = np.r_[pre.numeric_columns_, pre.categorical_columns_]
        inputs[0]["description"] = ("the numeric columns less preprocessing['offsets'] (NaN where missing), then the "
                                    "categorical columns as codes: 0 for a missing or unseen category, i + 1 for "
                                    "categories[column][i] (sknn.export.onnx_inputs makes them)")
        inputs[0]["columns"] = [str(names[j]) for j in order]
        offsets = getattr(pre, "offset_", np.zeros(len(pre.numeric_columns_)))
        prep["offsets"] = {str(names[j]): float(v) for j, v in zip(pre.numeric_columns_, offsets)}
        prep["categories"] = {str(names[j]): labels(cats)
                              for j, cats in zip(pre.categorical_columns_, pre.categories_)}
        prep["steps_outside_graph"] = [
            "the columns reordered: numeric ones first, then categorical ones (input 'columns')",
            "numbers less 'offsets' (in float64), as float32, missing values as NaN",
            "categories as codes with 'categories' (0: missing or unseen)"]
        prep["steps_in_graph"] = ["numbers centred, robust-scaled and smoothly clipped; missing ones 0, with "
                                  "missing indicators", "periodic embeddings of the numbers (if any)",
                                  "one-hot or learned embeddings of the categories", *prep["steps_in_graph"]]
    if estimator._is_classifier:
        module, output = Probabilities(network), proba_output(["batch", len(estimator.classes_)])
    else:
        flat = int(estimator._y_ndim) == 1
        shape = ["batch"] if flat else ["batch", int(estimator.n_outputs_)]
        module = Predictions(network, flat, estimator.y_mean_, estimator.y_scale_, getattr(estimator, "y_range_", None))
        output = {"name": "predictions", "dtype": "float64", "shape": shape,
                  "description": "predicted values, as predict returns them"}
    return OnnxGraph(module, (torch.zeros(3, n),), inputs, ({0: torch.export.Dim("batch")},), output, prep)


def dense_onnx_feed(estimator, X):
    """``{'X': float32 (n, n_features)}``: X through the estimator's own input checks and encoding."""
    X = estimator._check_X(X, reset=False)
    X = X.toarray() if hasattr(X, "toarray") else X
    return {"X": np.ascontiguousarray(X, dtype=np.float32)}
