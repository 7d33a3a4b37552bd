"""The splits of ``sknn compare``: k-fold repeated (:func:`repeat_seed`), or the user's splitter or splits, checked.

Each split is (repeat, fold, training rows, test rows). The user's splits are refused when
they would not be evidence: a row in both parts, a row twice in a part, the same split twice,
row numbers outside the data, or pairs that are not pairs.
"""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold, check_cv

__all__ = ["GroupedFolds", "holds_row_numbers", "repeat_seed", "splits"]

_MAX_SPLITS = 100_000  # repeats x folds: far beyond any comparison's need, far below a memory problem


def repeat_seed(random_state, repeat):
    """The seed of repeat ``repeat``'s shuffle: ``random_state`` for the first, then one drawn from numpy's
    ``SeedSequence([random_state, repeat])``.

    Not ``random_state + repeat``: with it, random_state=0 and 1 would share all their repeats but
    one, and a second run "with another seed" would give mostly the same splits. The first repeat
    keeps ``StratifiedKFold(k, shuffle=True, random_state=random_state)``'s folds, as before.
    """
    if repeat == 0:
        return int(random_state)
    return int(np.random.SeedSequence([int(random_state), int(repeat)]).generate_state(1)[0])


class GroupedFolds:
    """k folds that keep each group of rows whole (a patient, a school, a tree measured 8 times), repeated with other
    draws; a splitter of its own ``groups`` (one per row of the X it splits), as compare calls splitters
    (``split(X, y)``), whose ``n_repeats`` numbers its repeats.

    Each repeat takes the groups in an order of its own (by size, largest first, each size scaled by a random factor
    from 0.5 to 1.5: the hardest to place first, but never in one order; every other redraw in a random order) and
    puts each in the fold it leaves nearest its share: of the rows, or with ``stratify`` of each class's rows. A
    repeat's folds are new: none repeats a fold of an earlier repeat (the same split twice is no new evidence),
    redrawn up to 50 times; where the groups allow no new folds (few groups), the error says how many repeats they
    give. scikit-learn's GroupKFold and StratifiedGroupKFold order groups by size alone, so their
    shuffled repeats are often the same folds.

    Folds of rows from one group on both sides score a model on rows it nearly saw: the models that memorise
    (forests, boosting, large networks) look better than they will be on a new group."""

    def __init__(self, n_splits, groups, n_repeats=1, stratify=False, random_state=0):
        self.n_splits, self.groups, self.n_repeats = int(n_splits), np.asarray(groups), int(n_repeats)
        self.stratify, self.random_state = stratify, random_state
        if self.groups.ndim != 1:
            raise ValueError(f"groups must hold one group per row (1-D); got an array of shape {self.groups.shape}.")
        missing = np.asarray(pd.isna(pd.Series(self.groups, dtype=object)), dtype=bool)
        if missing.any():  # (NaN, None, NaT: one group of their own otherwise, without a word)
            first = int(np.flatnonzero(missing)[0])
            raise ValueError(f"groups: {int(missing.sum())} row(s) have no group (row {first} "
                             "first); give each row its group, or leave those rows out of X, y and groups.")
        n_groups = len(self._group_codes()[1])
        if n_groups < self.n_splits:
            raise ValueError(f"groups holds {n_groups} group(s), fewer than the {self.n_splits} folds that each test "
                             f"whole groups: use at most {n_groups} folds (GroupedFolds({n_groups}), --cv {n_groups})."
                             if n_groups > 1 else
                             "groups holds one group: folds that keep a group whole need 2 groups at least.")

    def _group_codes(self):
        """(the group number of each row, the groups), in sorted order where the groups sort (numpy's order), else in
        order of appearance (numbers beside text)."""
        try:
            return pd.factorize(self.groups, sort=True)
        except TypeError:
            return pd.factorize(pd.Series(self.groups, dtype=object), sort=False)

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits * self.n_repeats

    def _draw(self, counts, rng, shuffled=False):
        """The fold of each group (``counts``: its rows, by class), for one draw; ``shuffled``: the groups in a random
        order, not the largest first (a group larger than a fold's share, placed first, is a fold alone each time)."""
        k, sizes = self.n_splits, counts.sum(axis=1)
        order = rng.permutation(len(sizes)) if shuffled else np.argsort(-sizes * rng.uniform(0.5, 1.5, len(sizes)),
                                                                         kind="stable")
        share, folds = counts.sum(axis=0) / k, np.zeros((k, counts.shape[1]))
        fold_of = np.empty(len(sizes), dtype=np.int64)
        for g in order:
            cost = ((folds + counts[g] - share) ** 2).sum(axis=1) - ((folds - share) ** 2).sum(axis=1)
            fold_of[g] = f = int(np.argmin(cost + 1e-9 * folds.sum(axis=1)))  # (ties: the smaller fold)
            folds[f] += counts[g]
        return fold_of

    def split(self, X, y=None, groups=None):
        n = X.shape[0] if hasattr(X, "shape") else len(X)
        if n != len(self.groups):
            raise ValueError(f"GroupedFolds has {len(self.groups)} groups, one per row, but X has {n} rows: give the "
                             "group of each row X holds.")
        group = self._group_codes()[0]
        if self.stratify and y is not None:
            _, label = np.unique(np.asarray(y), return_inverse=True)
            counts = np.zeros((group.max() + 1, label.max() + 1))
            np.add.at(counts, (group, label), 1.0)
        else:
            counts = np.bincount(group)[:, None].astype(float)
        if groups is not None:
            raise TypeError("GroupedFolds holds its groups (given when it was made); its split takes none.")
        seen, out, state = set(), [], self.random_state
        for r in range(self.n_repeats):
            rng = state if isinstance(state, np.random.RandomState) else np.random.RandomState(
                None if state is None else repeat_seed(state, r))
            for attempt in range(50):
                fold_of = self._draw(counts, rng, shuffled=attempt % 2 == 1)[group]
                tests = [np.flatnonzero(fold_of == f) for f in range(self.n_splits)]
                keys = {t.tobytes() for t in tests}
                if all(len(t) for t in tests) and len(keys) == self.n_splits and not keys & seen:
                    break
            else:
                raise ValueError(f"groups holds {group.max() + 1} groups, which give {r} repeat(s) of {self.n_splits} "
                                 f"folds none of which repeats a fold; pass fewer repeats (--repeats {max(1, r)}) or "
                                 "fewer folds.")
            seen |= keys
            out += [(np.flatnonzero(fold_of != f), t) for f, t in enumerate(tests)]
        return iter(out)


