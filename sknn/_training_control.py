"""How a training call starts, stops and ends: what the engine (:mod:`sknn._engine`) keeps to roll an epoch
back, how it tells the callbacks that an epoch ended, which epoch's weights a fit keeps, the callbacks' history keys
checked before training, and a regressor's targets in y's units for the callbacks.
"""

import copy
import re
import string
import tempfile

import numpy as np
import torch

from ._warnings import warn_user

__all__ = ["EpochSnapshot", "HistoryKeptOnLoad", "TargetUnits", "check_history_keys", "kept_epoch",
           "notify_every_callback", "overrides"]


class EpochSnapshot:
    """The module's and the optimizer's state at the start of an epoch, kept in reused buffers.

    Taking it copies into tensors allocated once (no deep copy per epoch); restoring it
    after a Ctrl-C, or any error inside the epoch, puts weights, buffers and optimizer moments back as they were. With
    ``on_disk``, the module's CPU tensors go to an anonymous temporary file instead
    (written from the tensors' own memory, read back into it), so that the weights are
    not held twice in memory: for large tables, such as word vectors.
    """

    def __init__(self, on_disk=False):
        self.on_disk = on_disk
        self.module = None
        self.optim = None
        self.file = None

    @staticmethod
    def _bytes(tensor):
        """The tensor's memory as a flat numpy byte array (a view), or None where it has none to share."""
        if tensor.device.type != "cpu" or not tensor.is_contiguous():
            return None
        try:
            return tensor.numpy().reshape(-1).view(np.uint8)
        except (TypeError, RuntimeError):  # dtypes numpy lacks (bfloat16...)
            return None

    def _write(self, state):
        """The weights of ``state`` into the snapshot's temporary file (those numpy cannot view: kept in memory)."""
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="sknn-epoch-")
        self.file.seek(0)
        kept = {}
        for k, v in state.items():
            raw = self._bytes(v)
            if raw is None:
                kept[k] = v.detach().clone()
            else:
                raw.tofile(self.file)
        self.file.truncate()
        self.module = kept

    def _copy(self, state):
        """The weights of ``state`` copied in memory (into the copies of the last epoch where they still fit)."""
        if self.module is None or self.module.keys() != state.keys():
            self.module = {k: v.detach().clone() for k, v in state.items()}
        else:
            for k, v in state.items():
                self.module[k].copy_(v)

    def take(self, module, optimizer):
        state = module.state_dict(keep_vars=False)
        if self.on_disk:
            try:
                self._write(state)
            except OSError as exc:  # no temporary folder, or no room in it (a read-only container, a full /tmp)
                self.close()
                self.on_disk, self.module = False, None
                warn_user(f"The weights a Ctrl-C goes back to (the last finished epoch's) could not be written to a "
                          f"temporary file ({exc}); they are kept in memory instead, a copy of the weights: set "
                          "TMPDIR to a folder with room to keep them on disk.")
        if not self.on_disk:
            self._copy(state)
        entries = [(p, k, v) for p, st in optimizer.state.items() for k, v in st.items()]
        old = self.optim or []
        if len(old) == len(entries) and all(o[0] is e[0] and o[1] == e[1] and torch.is_tensor(e[2])
                                            and o[2].shape == e[2].shape for o, e in zip(old, entries)):
            for o, e in zip(old, entries):
                o[2].copy_(e[2])
        else:
            self.optim = [(p, k, v.detach().clone() if torch.is_tensor(v) else copy.deepcopy(v))
                          for p, k, v in entries]

    def restore(self, module, optimizer):
        if self.on_disk:
            self.file.seek(0)
        with torch.no_grad():
            for k, v in module.state_dict(keep_vars=False).items():
                if k in self.module:
                    v.copy_(self.module[k])
                else:  # on disk, in the order written
                    raw = self._bytes(v)
                    if self.file.readinto(raw) != raw.nbytes:
                        raise RuntimeError("The epoch snapshot file ended early: the weights were not restored.")
        optimizer.state.clear()
        for p, k, v in self.optim or []:
            optimizer.state[p][k] = v.clone() if torch.is_tensor(v) else copy.deepcopy(v)

    def close(self):
        if self.file is not None:
            self.file.close()  # an anonymous file: closing deletes it
            self.file = None



