"""The validation split of ``early_stopping=True``: the samples set aside at random (stratified by class for a
classifier), and no class held by the validation samples alone, which the network would never learn; and the words
of errors about ``validation_data`` (X_val and y_val, not fit's X and y)."""

import re

import numpy as np
from sklearn.model_selection import train_test_split

__all__ = ["as_validation_message", "keep_classes_training", "validation_indices"]


def validation_indices(n, fraction, y_index, rng):
    """The indices (train, valid) of a split of ``n`` samples that sets ``fraction`` of them aside, rounded as
    ``train_test_split`` rounds it; ``y_index``: the class index of each sample, to stratify by (None: a random
    split). A class of one sample trains (set aside, it would never be learned)."""
    if n < 2:
        raise ValueError(f"early_stopping=True needs at least 2 samples to set some aside, got n_samples={n}; "
                         "pass more data or early_stopping=False.")
    n_valid = int(np.ceil(fraction * n))  # train_test_split's rounding
    if n_valid >= n:
        raise ValueError(f"validation_fraction={fraction} sets aside {n_valid} of the {n} samples, leaving none to "
                         "train on; pass a smaller validation_fraction (e.g. 0.1), more data, or early_stopping=False.")
    idx, test_size, stratify = np.arange(n), fraction, y_index
    seed = rng.randint(np.iinfo(np.int32).max)
    single = np.zeros(n, dtype=bool)
    if stratify is not None:
        single = np.bincount(y_index)[y_index] < 2
        if single.any() and (~single).sum() > n_valid:
            idx, stratify, test_size = idx[~single], y_index[~single], n_valid
        else:
            single[:] = False
    try:
        train, valid = train_test_split(idx, test_size=test_size, random_state=seed, stratify=stratify)
    except ValueError:  # fewer validation samples than classes: split without stratifying
        train, valid = train_test_split(idx, test_size=test_size, random_state=seed)
    if single.any():
        train = np.sort(np.concatenate([train, np.flatnonzero(single)]))
    return train, valid


def keep_classes_training(train, valid, labels, owners, classes, unit="sample"):
    """``train``, ``valid`` with one validation sample moved into training for each class that only validation
    samples hold (an unstratified split may set a class aside whole; a tag may occur in the validation sentences
    only), which would never be learned; refused where every validation sample would move.

    Parameters
    ----------
    train, valid : ndarray of int
        The samples of each part (``valid`` in the split's random order: the first that holds a class moves).
    labels, owners : ndarray of int
        The class index of each label the samples hold and the sample holding it (a classifier: one per sample;
        a tagger: one per token).
    classes : array-like or None
        The classes, to name one in the refusal (None: by its index).
    unit : str
        What a sample is, for the refusal ('sample', 'sequence').
    """
    rank = np.full(len(train) + len(valid), -1)
    rank[valid] = np.arange(len(valid))
    held_rank = rank[owners]  # the rank in valid of the sample holding each label; -1: a training sample's
    set_aside = held_rank >= 0
    lacking = np.setdiff1d(labels[set_aside], labels[~set_aside])
    moved, covered = [], set()
    for c in lacking.tolist():
        if c in covered:  # a sample moved for another class holds it too
            continue
        first = int(valid[held_rank[set_aside & (labels == c)].min()])
        moved.append(first)
        covered.update(labels[owners == first].tolist())
    if moved and len(moved) == len(valid):
        label = int(lacking[0]) if classes is None else np.asarray(classes)[lacking[:1]].tolist()[0]
        n = len(train) + len(valid)
        raise ValueError(f"early_stopping=True sets {len(valid)} of the {n} {unit}s aside for validation, which would "
                         f"leave class {label!r} no training {unit} (it would never be learned); pass more data, a "
                         "smaller validation_fraction, validation_data=(X_val, y_val), or early_stopping=False.")
    if moved:
        train, valid = np.sort(np.concatenate([train, moved])), valid[~np.isin(valid, moved)]
    return train, valid


# fit's X or y named in a message (X[3] is empty..., y holds ..., y[0] is 0 but y[1] is 'a', np.ravel(y)): a name of
# its own, not part of a word or of another name (X_val, self.y)
_FIT_DATA = re.compile(r"(?<![\w.'\"])(X|y)(?=[\[ .,:')])")  # (in quotes, 'y' is a column's or a label's name)


_FEATURES = re.compile(r"X_val has \d+ features?, but \w+ is expecting \d+ features?")


def as_validation_message(exc):
    """The message of an error a check of fit's data raised on ``validation_data``: X and y named X_val and y_val;
    a count of features that differs from fit's X told where that comes from in a composition."""
    message = _FIT_DATA.sub(r"\1_val", str(exc))
    if _FEATURES.search(message):
        message = (message.rstrip(".") + ". In a Pipeline, the steps before the network transform X_val only with "
                   "Pipeline(..., transform_input=['X_val']); an ensemble that gives each member some of X's columns "
                   "(BaggingClassifier's max_features) passes X_val whole: set validation_fraction instead.")
    return message
