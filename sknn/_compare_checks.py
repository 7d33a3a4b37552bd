"""What ``sknn compare`` checks in the data before any fit: leaks the folds cannot see.

Cross-validation scores every model on rows it did not learn, but some data makes that promise
empty for reasons no test on the scores can detect: the target among the features (refused
when that cannot be chance, else a note), rows repeated exactly where repeats are unlikely by
chance (copies straddle the folds) and a row identifier (its order can follow the target). The
two last ones can be meant, so they are notes in ``table.attrs['notes']``.
"""

import re

import numpy as np
import pandas as pd

from ._compare_splits import GroupedFolds

__all__ = ["check_target_not_a_feature", "duplicated_rows_note", "row_identifier_notes", "target_column"]

#: Rows repeating another row, as a share of the rows, from which the note is given: a few
#: repeats are common in discrete data and change little.
DUPLICATE_SHARE = 0.05
#: A column equal to a target of at most 2 values is refused from this many rows on; below, a
#: real binary feature can agree with it by chance (90% agreement over 18 rows: 15%), so a note.
TARGET_COPY_MIN_ROWS = 50
#: Rows of the smallest class from which a column pairing one to one with the classes is refused; below, a real
#: feature can single out a small class (a flag on its 5 rows, a value per person of 10 rows), so a note.
TARGET_NAMES_MIN_CLASS_ROWS = 20
#: Rows below which a column holding the row numbers in another order is as likely a small feature.
IDENTIFIER_MIN_ROWS = 20
#: A share of distinct values (among the distinct rows) from which a column makes exact repeats of
#: a row unlikely by chance, and the fewest distinct values that count.
DISTINCT_SHARE, DISTINCT_MIN = 0.9, 10  # (counts and rounded values tie by chance below)
#: Column names that say "row identifier" (lower case), besides names ending in '_id', ' id' or 'Id'.
IDENTIFIER_NAMES = {"id", "ids", "index", "idx", "row", "rowid", "row_id", "rownames", "rowname", "row_names",
                    "row_number", "row number", "rownum", "level_0", "uuid", "guid"}


#: the DataFrame attribute that says a table came as an array (rows with text), its columns named x0, x1, ... by
#: :func:`sknn._compare_lineup._check_features`: they are shown to the user by position
FROM_ARRAY = "sknn_from_array"


def _columns(X):
    """(name as shown, values) of each column of a 2-D X; nothing for images or a list of texts."""
    if isinstance(X, pd.DataFrame) and not X.attrs.get(FROM_ARRAY):
        for name in X.columns:
            yield f"column {str(name)!r}", f"X.drop(columns={str(name)!r})", np.asarray(X[name])
        return
    if isinstance(X, pd.DataFrame):  # an array with text in its rows, typed column by column: named by position
        for j, name in enumerate(X.columns):
            yield f"column {j} (counting from 0)", f"np.delete(X, {j}, axis=1)", np.asarray(X[name])
        return
    try:
        values = np.asarray(X)
    except (TypeError, ValueError):  # ragged rows: the user's own models read them
        return
    if values.ndim != 2:
        return
    for j in range(values.shape[1]):
        yield f"column {j} (counting from 0)", f"np.delete(X, {j}, axis=1)", values[:, j]


def _as_float(values):
    """The values as floats, or None when some are not numbers."""
    if values.dtype.kind in "biuf":
        return values.astype(np.float64)
    if values.dtype.kind != "O" or any(isinstance(v, (str, bytes)) for v in values[:1000]):
        return None
    try:
        return values.astype(np.float64)
    except (TypeError, ValueError):
        return None


def _same_values(values, y, y_float):
    """Whether a column holds y in every row: as numbers when both are numbers (1 and 1.0 and True agree),
    else as text."""
    if len(values) == 0:
        return False
    column = _as_float(values)
    if column is not None or y_float is not None:
        return column is not None and y_float is not None and np.array_equal(column, y_float)
    return bool((values.astype(str) == y.astype(str)).all())