def notify_every_callback(net, method_name, **kwargs):
    """Call hook ``method_name`` of the net and of every callback, in order, even when one asks to stop training
    (raises KeyboardInterrupt, as skorch's EarlyStopping does): the request is raised again once every callback has
    seen the epoch, so that none after it in the chain misses the last one (sknn's best-epoch rule, the log's
    line)."""
    stop = None
    net._ending_training = method_name == "on_train_end"  # (:class:`HistoryKeptOnLoad`)
    try:
        for hook in [getattr(net, method_name)] + [getattr(cb, method_name) for _, cb in net.callbacks_]:
            try:
                hook(net, **kwargs)
            except KeyboardInterrupt as exc:
                stop = stop or exc
    finally:
        net._ending_training = False
    if stop is not None:
        raise stop


def kept_epoch(net, ended=True):
    """The epoch whose weights ``net`` holds after a training call: its last finished epoch, or, where a callback
    restored its best one as training ended (``ended``; ``load_best``: sknn's early stopping, skorch's EarlyStopping
    or Checkpoint), that epoch (the last of them in the chain restores last; skorch's own EarlyStopping restores
    nothing where its best epoch is the history's last, sknn's always restores). None before any epoch."""
    from skorch.callbacks import Checkpoint, EarlyStopping

    finished = net.finished_epochs()
    kept = finished[-1]["epoch"] if finished else None
    last = net.history[-1, "epoch"] if len(net.history) else None
    for _, cb in net.callbacks_ if ended else ():
        if not getattr(cb, "load_best", False):
            continue
        if getattr(cb, "best_model_weights_", None) is not None:  # EarlyStopping's, from memory
            if type(cb).on_train_end is not EarlyStopping.on_train_end or cb.best_epoch_ != last:
                kept = cb.best_epoch_
        elif isinstance(cb, Checkpoint) and cb.monitor is not None and cb.event_name:  # from its last save
            kept = next((row["epoch"] for row in reversed(finished) if row.get(cb.event_name)), kept)
    return kept


class TargetUnits:
    """A regressor's targets in y's units for the callbacks (scikit-learn's scorers in skorch's EpochScoring): the
    network trains on standardised targets (``normalize_y``), ``mean + scale * z`` gives y back, and predictions are
    clipped to ``y_range`` (lowest, highest: ``clip_predictions``) as the estimator's ``predict`` clips them.

    ``targets`` converts a batch's targets on their device, in float64 where the device has it (no host copy);
    ``predictions`` is the engine's prediction nonlinearity: skorch's ``predict_proba`` copies each batch's outputs
    to the host anyway, and they come back in float64, as the estimator's ``predict`` gives them.
    """

    def __init__(self, mean, scale, y_range=None):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.y_range = None if y_range is None else np.asarray(y_range, dtype=np.float64)

    def predictions(self, out):
        out = out.detach().to("cpu", torch.float64).numpy() * self.scale + self.mean
        return out if self.y_range is None else np.clip(out, self.y_range[0], self.y_range[1])

    def targets(self, y):
        dtype = torch.float32 if y.device.type == "mps" else torch.float64  # (MPS has no float64)
        cached = getattr(self, "_on_device", None)
        if cached is None or cached[0] != (y.device, dtype):  # once per device: no copy per batch
            cached = self._on_device = ((y.device, dtype), torch.as_tensor(self.scale, dtype=dtype, device=y.device),
                                        torch.as_tensor(self.mean, dtype=dtype, device=y.device))
        return y.to(dtype) * cached[1] + cached[2]

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_on_device", None)
        return state


# -- the history keys callbacks read, checked before training -------------------------------------------------------
_FIELD = re.compile(r"(last_epoch|last_batch)\[([^\]]*)\]")


def _scorer_name(cb):
    """The name a scoring callback records its score under (None where it cannot be told before training)."""
    try:
        return copy.copy(cb).initialize().name_  # a copy: the callback's own state stays as it is
    except Exception:  # noqa: BLE001 (a scorer skorch itself will refuse)
        return None