def splits(X, y, cv, repeats, task, random_state):
    """[(repeat, fold, train, test)]: k-fold repeated, each repeat shuffled with :func:`repeat_seed`."""
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got {cv}.")
        if cv > len(y):
            raise ValueError(f"cv={cv} folds need at least {cv} rows with a target; there are {len(y)}.")
        kind = StratifiedKFold if task == "classification" else KFold
        if task == "classification":
            labels, counts = np.unique(y, return_counts=True)
            if counts.max() < 2 and len(y) <= 2 * cv:  # (a handful of rows: no identifier, too few rows)
                raise ValueError(f"y has {len(y)} rows only, one of each class: too few to cross-validate (a class "
                                 f"needs 2 rows, {cv} for {cv} folds); add rows.")
            if counts.max() < cv and 2 * len(labels) > len(y):
                numbers = np.asarray(y).dtype.kind in "iuf"  # (text labels: no regression; fewer folds only where
                fixes = ["choose another target"] + [  # two classes have two rows, which compare needs)
                    "pass task='regression' (--task regression) for a quantity"] * numbers + [
                    f"use at most {counts.max()} folds (cv={counts.max()}, --cv {counts.max()})"] * bool(
                        (counts >= 2).sum() >= 2)
                raise ValueError(f"Every class of y has fewer rows than the {cv} folds ({len(labels)} classes in "
                                 f"{len(y)} rows): an identifier or a number is not a class; "
                                 f"{', '.join(fixes[:-1])}{' or ' if len(fixes) > 1 else ''}{fixes[-1]}.")
            if counts.max() < cv:
                raise ValueError(f"cv={cv} folds: the largest class of y has {counts.max()} rows, fewer than the "
                                 f"folds; use at most {counts.max()} folds (cv={counts.max()}, --cv {counts.max()}), "
                                 f"or at most {counts.min()} for every test fold to hold every class.")
        if repeats * int(cv) > _MAX_SPLITS:  # the splits are built before any fit: memory, then days of fits
            raise ValueError(f"repeats={repeats} is too many: with {cv} folds each, {repeats * int(cv):,} fits of "
                             f"every model (at most {_MAX_SPLITS:,} splits); pass fewer repeats (by default compare "
                             "chooses them for the data's size).")
        if random_state is None or isinstance(random_state, Integral):
            seeds = [None if random_state is None else repeat_seed(random_state, r) for r in range(repeats)]
        else:
            seeds = [random_state] * repeats  # a RandomState instance: successive draws
        out = []
        with warnings.catch_warnings():  # a class smaller than the folds: a note in the table, not a warning
            warnings.filterwarnings("ignore", message="The least populated class in y has only")
            for r, seed in enumerate(seeds):
                splitter = kind(int(cv), shuffle=True, random_state=seed)
                out += [(r, f, np.asarray(tr), np.asarray(te)) for f, (tr, te) in enumerate(splitter.split(X, y))]
        return out
    if isinstance(cv, (bool, str, bytes)) or not (cv is None or hasattr(cv, "split") or hasattr(cv, "__iter__")):
        raise ValueError(f"cv must be a number of folds (an int >= 2), a scikit-learn splitter or a list of (training "
                         f"rows, test rows) pairs; got {cv!r}.")
    if repeats not in (None, 1):
        raise ValueError("repeats applies to an int cv; pass a repeated splitter (e.g. RepeatedStratifiedKFold) "
                         "as cv instead.")
    if not hasattr(cv, "split") and cv is not None:  # the splits themselves: each a pair
        cv = list(cv)
        odd = next((f for f, split in enumerate(cv) if not hasattr(split, "__len__") or len(split) != 2), None)
        if odd is not None:
            raise ValueError(f"cv's split {odd} is not a pair (training rows, test rows): give each split as two "
                             "lists of row numbers.")
    splitter = check_cv(cv, y, classifier=task == "classification")
    try:
        out = [(0, f, np.asarray(tr), np.asarray(te)) for f, (tr, te) in enumerate(splitter.split(X, y))]
    except ValueError as exc:
        if "groups" not in str(exc) or isinstance(splitter, GroupedFolds):  # (its own errors name the fix)
            raise
        raise ValueError(f"cv={cv!r} splits by groups, and compare has no groups to give it: pass "
                         "cv=GroupedFolds(5, groups) (from sknn.compare: folds of whole groups, repeated), or the "
                         "splits themselves, cv=list(cv.split(X, y, groups)).") from None
    if len(out) < 2:
        raise ValueError("cv gives fewer than 2 splits; the comparison needs at least 2.")
    out = [(r, f, _split_rows(tr, len(y), f, "training"), _split_rows(te, len(y), f, "test")) for r, f, tr, te in out]
    seen = {}
    for _, f, tr, te in out:
        key = (tuple(np.sort(tr)), tuple(np.sort(te)))
        if key in seen:  # the same split again is no new evidence: the tests would count it twice
            raise ValueError(f"cv's splits {seen[key]} and {f} are the same: each split is evidence once; give each "
                             "split once (repeat a shuffled splitter, e.g. RepeatedKFold, for more).")
        seen[key] = f
        shared = np.intersect1d(tr, te)
        if len(shared):
            raise ValueError(f"cv's split {f} has rows both in its training and its test part (such as row "
                             f"{shared[0]}, {len(shared)} in all): every model would be scored on rows it learned; "
                             "give each split disjoint rows.")
    if task == "classification" and all(len(te) == 1 for _, _, _, te in out):  # (the tests' standard error is
        # floored at a row's change: a whole split's, then)
        raise ValueError(f"cv's {len(out)} test sets hold one row each (leave-one-out): a split's accuracy is all or "
                         "nothing, and the tests across splits cannot tell the models apart; pass a number of folds "
                         "(cv=10, with repeats on small data) instead.")
    n_repeats = getattr(splitter, "n_repeats", None)
    if isinstance(n_repeats, Integral) and n_repeats > 1 and len(out) % n_repeats == 0:
        k = len(out) // n_repeats
        out = [(i // k, i % k, tr, te) for i, (_, _, tr, te) in enumerate(out)]
    return out


def holds_row_numbers(cv):
    """Whether a splitter was made of the user's row numbers or of a value per row (check_cv of a list,
    PredefinedSplit's test_fold, GroupedFolds' groups): rows left out for a missing target renumber the others
    under it."""
    return isinstance(cv, GroupedFolds) or type(cv).__name__ in ("_CVIterableWrapper", "PredefinedSplit")


def _split_rows(rows, n, f, part):
    """The row numbers of one part of a user's split (a boolean mask of n rows counts too), refused when empty,
    not whole numbers, or outside the n rows."""
    rows = np.asarray(rows)
    if rows.dtype.kind == "b" and rows.shape == (n,):
        rows = np.flatnonzero(rows)
    if rows.ndim != 1 or rows.dtype.kind not in "iu" or len(rows) == 0:
        raise ValueError(f"cv's split {f} has a {part} part that is not a non-empty list of row numbers "
                         f"({rows.dtype}, shape {rows.shape}); give each split as (training rows, test rows).")
    if rows.min() < 0 or rows.max() >= n:
        bad = rows[(rows < 0) | (rows >= n)][0]
        raise ValueError(f"cv's split {f} has the row number {bad} in its {part} part, but the data has {n} rows "
                         f"(with a target) numbered 0 to {n - 1}.")
    unique, counts = np.unique(rows, return_counts=True)
    if (counts > 1).any():  # a test row counted twice weighs twice in the split's score
        raise ValueError(f"cv's split {f} has the row {unique[counts > 1][0]} {counts.max()} times in its {part} "
                         "part: give each row once per part.")
    return rows
