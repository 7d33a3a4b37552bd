"""Dense (fully connected) networks: DenseClassifier and DenseRegressor.

The module is built from ``hidden_layer_sizes`` as a list of layers; the trained network can be exported to plain
numpy (``export_network``), run without torch (``forward_numpy``) and rebuilt from such an export (``from_network``).
"""

import contextlib
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_y, check_array, check_consistent_length, check_is_fitted
from torch import nn

from ._base import N_JOBS_CONSTRAINT, BaseNeuralNetwork
from ._dense_docs import COMMON_ATTRS, COMMON_DOC
from ._dense_net import (DenseNet, auto_batch_size, check_architecture, choose_threads, own_dense_network,
                         warn_of_replaced_parameters)
from ._dense_numpy import estimator_from_network, forward_numpy, network_of, register_estimators
from ._dense_onnx import dense_onnx_feed, dense_onnx_graph
from ._labels import check_y_for_estimator, fitted_classes
from ._layers import ACTIVATIONS, INITIALIZER_NAMES, ScaledLinear, TabularInput, initialize_weights
from ._memory import prediction_batch_rows
from ._tabular import TabularPreprocessor
from ._tabular_columns import rows_as_array
from ._tabular_times import check_no_time_columns
from ._targets import NeuralClassifierMixin, NeuralRegressorMixin
from ._validation import check_not_complex, detached, raw_input_checked, refuse_records, unmasked, validate_data

__all__ = ["DenseNet", "DenseClassifier", "DenseRegressor", "forward_numpy"]


def _as_table(X):
    """X as the table checks read it: a tensor's values (one that requires grad, or on a GPU), a masked array's
    masked cells as missing values; a dict of columns or a list of dicts refused with ``pd.DataFrame(X)`` as the fix
    (scikit-learn would advise a reshape)."""
    return refuse_records(unmasked(detached(X), missing=True))


