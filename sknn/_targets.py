"""The targets of sknn's estimators: what a classifier and a regressor add to :class:`sknn._base.BaseNeuralNetwork`.

``NeuralClassifierMixin`` takes labels of any type (``classes_``, class weights, ``predict_proba``);
``NeuralRegressorMixin`` one or several outputs, standardised and clipped as the estimator says.
Each brings its default loss and score.
"""

from functools import partial, wraps

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.metrics import r2_score as r2_score_of_arrays
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted
from torch.nn.utils.parametrize import is_parametrized

from ._alignment import check_rows_paired
from ._engine import TrainingDiverged
from ._tensor_scores import accuracy_score, r2_score
from ._labels import (check_label_spellings, check_labels, check_same_label_kind, check_y_for_estimator, fit_classes,
                      label_indices, numpy_labels, one_label_column, warn_of_another_label_set)
from ._module_checks import ChecksModuleOutputs, OutputContract
from ._numeric_targets import MISSING_TARGET, check_y_columns, y_column_names
from ._training import EnsembleMSELoss, SmoothedCrossEntropyLoss
from ._validation import check_magnitude, checked_sample_weight, class_weight_vector, detached, unmasked
from ._warnings import warn_user

__all__ = ["NeuralClassifierMixin", "NeuralRegressorMixin", "keyword_only_classes"]


def keyword_only_classes(partial_fit):
    """A classifier's ``partial_fit(X, y, *, classes=None, sample_weight=None)`` that refuses a third positional
    argument, saying why: scikit-learn's MLPClassifier takes ``(X, y, sample_weight, classes)`` and SGDClassifier
    ``(X, y, classes, sample_weight)``, so a third one (weights, or labels) cannot be read safely. The signature
    shown (``inspect.signature``, metadata routing's ``set_partial_fit_request``) is ``partial_fit``'s own."""
    @wraps(partial_fit)
    def checked(self, X, y, *args, **kwargs):
        if args:
            raise TypeError(f"{type(self).__name__}.partial_fit takes classes= and sample_weight= by keyword, got "
                            f"{len(args) + 2} positional arguments: MLPClassifier and SGDClassifier order them "
                            "differently, so a third one could be either; write partial_fit(X, y, classes=[...], "
                            "sample_weight=w).")
        return partial_fit(self, X, y, **kwargs)
    return checked