def check_target_not_a_feature(X, y, task="classification"):
    """Refuse an X with a column that is the target y, naming it and how to drop it.

    Every model would read the answer from that column and score perfectly (``compare(df,
    df['target'])`` with the target left in ``df``): a column equal to y in every row, or, for a
    classification, one whose values pair one to one with the classes (the target under other names: 0/1
    for 'no'/'yes', a code for each label). A column of at most 2 values on fewer than
    ``TARGET_COPY_MIN_ROWS`` rows can agree with a binary target by chance: a note, not an error. For a
    regression, a column of text whose values pair one to one with the target's (a code for each rating of
    1-5) is refused as for the classes; a column of numbers that is an exact linear function of y (the target
    in other units, or a noiseless toy), or pairs one to one with its values, gets a note.

    Returns
    -------
    notes : list of str
        One for each such small binary column, or number column a regression's target determines.
    """
    y = np.asarray(y)
    y_float = _as_float(y)
    regression = task != "classification"
    # the classes, or a regression target's values: one of few values (ratings 1-5) can have a code per value too
    # (a target of as many values as rows cannot, nor one whose first 1,000 rows hold over 500: not coded)
    few = not regression or len(y) >= 2 and 2 * len(pd.unique(y[:1000])) <= min(len(y), 1000)
    y_codes, y_names = pd.factorize(y, use_na_sentinel=False) if few else (None, None)
    notes = []
    texts = np.asarray(X, dtype=object) if isinstance(X, (list, tuple, np.ndarray, pd.Series)) and np.ndim(X) == 1 \
        else None  # (a 1-D X of documents, for the user's text pipeline: the target itself, refused as a column is)
    if texts is not None and len(texts) and _same_values(texts, y, y_float):
        raise ValueError("X equals the target y in every row: the models would read the answer from it; pass the "
                         "features (the documents), not the labels, as X.")
    for shown, drop, values in _columns(X):
        first = None if y_float is None else y_float[:1]
        rows = slice(None)
        if _same_values(values[:1], y[:1], first) and _same_values(values, y, y_float):  # (first row: quick)
            how, what = "equals the target y in every row", "it is the target left among the features"
        elif regression and y_float is not None and _linear_in(values, y_float):
            notes.append(f"X's {shown} is an exact linear function of the target y in every row{_aside(values)} "
                         f"(the target in other units?): every model can read the answer from it; drop it ({drop})"
                         " if it was derived from the target")
            continue
        elif y_codes is not None and (rows := _one_to_one_rows(values, y, y_codes)) is not None:
            aside = "" if isinstance(rows, slice) else _aside(values)  # (a missing cell may be a class's value)
            how = (f"pairs one to one with the {'values' if regression else 'classes'} of the target y "
                   f"({_pairing(values[rows], y[rows])}{aside})")
            what = "it is the target under other names" + (  # (a district's name, y a district's figure)
                ", or names groups that each share one value of it" if regression else "")
            if regression and _as_float(values[rows]) is not None:  # numbers: a noiseless toy's function of y too
                notes.append(f"X's {shown} {how}: every model can read the answer from it; drop it ({drop}) if it "
                             "was derived from the target")
                continue
        else:
            told = _tells_the_target(values, y_float if regression else y_codes, regression, y_names)
            if told:
                notes.append(f"X's {shown} {told}{_aside(values)}: a feature measured after the target, or derived "
                             f"from it, does so; drop it ({drop}) if it is one (a real feature may, on an easy task)")
            continue
        judged = y[rows]  # the rows the column was judged on (its missing cells aside)
        if len(judged) < TARGET_COPY_MIN_ROWS and len(pd.unique(judged)) <= 2:
            notes.append(f"X's {shown} {how}: on {len(judged)} rows a feature of 2 values can agree with the target "
                         "by chance, but if it is the target left among the features, every model reads the answer "
                         f"from it: drop it ({drop})")
            continue
        smallest = int(np.bincount(pd.factorize(judged)[0]).min())
        if smallest < TARGET_NAMES_MIN_CLASS_ROWS and "other names" in what:
            kind = "value" if regression else "class"
            notes.append(f"X's {shown} {how}: with a {kind} of {smallest} rows a real feature can do so, but if it is "
                         f"the target under other names, every model reads the answer from it: drop it ({drop})")
            continue
        raise ValueError(f"X's {shown} {how}: {what}, and every model would read the answer from it; drop it "
                         f"from X ({drop}), or remove it from the file.")
    return notes + _one_hot_target_notes(X, y_codes if not regression else None)