class _DenseMixin:
    """What DenseClassifier and DenseRegressor share: the input, the module and its export."""

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_norm": ["boolean"], "kernel_initializer": [StrOptions(set(INITIALIZER_NAMES))],
        "preprocessing": [StrOptions({"auto"}), None],
        "numeric_embedding": [StrOptions({"periodic"}), None],
        "front_scale": ["boolean"],
        "parametrization": [StrOptions({"standard", "ntk"})],
        "learnable_activation": ["boolean"],
        "regularization_schedule": [StrOptions({"constant", "cosine", "flat_cosine"}), None],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "n_jobs": N_JOBS_CONSTRAINT,
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
    }

    _architecture_params = ("hidden_layer_sizes", "activation", "dropout", "batch_norm", "kernel_initializer",
                            "preprocessing", "numeric_embedding", "front_scale", "parametrization",
                            "learnable_activation", "n_ensemble", "module")

    def _check_params(self, continuing=False):
        check_architecture(self.hidden_layer_sizes, self.dropout)

    # -- input -----------------------------------------------------------------------------
    def _preprocessing(self, reset):
        """The preprocessing of this call: the parameter's for a new network, the built network's otherwise."""
        return self.preprocessing if reset else self.architecture_["preprocessing"]

    def _raw_input(self, check, *args):
        """X (and y) checked without preprocessing; missing values named with their two fixes."""
        check_no_time_columns(args[0])  # cast to numbers, dates are counts of their unit
        return raw_input_checked(check, *args)

    def _check_X(self, X, reset, fit_rows=None, training=False):
        X = _as_table(X)
        if self._preprocessing(reset) is None:
            return self._raw_input(super()._check_X, X, reset)
        if not isinstance(X, pd.DataFrame):  # 2-D and non-empty, whatever its values' types (complex: named)
            X = check_array(check_not_complex(rows_as_array(X), objects=True), accept_sparse="csr", dtype=None,
                            ensure_all_finite=False)
        validate_data(self, X, reset=reset, skip_check_array=True)
        if reset:
            # its statistics and categories from the rows of weight above 0 (the validation split's too)
            self.preprocessor_ = TabularPreprocessor().fit(X if fit_rows is None else _safe_indexing(X, fit_rows))
        # (the estimator has checked X's names and warned by its own name; training rows' unread columns are told by
        # _warn_of_continued_data)
        X = self.preprocessor_.transform(X, names_checked=True, training=training)
        return X.astype(np.float32) if sp.issparse(X) else X

    def _fit(self, X, y, sample_weight=None, incremental=False, **kwargs):
        first_chunk = incremental and not hasattr(self, "net_")
        fitted = super()._fit(X, y, sample_weight, incremental, **kwargs)
        if first_chunk and self.architecture_["preprocessing"] is not None:  # its encoding stays: is it too narrow?
            self.preprocessor_.warn_narrow_first_fit()
        return fitted

    def _check_X_y(self, X, y, reset, fit_rows=None):
        X, y = _as_table(X), detached(y)
        if reset:  # (the network about to be built embeds a sparse X's numbers where they are stored only)
            self.architecture_["sparse_input"] = sp.issparse(X)
        if self._preprocessing(reset) is None:
            return self._raw_input(super()._check_X_y, X, y, reset)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        check_y_for_estimator(y, type(self).__name__, self._is_classifier, classes=fitted_classes(self, reset))
        X = self._check_X(X, reset, fit_rows, training=True)
        y = _check_y(y, multi_output=self._multi_output_y, y_numeric=not self._is_classifier)
        check_consistent_length(X, y)
        return X, y

    def _warn_of_continued_data(self, X):  # a warm start or later partial_fit trains on the first fit's encoding
        if self._preprocessing(reset=False) is not None:
            with contextlib.suppress(ValueError):  # X of other columns: named by the estimator's own check
                self.preprocessor_.warn_unseen_categories(X)

    def _batch_size(self, n_samples):
        if self.batch_size != "auto":
            return super()._batch_size(n_samples)
        return auto_batch_size(n_samples)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.preprocessing is not None:  # missing values are imputed, categories (text ones too) encoded
            tags.input_tags.allow_nan = True
            tags.input_tags.categorical = True
            tags.input_tags.string = True
        return tags

    def _n_threads(self, n_rows, batch_size):
        if self.n_jobs is not None:
            return super()._n_threads(n_rows, batch_size)
        n_weights = sum(p.numel() for p in self.net_.module_.parameters())
        return choose_threads(batch_size * n_weights)

    # -- the module ----------------------------------------------------------------------------
    def _build_module(self):
        arch = self.architecture_  # the parameters as they were when the network was first built
        n_inputs, n_outputs = self.n_features_in_, self._n_outputs()
        sparse = arch.get("sparse_input", False)  # numbers embedded where stored (False: an earlier sknn's network)
        input_layer = None
        pre = getattr(self, "preprocessor_", None)
        if arch["preprocessing"] is not None and pre is not None:
            center = pre.center_ - getattr(pre, "offset_", 0.0)  # transform subtracts the offsets
            input_layer = TabularInput(len(pre.numeric_columns_), [len(c) for c in pre.categories_], center,
                                       pre.scale_, pre.has_missing_, numeric_embedding=arch["numeric_embedding"],
                                       periodic_columns=self._periodic_columns(), sparse_input=sparse)
        elif arch["numeric_embedding"] is not None:
            input_layer = TabularInput(n_inputs, numeric_embedding=arch["numeric_embedding"], sparse_input=sparse)
        custom = self._custom_module(n_inputs if input_layer is None else input_layer.n_outputs, n_outputs)
        if custom is not None:  # the user's network, on what sknn's input layer gives
            warn_of_replaced_parameters(self, arch)
            return custom if input_layer is None else nn.Sequential(input_layer, custom)
        sizes = check_architecture(arch["hidden_layer_sizes"], arch["dropout"])
        module = DenseNet(n_inputs, n_outputs, sizes, arch["activation"], arch["dropout"], arch["batch_norm"],
                          input_layer=input_layer, front_scale=arch["front_scale"],
                          parametrization=arch["parametrization"], learnable_activation=arch["learnable_activation"],
                          n_ensemble=arch["n_ensemble"], output="softmax" if self._is_classifier else "identity")
        return initialize_weights(module, arch["kernel_initializer"], arch["activation"])

    def _periodic_columns(self):
        """Positions, among the numbers the input layer reads, of those the periodic embedding reads: with
        ``numeric_embedding='periodic'``, every number but those of two-valued columns and a sparse X's columns of
        median 0 (``preprocessing='auto'``)."""
        arch, pre = self.architecture_, getattr(self, "preprocessor_", None)
        if arch["numeric_embedding"] is None:
            return np.zeros(0, dtype=np.int64)
        if arch["preprocessing"] is None or pre is None:
            return np.arange(self.n_features_in_)
        plain = getattr(pre, "binary_", np.zeros(len(pre.numeric_columns_), dtype=bool))
        if arch.get("sparse_input"):  # mostly zeros (counts, TF-IDF; a sparse X is not offset: center_ is the median)
            plain = plain | (pre.center_ == 0)
        return np.flatnonzero(~plain)

    def _activation_bytes(self, batch_size):  # a periodic embedding keeps 32 float32 values per number for backward
        return 4 * batch_size * (self.n_features_in_ + 32 * len(self._periodic_columns()))

    def _predict_batch_size(self):  # a periodic embedding holds about 40 values per number of a row as it computes
        per_row = max(self.n_features_in_, 1) + 40 * len(self._periodic_columns())  # (5,000 columns: 3.6 GB)
        return prediction_batch_rows(per_row, super()._predict_batch_size())

    def _onnx_graph(self, network):
        return dense_onnx_graph(self, network)

    def _onnx_feed(self, X):
        return dense_onnx_feed(self, X)

    def _own_network(self, what):
        """sknn's DenseNet, which ``what`` reads layer by layer; a clear error for a custom ``module``."""
        check_is_fitted(self, "net_")
        return own_dense_network(self.net_.module_, what, self.architecture_["module"])

    def _linear_layers(self):
        return [m for m in self._own_network("coefs_ and intercepts_").modules() if isinstance(m, nn.Linear)]

    @property
    def coefs_(self):
        """Weight matrices, one per layer, of shape (n_inputs_of_layer, n_units_of_layer), as MLPClassifier's
        (as a plain Linear layer holds them, whatever the parametrisation; with ``n_ensemble > 1``, the layers of
        every member, member after member)."""
        return [(m.effective_weight() if isinstance(m, ScaledLinear) else m.weight).detach().cpu().numpy().T.copy()
                for m in self._linear_layers()]

    @property
    def intercepts_(self):
        """Bias vectors, one per layer, of shape (n_units_of_layer,)."""
        return [m.bias.detach().cpu().numpy().copy() for m in self._linear_layers()]

    def export_network(self):
        """The fitted network as plain numpy arrays and names: no torch needed to use it.

        Returns
        -------
        network : dict
            ``format``, ``task``, ``n_features_in``, ``output`` ('softmax' or 'identity'), ``classes``
            (classifiers), ``target_mean``/``target_scale`` (regressors: the network predicts the standardised
            target), ``y_ndim`` (regressors: 1 when y was 1-D in fit, and ``predict`` returns shape (n_samples,);
            2 otherwise) and ``target_range`` (with ``clip_predictions``: the lowest and highest target of fit),
            ``feature_names_in`` (when X was a DataFrame with string column names: them, in fit's order),
            ``column_labels_in`` or ``column_label_text_in`` (names not strings: whole numbers, or others' text;
            in fit's order), ``params`` (the estimator's parameters; the architecture ones as the network was
            built, ``architecture_``), ``sparse_input`` (True when X was a sparse matrix), ``preprocessor``
            (with ``preprocessing='auto'``: the fitted column encoding, see
            :class:`sknn._tabular.TabularPreprocessor`) and ``layers``, a list of dicts, each with a ``type``:

            * ``'tabular_input'``: the input layer of :class:`sknn._layers.TabularInput`
              (centring, scaling and clipping of the numbers, missing indicators,
              periodic embeddings, one-hot and embedded categories);
            * ``'scale'``: ``weight`` (n,), a product per feature;
            * ``'ensemble'``: ``members``, the layers of each of the ``n_ensemble``
              networks after the input layer, and ``output``: their mean (of
              probabilities, returned as log-probabilities, for ``output='softmax'``);
            * ``'dense'``: ``weight`` (n_in, n_out) and ``bias`` (n_out,), as a plain Linear
              layer holds them (whatever the parametrisation in training);
            * ``'batch_norm'``: ``mean``, ``var``, ``gamma``, ``beta``, ``eps``;
            * ``'activation'``: ``name``, and ``weight`` (n,) for a learnable activation
              ``x + weight * (f(x) - x)``.

            Dropout is omitted: it is the identity at prediction time. The layers describe the network the
            estimator holds, whatever ``set_params`` changed since. :func:`forward_numpy` runs it.
        """
        self._own_network("export_network")
        return network_of(self)

    @classmethod
    def from_network(cls, network, device="cpu"):
        """Rebuild a fitted estimator from ``export_network()``'s output (or one built by hand).

        The architecture comes from the layers (their types and shapes), the training settings from ``params``.
        The rebuilt estimator predicts as the exported one did; ``partial_fit`` or ``warm_start`` train it further.
        """
        return estimator_from_network(cls, network, device)