class NeuralClassifierMixin(ChecksModuleOutputs):
    """Targets, loss and predictions of a classifier: labels of any type, ``classes_``, ``predict_proba``."""

    _is_classifier = True
    _multi_output_y = False
    _running_totals = ("_class_totals",)  # (kept and restored with the fitted attributes by a failed call)

    def _smoothing_prior(self):
        """The shares label smoothing spreads by (None: evenly, torch's own smoothing, for balanced classes: by
        ``class_weight='balanced'``, whose weights even the classes of all of fit's rows, those early stopping sets
        aside too, or by the data)."""
        prior = getattr(self, "class_prior_", None)
        even = prior is None or np.ptp(prior) < 1e-6 or getattr(self, "class_weight", None) == "balanced"
        return None if even else prior  # (to float32 weights' precision)

    def _criterion(self):
        return SmoothedCrossEntropyLoss(getattr(self, "label_smoothing", 0.0), self._smoothing_prior())

    def _learn_target_shares(self, y_index, weights, continuing):
        # the classes' shares of the samples trained on (their weights included): label smoothing spreads by them;
        # partial_fit's calls add up (a first chunk may hold one class of the stream)
        totals = np.bincount(y_index, weights=None if weights is None else np.asarray(weights, np.float64),
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

    @keyword_only_classes
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, *, classes=None, sample_weight=None):
        """Train for one epoch on (X, y), continuing from the current weights and learning-rate schedule.

        What the first call learns of X stays (for the dense networks, the encoding of
        ``preprocessing='auto'``: categories, medians and scales): give it every category; a later
        call's unseen categories train as missing values, with a warning.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            A table for the dense networks; for the image classifiers, images as their class takes them
            (arrays of images or of flat rows, or image files).
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever be seen; required on the first call. Keyword-only, as is
            ``sample_weight``: MLPClassifier and SGDClassifier take the two in different orders, so a
            third positional argument is refused (TypeError) rather than read as either.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample (times its ``class_weight``), taken as given: their scale matters.
            ``fit`` sees all the data at once and rescales the weights to mean 1; a call of
            ``partial_fit`` cannot know the weights of the calls to come, so its loss is the mean over
            its rows of weight times loss: weights of 2 everywhere double the loss and its gradient
            (with ``optimizer='sgd'``, the step; the steps of Adam and RMSprop, divided by the gradient's
            scale, change less). Keep the weights on one scale across calls (e.g. mean 1 over the whole
            stream); weights of 1 everywhere are an unweighted call. Rows of weight 0 are left out.

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
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            A table for the dense networks; for the image classifiers, images as their class takes them
            (arrays of images or of flat rows, or image files).

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
        check_is_fitted(self, "net_")  # (before the fitted attributes its checks read: NotFittedError, as predict's)
        # tensors that require grad: their values (sparse ones refused)
        y, sample_weight = detached(y, "y"), detached(sample_weight, "sample_weight")
        y = unmasked(y, "y")  # masked labels refused (masked weights: by the weights' rule)
        check_y_for_estimator(y, type(self).__name__, classifier=True, classes=self.classes_)  # as fit checks it
        y = one_label_column(y)  # a one-column frame or (n, 1) array: its column, of its own type (Int64 near 2**60)
        check_rows_paired(X, y, sample_weight)  # pandas labels of the rows in another order: refused, as in fit
        self._check_labels_as_given(y)  # ['1', 1] would be read as strings and matched to string classes
        y = numpy_labels(y)
        values = np.asarray(y)
        if values.dtype.kind == "O":  # missing or mixed labels, named as fit names them
            check_labels(values.ravel())
        one_column = values.ndim == 1 and self.classes_.ndim == 1 and len(values) and len(self.classes_)
        # '1' never equals 1: refused by name (numbers and booleans compare equal, 0 == False: not refused)
        if one_column and isinstance(values[0], str) != isinstance(self.classes_[0], str):
            check_same_label_kind(values, self.classes_)
        if values.dtype.kind in "UO" and self.classes_.dtype.kind in "UO":  # 'a ' for the class 'a': never right
            check_label_spellings(values, fitted=self.classes_)  # (the few distinct labels outside the classes)
        elif one_column:  # 10, 11, 12 for the classes 0, 1, 2
            warn_of_another_label_set(values, self.classes_)
        return super().score(X, y, sample_weight=_score_weights(sample_weight, values))

    def _validation_source(self, X_val, y_val, w_val, class_weights=None):
        # y_val read as fit reads its labels (numpy_labels): a one-column frame as its column, nullable integers
        # as integers (through float64, 2**60 and 2**60 + 1 were one label)
        return super()._validation_source(X_val, numpy_labels(y_val), w_val, class_weights=class_weights)

    def predict(self, X):
        """Predicted labels, of the same type as the labels given to ``fit``.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            A table for the dense networks; for the image classifiers, images as their class takes them
            (arrays of images or of flat rows, or image files).

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


def _warn_unscaled_target(name, mean, std):
    """Warn of a target far from standardised that a network is to learn as it is (``normalize_y=False``, the MSE
    loss): its outputs start near 0 at a scale near 1, and a mean many spreads away, or a spread far from 1, is
    learned worse or not at all (R^2 0.85 for a mean of 6 spreads, 0.01 for 45, -5.6 for 1e4: predictions clipped
    to the lowest target; spreads below 0.1, or above 1e4, were learned worse in development fits)."""
    far = (std > 0) & ((np.abs(mean) > 5 * std) | (std < 0.1) | (std > 1e4))
    if far.any():
        j = int(np.argmax(far))
        where = f"y[:, {j}]" if len(mean) > 1 else "y"
        warn_user(f"{name} learns {where} as it is (normalize_y=False), but its mean ({mean[j]:.4g}) and spread "
                  f"(standard deviation {std[j]:.4g}) are far from the mean 0 and spread 1 a network's outputs start "
                  "at: it may fit it much worse than the standardised target, or not at all. Pass normalize_y=True "
                  "(the default), or standardise the target (TransformedTargetRegressor(regressor, "
                  "transformer=StandardScaler())).")