def _one_hot_target_notes(X, y_codes):
    """A note where 0/1 columns of X are the classes of the target written one column a class (a file that kept
    the target's one-hot columns beside it): each alone has 2 values for 3 classes or more, so no check of one
    column finds them, yet together they give the answer (all of the classes, or all but one)."""
    n_classes = 0 if y_codes is None else int(y_codes.max(initial=-1)) + 1
    if n_classes < 3:
        return []
    found = {}
    for shown, drop, values in _columns(X):
        numbers = _as_float(values)
        if numbers is None or not np.isin(numbers, (0.0, 1.0)).all():
            continue
        for c in range(n_classes):
            if c not in found and np.array_equal(numbers == 1, y_codes == c):
                found[c] = (shown, drop)
    if len(found) < n_classes - 1:
        return []
    shown = ", ".join(s for s, _ in found.values())
    return [f"X's {shown} are the classes of the target y written as 0/1 columns, one a class: every model can read "
            f"the answer from them; drop them ({'; '.join(d for _, d in found.values())}) if they were derived from "
            "the target"]


def _pairs_one_to_one(values, y_codes, sample=1000):
    """Whether each value of a column always goes with one class and each class with one value (2 classes or more,
    each of at least 2 rows on average: not a column of row identifiers), judged on the first ``sample`` rows
    first (a feature fails there at once)."""
    n_classes = int(y_codes.max(initial=-1)) + 1
    if n_classes < 2 or 2 * n_classes > len(y_codes) or len(values) != len(y_codes):
        return False
    return all(_consistent(values[:stop], y_codes[:stop]) for stop in ((sample, None) if len(values) > sample
                                                                       else (None,)))


def _consistent(values, y_codes):
    """Whether the values and the classes of these rows pair one to one (a value of its own for each class seen)."""
    codes = pd.factorize(values, use_na_sentinel=False)[0].astype(np.int64)
    n_seen = len(np.unique(y_codes))
    return int(codes.max(initial=-1)) + 1 == n_seen and len(np.unique(codes * (int(y_codes.max(initial=0)) + 1)
                                                                       + y_codes)) == n_seen


#: The share of missing cells up to which a column is judged on its other rows (a copy of the target with a few
#: cells lost is a copy all the same).
MISSING_SHARE = 0.1


def _one_to_one_rows(values, y, y_codes, sample=1000):
    """The rows on which a column pairs one to one with the classes: all of them (a slice), or those where it is not
    missing (a mask) when at most ``MISSING_SHARE`` of its cells are and its first present rows already pair
    (a feature fails there at once); else None."""
    if 2 * (int(y_codes.max(initial=-1)) + 1) > len(y_codes):  # classes of under 2 rows on average: not judged
        return None
    if _pairs_one_to_one(values, y_codes):
        return slice(None)
    head = ~pd.isna(values[:sample])
    if head.all() and len(values) <= sample or not _consistent(values[:sample][head], y_codes[:sample][head]):
        return None
    present = ~pd.isna(values)
    if present.all() or present.mean() < 1 - MISSING_SHARE:
        return None
    return present if _pairs_one_to_one(values[present], pd.factorize(y[present])[0]) else None


#: Rows (the column's missing cells aside) from which a column that tells the target almost alone gets a note, and the
#: rank correlation with a regression's target from which it does
TELLS_TARGET_MIN_ROWS, TELLS_TARGET_RANK_CORRELATION = 50, 0.99


