"""The targets of sknn's estimators: what a classifier and a regressor add to :class:`sknn._base.BaseNeuralNetwork`.

``NeuralClassifierMixin`` takes labels of any type (``classes_``, class weights, ``predict_proba``);
``NeuralRegressorMixin`` one or several outputs, standardised and clipped as the estimator says.
Each brings its default loss and score.
"""

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.metrics import r2_score as r2_score_of_arrays
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ._alignment import check_same_row_order
from ._engine import accuracy_score, r2_score
from ._labels import MISSING_TARGET, check_labels, check_numeric_target, fit_classes, label_indices, numpy_labels
from ._module_checks import ChecksModuleOutputs, OutputContract
from ._training import EnsembleMSELoss, SmoothedCrossEntropyLoss
from ._validation import check_magnitude, checked_sample_weight, class_weight_vector, detached

__all__ = ["NeuralClassifierMixin", "NeuralRegressorMixin"]


class NeuralClassifierMixin(ChecksModuleOutputs):
    """Targets, loss and predictions of a classifier: labels of any type, ``classes_``, ``predict_proba``."""

    _is_classifier = True
    _multi_output_y = False

    def _smoothing_prior(self):
        """The shares label smoothing spreads by (None: evenly, torch's own smoothing, for balanced classes)."""
        prior = getattr(self, "class_prior_", None)
        return None if prior is None or np.ptp(prior) < 1e-6 else prior  # (to float32 weights' precision)

    def _criterion(self):
        return SmoothedCrossEntropyLoss(getattr(self, "label_smoothing", 0.0), self._smoothing_prior())

    def _learn_target_shares(self, y_index, weights, continuing):
        # the classes' shares of the samples trained on (their weights included): label smoothing spreads by them;
        # partial_fit's calls add up (a first chunk may hold one class of the stream)
        totals = np.bincount(y_index, weights=None if weights is None else weights.numpy().astype(np.float64),
                             minlength=len(self.classes_))
        if continuing and getattr(self, "_class_totals", None) is not None:
            totals = totals + self._class_totals
        self._class_totals, self.class_prior_ = totals, totals / totals.sum()
        loss = self.net_.criterion_ if continuing else None
        if isinstance(loss, SmoothedCrossEntropyLoss):  # the kept loss and its copies (sharing its buffers)
            prior = self._smoothing_prior()
            for criterion in {id(c): c for c in (loss, self.net_._per_sample_criterion, self.net_._mean_criterion)
                              if c is not None}.values():
                criterion.class_prior = None if prior is None else torch.as_tensor(
                    prior, dtype=torch.float32, device=self.net_.device)

    def _output_contract(self):
        return OutputContract(len(self.classes_), "logits of shape (n, n_classes), one per class",
                              "class indices of shape (n,)", "torch.nn.CrossEntropyLoss (sknn's default)")

    _score_fn = staticmethod(accuracy_score)

    def _n_outputs(self):
        return len(self.classes_)

    def _prepare_targets(self, y, keep, classes, incremental, fit_rows=None):
        check_labels(y)
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"{type(self).__name__} supports binary and multiclass targets, got a {kind} target.")
        self.classes_ = fit_classes(y, classes, type(self).__name__, self.classes_ if keep else None,
                                    first_partial_fit=incremental and not keep)
        return self._encode_targets(y)

    def _encode_targets(self, y):
        """Labels as class indices: a tensor to train on, and the array that stratifies and weights."""
        y_index = label_indices(y, self.classes_)
        return torch.from_numpy(y_index), y_index

    def _class_weight_vector(self, y_index, sample_weight=None):
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, str):  # 'balanced', on the classes' total sample weights (a weight
            # of k counts as k rows, 0 as none: scikit-learn's rule since 1.6), over the classes present
            totals = np.bincount(y_index, weights=sample_weight, minlength=len(self.classes_))
            present = totals > 0
            weights = np.ones(len(self.classes_))
            weights[present] = totals.sum() / (present.sum() * totals[present])
            return weights
        return class_weight_vector(self.class_weight, self.classes_)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on (X, y), continuing from the current weights and learning-rate schedule.

        What the first call learns of X stays (for the dense networks, the encoding of
        ``preprocessing='auto'``: categories, medians and scales): give it every category; a later
        call's unseen categories train as missing values, with a warning.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever be seen; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        if isinstance(self.class_weight, str):
            raise ValueError("class_weight='balanced' is not supported by partial_fit, which sees one part of the "
                             "data at a time; pass class_weight=dict(zip(classes, compute_class_weight('balanced', "
                             "classes=classes, y=y_sample))) computed on a representative sample instead.")
        return self._fit(X, y, sample_weight=sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Probability of each class, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        # in float64, so that each row sums to 1 to within float64's precision (log_loss checks it)
        return self._forward(X, transform=lambda z: torch.softmax(z.to(torch.float64), dim=1)).numpy()

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``, computed stably from the logits."""
        return self._forward(X, transform=lambda z: torch.log_softmax(z.to(torch.float64), dim=1)).numpy()

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of ``predict(X)`` against ``y``, whose labels are read as in ``fit`` (pandas nullable
        integers, and numbers or booleans in an object column, keep their type)."""
        y, sample_weight = detached(y), detached(sample_weight)  # tensors that require grad: their values
        check_same_row_order(X, y)  # pandas labels of the rows in another order: refused, as in fit
        self._check_labels_as_given(y)  # ['1', 1] would be read as strings and matched to string classes
        y = numpy_labels(y)
        values = np.asarray(y)
        if values.dtype.kind == "O":  # missing or mixed labels, named as fit names them
            check_labels(values.ravel())
        return super().score(X, y, sample_weight=_score_weights(sample_weight, values))

    def predict(self, X):
        """Predicted labels, of the same type as the labels given to ``fit``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        index = self._forward(X, transform=lambda z: z.argmax(dim=1)).numpy()
        return self.classes_[index]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags


def _score_weights(sample_weight, y):
    """``sample_weight`` of ``score``, refused by fit's rule (numbers, finite, non-negative, one per row): a
    negative weight made an 'accuracy' of 1.49."""
    if sample_weight is None:
        return None
    return checked_sample_weight(sample_weight, y)


def _mean_and_std(y):
    """Mean and standard deviation of each column of a float64 ``y``, computed on ``y`` divided by its largest
    magnitude, so that targets near float64's limit (1e200 squares beyond it) have a finite scale."""
    magnitude = np.abs(y).max(axis=0)
    magnitude = np.where(magnitude > 0, magnitude, 1.0)
    unit = y / magnitude
    return unit.mean(axis=0) * magnitude, unit.std(axis=0) * magnitude


class NeuralRegressorMixin(ChecksModuleOutputs):
    """Targets, loss and predictions of a regressor: one or several outputs, predictions in y's shape."""

    _is_classifier = False
    _multi_output_y = True

    def _criterion(self):
        return EnsembleMSELoss(reduction="none")

    def _output_contract(self):
        return OutputContract(self.n_outputs_, "values of shape (n, n_outputs), one per target (a 1-D y has one)",
                              "float targets of shape (n, n_outputs) (standardised with normalize_y=True)",
                              "torch.nn.MSELoss (sknn's default) or torch.nn.HuberLoss")

    _score_fn = staticmethod(r2_score)

    def _n_outputs(self):
        return self.n_outputs_

    def _prepare_targets(self, y, keep, classes, incremental, fit_rows=None):
        """The standardised target; a new fit learns its mean, scale and range from the rows ``fit_rows`` (those
        of weight above 0; None: all)."""
        if not getattr(self, "normalize_y", False):  # standardised in float64 first, any finite scale trains
            check_magnitude(y, "y", fix="Scale the target, e.g. normalize_y=True or TransformedTargetRegressor("
                            "regressor, transformer=StandardScaler()).")
        y = np.asarray(y, dtype=np.float64)
        if not np.isfinite(y).all():  # e.g. None in an object y, which becomes NaN only here
            raise ValueError(MISSING_TARGET)
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if keep and n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} outputs, but {type(self).__name__} was fitted with "
                             f"{self.n_outputs_}.")
        self.n_outputs_ = n_outputs
        if not keep:  # predictions take the shape of the first fit's y, whatever later calls pass
            self._y_ndim = y.ndim
        y = y.reshape(len(y), n_outputs)
        if not keep:
            # With normalize_y the network learns the standardised target (scaled back in predict).
            normalize = getattr(self, "normalize_y", False)
            learned = y if fit_rows is None else y[fit_rows]
            mean, std = _mean_and_std(learned)
            self.y_mean_ = mean if normalize else np.zeros(n_outputs)
            self.y_scale_ = np.where(std > 0, std, 1.0) if normalize else np.ones(n_outputs)
            if getattr(self, "clip_predictions", False):  # predictions are kept within the range seen in fit
                self.y_range_ = np.stack([learned.min(axis=0), learned.max(axis=0)])
        elif hasattr(self, "y_range_"):  # partial_fit: the range grows with the data seen (rows of weight above 0)
            seen = y if fit_rows is None else y[fit_rows]
            if len(seen):
                self.y_range_ = np.stack([np.minimum(self.y_range_[0], seen.min(axis=0)),
                                          np.maximum(self.y_range_[1], seen.max(axis=0))])
        return self._standardized(y), None

    def _encode_targets(self, y):
        """Targets of validation_data, checked and standardised as in fit, changing no fitted state."""
        if not getattr(self, "normalize_y", False):  # (standardised in float64 first, as in fit)
            check_magnitude(y, "y", fix="Scale the target as for fit.")
        y = np.asarray(y, dtype=np.float64)
        if not np.isfinite(y).all():  # e.g. None in an object y, which becomes NaN only here
            raise ValueError(MISSING_TARGET)
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} outputs, but {type(self).__name__} was fitted with "
                             f"{self.n_outputs_}.")
        return self._standardized(y.reshape(len(y), n_outputs)), None

    def _standardized(self, y):
        return torch.from_numpy(((y - self.y_mean_) / self.y_scale_).astype(np.float32))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on (X, y), continuing from the current weights and learning-rate schedule.

        What the first call learns of X stays (for the dense networks, the encoding of
        ``preprocessing='auto'``: categories, medians and scales): give it every category; a later
        call's unseen categories train as missing values, with a warning.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predicted values, of shape (n_samples,) or (n_samples, n_outputs) as y was in ``fit``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray
        """
        out = self._forward(X).numpy().astype(np.float64) * self.y_scale_ + self.y_mean_
        if getattr(self, "y_range_", None) is not None:
            out = np.clip(out, self.y_range_[0], self.y_range_[1])
        return out.ravel() if self._y_ndim == 1 else out

    def score(self, X, y, sample_weight=None):
        """R² of ``predict(X)`` against ``y`` (the mean over outputs), as scikit-learn's, taken on ``y`` and the
        predictions divided by the largest magnitude of y's output: at any finite scale the same value (the
        squares of targets of 1e-200 underflowed to 0, an R² of 1.0; of 1e300 overflowed, NaN)."""
        y, sample_weight = detached(y), detached(sample_weight)  # tensors that require grad: their values
        check_same_row_order(X, y)  # pandas labels of the rows in another order: refused, as in fit
        check_numeric_target(y, type(self).__name__)  # strings, dates, missing values named as fit names them
        truth = np.asarray(y, dtype=np.float64)
        predicted = self.predict(X)
        if not np.isfinite(truth).all():
            raise ValueError(MISSING_TARGET)
        magnitude = np.abs(truth).max(axis=0, initial=0.0)  # each output's own: outputs of other scales
        magnitude = np.where(magnitude > 0, magnitude, 1.0)
        return r2_score_of_arrays(truth / magnitude, predicted / magnitude,
                                  sample_weight=_score_weights(sample_weight, truth))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