class DenseClassifier(NeuralClassifierMixin, ClassifierMixin, _DenseMixin, BaseNeuralNetwork):
    __doc__ = """Multilayer perceptron classifier on PyTorch, a drop-in for MLPClassifier.

    Softmax output trained with cross-entropy. Labels may be of any type; predictions
    come back in those labels and ``predict_proba``'s columns follow ``classes_``.
    """ + COMMON_DOC.format(activation="selu", learning_rate_init=0.04, max_iter=64) + """    class_weight : dict, \
'balanced' or None, default=None
        Weights of the classes in the loss, multiplied with ``sample_weight``.
    label_smoothing : float, default=0.1
        Training targets of ``1 - label_smoothing`` for the true class, the rest spread over the classes by their
        shares of the training samples (``class_prior_``; evenly when balanced); validation losses are unsmoothed.
    """ + COMMON_ATTRS + """    classes_, class_prior_ : ndarray (n_classes,), the labels and their shares of fit's
        samples that train (weights included; not the rows early stopping sets aside)

    See Also
    --------
    DenseRegressor : the same network for regression.
    sklearn.neural_network.MLPClassifier : scikit-learn's numpy implementation.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sknn import DenseClassifier
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"age": rng.integers(18, 80, 300).astype(float),
    ...                    "plan": rng.choice(["basic", "plus", "pro"], 300)})
    >>> df.loc[::10, "age"] = np.nan                      # missing values are fine
    >>> y = np.where((df["plan"] == "pro") | (df["age"] > 60), "stays", "leaves")
    >>> clf = DenseClassifier(random_state=0).fit(df, y)  # no scaler, no encoder
    >>> clf.score(df, y) > 0.9
    True
    >>> clf.preprocessor_.categories_[0].tolist()
    ['basic', 'plus', 'pro']
    """

    _parameter_constraints = {
        **_DenseMixin._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, hidden_layer_sizes=(256, 256, 256), activation="selu", dropout=0.15, batch_norm=False,
                 kernel_initializer="glorot_uniform", preprocessing="auto", numeric_embedding="periodic",
                 front_scale=True, parametrization="ntk", learnable_activation=True, optimizer="adamw",
                 learning_rate_init=0.04, learning_rate="cosine_log_cycles", regularization_schedule="flat_cosine",
                 momentum=0.9, nesterov=True, beta_1=0.9, beta_2=0.95, alpha=0.02, l1=0.0, label_smoothing=0.1,
                 batch_size="auto", max_iter=64, shuffle=True, early_stopping=True, validation_fraction=0.2,
                 n_iter_no_change=None, tol=1e-4, class_weight=None, n_ensemble=1, warm_start=False,
                 random_state=None, n_jobs=None, device="auto", precision="32", verbose=0, callbacks=None,
                 module=None, criterion=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.kernel_initializer = kernel_initializer
        self.preprocessing = preprocessing
        self.numeric_embedding = numeric_embedding
        self.front_scale = front_scale
        self.parametrization = parametrization
        self.learnable_activation = learnable_activation
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.regularization_schedule = regularization_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.alpha = alpha
        self.l1 = l1
        self.label_smoothing = label_smoothing
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.n_ensemble = n_ensemble
        self.warm_start = warm_start
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks
        self.module = module
        self.criterion = criterion


class DenseRegressor(NeuralRegressorMixin, RegressorMixin, _DenseMixin, BaseNeuralNetwork):
    __doc__ = """Multilayer perceptron regressor on PyTorch, a drop-in for MLPRegressor.

    Linear output trained with the mean squared error; one or several outputs, and
    predictions in the shape y had in ``fit``.
    """ + COMMON_DOC.format(activation="mish", learning_rate_init=0.1, max_iter=64) + """    normalize_y : bool, \
default=True
        Learn the standardised target (mean 0, standard deviation 1 in ``fit``);
        predictions are scaled back.
    clip_predictions : bool, default=True
        Keep predictions within the lowest and highest target seen in ``fit`` (and ``validation_scores_``).
    """ + COMMON_ATTRS + """    n_outputs_ : int
    y_mean_, y_scale_ : ndarray of shape (n_outputs,)
        The target's mean and standard deviation in ``fit``, over every call of ``partial_fit`` (which rewrites
        the last layer to match, to float32 rounding: see its Notes); 0 and 1 without ``normalize_y``.
    y_range_ : ndarray of shape (2, n_outputs)
        With ``clip_predictions``, the lowest and highest target in ``fit`` (and every ``partial_fit``).

    See Also
    --------
    DenseClassifier : the same network for classification.
    sklearn.neural_network.MLPRegressor : scikit-learn's numpy implementation.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sknn import DenseRegressor
    >>> X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    >>> reg = DenseRegressor(random_state=0).fit(X, 1000 + 50 * y)   # the target's scale is learned
    >>> reg.score(X, 1000 + 50 * y) > 0.9
    True
    """

    # y_mean_, y_scale_ and y_range_ follow these two at the first fit; warm_start cannot change them
    _architecture_params = _DenseMixin._architecture_params + ("normalize_y", "clip_predictions")

    _parameter_constraints = {
        **_DenseMixin._parameter_constraints,
        "normalize_y": ["boolean"],
        "clip_predictions": ["boolean"],
    }

    def __init__(self, hidden_layer_sizes=(256, 256, 256), activation="mish", dropout=0.15, batch_norm=False,
                 kernel_initializer="glorot_uniform", preprocessing="auto", numeric_embedding="periodic",
                 front_scale=True, parametrization="ntk", learnable_activation=True, optimizer="adamw",
                 learning_rate_init=0.1, learning_rate="cosine_log_cycles", regularization_schedule="flat_cosine",
                 momentum=0.9, nesterov=True, beta_1=0.9, beta_2=0.95, alpha=0.02, l1=0.0, normalize_y=True,
                 clip_predictions=True, batch_size="auto", max_iter=64, shuffle=True, early_stopping=True,
                 validation_fraction=0.2, n_iter_no_change=None, tol=1e-4, n_ensemble=1, warm_start=False,
                 random_state=None, n_jobs=None, device="auto", precision="32", verbose=0, callbacks=None, module=None,
                 criterion=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.kernel_initializer = kernel_initializer
        self.preprocessing = preprocessing
        self.numeric_embedding = numeric_embedding
        self.front_scale = front_scale
        self.parametrization = parametrization
        self.learnable_activation = learnable_activation
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.regularization_schedule = regularization_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.alpha = alpha
        self.l1 = l1
        self.normalize_y = normalize_y
        self.clip_predictions = clip_predictions
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.n_ensemble = n_ensemble
        self.warm_start = warm_start
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks
        self.module = module
        self.criterion = criterion


register_estimators(classification=DenseClassifier, regression=DenseRegressor)  # (forward_numpy checks X by them)