def _tells_the_target(values, target, regression, names=None):
    """How a column of numbers tells the target almost alone, in words, else None: for 2 classes (``target``: their
    codes, ``names`` the labels of the codes), a threshold that separates them (every value of one class below every
    value of the other, 5 rows or more each); for a regression (``target``: y as floats, or None), a rank
    correlation with y of 0.99 or more (y in other units with noise, rounded, a monotone function of it). The copies,
    linear functions and codes :func:`check_target_not_a_feature` refuses or notes come first."""
    numbers = _as_float(values)
    if numbers is None:
        return None
    if target is None:
        return None
    present = ~np.isnan(numbers)
    numbers, target = numbers[present], target[present]
    distinct = len(np.unique(numbers))
    if len(numbers) < TELLS_TARGET_MIN_ROWS or distinct < 3:
        return None
    if distinct == len(numbers) and (numbers % 1 == 0).all() and _is_row_number(numbers):  # shuffled row numbers:
        return None  # the identifier notes say what they leak (other distinct whole numbers: 1000.., a scaled y)
    if regression:
        if np.ptp(target) == 0:
            return None
        rho = pd.Series(numbers).corr(pd.Series(target), method="spearman")
        return (f"follows the target y almost exactly (rank correlation {rho:.4f})"
                if abs(rho) >= TELLS_TARGET_RANK_CORRELATION else None)
    counts = np.bincount(target, minlength=len(names))
    if len(names) != 2 or counts.min() < 5:
        return None
    a, b = numbers[target == 0], numbers[target == 1]
    if a.max() < b.min() or b.max() < a.min():
        (low, lows), (high, highs) = sorted(((str(names[0]), a), (str(names[1]), b)), key=lambda pair: pair[1].min())
        return (f"alone separates the 2 classes: every {low!r} from {lows.min():.4g} to {lows.max():.4g}, every "
                f"{high!r} from {highs.min():.4g} to {highs.max():.4g}")
    return None


def _aside(values):
    """', its missing cells aside' for a column with some missing cells, for the messages."""
    n = int(pd.isna(values).sum())
    return f", its {n} missing cell{'s' if n > 1 else ''} aside" if n else ""


def _pairing(values, y, shown=3):
    """A few of a column's values with the class each goes with, for the message."""
    pairs = pd.DataFrame({"value": values, "label": y}).drop_duplicates().head(shown + 1)
    text = ", ".join(f"{_plain(v)!r} with {_plain(c)!r}"
                     for v, c in zip(pairs["value"][:shown], pairs["label"][:shown]))
    return text + (", ..." if len(pairs) > shown else "")


def _plain(value):
    """A value as a message shows it: whole floats as integers (a float column of codes), numpy's scalars as
    Python's."""
    value = value.item() if isinstance(value, np.generic) else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _linear_in(values, y_float, sample=1000):
    """Whether a numeric column is a + b y (b not 0), to float64's rounding, in every row where it is finite (at
    least all but ``MISSING_SHARE`` of them); judged on the first ``sample`` rows first."""
    column = _as_float(values)
    if column is None or len(column) < 3 or not np.isfinite(y_float).all():
        return False
    for stop in (sample, None) if len(column) > sample else (None,):
        finite = np.isfinite(column[:stop])
        if finite.mean() < 1 - MISSING_SHARE or finite.sum() < 3:
            return False
        c, t = column[:stop][finite], y_float[:stop][finite]
        c, t = c - c.mean(), t - t.mean()
        scale = np.sqrt((c @ c) * (t @ t))
        if scale == 0 or abs(c @ t) < (1 - 1e-9) * scale:
            return False
    return True


def _row_keys(X, y):
    """One hash per row of (features, target), or None when some cell cannot be hashed."""
    try:
        if isinstance(X, pd.DataFrame):
            features = pd.util.hash_pandas_object(X, index=False).to_numpy()
        else:
            values = np.asarray(X)
            if values.dtype.kind in "biufc" and values.ndim >= 2:  # numbers and images: the bytes of each row
                rows = np.ascontiguousarray(values.reshape(len(values), -1))
                features = np.fromiter((hash(r.tobytes()) for r in rows), dtype=np.int64, count=len(rows))
            else:
                frame = pd.DataFrame(values.reshape(len(values), -1)) if values.ndim >= 2 else pd.Series(values)
                features = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        target = pd.util.hash_pandas_object(pd.Series(np.asarray(y)), index=False).to_numpy()
    except (TypeError, ValueError):  # unhashable cells (lists): the user's own models' data, not checked
        return None
    return pd.DataFrame({"features": features, "target": target})


