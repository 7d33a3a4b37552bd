"""Tables for networks: which columns are numbers and which are categories, and how each reaches the network.

:class:`TabularPreprocessor` is fitted inside ``DenseClassifier``/``DenseRegressor`` when ``preprocessing='auto'``
(their ``preprocessor_``). It turns a DataFrame or an array, with numbers, strings, pandas categoricals, booleans and
missing values, into one float32 matrix the network reads: the numeric columns first, as numbers (NaN where missing),
then the categorical columns as integer codes (0 for a missing or unseen category, 1..K for the categories seen in
``fit``). It also learns each numeric column's median and robust scale.

The rest happens in the network's first layer (:class:`sknn._layers.TabularInput`), on tensors, so that an exported
network carries it: centring and robust scaling, smooth clipping, missing-value indicators, one-hot or learned
embeddings of the categories.
"""

import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _num_samples, check_array, check_is_fitted

from ._column_labels import check_column_label_order
from ._numbers import (category_positions, is_real_number as _is_number, plain_categories, plain_value,
                       unique_categories)
from ._tabular_columns import (column_kind, every_column, frame_column, missing_cells, rows_as_array,
                               warn_category_pitfalls, warn_unread_columns)
from ._tabular_numbers import (binary_and_range, check_exact_column, check_float32_column_values,
                               check_float64_column, check_number_column, check_sparse_numbers, float32_offsets,
                               held_booleans, robust_statistics, sparse_column_values, warn_narrow_first_fit,
                               warn_numbers_beyond_first_fit)
from ._text_checks import near_spellings
from ._validation import check_not_complex, reads_as_number, validate_data
from ._warnings import warn_user
from .persist import SaveMixin

__all__ = ["TabularPreprocessor", "robust_statistics"]