def _mean_and_std(y):
    """Mean and standard deviation of each column of a float64 ``y``, computed on ``y`` divided by its largest
    magnitude, so that targets near float64's limit (1e200 squares beyond it) have a finite scale."""
    magnitude = np.abs(y).max(axis=0)
    magnitude = np.where(magnitude > 0, magnitude, 1.0)
    unit = y / magnitude
    return unit.mean(axis=0) * magnitude, unit.std(axis=0) * magnitude


def _merged_moments(totals, y):
    """The rows, mean and standard deviation of each output (stacked, shape (3, n_outputs)) over the rows that
    ``totals`` (the same three) describes and the rows of ``y`` (float64, (n, n_outputs)): Chan et al.'s pairwise
    update, its squares taken in units of the largest spread, so that targets near float64's limit stay finite."""
    count, mean, std = totals
    n = float(len(y))
    new_mean, new_std = _mean_and_std(y)
    total = count + n
    half_gap = new_mean / 2 - mean / 2  # (halves: the difference of two finite values near the limit is finite)
    unit = np.maximum(np.maximum(std, new_std), np.abs(half_gap))
    unit = np.where(unit > 0, unit, 1.0)
    variance = ((count * (std / unit) ** 2 + n * (new_std / unit) ** 2) / total
                + count * n * (2 * half_gap / unit) ** 2 / total ** 2)
    return np.stack([total, mean * (count / total) + new_mean * (n / total), np.sqrt(variance) * unit])


def final_affine_layers(module):
    """The ``torch.nn.Linear`` layers (with a bias) whose outputs are the network's outputs, each output the same
    average of theirs, found by a strict rule, else None: the module's own ``output_layers()`` where its type has one
    (sknn's DenseNet: its last layer, or the last of each member of an averaging ensemble), else the last layer of a
    module of exactly the type ``torch.nn.Sequential`` (through nested ones of exactly that type) when it is exactly a
    ``torch.nn.Linear``, else the module itself when it is exactly one. Only plain layers qualify, in plain
    containers (:func:`_rescalable`): a subclass may compute otherwise (a Sequential adding a skip connection), as
    may a parametrised layer (weight_norm, spectral_norm) or a forward hook."""
    if callable(getattr(type(module), "output_layers", None)):
        layers, containers = module.output_layers(), list(module.modules())
    else:
        containers = []
        while type(module) is torch.nn.Sequential and len(module):
            containers.append(module)
            module = module[-1]
        layers = [module] if type(module) is torch.nn.Linear else None
    if layers is None or not all(_runs_own_forward(m) for m in containers) or not all(map(_rescalable, layers)):
        return None
    return layers


def _runs_own_forward(module):
    """Whether ``module``'s output is its own ``forward``'s: no forward hook or pre-hook changes what it reads or
    gives (the old ``torch.nn.utils.weight_norm`` recomputes the weight in one)."""
    return not (module._forward_hooks or module._forward_pre_hooks)


def _rescalable(layer):
    """Whether ``layer``, a Linear layer, computes with its own ``weight`` and ``bias`` as they are, so that
    rewriting them rewrites its outputs: no parametrization (weight_norm, spectral_norm), no forward hook, and
    both ordinary Parameters (not tensors recomputed by a hook, nor inference tensors, which cannot be written)."""
    return (layer.bias is not None and _runs_own_forward(layer)
            and not is_parametrized(layer)
            and all(isinstance(p, torch.nn.Parameter) and not p.is_inference() for p in (layer.weight, layer.bias)))


def rescale_output_layers(layers, old_mean, old_scale, new_mean, new_scale):
    """Rewrite ``layers`` (their outputs standardised by ``old_mean`` and ``old_scale``, per output) to outputs
    standardised by ``new_mean`` and ``new_scale`` that are the same values in target units (PopArt's "preserve
    outputs precisely", van Hasselt et al. 2016): ``W' = W s / s'`` and ``b' = (b s + m - m') / s'``, in float64."""
    ratio = np.asarray(old_scale, dtype=np.float64) / new_scale
    shift = (np.asarray(old_mean, dtype=np.float64) - new_mean) / new_scale
    with torch.no_grad():
        for layer in layers:
            like = {"dtype": torch.float64, "device": layer.weight.device}
            factor, offset = torch.as_tensor(ratio, **like), torch.as_tensor(shift, **like)
            layer.weight.copy_(layer.weight.to(torch.float64) * factor[:, None])  # (ntk: the weight is linear too)
            layer.bias.copy_(layer.bias.to(torch.float64) * factor + offset)


def _clipped_r2_score(y_pred, y_true, sample_weight=None, *, low, high):
    """:func:`sknn._tensor_scores.r2_score` of the predictions clipped to ``low`` and ``high`` (a bound an output)."""
    y_pred = y_pred.reshape(len(y_pred), -1).to(torch.float64)
    like = {"dtype": torch.float64, "device": y_pred.device}
    return r2_score(torch.clamp(y_pred, torch.as_tensor(low, **like), torch.as_tensor(high, **like)), y_true,
                    sample_weight)


class NeuralRegressorMixin(ChecksModuleOutputs):
    """Targets, loss and predictions of a regressor: one or several outputs, predictions in y's shape."""

    _is_classifier = False
    _multi_output_y = True
    _running_totals = ("_y_totals",)

    def _criterion(self):
        return EnsembleMSELoss(reduction="none")

    def _output_contract(self):
        return OutputContract(self.n_outputs_, "values of shape (n, n_outputs), one per target (a 1-D y has one)",
                              "float targets of shape (n, n_outputs) (standardised with normalize_y=True)",
                              "torch.nn.MSELoss (sknn's default) or torch.nn.HuberLoss")

    @property
    def _score_fn(self):
        """The engine's validation score (``validation_scores_``): R² as ``score`` takes it, the predictions clipped
        to ``y_range_`` with ``clip_predictions``, in the standardised units the engine scores in (the same clip:
        the standardisation is increasing)."""
        y_range = getattr(self, "y_range_", None)
        if y_range is None:
            return r2_score
        return partial(_clipped_r2_score, low=(y_range[0] - self.y_mean_) / self.y_scale_,
                       high=(y_range[1] - self.y_mean_) / self.y_scale_)

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
        if keep:
            self._check_n_outputs(y)
        self.n_outputs_ = n_outputs
        if not keep:  # predictions take the shape of the first fit's y, whatever a partial_fit passes
            self._y_ndim = y.ndim
        y = y.reshape(len(y), n_outputs)
        if not keep:
            # With normalize_y the network learns the standardised target (scaled back in predict).
            normalize = getattr(self, "normalize_y", False)
            learned = y if fit_rows is None else y[fit_rows]
            mean, std = _mean_and_std(learned)
            if not normalize and hasattr(self, "normalize_y") and getattr(self, "criterion", None) is None:
                _warn_unscaled_target(type(self).__name__, mean, std)  # (a loss of one's own may want y as it is)
            self.y_mean_ = mean if normalize else np.zeros(n_outputs)
            self.y_scale_ = np.where(std > 0, std, 1.0) if normalize else np.ones(n_outputs)
            # the rows, mean and spread the statistics stand for, which later partial_fit calls add to
            self._y_totals = np.stack([np.full(n_outputs, float(len(learned))), mean, std]) if normalize else None
            if getattr(self, "clip_predictions", False):  # predictions are kept within the range seen in fit
                self.y_range_ = np.stack([learned.min(axis=0), learned.max(axis=0)])
        else:  # the rows of weight above 0 of a later call
            seen = y if fit_rows is None else y[fit_rows]
            if len(seen):  # partial_fit adds its rows to the statistics; a warm start's fit learns its own
                self._follow_target_statistics(seen, own=not incremental)
            if hasattr(self, "y_range_") and len(seen):  # the range grows with the data seen
                self.y_range_ = np.stack([np.minimum(self.y_range_[0], seen.min(axis=0)),
                                          np.maximum(self.y_range_[1], seen.max(axis=0))])
        return self._standardized(y), None

    def _output_layers(self):
        """The fitted network's final affine layers (:func:`final_affine_layers`), or None where no clear rule finds
        them, or they give other outputs than the targets."""
        layers = final_affine_layers(self._fitted_module())
        if layers is None or any(layer.out_features != self.n_outputs_ for layer in layers):
            return None
        return layers

    def _follow_target_statistics(self, seen, own=False):
        """partial_fit (PopArt): the target's mean and scale over every row trained on so far, ``seen`` (this call's
        rows) added, with the final layer rewritten so that the predictions in target units stay the same (to float32
        rounding); a spread of 0 keeps the scale. With ``own`` (a warm start's fit), those of ``seen`` alone, as a fit
        learns them: a fine-tune on new rows starts from the predictions it had, and targets in other units train at
        their own scale (the first fit's kept: R^2 -20). Frozen without ``normalize_y`` or running totals (a model
        saved before them), and for a network without a final layer found by :func:`final_affine_layers`."""
        totals, layers = getattr(self, "_y_totals", None), None
        if totals is not None:
            layers = self._output_layers()
        if layers is None:
            return
        totals = np.stack([np.full(seen.shape[1], float(len(seen))), *_mean_and_std(seen)]) if own else \
            _merged_moments(totals, seen)
        mean, scale = totals[1], np.where(totals[2] > 0, totals[2], self.y_scale_)
        if np.array_equal(mean, self.y_mean_) and np.array_equal(scale, self.y_scale_):
            self._y_totals = totals
            return
        # the layers as they were, for a call that fails before it trains (partial_fit puts them back)
        self._layers_before_call = [(layer, layer.weight.detach().clone(), layer.bias.detach().clone())
                                    for layer in layers]
        rescale_output_layers(layers, self.y_mean_, self.y_scale_, mean, scale)
        self._y_totals, self.y_mean_, self.y_scale_ = totals, mean, scale

    def _encode_targets(self, y):
        """Targets of validation_data, checked and standardised as in fit, changing no fitted state."""
        if not getattr(self, "normalize_y", False):  # (standardised in float64 first, as in fit)
            check_magnitude(y, "y", fix="Scale the target as for fit.")
        y = np.asarray(y, dtype=np.float64)
        if not np.isfinite(y).all():  # e.g. None in an object y, which becomes NaN only here
            raise ValueError(MISSING_TARGET)
        self._check_n_outputs(y)
        return self._standardized(y.reshape(len(y), self.n_outputs_)), None

    def _check_n_outputs(self, y):
        """Refuse a target (an array) of another number of outputs than fit's: its predictions have fit's."""
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} outputs, but {type(self).__name__} was fitted with "
                             f"{self.n_outputs_}: pass y of {self.n_outputs_} outputs, as fit's (a warm start or "
                             "partial_fit continues that network; to train on these outputs, fit a new one).")

    def _check_X_y(self, X, y, reset, fit_rows=None):
        """X and y as the family checks them; a new fit (``reset``) records the names of a DataFrame y's columns
        (``_y_columns``), a later call (partial_fit, a warm start, validation_data) refuses fit's columns in another
        order (:func:`sknn._numeric_targets.check_y_columns`)."""
        check_y_columns(y, None if reset else getattr(self, "_y_columns", None), type(self).__name__)
        X, checked = super()._check_X_y(X, y, reset, fit_rows)
        if reset:
            self._y_columns = y_column_names(y)
        return X, checked

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
            Weight of each sample, taken as given: their scale matters.
            ``fit`` sees all the data at once and rescales the weights to mean 1; a call of
            ``partial_fit`` cannot know the weights of the calls to come, so its loss is the mean over
            its rows of weight times loss: weights of 2 everywhere double the loss and its gradient
            (with ``optimizer='sgd'``, the step; the steps of Adam and RMSprop, divided by the gradient's
            scale, change less). Keep the weights on one scale across calls (e.g. mean 1 over the whole
            stream); weights of 1 everywhere are an unweighted call. Rows of weight 0 are left out.

        Returns
        -------
        self

        Notes
        -----
        With ``normalize_y``, the target's mean and scale (``y_mean_``, ``y_scale_``) follow every
        row trained on so far: each call adds its rows of weight above 0 (counted once each, as
        ``fit`` counts them) to running totals of the target's mean and spread, and when they move,
        the network's final linear layer is rewritten so that its predictions in target units stay
        the same to float32 rounding (a relative change of about 5e-8 per rewrite, which can
        accumulate over calls; PopArt, van Hasselt et al. 2016: ``W' = W s / s'``, ``b' = (b s + m
        - m') / s'`` per output). A first chunk of one row, or of one target value, thus no longer
        leaves the network learning targets in raw units, and a target whose scale drifts between
        chunks is followed. A spread of 0 so far keeps the scale (1 until a spread is seen).
        ``y_range_`` (``clip_predictions``) grows with every call's rows. A custom ``module`` is
        rewritten the same way only when its final layer is found by a strict rule: the module is
        exactly a ``torch.nn.Linear``, or exactly a ``torch.nn.Sequential`` (not a subclass, which
        may compute otherwise; nested ones likewise) whose last layer is exactly one, with no
        parametrization (``weight_norm``, ``spectral_norm``) and no forward hooks. Otherwise (as for
        a model rebuilt by ``from_network``) the statistics of the first call stay; so do those of a
        model pickled or saved before sknn kept these running totals, which lacks them.
        ``fit`` learns them from its own rows as always; a warm start's ``fit`` from its own rows too, with the final
        layer rewritten as here (its predictions go on from where they were).
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def _fit(self, X, y, sample_weight=None, incremental=False, **kwargs):
        # a continuation (partial_fit, a warm start's fit) rewrites the final layer for the target's new statistics
        # before it trains (:meth:`_follow_target_statistics`); one that fails or is interrupted before an epoch
        # gets its statistics back (BaseNeuralNetwork._fit), and its final layer goes back with them here
        mean = getattr(self, "y_mean_", None)
        self._layers_before_call = None
        try:
            fitted = super()._fit(X, y, sample_weight=sample_weight, incremental=incremental, **kwargs)
        except BaseException as exc:
            kept = self._layers_before_call
            if kept is not None and getattr(self, "y_mean_", None) is mean is not None:
                with torch.no_grad():
                    for layer, weight, bias in kept:
                        layer.weight.copy_(weight)
                        layer.bias.copy_(bias)
            if isinstance(exc, TrainingDiverged) and getattr(self, "normalize_y", True) is False:  # (the likely cause)
                raise TrainingDiverged(f"{exc} With normalize_y=False the network learns y on its own scale: "
                                       "normalize_y=True standardises it.") from exc
            raise
        finally:
            del self._layers_before_call
        if not incremental:  # a fit, a warm start's too, predicts in the shape of its own y (partial_fit: the first's)
            self._y_ndim = getattr(y, "ndim", None) or np.asarray(y).ndim  # (a tensor on a GPU has its ndim)
        return fitted

    def predict(self, X):
        """Predicted values, of shape (n_samples,) or (n_samples, n_outputs) as y was in ``fit``.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)

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
        predictions divided by the power of two at or below the largest magnitude of y's output, which divides
        exactly: at any finite scale the same value (the squares of targets of 1e-200 underflowed to 0, an R² of
        1.0; of 1e300 overflowed, NaN), and scikit-learn's r2_score's own value at large offsets (1e15)."""
        check_is_fitted(self, "net_")  # (before the fitted attributes its checks read: NotFittedError, as predict's)
        # tensors that require grad: their values (sparse ones refused)
        y, sample_weight = detached(y, "y"), detached(sample_weight, "sample_weight")
        y = unmasked(y, "y")  # masked labels refused (masked weights: by the weights' rule)
        check_rows_paired(X, y, sample_weight)  # pandas labels of the rows in another order: refused, as in fit
        check_y_for_estimator(y, type(self).__name__, classifier=False)  # strings, dates, missing values: as fit
        check_y_columns(y, getattr(self, "_y_columns", None), type(self).__name__)  # fit's columns in fit's order
        truth = np.asarray(y, dtype=np.float64)
        if not np.isfinite(truth).all():
            raise ValueError(MISSING_TARGET)
        self._check_n_outputs(truth)  # (other outputs: numpy's broadcast error, or an R² of other columns)
        predicted = self.predict(X)
        magnitude = np.abs(truth).max(axis=0, initial=0.0)  # each output's own: outputs of other scales
        magnitude = np.exp2(np.floor(np.log2(np.where(magnitude > 0, magnitude, 1.0))))  # (a power of two: exact)
        return r2_score_of_arrays(truth / magnitude, predicted / magnitude,
                                  sample_weight=_score_weights(sample_weight, truth))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