def _repeats_unlikely_by_chance(X, first_copies):
    """Whether some numeric column of X holds mostly distinct values among the distinct rows.

    Two rows then agree exactly in that column only by being copies; with few values in every
    column (two binary features), exact repeats are what chance gives.
    """
    n_distinct_rows = int(first_copies.sum())
    for _, _, values in _columns(X):
        column = _as_float(values)
        if column is not None:
            distinct = len(np.unique(column[first_copies]))
            if distinct >= max(DISTINCT_MIN, DISTINCT_SHARE * n_distinct_rows):
                return True
    return False


def _drop_copies_hint(X):
    """How to find the first copy of each row of X, features and target, for the kind of X it is."""
    if isinstance(X, pd.DataFrame):
        return "keep = ~X.assign(_y=np.asarray(y)).duplicated()"
    if np.ndim(X) == 2:
        return "keep = ~pd.DataFrame(X).assign(_y=np.asarray(y)).duplicated()"
    return "keep = ~pd.DataFrame(np.reshape(X, (len(X), -1))).assign(_y=np.asarray(y)).duplicated()"


def duplicated_rows_note(X, y, cv=None):
    """A note when a meaningful share of the rows repeat another row exactly (features and target), else None (and
    None for folds of whole groups, ``cv`` a GroupedFolds: the user said which rows belong together).

    Copies of one row land in training and test folds, so a model that memorises rows (a forest,
    boosting, nearest neighbours) is scored on rows it has seen, and the verdict can flip. Only
    where repeats are unlikely by chance (:func:`_repeats_unlikely_by_chance`): a list of texts,
    images and tables of few values repeat rows naturally, and get no note.
    """
    if isinstance(cv, GroupedFolds):
        return None
    keys = _row_keys(X, y)
    if keys is None:
        return None
    copies = keys.duplicated().to_numpy()
    repeated = int(copies.sum())
    if repeated < max(2, DUPLICATE_SHARE * len(keys)) or not _repeats_unlikely_by_chance(X, ~copies):
        return None
    return (f"{repeated} of the {len(keys)} rows ({repeated / len(keys):.0%}) repeat another row exactly, features "
            "and target: copies of a row land in both training and test folds, which favours the models that "
            f"memorise rows; if they are copies of one record, keep the first copy ({_drop_copies_hint(X)}; then "
            "X[keep], y[keep]) or keep each record's copies in one fold (cv=GroupedFolds(5, groups), from "
            "sknn.compare)")


def _named_like_an_identifier(name):
    """Whether a column name says "row identifier": 'id', 'index', 'Unnamed: 0', 'customer_id', 'PassengerId'."""
    text = str(name).strip()
    lower = text.lower()
    return (lower in IDENTIFIER_NAMES or lower.startswith("unnamed:") or lower.endswith(("_id", " id", "-id", ".id"))
            or re.search(r"[a-z](Id|ID)$", text) is not None)


def _is_row_number(column):
    """Whether a column of numbers is 0..n-1 or 1..n in another order than its own (shuffled row numbers).

    In order, it has another reading (a time step, the textbook X = arange(n)): no note.
    """
    n = len(column)
    if n < IDENTIFIER_MIN_ROWS or column.min() not in (0, 1) or column.max() != column.min() + n - 1:
        return False
    if (np.diff(column) > 0).all() or (np.diff(column) < 0).all():
        return False
    return np.array_equal(np.sort(column), np.arange(column.min(), column.min() + n))


def row_identifier_notes(X, y=None, task=None):
    """A note for each row identifier of X: a column named like one with a distinct value in every row, or
    the row numbers in another order beside other columns.

    An identifier predicts nothing for new rows, but its order can follow the target (a file
    sorted by it, rows appended over time), which the folds cannot see; where ``y`` does follow a
    numeric identifier's order (:func:`_target_in_order`), the note says so. A time index also has
    that order, and is a feature: the note says how to test it.
    """
    out = []
    names = list(X.columns) if isinstance(X, pd.DataFrame) else None
    columns = list(_columns(X))
    for j, (shown, drop, values) in enumerate(columns):
        named = names is not None and _named_like_an_identifier(names[j])
        column = _as_float(values)
        if (column is None and not named) or (column is not None and not np.isfinite(column).all()):
            continue
        whole = column is not None and bool((column == np.round(column)).all())
        if named:
            text = column is None and all(isinstance(v, str) for v in values)
            if not ((whole or text) and len(values) > 1 and len(pd.unique(values)) == len(values)):
                continue
        elif not (whole and len(columns) > 1 and _is_row_number(column)):  # unnamed: only shuffled row numbers
            continue
        time = "; if it is a time index, split by time (cv=list(TimeSeriesSplit(5).split(X)))" if whole else ""
        order = _target_in_order(column, y, task) if column is not None and y is not None else None
        why = (f", and here the target follows that order ({order}: a file sorted by the target, or a trend over "
               "time), so it may leak the target" if order else " (a file sorted by the target leaks it)")
        out.append(f"X's {shown} holds a distinct value in every row: if it is a row identifier, it predicts nothing "
                   f"for new rows, yet models can read the order of the rows from it{why}: drop it ({drop}){time}")
    for j, (shown, drop, _) in enumerate(columns):  # compare takes no weights: a file's weights are read as a feature
        if names is not None and str(names[j]).strip().lower() in ("sample_weight", "sample_weights"):
            out.append(f"X's {shown} is read as a feature: compare weighs every row alike (it takes no sample "
                       f"weights); if the column weighs the rows, drop it ({drop})")
    return out


def _target_in_order(column, y, task):
    """How ``y`` follows the order of the numbers ``column`` ('each class in one run' or 'Spearman 0.97'), or
    None: classes that change only between runs, one per class, along the column (a file sorted by the target);
    a quantity ranked as the column with a Spearman correlation of 0.95 or more in magnitude."""
    along = np.asarray(y, dtype=object)[np.argsort(column, kind="stable")]
    if task == "classification":
        runs = 1 + int(np.sum(along[1:] != along[:-1]))
        return "each class in one run" if 2 <= len(set(along.tolist())) == runs else None
    values = pd.Series(along, dtype=float)
    rho = values.corr(pd.Series(np.arange(len(values)), dtype=float), method="spearman")
    return f"Spearman {rho:.3f}" if np.isfinite(rho) and abs(rho) >= 0.95 else None


def target_column(X, y):
    """(y as a 1-D array, whether it was a pandas Categorical: the caller's own word that its values are classes),
    refusing a y that is one value (a column's name, as the command's --target takes it), not one column, or of
    another length than X."""
    try:
        shape = np.shape(y)
    except ValueError:  # (numpy's 'inhomogeneous shape': lists of other lengths)
        shape = None
    if shape is None or (len(shape) == 2 and isinstance(y, (list, tuple)) and y and isinstance(y[0], (list, tuple))
                         and any(isinstance(v, str) for v in y[0])):
        raise ValueError("y holds a list of labels in each row (a tagger's labels, one per token?): compare scores "
                         "one label or number per row; score a tagger with its own score or cross_val_score.")
    if isinstance(y, str) or np.ndim(y) == 0:
        named = isinstance(X, pd.DataFrame) and isinstance(y, str) and y in X.columns
        raise ValueError(f"y is {y!r:.40}, one value; pass the target's values, one per row" + (
            f": compare(X.drop(columns={y!r}), X[{y!r}])." if named else "."))
    categorical = isinstance(y, pd.Categorical) or isinstance(getattr(y, "dtype", None), pd.CategoricalDtype)
    y = np.asarray(y, dtype=object) if categorical else np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be one column of labels or numbers; got an array of shape {y.shape}.")
    n_rows = X.shape[0] if getattr(X, "shape", None) else len(X)  # (len of a sparse matrix is an error)
    if n_rows != len(y):
        raise ValueError(f"X has {n_rows} rows but y has {len(y)}.")
    return y, categorical