def _check_scorer_name(name, cb):
    """Refuse a scoring callback's ``scoring`` string that names no scikit-learn scorer (sklearn's error came after
    the first epoch, naming no callback)."""
    from sklearn.metrics import get_scorer_names

    if type(cb).__name__ not in ("EpochScoring", "BatchScoring"):
        return
    scoring = getattr(cb, "scoring", None)
    if scoring is None:  # (sklearn's TypeError, after the first epoch)
        raise ValueError(f"callbacks: {name} ({type(cb).__name__}) has scoring=None, which means the training "
                         "engine's own score method, and it has none: pass a scorer name such as 'accuracy' or 'r2', "
                         "or a callable (the estimator's score of the validation set is recorded already: "
                         "history_['valid_score'], validation_scores_).")
    if isinstance(scoring, str) and scoring not in get_scorer_names():
        raise ValueError(f"callbacks: {name} ({type(cb).__name__}) scores with {scoring!r}, which names no "
                         "scikit-learn scorer: pass one of sklearn.metrics.get_scorer_names() (such as 'accuracy' or "
                         "'r2'), or a callable.")


def _reads(cb):
    """The history keys ``cb`` reads as an epoch ends: ('epoch' or 'batch', key) pairs."""
    from skorch.callbacks import Checkpoint, EarlyStopping, LRScheduler

    reads = []
    if isinstance(cb, (EarlyStopping, Checkpoint)) and isinstance(cb.monitor, str):
        reads.append(("epoch", cb.monitor))
    if isinstance(cb, LRScheduler) and isinstance(cb.monitor, str) and "ReduceLROnPlateau" in (
            cb.policy if isinstance(cb.policy, str) else getattr(cb.policy, "__name__", "")):
        reads.append(("epoch" if cb.step_every == "epoch" else "batch", cb.monitor))
    for attr, template in vars(cb).items():  # Checkpoint's file names: '{last_epoch[valid_loss]}.pt'
        if attr.startswith("f_") and isinstance(template, str):
            try:
                fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
            except ValueError:  # not a format string: skorch names the mistake
                continue
            for match in filter(None, map(_FIELD.match, fields)):
                reads.append(("epoch" if match[1] == "last_epoch" else "batch", match[2]))
    return reads


def _records(cb, validation):
    """The epoch keys and batch keys ``cb`` records (None: it cannot be told); scorers score the validation set
    unless ``on_train``."""
    from skorch.callbacks import BatchScoring, Checkpoint, EpochScoring, LRScheduler, PassthroughScoring

    if isinstance(cb, (EpochScoring, BatchScoring, PassthroughScoring)):
        name = cb.name if isinstance(cb, PassthroughScoring) else _scorer_name(cb)
        if name is None:
            return None
        if not (getattr(cb, "on_train", False) or validation):
            return set(), set()
        names = {name} | ({name + "_best"} if cb.lower_is_better is not None else set())
        return names, ({name} if isinstance(cb, BatchScoring) else set())
    if isinstance(cb, LRScheduler) and cb.event_name:
        return ({cb.event_name}, set()) if cb.step_every == "epoch" else (set(), {cb.event_name})
    if isinstance(cb, Checkpoint) and cb.event_name:
        return {cb.event_name}, set()
    return set(), set()


def overrides(callback, hook):
    """Whether ``callback`` defines skorch's callback method ``hook`` ('on_batch_end'...) itself."""
    from skorch.callbacks import Callback

    return getattr(type(callback), hook, None) is not getattr(Callback, hook)


#: the history keys the fit records itself, which no scoring callback may take
_ENGINE_KEYS = frozenset({"epoch", "dur", "train_loss", "train_loss_best", "valid_loss", "valid_loss_best",
                          "valid_score", "valid_score_best"})