class TabularPreprocessor(SaveMixin, TransformerMixin, BaseEstimator):
    """Column typing and encoding of a table for a network (fitted inside the dense estimators).

    Numeric columns (numbers, booleans) stay numbers, with NaN for missing values;
    categorical columns (strings, pandas categoricals, object columns that hold any string)
    become integer codes: 0 for a missing category or one not seen in ``fit``, 1..K for the
    ``categories_`` seen. A DataFrame keeps its column types; a numeric array is all
    numbers; a string array all categories; an object array is typed column by column.

    ``transform`` returns one float32 matrix, the numeric columns first
    (``numeric_columns_``, less ``offset_``), then the codes (``categorical_columns_``). A sparse matrix is
    numeric and stays sparse.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X was a DataFrame with string column names
    numeric_columns_ : ndarray of int
        Positions, in X, of the numeric columns.
    categorical_columns_ : ndarray of int
        Positions, in X, of the categorical columns.
    categories_ : list of ndarray
        The categories of each categorical column, in code order (code i + 1 is
        ``categories_[j][i]``); Decimals, Fractions and numpy scalars as the Python int, float or str each equals.
    center_ : ndarray of shape (n_numeric,)
        Median of each numeric column in ``fit``.
    scale_ : ndarray of shape (n_numeric,)
        1 / interquartile range of each numeric column (2 / range when the quartiles
        coincide, 0 for a constant or all-missing column).
    offset_ : ndarray of shape (n_numeric,)
        Subtracted from each numeric column, in float64, before the cast to float32: the
        median of the columns float32 could not resolve otherwise (values such as 1e9 + i),
        0 for the others. A sparse X is not offset (its zeros would change): a column that
        would need it is refused where float32 merges its values.
    has_missing_ : ndarray of bool, shape (n_numeric,)
        Numeric columns with missing values in ``fit``: the network gets an indicator
        for each.
    binary_ : ndarray of bool, shape (n_numeric,)
        Numeric columns with at most two distinct values in ``fit`` (indicators, yes/no
        numbers): centred, scaled and clipped as other numbers, without periodic embeddings.
    boolean_ : ndarray of bool, shape (n_numeric,)
        Numeric columns that held booleans only in ``fit``: ``transform`` refuses a number other than 0 and 1 there.
    value_range_ : ndarray of shape (n_numeric, 2)
        The lowest and highest value of each numeric column in ``fit`` (0 and 0 for an all-missing one): a
        ``binary_`` column's two values, beyond which data trained on later is warned about
        (:meth:`warn_unseen_categories`).
    ignored_columns_ : ndarray of int
        Positions, in X, of the columns entirely missing in ``fit`` (with a warning): the network learns
        nothing of them, and ``transform`` reads them as missing whatever they hold.

    Examples
    --------
    >>> import pandas as pd
    >>> from sknn._tabular import TabularPreprocessor
    >>> df = pd.DataFrame({"age": [31, 45, None], "city": ["Oslo", "Lima", "Oslo"]})
    >>> pre = TabularPreprocessor().fit(df)
    >>> pre.categories_[0].tolist(), pre.has_missing_.tolist()
    (['Lima', 'Oslo'], [True])
    >>> pre.transform(pd.DataFrame({"age": [50], "city": ["Rome"]})).tolist()   # Rome: unseen, code 0
    [[50.0, 0.0]]
    """

    _persist_data_only = True  # sknn's save stores its fitted attributes as data (it has no network)

    def fit(self, X, y=None):
        """Learn the column types, the categories and the numeric statistics of X."""
        columns = self._columns(X, reset=True)
        self._n_fit_rows = _num_samples(X)  # (what the first partial_fit's encoding is learned from)
        if sp.issparse(columns):
            self.numeric_columns_ = np.arange(columns.shape[1])
            self.categorical_columns_ = np.zeros(0, dtype=np.int64)
            self.categories_ = []
            self._categories_are_strings = []
            self.center_, self.scale_ = robust_statistics(columns)
            by_column = columns.tocsc()  # (once: a column slice of a CSR matrix reads every row)
            self.offset_ = float32_offsets(self.center_, self.scale_, lambda j: sparse_column_values(by_column, j),
                                           self._name, sparse=True)  # (the values of the few columns it names)
            check_float32_column_values(columns, [self._name(j) for j in range(columns.shape[1])])
            self.has_missing_ = np.zeros(columns.shape[1], dtype=bool)
            self.ignored_columns_ = np.zeros(0, dtype=np.int64)
            self.binary_, self.value_range_ = binary_and_range(by_column)
            self.boolean_ = np.zeros(columns.shape[1], dtype=bool)
            return self
        kinds = [kind for kind, _ in columns]
        self.ignored_columns_ = np.array([j for j, (_, values) in enumerate(columns)
                                          if np.asarray(missing_cells(values), dtype=bool).all()], dtype=np.int64)
        self._check_ignored_columns()
        self.numeric_columns_ = np.array([j for j, k in enumerate(kinds) if k == "numeric"], dtype=np.int64)
        self.categorical_columns_ = np.array([j for j, k in enumerate(kinds) if k == "categorical"], dtype=np.int64)
        self.categories_ = []
        self._categories_are_strings = []
        for j in self.categorical_columns_:
            values = columns[j][1]
            present = values[~missing_cells(values)]
            if isinstance(present, pd.Categorical):
                cats = np.asarray(present.categories, dtype=object)
                cats = unique_categories(cats[np.unique(present.codes)])  # only those seen
            else:
                present = np.asarray(present, dtype=object)
                flags = [v for v in present.tolist() if isinstance(v, (bool, np.bool_))]
                if flags and any(_is_number(v) and v in (0, 1) for v in present.tolist()):
                    raise ValueError(f"Column {self._name(j)} holds True/False beside the numbers 0/1, which Python "
                                     "counts as the same values (True == 1): one category would hold both. Make the "
                                     "column one type (.astype(str), or numbers).")
                cats = unique_categories(list(set(present.tolist())))  # (Decimal('0.1') and 0.1: one)
                cats = np.array(sorted(cats.tolist(), key=lambda v: (type(v).__name__, str(v))), dtype=object)
            self.categories_.append(cats)
            self._categories_are_strings.append(bool(len(cats)) and all(isinstance(c, str) for c in cats))
        numbers_ = self._numeric_matrix(columns, fitting=True)
        self.center_, self.scale_ = robust_statistics(numbers_)
        self.offset_ = float32_offsets(self.center_, self.scale_, lambda i: numbers_[:, i],
                                       lambda i: self._name(self.numeric_columns_[i]))
        check_float32_column_values(numbers_ - self.offset_, [self._name(j) for j in self.numeric_columns_])
        self.has_missing_ = np.isnan(numbers_).any(axis=0)
        self.binary_, self.value_range_ = binary_and_range(numbers_.T)
        self.boolean_ = np.array([held_booleans(X, j, columns[j][1]) for j in self.numeric_columns_], dtype=bool)
        return self

    def transform(self, X, *, names_checked=False, training=False):
        """The float32 matrix of numbers (NaN for missing) then category codes (0 for missing or unseen).

        ``names_checked``: an estimator owning this preprocessor has checked X's column names against its own fit and
        warned of a mismatch by its own name (so scikit-learn's check is not repeated here). ``training``: X trains
        (a warm start's or later partial_fit's rows), and columns of no value the model can read are told by
        :meth:`warn_unseen_categories` instead. Neither touches the process's warning filters, which threads share.
        """
        check_is_fitted(self, "numeric_columns_")
        columns = self._columns(X, reset=False, names_checked=names_checked)
        if sp.issparse(columns):
            return columns
        if len(columns) != self.n_features_in_:
            raise ValueError(f"X has {len(columns)} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")

        def numbers_as_in_fit(j):
            kind, values = columns[j]
            if kind == "numeric":
                return columns[j]
            if missing_cells(values).all():  # only missing values (one row with None): no kind of their own
                return "numeric", np.full(len(values), np.nan)
            strings = [v for v in values[:100_000] if isinstance(v, str)]
            strings = [v for v in strings if not reads_as_number(v)] or strings  # ('?' among '5', '7': the '?')
            now = (f"the string {str(strings[0])!r}" if strings else
                   "categories" if isinstance(values, pd.Categorical) else "values that are not numbers")
            if getattr(self, "boolean_", np.zeros(len(numeric), bool))[list(numeric).index(j)]:  # ('True': NaN)
                raise ValueError(f"Column {self._name(j)} held True/False in fit but holds {now} now (a column read "
                                 f"back from a file?): pass booleans, as in fit (X[{self._name(j)}].map({{'True': "
                                 "True, 'False': False}), with the file's spellings).")
            raise ValueError(f"Column {self._name(j)} held numbers in fit but holds {now} now: pass numbers (or "
                             f"missing values) in this column, as in fit (pd.to_numeric(X[{self._name(j)}], "
                             "errors='coerce') makes text that is no number missing).")
        numeric = self.numeric_columns_
        for j, column in zip(numeric, every_column(lambda i: numbers_as_in_fit(numeric[i]), len(numeric),
                                                    lambda i: self._name(numeric[i]))):
            columns[j] = column
        out = np.empty((len(columns[0][1]) if columns else 0, len(columns)), dtype=np.float32)
        out[:, :len(self.numeric_columns_)] = self._numeric_matrix(columns) - getattr(self, "offset_", 0.0)
        self._check_booleans(out)
        misspelt = []
        for i, j in enumerate(self.categorical_columns_):
            out[:, len(self.numeric_columns_) + i] = self._codes(columns[j][1], i, j, misspelt)
        unread = self._unread_columns(out, columns) if len(out) > 1 and not training else []  # (a row alone may
        warn_unread_columns(misspelt, unread)  # well lack a value)
        return out

    def _unread_columns(self, out, columns):
        """The names of the columns of ``out`` (transform's matrix) of nothing the model can read: numbers all missing
        where fit's had none (a column with gaps in fit may well lack values in a few rows), categories all unseen in
        5 rows or more (in 2, rare categories may all be new)."""
        n_numeric = len(self.numeric_columns_)
        gaps = np.asarray(getattr(self, "has_missing_", np.ones(n_numeric, bool)), dtype=bool)
        lost = list(np.isnan(out[:, :n_numeric]).all(axis=0) & ~gaps)
        for i, j in enumerate(self.categorical_columns_):
            present = int((~np.asarray(missing_cells(columns[j][1]), dtype=bool)).sum())
            lost.append(present >= 5 and not (out[:, n_numeric + i] != 0).any())
        return [self._name(j) for j, gone in zip(np.r_[self.numeric_columns_, self.categorical_columns_], lost) if gone]

    def warn_unseen_categories(self, X):
        """Warn when X holds categories not seen in ``fit`` (which ``transform`` reads as missing), values in a column
        ``fit`` ignored, or numbers its statistics cannot read (in a column constant or of two values in ``fit``:
        :func:`sknn._tabular_numbers.warn_numbers_beyond_first_fit`): for data a network goes on training on (a warm
        start, a later ``partial_fit``), whose encoding stays the first fit's."""
        check_is_fitted(self, "numeric_columns_")
        X = X.tocsr() if sp.issparse(X) else X  # (coo, dia, bsr: no column slices)
        held = [self._name(j) for j in getattr(self, "ignored_columns_", ()) if not np.asarray(
            missing_cells(X.iloc[:, j].to_numpy(dtype=object) if hasattr(X, "iloc") else X[:, [j]].toarray().ravel()
                     if sp.issparse(X) else np.asarray(rows_as_array(X), dtype=object)[:, j]), dtype=bool).all()]
        if held:
            warn_user(f"Column {held[0]} holds values now, but was entirely missing in the first fit: it stays "
                      "ignored (the encoding is the first fit's or partial_fit's); fit on all the data to use "
                      "it.", UserWarning)
        columns = self._columns(X, reset=False, names_checked=True)  # (the estimator warns of names by its own name)
        unseen = {}
        for i, j in enumerate([] if sp.issparse(columns) else self.categorical_columns_):
            values = plain_categories(np.asarray(columns[j][1], dtype=object))
            known = set(plain_categories(self.categories_[i]).tolist())
            new = [v for v in pd.unique(values[~np.asarray(missing_cells(values), dtype=bool)]) if v not in known]
            if self._categories_are_strings[i] and any(not isinstance(v, str) for v in new):
                continue  # numbers where fit had strings: refused by transform, naming the fix (they never train)
            if new:
                unseen[self._name(j)] = new[:3]
        if unseen:
            name, values = next(iter(unseen.items()))
            warn_user(f"Column {name} holds categories the first fit did not see ({values!r:.80}; {len(unseen)} "
                      "column(s) so): they train as missing values. The encoding is learned by the first fit or "
                      "partial_fit: give it every category (or fit on all the data).", UserWarning)
        numbers = columns if sp.issparse(columns) else self._numeric_matrix(columns) if all(
            columns[j][0] == "numeric" for j in self.numeric_columns_) else None  # (else transform names the column)
        # (a preprocessor rebuilt by from_network from an export without binary_: its constant columns checked)
        binary = getattr(self, "binary_", np.zeros(len(self.numeric_columns_), dtype=bool)) | (self.scale_ == 0)
        warn_numbers_beyond_first_fit(numbers, self.scale_, binary, getattr(self, "value_range_", None),
                                      [self._name(j) for j in self.numeric_columns_])
        if numbers is not None and not sp.issparse(numbers):  # missing numbers where the first fit had none
            new = np.flatnonzero(np.isnan(numbers).any(axis=0) & ~np.asarray(self.has_missing_, dtype=bool))
            if len(new):
                warn_user(f"Column {self._name(self.numeric_columns_[new[0]])} holds missing values, which the first "
                          f"fit's rows did not ({len(new)} column(s) so): they train as its median, without the "
                          "indicator of missing values a column gets when the first fit sees some. The encoding is "
                          "learned by the first fit or partial_fit: give it such rows (or fit on all the data).",
                          UserWarning)

    def warn_narrow_first_fit(self):
        """Warn when the rows ``fit`` learned from, those of weight above 0 of the first ``partial_fit``, are too few
        or too alike to learn the encoding from (:func:`sknn._tabular_numbers.warn_narrow_first_fit`)."""
        check_is_fitted(self, "numeric_columns_")
        warn_narrow_first_fit(getattr(self, "_n_fit_rows", 2), self.scale_, len(self.categorical_columns_))

    # -- helpers -----------------------------------------------------------------------------
    def _check_ignored_columns(self):
        """Warn of the columns entirely missing in fit (refuse X where all are): the network learns nothing of them
        (their missing-value indicator is always 1), so :meth:`transform` reads them as missing whatever they hold."""
        names = [self._name(j) for j in self.ignored_columns_]
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            if len(names) == self.n_features_in_:  # (a network of no input: a division by zero inside training)
                raise ValueError(f"Every column of X is entirely missing in fit ({shown}): nothing is left to learn "
                                 "from. Fit on rows that have values.")
            it, holds, them = ("it is", "it holds", "it") if len(names) == 1 else ("they are", "they hold", "them")
            warn_user(f"Column{'s' * (len(names) > 1)} {shown} {it.split()[1]} entirely missing in fit: {it} ignored "
                      f"(read as missing at predict, whatever {holds}). Leave {them} out, or fit on rows that have "
                      "values there.", UserWarning)

    def _check_booleans(self, out):
        """Refuse a number other than 0 and 1 in a column of booleans in fit (``boolean_``; a 5 would be read as a
        flag five times set), naming the column and the value."""
        for i in np.flatnonzero(getattr(self, "boolean_", ())):  # (none in a model pickled before boolean_)
            odd = np.setdiff1d(out[:, i][~np.isnan(out[:, i])], [0, 1])
            if len(odd):
                name = self._name(self.numeric_columns_[i])
                raise ValueError(f"Column {name} held True/False in fit but holds {odd[0]:g} now: pass True/False "
                                 "(or 1/0, or missing values) in this column, as in fit; if it counts something "
                                 "now, fit on such values.")

    def _blank(self, j, n):
        """Column ``j``, ignored since fit (:meth:`_check_ignored_columns`), as missing values of its kind in fit."""
        numeric = j in self.numeric_columns_
        return ("numeric", np.full(n, np.nan)) if numeric else ("categorical", np.full(n, None, dtype=object))

    def _name(self, j):
        """Column ``j`` for a message: its name (``'price'``), its label where not a string (``2``, ``('q', 'mean')``,
        recorded in ``column_labels_in_`` or ``column_label_text_in_``), or its position (an array)."""
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return repr(names[j])
        labels = getattr(self, "column_labels_in_", getattr(self, "column_label_text_in_", None))
        return str(labels[j]) if labels is not None and len(labels) > j else str(j)

    def _columns(self, X, reset, names_checked=False):
        """[(kind, values), ...] per column, or a sparse float matrix (``names_checked``: see :meth:`transform`)."""
        def validated(X):
            if not (names_checked and not reset):
                validate_data(self, X, reset=reset, skip_check_array=True)
                return
            if X.shape[1] != self.n_features_in_:  # (scikit-learn's refusals, without its warnings of names on one
                raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "  # side only)
                                 f"{self.n_features_in_} features as input.")
            fitted, names = getattr(self, "feature_names_in_", None), getattr(X, "columns", None)
            if fitted is not None and names is not None and all(isinstance(c, str) for c in names) and \
                    [plain_value(c) for c in names] != fitted.tolist():
                raise ValueError("The feature names should match those that were passed during fit.")
            check_column_label_order(self, X, reset=False)

        if isinstance(X, pd.DataFrame):
            validated(X)
            if X.shape[1] == 0:
                raise ValueError(f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
            if X.shape[0] == 0:
                raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required.")
            ignored = set() if reset else set(getattr(self, "ignored_columns_", np.zeros(0)).tolist())
            columns = every_column(lambda j: self._blank(j, len(X)) if j in ignored else
                                    frame_column(X.iloc[:, j], fitting=reset), X.shape[1], lambda j: repr(X.columns[j]))
            if reset:
                warn_category_pitfalls((repr(X.columns[j]), values) for j, (kind, values) in enumerate(columns)
                                       if kind == "categorical")
            return columns
        if isinstance(X, np.ndarray) and X.dtype.kind == "T":  # numpy 2's StringDType: text, as an object array
            X = X.astype(object)
        X = rows_as_array(X)
        check_not_complex(X)  # (scikit-learn's error prints every value)
        X = check_array(X, accept_sparse="csr", dtype=None, ensure_all_finite=False)
        validated(X)
        held = [] if reset or not sp.issparse(X) else np.setdiff1d(self.categorical_columns_, getattr(
            self, "ignored_columns_", ()))  # (a column of categories entirely missing in fit reads as missing)
        if len(held):
            raise ValueError(f"X is a sparse matrix, but column {self._name(held[0])} held categories in fit: a "
                             "sparse matrix holds numbers only; pass X as in fit (a DataFrame or an array with its "
                             "categories).")
        if sp.issparse(X) and not reset and (len(getattr(self, "ignored_columns_", ())) or np.any(getattr(
                self, "offset_", 0)) or np.any(getattr(self, "boolean_", False))):  # (never so in a sparse fit)
            X = X.toarray()  # a dense fit's columns blanked, offset or checked below, as for dense rows
        if sp.issparse(X):
            if X.dtype.kind in "iu":  # whole numbers float64 merges (2**62 + i), column by column as a dense X's
                beyond = (X.data > 2**53) | (X.data < -(2**53))
                for j in np.unique(X.indices[beyond]):
                    check_exact_column(X.data[X.indices == j], self._name(j))
            X = X.astype(np.float64)  # (a copy)
            X.sum_duplicates()  # an entry stored twice is their sum, as toarray() and the network read it
            if not np.isfinite(X.data).all():
                raise ValueError("Input X contains NaN or infinity in its stored values: a sparse X must hold finite "
                                 "numbers; impute missing ones first (e.g. SimpleImputer in a Pipeline), or pass "
                                 "X.toarray(), whose missing values the preprocessing handles (not infinity: replace "
                                 "it with a finite number or NaN).")
            check_sparse_numbers(X, self._name)
            return X
        ignored = set() if reset else set(getattr(self, "ignored_columns_", np.zeros(0)).tolist())
        if X.dtype.kind in "biuf":
            return [self._blank(j, len(X)) if j in ignored else ("numeric", X[:, j]) for j in range(X.shape[1])]
        if X.dtype.kind in "US":  # all text: categories, unless a column is numbers or dates written as text
            X = X.astype(object)
            if not reset:
                return [self._blank(j, len(X)) if j in ignored else ("categorical", X[:, j])
                        for j in range(X.shape[1])]
        if X.dtype.kind != "O":
            raise TypeError(f"X has dtype {X.dtype}, which is neither numbers nor strings; pass numbers, strings, "
                            "booleans or categories.")
        name = (lambda j: self._name(j)) if not reset else str
        columns = every_column(lambda j: self._blank(j, len(X)) if j in ignored else
                                (column_kind(X[:, j], name(j), fitting=reset), X[:, j]), X.shape[1], name)
        if reset:
            warn_category_pitfalls((name(j), values) for j, (kind, values) in enumerate(columns)
                                   if kind == "categorical")
        return columns

    def _numeric_matrix(self, columns, fitting=False):
        n = len(columns[0][1]) if columns else 0
        out = np.empty((n, len(self.numeric_columns_)), dtype=np.float64)
        for i, j in enumerate(self.numeric_columns_):
            values = columns[j][1]
            if values.dtype == object:
                values = np.where(missing_cells(values), np.nan, values)
            elif values.dtype.kind in "iu":
                check_exact_column(values, self._name(j))
            elif values.dtype.itemsize > 8:  # np.longdouble: numbers its cast to float64 would make infinite
                check_float64_column(values, self._name(j))
            out[:, i] = np.asarray(values, dtype=np.float64)
            fitted = None if fitting else getattr(self, "value_range_", None)  # (an encoding a rescale would misread;
            check_number_column(out[:, i], self._name(j), None if fitted is None else fitted[i])  # none: old exports)
        return out

    def _codes(self, values, i, j, misspelt):
        cats = plain_categories(self.categories_[i])  # (Decimals of a model pickled before they were made floats)
        missing = np.asarray(missing_cells(values), dtype=bool)
        cells = np.asarray(values, dtype=object)[~missing]
        present = plain_categories(cells)  # (Decimal('9.99'): 9.99, as in fit)
        head = present[:1000]
        odd = next((v for v in present if not isinstance(v, str)), None) if self._categories_are_strings[i] else None
        if odd is not None:  # numbers among strings would all be unseen categories, without a word
            number = isinstance(odd, numbers.Number) and not isinstance(odd, bool)  # (an int column reads as floats)
            shown = int(odd) if number and float(odd).is_integer() else odd
            raise ValueError(f"Column {self._name(j)} held strings in fit (categories such as {cats[0]!r}) but holds "
                             f"{'numbers' if number else type(odd).__name__ + ' values'} now (such as {shown!r:.40}): "
                             "pass the same kind of values as in fit (strings: .astype(str)).")
        if (len(present) and len(cats) and not any(isinstance(c, str) for c in cats)
                and all(isinstance(v, str) for v in head)):  # e.g. codes 1, 2, 3 read back from a file as text
            raise ValueError(f"Column {self._name(j)} held {type(cats[0]).__name__} categories in fit (such as "
                             f"{cats[0]!r}) but holds strings now (such as {head[0]!r}), none of which would match "
                             f"a category: pass the same kind of values as in fit (for instance .astype("
                             f"{'float' if isinstance(cats[0], float) else 'int'})).")
        codes = np.zeros(len(values), dtype=np.float32)
        if len(cats):
            found = category_positions(self.categories_[i], cells, present)
            codes[~missing] = np.where(found >= 0, found + 1, 0)
            self._check_unseen_spellings(cats, present[found < 0], j)
            near = near_spellings(present[found < 0], cats) if (found < 0).any() else []
            if near:
                misspelt.append((self._name(j), *near[0]))
        return codes

    def _check_unseen_spellings(self, cats, unseen, j):
        """Refuse an unseen value that spells a category of another type ('1' for the category 1, or 1 for '1'):
        a column of mixed categories read back from a file, where all would silently become 'unseen'."""
        if not len(unseen):
            return
        spelled = {str(c): c for c in cats}
        odd = next((v for v in pd.unique(unseen) if str(v) in spelled), None)
        if odd is not None:
            c = spelled[str(odd)]
            raise ValueError(f"Column {self._name(j)} held the {type(c).__name__} category {c!r} in fit but holds "
                             f"the {type(odd).__name__} {odd!r} now, which matches no category: pass the same kind "
                             "of values as in fit (a column read back from a file holds text: convert it as fit's "
                             "values were, or fit on text too).")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags
