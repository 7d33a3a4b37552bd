"""What every sknn estimator shares: parameters, input checks, targets, and the fit cycle.

A family adds its module and the other hooks of the family contract (:mod:`sknn._family`),
and for non-tabular data its batch source; the classifier and regressor mixins of
:mod:`sknn._targets` add target handling, the loss and the prediction methods.
"""

import copy
from collections.abc import Iterator
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, _fit_context, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._alignment import check_rows_paired
from ._data import ArrayBatches
from ._device import (float32_default, precision_here, recording_gradients, resolve_device, resolve_precision,
                      seeded, torch_threads)
from ._engine import Engine
from ._family import FamilyEstimator
from ._fit_callbacks import FitCallbacks, same_settings
from ._labels import check_labels, check_y_for_estimator, fitted_classes, numpy_labels
from ._training import OPTIMIZERS, optimizer_kwargs
from ._training_control import TargetUnits, check_history_keys, kept_epoch
from ._memory import build_within_memory, prediction_batch_rows
from ._module_checks import trains_batch_norm
from ._validation import (check_fit_params, check_float32_weights, check_validation_data, checked_sample_weight,
                          detached, float32_features, merged_validation_data, positive_rows, refuse_data_loader,
                          unmasked, validate_data)
from ._validation_split import as_validation_message, keep_classes_training, validation_indices
from ._warnings import warn_user

__all__ = ["BaseNeuralNetwork", "N_JOBS_CONSTRAINT"]


#: the constraint of ``n_jobs`` (torch threads for a fit: -1 every core, -2 all but one), in the families that take it
N_JOBS_CONSTRAINT = [Interval(Integral, 1, None, closed="left"), Interval(Integral, None, -1, closed="right"), None]