def check_history_keys(callbacks, validation, scored):
    """Refuse, before training, a callback that would read a history key the fit does not record (skorch's bare
    KeyError came after a whole epoch): EarlyStopping's, Checkpoint's and a ReduceLROnPlateau scheduler's
    ``monitor``, and the fields of Checkpoint's file names. ``callbacks``: the engine's (name, callback) pairs in
    order; ``validation``: whether a validation set is scored each epoch (``valid_score`` too where ``scored``).
    A callback of the user's own may record any key: the check is then left to skorch."""
    from ._callbacks import ParameterSchedule

    callbacks = [(name, cb() if isinstance(cb, type) else cb) for name, cb in callbacks]
    for name, cb in callbacks:
        _check_scorer_name(name, cb)
        taken = (_records(cb, True) or (set(), set()))[0] & _ENGINE_KEYS if type(cb).__name__ in (
            "EpochScoring", "BatchScoring", "PassthroughScoring") else set()
        if taken:  # (its scores replaced the losses: the best epoch chosen, and loss_curve_, by another number)
            raise ValueError(f"callbacks: {name} ({type(cb).__name__}) records its scores as {min(taken)!r}, a key "
                             f"the fit records itself ({', '.join(sorted(_ENGINE_KEYS))}): give it a name of its "
                             "own, e.g. name='valid_auc'.")
    if not all(type(cb).__module__.split(".")[0] in ("skorch", "sknn") for _, cb in callbacks):
        return
    epoch = {"epoch", "dur", "train_loss", "train_loss_best"}
    if validation:
        epoch |= {"valid_loss", "valid_loss_best"} | ({"valid_score"} if scored else set())
    epoch |= {"event_lr" for _, cb in callbacks if isinstance(cb, ParameterSchedule) and cb.learning_rate}
    batch = set()
    if any(overrides(cb, hook) for _, cb in callbacks for hook in ("on_batch_begin", "on_batch_end")):
        batch = {"valid_batch_size" if validation else "train_batch_size"}  # (the engine's rows: the epoch's last)
    for name, cb in callbacks:
        for kind, key in _reads(cb):
            if key not in (epoch if kind == "epoch" else batch):
                raise ValueError(_missing_key(name, cb, kind, key, epoch, validation))
        records = _records(cb, validation)
        if records == (set(), set()) and type(cb).__name__ in ("EpochScoring", "BatchScoring"):  # (not on_train)
            warn_user(f"callbacks: {type(cb).__name__}(name={cb.name!r}) scores the validation set, which this fit "
                      "does not have: it records nothing. Pass fit(..., validation_data=(X_val, y_val)) or "
                      "early_stopping=True (partial_fit validates nothing), or on_train=True to score the training "
                      "rows.")
        if records is None:
            return
        epoch, batch = epoch | records[0], batch | records[1]


def _missing_key(name, cb, kind, key, recorded, validation):
    if kind == "batch":
        fix = ("sknn records the losses once an epoch, not per batch (no host copy per step): read last_epoch[...] "
               "or monitor an epoch's key")
    elif key.startswith("valid_") and not validation:
        fix = ("this fit has no validation set: pass fit(..., validation_data=(X_val, y_val)), or early_stopping=True "
               "to set validation_fraction of the rows aside (partial_fit validates nothing)")
    else:
        fix = f"record it with a callback before this one, e.g. EpochScoring(..., name={key!r})"
    return (f"callbacks: {name} ({type(cb).__name__}) reads {key!r} from the history of each {kind}, which this fit "
            f"does not record; {fix}. The history of each epoch records: {', '.join(sorted(recorded))}.")


class HistoryKeptOnLoad:
    """An engine mixin: skorch's ``load_params`` with a ``checkpoint`` as training ends (``Checkpoint(load_best=True)``)
    loads the checkpoint's weights and optimizer state, but not its history, which ends at the checkpoint's epoch and
    would replace the engine's: ``n_iter_``, ``loss_curve_`` and ``history_`` describe every epoch that ran, and
    sknn's stopping rule still finds the epoch it keeps there. Called after a fit, it loads the history too."""

    def load_params(self, *args, checkpoint=None, **kwargs):
        if checkpoint is not None and getattr(self, "_ending_training", False):
            checkpoint = copy.copy(checkpoint)
            checkpoint.f_history = None
        return super().load_params(*args, checkpoint=checkpoint, **kwargs)