class BaseNeuralNetwork(FamilyEstimator, BaseEstimator, FitCallbacks, abstract=True):
    """Base class of sknn's estimators: the training parameters and the fit cycle.

    Not for direct use: subclasses define ``__init__`` with explicit parameters, the hooks
    of the family contract (:mod:`sknn._family`: ``_architecture_params``,
    ``_build_module()``...) and the target handling of their task.
    """

    _parameter_constraints: dict = {
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"constant", "adaptive", "cosine", "cosine_log_cycles"})],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterov": ["boolean"],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "device": [str, torch.device],
        "precision": [StrOptions({"32", "bf16", "fp16"})],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "module": [callable, None],
        "criterion": [callable, None],
    }

    def _check_params(self, continuing=False):
        """Check what ``_parameter_constraints`` cannot express, before any fitted state changes (``continuing``: a
        warm start or partial_fit of the fitted network)."""

    # -- input -----------------------------------------------------------------------
    def _check_X(self, X, reset):
        """Validate X into a float32 numpy array or CSR matrix (clear errors for bad input)."""
        X = validate_data(self, X, reset=reset, accept_sparse="csr", dtype=(np.float32, np.float64), order="C")
        return float32_features(X)

    def _check_X_y(self, X, y, reset, fit_rows=None):  # (fit_rows: rows that train, for what a family learns of X)
        check_y_for_estimator(y, type(self).__name__, self._is_classifier, classes=fitted_classes(self, reset))
        X, y = validate_data(self, X, y, reset=reset, accept_sparse="csr", dtype=(np.float32, np.float64),
                             order="C", multi_output=self._multi_output_y, y_numeric=not self._is_classifier)
        return float32_features(X), y

    def _warn_of_continued_data(self, X):
        """Warn of what X, which a warm start or a later ``partial_fit`` trains on, holds that the first fit's
        encoding of X cannot read (a family with one: the dense networks' preprocessing); not called for
        ``validation_data``, which does not train, nor for the data of ``predict``."""

    @staticmethod
    def _as_tensor(X):
        if sp.issparse(X):
            return X
        return torch.from_numpy(X if X.flags.writeable else X.copy())  # torch needs writable memory

    def _source(self, X, y=None, sample_weight=None):
        return ArrayBatches(self._as_tensor(X), y, sample_weight)

    def _sample_weights(self, y_index, sample_weight, X, class_weights=None):
        """Combine sample and class weights into per-row weights, or None if uniform; ``class_weights``: the weight
        of each class (None: ``class_weight``'s for these rows, 'balanced' on their own counts)."""
        w = None
        if sample_weight is not None:
            w = checked_sample_weight(sample_weight, X)
        class_w = self._class_weight_vector(y_index, w) if class_weights is None else class_weights
        if class_w is not None:
            w = class_w[y_index] if w is None else w * class_w[y_index]
        if w is None:
            return None
        if not np.any(w > 0):
            raise ValueError("All sample weights are zero: there is nothing to learn from.")
        return w

    def _class_weight_vector(self, y_index, sample_weight=None):
        return None

    def _training_class_weights(self, y_index, sample_weight, X):
        """The weight of each class the training rows take (``class_weight``, 'balanced' on their counts), which the
        rows of ``validation_data`` take too, as a validation split's rows do; None without ``class_weight``."""
        if getattr(self, "class_weight", None) is None or y_index is None:
            return None
        return self._class_weight_vector(y_index, None if sample_weight is None else
                                         checked_sample_weight(sample_weight, X))

    def _learn_target_shares(self, y_index, weights, continuing):
        """Learn what the loss needs of the training targets (a classifier: its classes' shares) before the network
        and its loss are made; ``y_index`` the training rows' class indices (None for a regressor), ``weights``
        theirs (None: uniform); ``continuing``: a partial_fit after others, whose engine and loss are kept."""

    def _sample_sizes(self, X):
        """How many loss terms each sample of the checked X gives (the tokens of a sequence), or None when each
        gives one (a row, an image): weights are scaled to mean 1 per loss term, so that a weight of 2 is the
        sample given twice and the loss's scale does not follow how weights go with sample sizes."""
        return None

    def _unit_mean_weights(self, w, X, rows=slice(None)):
        """``w`` (float64, the weights of the samples ``rows``, all by default) divided by their mean per loss term."""
        w = w / w[rows].max()  # first: a sum of weights near float64's limit would be infinite
        sizes = self._sample_sizes(X)
        return w / (w[rows].mean() if sizes is None else np.average(w[rows], weights=sizes[rows]))

    def _part_weights(self, w, X, *parts):
        """The weights ``w`` (float64, of every sample) with each of ``parts`` (sample indices) of mean 1 per loss
        term on its own, as a float32 tensor: the weights of the samples set aside for validation scaled the training
        loss, and the validation loss was no mean of its samples' losses."""
        w = w.copy()
        for part in parts:
            w[part] = self._unit_mean_weights(w, X, part)[part]
        return torch.from_numpy(w.astype(np.float32))

    # -- the fit cycle ----------------------------------------------------------------
    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warn_user(f"Got batch_size={self.batch_size} larger than the {n_samples} training samples; using one "
                      "batch of all samples.")
        return min(self.batch_size, n_samples)

    def _weight_decay(self, batch_size, engine=None):
        # MLPClassifier's scaling of the L2 penalty (alpha / n per batch); AdamW's decay is decoupled from the
        # gradient, so alpha is its weight_decay as it stands. A continued ``engine`` keeps the optimizer it has.
        adamw = self.optimizer == "adamw" if engine is None else isinstance(engine.optimizer_, torch.optim.AdamW)
        return self.alpha if adamw else self.alpha / batch_size

    def _n_threads(self, n_rows, batch_size):
        """Torch threads for this fit: ``n_jobs``'s in a family that has it (-1: every core, -2: all but one, as
        scikit-learn's and joblib's); None leaves torch's setting alone."""
        n_jobs = getattr(self, "n_jobs", None)
        return None if n_jobs is None else effective_n_jobs(n_jobs)

    def _make_engine(self, module, batch_size, device, seed, incremental):
        engine = Engine(
            module, self._built_criterion(), optimizer=OPTIMIZERS[self.optimizer], lr=self.learning_rate_init,
            max_epochs=self.max_iter, batch_size=batch_size, callbacks=self._callbacks(incremental),
            device=str(device), verbose=int(self.verbose), score_fn=self._score_fn,
            weight_decay=self._weight_decay(batch_size), l1=self.l1, shuffle=self.shuffle, seed=seed,
            amp_dtype=resolve_precision(self.precision, device), classes=self._engine_classes(),
            target_units=self._target_units(),
            **{f"optimizer__{k}": v for k, v in
               optimizer_kwargs(self.optimizer, self.momentum, self.nesterov, device, self._betas()).items()},
            **self._engine_kwargs())
        engine.callback_params_ = self._callback_params()  # what its callbacks were built for (_rebuild_callbacks)
        engine.criterion_params_ = self._criterion_params()  # and its loss
        engine.engine_params_ = {name: getattr(self, name) for name in self._engine_params}  # and the engine itself
        return engine

    #: parameters the engine is built with that a partial_fit cannot change (refused there by name)
    _engine_params = ("device",)

    def _check_engine_unchanged(self):
        """Refuse a partial_fit whose ``optimizer`` or ``_engine_params`` changed since the engine was built (its
        optimizer's state and its network go on as they are)."""
        if type(self.net_.optimizer_) is not OPTIMIZERS[self.optimizer]:
            raise ValueError(f"optimizer={self.optimizer!r}: partial_fit goes on with the optimizer the network was "
                             f"trained with ({type(self.net_.optimizer_).__name__}) and its state; fit again to "
                             "train with another (warm_start=True keeps the weights).")
        for name, value in getattr(self.net_, "engine_params_", {}).items():  # (none in an engine pickled before)
            if not same_settings(value, getattr(self, name)) and not (  # ('cpu' for 'auto' on the CPU: the same)
                    name == "device" and resolve_device(self.device) == torch.device(self.net_.device)):
                raise ValueError(f"{name}={getattr(self, name)!r}: partial_fit goes on with the network as it was "
                                 f"fitted ({name}={value!r}); fit again to change it (warm_start=True keeps the "
                                 "weights).")

    def _built_criterion(self):
        return self._criterion() if getattr(self, "criterion", None) is None else self.criterion

    def _criterion_params(self):
        """What the engine's loss is built from: the ``criterion`` given (the same object goes on), label smoothing."""
        return getattr(self, "criterion", None), getattr(self, "label_smoothing", None)

    def _follow_training_params(self, batch_size):
        """A partial_fit trains with the parameters as they are now (set_params since the last call: the rate of a
        fine-tune, the penalties, the loss, the optimizer's settings, the precision, the callbacks' settings); the
        network, its optimizer and their states go on."""
        net = self.net_
        net.set_batch_size(batch_size, self._weight_decay(batch_size, net))
        resume, rate = dict(net.callbacks_).get("lr_resume"), net.lr
        net.set_learning_rate(self.learning_rate_init)
        if resume is not None and net.lr != rate:
            resume.rescale(net.lr / rate)  # the adaptive schedule's cuts so far kept, from the new base
        net.l1, net.shuffle = self.l1, self.shuffle
        net.amp_dtype = resolve_precision(self.precision, torch.device(net.device))
        if (net.amp_dtype == torch.float16) != (net.grad_scaler_ is not None):  # float16 gradients need loss scaling
            net.grad_scaler_ = torch.amp.GradScaler(torch.device(net.device).type) if net.grad_scaler_ is None else None
        net.set_optimizer_settings(optimizer_kwargs(self.optimizer, self.momentum, self.nesterov,
                                                    torch.device(net.device), self._betas()))
        if not same_settings(getattr(net, "criterion_params_", None), self._criterion_params()):
            net.set_criterion(self._built_criterion())
            net.criterion_params_ = self._criterion_params()
        # after a fit with early stopping (callbacks that need no validation set), or a set_params of what the
        # callbacks are built from (tol, clipnorm, verbose...)
        if any(getattr(cb, "monitor", None) == "valid_loss" for _, cb in net.callbacks_) or self._callbacks_changed():
            self._rebuild_callbacks()
        schedule = dict(net.callbacks_).get("schedule")
        if schedule is not None:  # on along the fit's schedules, from the epochs trained so far
            schedule.resume = True
        net.target_units = self._target_units()  # (the range of y grows with the calls)

    def _betas(self):
        """Adam's (beta_1, beta_2), for the estimators that have them as parameters; None: torch's."""
        return (self.beta_1, self.beta_2) if hasattr(self, "beta_1") and hasattr(self, "beta_2") else None

    def _engine_kwargs(self):
        """Extra keyword arguments of the Engine (skorch's ``compile``, for instance)."""
        return {}

    def _target_units(self):
        """A regressor's standardised targets in y's units, for the engine's callbacks (scikit-learn's scorers in
        skorch's EpochScoring see y and predict as the estimator's own), or None."""
        scale = getattr(self, "y_scale_", None)
        return None if scale is None else TargetUnits(self.y_mean_, scale, getattr(self, "y_range_", None))

    def _engine_classes(self):
        """The engine's targets as classes (its class indices) for a classifier, else None: scikit-learn's scorers
        in skorch's EpochScoring then see a classifier."""
        return np.arange(self._n_outputs()) if self._is_classifier else None

    def _check_labels_as_given(self, y):
        """A classifier's labels as the user gave them, before numpy reads them: a list as given (numpy would turn
        [1, 'a'] into the strings '1', 'a'), pandas' missing labels (pd.NA would reach scikit-learn's check as
        values with no truth value)."""
        if self._is_classifier and (isinstance(y, (list, tuple))
                                    or (hasattr(y, "isna") and getattr(y, "ndim", 1) == 1 and y.isna().any())):
            check_labels(y if isinstance(y, (list, tuple)) else np.asarray(y, dtype=object))

    def _validation_source(self, X_val, y_val, w_val, class_weights=None):
        """The batch source of ``fit``'s ``validation_data``, checked and encoded as the training data were, with
        sample and class weights as the rows of a validation split have them (``class_weights``: the training
        rows', :meth:`_training_class_weights`); no fitted state changes."""
        try:
            self._check_labels_as_given(y_val)
            X_val, y_val = self._check_X_y(X_val, y_val, reset=False)
            y_t, y_index = self._encode_targets(y_val)
            if class_weights is not None and not np.any(class_weights[y_index] > 0):
                labels = ", ".join(repr(c) for c in np.asarray(self.classes_)[np.unique(y_index)].tolist()[:10])
                raise ValueError(f"class_weight={self.class_weight!r} gives every validation row weight 0: their "
                                 f"classes ({labels}) have weight 0, so there is nothing to score; give "
                                 "validation_data rows of a class of weight above 0, or give those classes a weight "
                                 "above 0.")
            w = self._sample_weights(y_index, w_val, X_val,  # the training rows' class weights, not its own
                                     **({} if class_weights is None else {"class_weights": class_weights}))
        except (ValueError, TypeError) as exc:  # (of its own type: an InvalidParameterError stays one)
            raise type(exc)(f"validation_data: {as_validation_message(exc)}") from exc
        if w is not None:  # as fit's weights
            w = torch.from_numpy(self._unit_mean_weights(w, X_val).astype(np.float32))
        self._warn_of_one_validation_sample(len(y_t), "validation_data holds 1 sample", "give it more samples")
        return self._source(X_val, y_t, w)

    def _warn_of_one_validation_sample(self, n, what, fix):  # (R^2 of one row: NaN, each epoch, without a word)
        if n == 1 and is_regressor(self):
            warn_user(f"{what}: its score is undefined (validation_scores_ NaN) and the best epoch is that one "
                      f"sample's; {fix}.")

    def _split_validation(self, source, y_index, rng):
        """The samples of ``source`` that train and those that validate for ``early_stopping`` (two index arrays):
        ``validation_fraction`` of the samples set aside (stratified by class for a classifier), less one sample for
        each class the validation samples alone hold (:func:`keep_classes_training`), which would never be learned."""
        train, valid = validation_indices(len(source), self.validation_fraction,
                                          y_index if self._is_classifier else None, rng)
        held = self._classes_by_sample(source, y_index)
        if held is not None:
            labels, owners, unit = held
            train, valid = keep_classes_training(train, valid, labels, owners, getattr(self, "classes_", None), unit)
        else:
            self._warn_of_one_validation_sample(len(valid), f"early_stopping=True sets 1 of the {len(source)} samples "
                                                "aside", "pass early_stopping=False (or validation_data) on so few")
        return train, valid

    def _classes_by_sample(self, source, y_index):
        """The classes the samples of ``source`` hold, for the validation split: (the class indices, the sample of
        each, what a sample is called); None for no classes (a regressor)."""
        if not self._is_classifier or y_index is None:
            return None
        return y_index, np.arange(len(y_index)), "sample"

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None, validation_data=None):
        # tensors that require grad: their values; masked targets refused (masked weights: by the weights' rule)
        X, y, sample_weight = detached(X), unmasked(detached(y, "y"), "y"), detached(sample_weight, "sample_weight")
        check_rows_paired(X, y, sample_weight)  # pandas labels of the rows in another order, neither 0..n-1: refused
        keep = (incremental or self.warm_start) and hasattr(self, "net_")
        saved = self._fitted_state()
        epochs = len(self.net_.finished_epochs()) if keep else 0
        try:
            # whatever the caller's grad mode (torch.no_grad(), inference_mode) and default dtype, a fit trains, and
            with recording_gradients(), float32_default():  # one seed builds and trains one float32 network
                return self._fit_once(X, y, sample_weight, incremental, classes, validation_data, keep)
        except KeyboardInterrupt:
            if not keep and not getattr(self, "n_iter_", 0):  # no epoch finished: nothing to keep
                self._clear_fitted()
            elif keep and len(self.net_.finished_epochs()) == epochs:  # a continuation that finished no epoch: the
                for name, value in saved.items():  # model it had (its history, the target's statistics and totals a
                    setattr(self, name, value)  # call counts before it trains: a retry would count its rows twice)
                for name in set(getattr(self, "_running_totals", ())) - saved.keys() & vars(self).keys():
                    delattr(self, name)  # (totals the call started, on a model saved before it kept them)
            raise
        except Exception:
            # a refused continuation, or a new fit refused before it changed anything, leaves the model it had
            # (statistics such as the target's range are restored here; the weights of an epoch that failed, or
            # diverged, the engine rolled back); a new fit that fails later leaves an unfitted estimator
            now = self._fitted_state()
            if keep and len(self.net_.finished_epochs()) > epochs:  # it trained: its finished epochs stay (Ctrl-C's)
                raise
            self._clear_fitted()
            if keep or (now.keys() == saved.keys() and all(now[k] is saved[k] for k in saved)):
                for name, value in saved.items():
                    setattr(self, name, value)
            raise

    def _fitted_state(self):
        return {k: v for k, v in vars(self).items()
                if (k.endswith("_") and not k.startswith("_")) or k in getattr(self, "_running_totals", ())}

    def _fit_once(self, X, y, sample_weight, incremental, classes, validation_data, keep):
        if keep and incremental:  # scikit-learn validates a fitted estimator's parameters in fit only (and its
            self._validate_params()  # skip_parameter_validation is set inside partial_fit: not readable here)
            self._check_engine_unchanged()
        if keep:  # before any fitted state changes, and before the checks of the parameters read them together
            self._check_architecture_unchanged()  # (a new architecture's mismatch is not what stops a warm start)
            self._warn_of_new_starting_values()  # (of values no check of the parameters reads when continuing)
        self._check_params(continuing=keep)
        check_fit_params(self)
        requested = None if keep and incremental else resolve_device(self.device)  # refused before any work
        refuse_data_loader(X, f"{type(self).__name__}.fit")
        validation_data = check_validation_data(validation_data)
        if not keep:  # a new fit: a failure below leaves an unfitted estimator, not a mixed one
            self._clear_fitted()
            self._record_architecture()  # the network about to be built follows the parameters as they are now
        self._check_labels_as_given(y)
        if self._is_classifier:
            y = numpy_labels(y)  # nullable integers keep their type; numbers in an object column are numbers
        # rows of weight 0 are left out of what the fit learns: its preprocessing, vocabulary and training (a generator
        weighed = sample_weight is not None or isinstance(getattr(self, "class_weight", None), dict)  # of sequences:
        X = list(X) if isinstance(X, Iterator) and weighed else X  # read once, here, to find the rows of weight 0)
        learned = positive_rows(sample_weight, X, y, getattr(self, "class_weight", None))
        if keep:  # the training rows of a continued fit only (not validation_data, nor rows of weight 0)
            self._warn_of_continued_data(X if learned is None else _safe_indexing(X, learned))
            learned = None
        X, y = self._check_X_y(X, y, reset=not keep, fit_rows=learned)
        if keep:  # a continued fit learns no statistic of X, but a regressor's target range grows with the rows
            learned = positive_rows(sample_weight, X, y, getattr(self, "class_weight", None))  # that train
        y_t, y_index = self._prepare_targets(y, keep=keep, classes=classes, incremental=incremental, fit_rows=learned)
        # the class weights of the training rows, worked out once: validation_data's rows take them too
        class_w = self._training_class_weights(y_index, sample_weight, X)
        w = self._sample_weights(y_index, sample_weight, X, **({} if class_w is None else {"class_weights": class_w}))
        rows = None
        if w is not None:
            if np.all(w == (1.0 if incremental else w[0])):
                w = None  # uniform weights: exactly an unweighted fit
            else:
                rows = np.flatnonzero(w > 0)  # zero-weight rows change nothing: leave them out
                if not incremental:  # one fit sees all the data: weights of mean 1 keep the loss's scale
                    w = self._unit_mean_weights(w, X, rows)
                else:  # each call's weights step as given, in float32
                    check_float32_weights(w[rows])
        source = self._source(X, y_t, None if w is None else torch.from_numpy(w.astype(np.float32)))
        if rows is not None:
            source = source.subset(rows)
            y_index = None if y_index is None else y_index[rows]
        rng, train, valid, trained = check_random_state(self.random_state), source, None, slice(None)
        if validation_data is not None:  # replaces the split of validation_fraction
            valid = self._validation_source(*validation_data, class_weights=class_w)
        elif self.early_stopping and not incremental:
            if rows is not None and len(rows) < 2 <= len(w):
                raise ValueError(f"early_stopping=True needs at least 2 samples to set some aside, but the weights "
                                 f"leave {len(rows)} of the {len(w)} rows above 0 (sample_weight, with any "
                                 "class_weight); give more rows a weight above 0, or pass early_stopping=False.")
            trained, valid_rows = self._split_validation(source, y_index, rng)
            if rows is not None:  # each part's weights of mean 1 on its own, as validation_data's
                source = self._source(X, y_t, self._part_weights(w, X, rows[trained], rows[valid_rows])).subset(rows)
            train, valid = source.subset(trained), source.subset(valid_rows)
        check_history_keys(self._callbacks(incremental), validation=valid is not None,  # before any network is built
                           scored=getattr(self, "_score_fn", None) is not None)
        seed, batch_size = int(rng.randint(np.iinfo(np.int32).max)), self._batch_size(len(train))  # (warns once)
        if keep and incremental and min(len(train), batch_size) < 2 and \
                trains_batch_norm(self.net_.module_):  # refused before the call changes any state of the fit
            self._refuse_batches_of_one(len(train), None)
        # what the loss needs of the targets of the rows that train (not those set aside): a new or warm fit's, or a
        self._learn_target_shares(None if y_index is None else y_index[trained],  # later partial_fit's added to them
                                  None if w is None else w[rows][trained], keep and incremental)
        device = requested if requested is not None else torch.device(self.net_.device)
        n_before = len(self.net_.history) if keep else 0
        with seeded(seed + n_before, device):
            if not keep:
                module = build_within_memory(self._build_module, self, device,
                                             activations=self._activation_bytes(batch_size))
                self._load_pretrained(module)
                self.net_ = self._make_engine(module, batch_size, device, seed, incremental)
                self.net_.initialize()
            elif not incremental:  # warm start: same weights and history, fresh optimizer and settings, device now
                old = self.net_  # (a copy on another device: a refusal below leaves the model on its own)
                module = old.module_ if device == torch.device(old.device) else copy.deepcopy(old.module_).to(device)
                self.net_ = self._make_engine(module, batch_size, device, seed, incremental)
                self.net_.initialize()
                self.net_.history_ = old.history
            else:  # partial_fit: the batch size follows this call's data, as in MLPClassifier
                self._follow_training_params(batch_size)
            self.device_ = device
            if min(len(train), self.net_.batch_size) < 2 and trains_batch_norm(self.net_.module_):
                self._refuse_batches_of_one(len(train), None if valid is None or validation_data is not None
                                            else len(valid))
            ended = False  # whether training ended (on_train_end: best weights restored), as it does after a Ctrl-C
            try:
                with torch_threads(self._n_threads(len(train), self.net_.batch_size)):
                    self.net_.partial_fit(train, valid, epochs=1 if incremental else self.max_iter)
                ended = True
            except KeyboardInterrupt:
                ended = True
                raise
            finally:
                self._record_history(incremental, n_before, ended)
        return self

    def _refuse_batches_of_one(self, n_train, n_set_aside):
        """Batch normalisation that trains cannot take a batch of one row: say why the batches are that small."""
        if n_train < 2 and n_set_aside:
            why = (f"{n_train} training row(s) left once early_stopping set {n_set_aside} aside for validation; pass "
                   "more data, or early_stopping=False")
        elif n_train < 2:
            why = f"{n_train} training row(s); pass more data"
        else:
            why = f"batch_size={self.net_.batch_size}; pass a larger batch_size"
        if "batch_norm" in self.get_params(deep=False):
            why += ", or batch_norm=False"
        raise ValueError(f"Batch normalisation needs batches of at least 2 rows, but there are {why}.")

    @property
    def loss_(self):
        """MLPClassifier's ``loss_``: the last epoch's training loss (None before any epoch finished); derived from
        ``loss_curve_``, so a model saved before it existed has it too."""
        curve = self.loss_curve_  # (AttributeError before fit, as for a fitted attribute)
        return curve[-1] if curve else None

    def _record_history(self, incremental, n_before, ended=True):
        history = self.net_.finished_epochs()
        self.n_iter_ = len(history)
        self.loss_curve_ = [row["train_loss"] for row in history]
        frame = pd.DataFrame([{k: v for k, v in row.items() if k != "batches"} for row in history])
        if frame.empty:
            frame = pd.DataFrame(columns=["epoch", "train_loss", "dur"])
        self.history_ = frame
        if incremental and history and history[-1].get("valid_score") is None and \
                getattr(self, "validation_scores_", None) is not None:
            # partial_fit after a fit with validation data validates nothing: its scores stay (as MLP's); the lowest
            self.best_loss_ = None if self.best_loss_ is None else min(self.loss_curve_)  # training loss follows
        elif "valid_score" in frame:
            self.validation_scores_ = [row.get("valid_score") for row in history]
            # the score of the epoch whose weights the model holds: the best one where it was restored (early
            # stopping: the lowest validation loss), else the last
            kept = kept_epoch(self.net_, ended)
            rows = [row for row in history if row["epoch"] == kept] or history[-1:]
            self.best_validation_score_ = rows[0].get("valid_score")
            # as MLPClassifier's: None where the validation loss chose the epoch, else the lowest training loss
            self.best_loss_ = None if self.early_stopping and not incremental else min(self.loss_curve_)
        else:
            self.validation_scores_ = self.best_validation_score_ = None
            chosen = self.early_stopping and not incremental and "valid_loss" in frame  # (a language model's)
            self.best_loss_ = min(self.loss_curve_) if self.loss_curve_ and not chosen else None
        ran = self.n_iter_ - n_before
        # A schedule spans max_iter epochs by design: reaching the end is the plan, not a failure to converge.
        planned = self.learning_rate in ("cosine", "cosine_log_cycles")
        stopped = getattr(dict(self.net_.callbacks_).get("stopping"), "stopped_", False)  # the rule ended it
        if not incremental and not planned and self.n_iter_no_change is not None and ran == self.max_iter \
                and not stopped:
            warn_user(f"{type(self).__name__}: the maximum number of epochs ({self.max_iter}) was reached and the "
                      "optimization hasn't converged yet; raise max_iter.", ConvergenceWarning)

    # -- public API -------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, validation_data=None, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network on (X, y) for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            A table for the dense networks; for the image classifiers, images as their class takes them
            (arrays of images or of flat rows, or image files).
        y : array-like of shape (n_samples,), or (n_samples, n_outputs) for a regressor
            (several targets at once)
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss and in ``class_weight='balanced'``; rows of weight 0 are left out (of
            the preprocessing too). The rows ``early_stopping`` sets aside are scored by their weights, as
            ``validation_data``'s: their weights change neither the training loss nor the scale of theirs. What the
            fit learns of the data (medians and interquartile ranges, a regressor's target mean and scale) is taken
            over the rows of weight above 0 without their weights: a row of weight 3 is not three rows there.
        validation_data : tuple (X_val, y_val) or (X_val, y_val, sample_weight_val), default=None
            A validation set of your own, in the form X and y take (as Keras' ``fit`` takes
            it). It replaces the split of ``validation_fraction``: the network trains on
            all of X. Its loss and score are recorded every epoch (``history_``,
            ``validation_scores_``); with ``early_stopping=True`` the best epoch on it is
            kept (and ``n_iter_no_change`` watches its loss), otherwise it is only watched.
            In a Pipeline the earlier steps do not transform it: give it as this step's input, or as X_val.
        X_val, y_val, sample_weight_val : default=None
            The validation set in scikit-learn's form (as ``HistGradientBoostingClassifier.fit`` takes it): the
            same as ``validation_data=(X_val, y_val, sample_weight_val)``; in a Pipeline the earlier steps transform
            X_val with ``Pipeline(..., transform_input=['X_val'])`` (metadata routing on, and the network's
            ``set_fit_request(X_val=True, y_val=True)``).

        Returns
        -------
        self

        Examples
        --------
        Your own network and loss, and your own validation set:

        >>> import torch
        >>> from sklearn.datasets import make_regression
        >>> from sknn import DenseRegressor
        >>> class Linear(torch.nn.Module):
        ...     def __init__(self, n_inputs, n_outputs):
        ...         super().__init__()
        ...         self.linear = torch.nn.Linear(n_inputs, n_outputs)
        ...     def forward(self, X):
        ...         return self.linear(X)
        >>> X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
        >>> reg = DenseRegressor(module=Linear, criterion=torch.nn.HuberLoss, max_iter=20, random_state=0)
        >>> reg = reg.fit(X[:200], y[:200], validation_data=(X[200:], y[200:]))
        >>> len(reg.validation_scores_), reg.score(X[200:], y[200:]) > 0.9
        (20, True)
        """
        validation_data = merged_validation_data(validation_data, X_val, y_val, sample_weight_val,
                                                 needs_y=self.__sklearn_tags__().target_tags.required)
        return self._fit(X, y, sample_weight=sample_weight, validation_data=validation_data)

    def _forward(self, X, transform=None):
        check_is_fitted(self, "net_")
        refuse_data_loader(X, type(self).__name__)
        X = self._check_X(X, reset=False)
        return self.net_.predict_source(self._source(X), batch_size=self._predict_batch_size(), transform=transform)

    def _predict_batch_size(self):  # (a wide sparse X is made dense batch by batch)
        return prediction_batch_rows(getattr(self, "n_features_in_", 1), max(self.net_.batch_size, 4096))

    def __setstate__(self, state):
        super().__setstate__(state)
        if "net_" in state:  # a model fitted on a GPU and loaded without one now lives on the CPU, in float32
            self.device_ = torch.device(self.net_.device)
            self.net_.amp_dtype = precision_here(getattr(self.net_, "amp_dtype", None), self.device_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
