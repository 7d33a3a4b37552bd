"""How each column of a table reaches the network: as numbers or as categories, from a DataFrame's dtypes or an
object array's cells (:func:`frame_column`, :func:`column_kind`), each refusal naming its column and the fix, and the
rows of a list typed column by column (:func:`rows_as_array`). :class:`sknn._tabular.TabularPreprocessor` reads
tables through them; ``sknn compare`` reads a DataFrame's columns by the same rule."""

import numbers

import numpy as np
import pandas as pd

from ._numbers import is_real_number as _is_number
from ._tabular_numbers import check_exact_column, check_float64_column
from ._tabular_text import (describe_numbers_as_text, describe_placeholders, numbers_as_text, odd_dates,
                            placeholder_cells, typo_cells)
from ._tabular_times import TIME_CELLS, check_not_time, time_message
from ._text_checks import FORM_FIX, form_twins, spacing_twins
from ._warnings import warn_user

__all__ = ["check_categories", "column_kind", "every_column", "frame_column", "missing_cells", "rows_as_array",
           "warn_category_pitfalls"]


def rows_as_array(X):
    """X as an array that keeps each cell's type when X is a list of rows mixing numbers and strings (or booleans).

    numpy reads ``[[25, 'Oslo'], [61, 'Lima']]`` as all text, which would make a column of numbers a column of
    categories, and ``[[True, 0.5]]`` as numbers; as an object array they are typed column by column. Else X."""
    if not isinstance(X, (list, tuple)):
        return X
    try:
        plain = np.asarray(X)
    except ValueError:  # ragged rows: left to the input checks, which name the problem
        return X
    if plain.dtype.kind not in "USfiu" or plain.ndim != 2:
        return X
    cells = np.array(X, dtype=object)
    if cells.shape != plain.shape:
        return X
    if plain.dtype.kind in "fiu":  # True/False among numbers (numpy makes them 1/0: a flag's column, checked as one)
        kept = any(isinstance(v, (bool, np.bool_)) or plain.dtype.kind == "f" and isinstance(v, numbers.Integral)
                   and abs(v) > 2**53 for v in cells.ravel())  # whole numbers beyond 2**53 among floats: not merged
        return cells if kept else X
    return cells if any(not isinstance(v, str) for v in cells.ravel()) else X


def missing_cells(values):
    """Boolean mask of the missing entries (None, NaN, pd.NA, NaT) of an object array."""
    return pd.isna(values)


def column_kind(values, name, fitting=True):
    """'numeric' or 'categorical' for one column of an object array, from its values (in ``fit``, columns of
    numbers or dates written as text are refused: :func:`numbers_as_text`; numbers float64 cannot hold or tell
    apart always)."""
    check_float64_column(values, name)  # (before pandas' missing-value test, which fails on Decimal('sNaN'))
    present = values[~missing_cells(values)]
    kinds, odd = set(), set(map(type, present[100_000:])) - set(map(type, present[:100_000]))  # the rules read
    if odd:  # 100,000 cells: up to 1,000 of a type the first 100,000 lack are read first
        first = 100_000 + np.flatnonzero([type(v) in odd for v in present[100_000:]])[:1000]
        present = np.concatenate([present[first], np.delete(present, first)])
    strings = pd.api.types.infer_dtype(present[:100_000], skipna=False) == "string"  # (text alone: a scan in C)
    for v in () if strings else present[:100_000]:
        if _is_number(v):
            kinds.add("number")
        elif isinstance(v, (bool, np.bool_)):
            kinds.add("boolean")
        elif isinstance(v, str):
            kinds.add("string")
        elif isinstance(v, TIME_CELLS):  # Timestamps of mixed time zones, datetime.date of a database, Timedelta
            raise TypeError(time_message(f"Column {name}", v))
        else:
            fix = (f"; pass intervals as strings (X[{name}].astype(str))" if isinstance(v, pd.Interval) else
                   f"; decode bytes to strings (X[{name}].str.decode('utf-8'); an array's: np.char.decode)"
                   if isinstance(v, bytes) else "")
            raise TypeError(f"Column {name} holds a value of type {type(v).__name__} ({v!r:.40}): the argument must "
                            f"be a string or a number in every cell (or missing){fix}.")
    if kinds and kinds <= {"number", "boolean"}:  # booleans are 0/1 numbers, as in a bool column
        check_exact_column(present, name)  # Python ints of 2**62 + i: merged by float64 as an int64 column would be
        return "numeric"
    # at predict, the rows of a column of categories may be mostly its number-like ones: its kind is fit's (a
    # column of numbers in fit that holds text now is named by the transform)
    cells = placeholder_cells(present) if fitting else None
    found = numbers_as_text(present) if fitting and not cells else None
    if found:
        one_type = ".astype(str)" if found[0] == "numbers, some of them" else ""  # (5 and '5': two categories)
        raise ValueError(f"{describe_numbers_as_text(found, name)}{odd_dates(found, present)}; to use its values as "
                         "categories, pass it as a "
                         f"categorical column ({one_type}.astype('category')).")
    if cells:
        typos = "if those are typos, correct them; " if typo_cells(cells) else ""
        raise ValueError(f"Column {name} holds numbers but for {describe_placeholders(cells)}: {typos}if those mark "
                         f"missing values, make the column numeric first (pd.to_numeric(X[{name}], errors='coerce'), "
                         f"or pd.read_csv(..., na_values={list(cells)!r})); to use its values as categories, pass it "
                         "as a categorical column (.astype('category')).")
    return "categorical"


def check_categories(categories, name):
    """Refuse categories other than strings, booleans and numbers (a categorical of dates, of intervals from
    pd.cut): categories a saved model could not hold (Decimals, Fractions and numpy scalars are held as the Python
    number or string each equals: :func:`sknn._numbers.plain_categories`). One rule for the networks and ``sknn
    compare``."""
    odd = next((c for c in categories if not isinstance(c, (str, bool, np.bool_)) and not _is_number(c)), None)
    if odd is not None:
        order = (f"; for the order of pd.cut's bins, their codes, X[{name}].cat.codes (0 for the first bin)"
                 if isinstance(odd, pd.Interval) else "")
        raise TypeError(f"Column {name} holds categories of type {type(odd).__name__} ({odd!s:.30}): pass them as "
                        "strings (.astype(str).astype('category')), or for dates, as numbers (a year, a month, days "
                        f"since a date){order}.")


# a missing value written as text: str() of NaN, None, pd.NA, NaT (.map(str), astype(str) before pandas 3), a sheet's
_MISSING_AS_TEXT = frozenset({"nan", "NaN", "None", "<NA>", "NaT", "null", "NULL", "N/A", "#N/A"})


def warn_category_pitfalls(columns):
    """Warn, once for all the ``(name, values)`` columns of categories, of text categories that differ only by the
    spaces around them ('No' and 'No '), of empty cells or cells of spaces only, and of missing values written as
    text ('nan', 'None': ``str()`` of a missing value): each is a category of its own (as in scikit-learn's
    encoders), which a user rarely means; and of columns of 30 values or more, nine in ten of them distinct
    (identifiers, free text): as categories they cannot predict new rows, whose values the network never trained
    on."""
    twins, printed, blanks, written, unique = [], [], [], [], []
    for name, values in columns:
        distinct = pd.unique(np.asarray(values, dtype=object))
        placeholder = next((v for v in distinct if isinstance(v, str) and v.strip() in _MISSING_AS_TEXT), None)
        if placeholder is not None:
            written.append((name, placeholder))
        present = int(np.sum(~np.asarray(missing_cells(values), dtype=bool)))
        if present >= 30 and int(np.sum(~np.asarray(pd.isna(distinct), dtype=bool))) >= 0.9 * present:
            unique.append(name)  # (None, NaN and pd.NA are no values of their own)
        forms = spacing_twins(distinct)  # (the distinct values: the same forms, one pass fewer)
        spelt = [" and ".join(map(repr, spellings[:3])) for key, spellings in forms.items() if key]
        if spelt:
            twins.append((name, f"{'; '.join(spelt[:2])}{'; ...' if len(spelt) > 2 else ''} in {name}"))
        alike = form_twins(distinct)
        if alike:
            printed.append((name, f"{' and '.join(map(ascii, alike[0][:3]))} in {name}"))
        if "" in forms:
            blanks.append((name, forms[""][0]))
    if twins:
        warn_user(f"{_columns_named([name for name, _ in twins])} categories that differ only by the spaces around "
                  f"them ({'; '.join(text for _, text in twins[:3])}{'; ...' if len(twins) > 3 else ''}): each is a "
                  "category of its own; if they mean the same, strip them first (X[column].str.strip()).")
    if printed:
        warn_user(f"{_columns_named([name for name, _ in printed])} categories that differ only by their Unicode form "
                  f"or invisible characters, which print alike ({'; '.join(text for _, text in printed[:3])}): each is "
                  f"a category of its own; if they mean the same, make them one form first (X[column]{FORM_FIX}).")
    if blanks:
        warn_user(f"{_columns_named([name for name, _ in blanks])} empty cells or cells of spaces only "
                  f"({blanks[0][1]!r}): a category of their own; if they mark missing values, make them missing first "
                  r"(X = X.replace(r'^\s*$', np.nan, regex=True)).")
    if unique:  # (no counts in the words: compare groups the warnings of its folds by their text)
        warn_user(f"{_columns_named(unique)} a different value in almost every row that has one: as categories, new "
                  "rows' values are unseen (read as missing). Leave an identifier out; turn free text into numbers "
                  "first (sknn.Word2VecTransformer, TfidfVectorizer).")
    if written:
        warn_user(f"{_columns_named([name for name, _ in written])} the text {written[0][1]!r}, as a missing value "
                  "reads once written as text (str() of NaN and None, as X[column].map(str) writes them): a category "
                  f"of its own; if they mark missing values, make them missing first (X = X.replace("
                  f"{written[0][1]!r}, np.nan)).")


def warn_unread_columns(misspelt, unread):
    """Warn, at ``transform``, of the columns whose values a fitted model reads as missing for a reason a user rarely
    means: ``misspelt``, ``(name, value, category)`` for a column holding an unseen value that spells a category of
    fit otherwise ('rome' for 'Rome', :func:`sknn._text_checks.near_spellings`); ``unread``, the names of the columns
    none of whose values (of two rows or more) the model can read: all missing, or categories it never saw."""
    if misspelt:
        name, value, category = misspelt[0]
        warn_user(f"{_columns_named([name for name, _, _ in misspelt])} values that match no category of fit but "
                  f"spell one otherwise ({value!r} for {category!r}: case, spaces or Unicode form): they are read as "
                  "missing, as unseen categories are. Write them as fit's categories were written (for instance "
                  f"X[{name}].str.strip(), or fit's case).")
    if unread:
        warn_user(f"{_columns_named(unread)} no value the model can read in any row (all missing, or categories it "
                  "never saw in fit): it tells these predictions nothing. Check that the column holds what it held "
                  "in fit.")


def _columns_named(names, shown=5):
    """'Column 'a' holds' or 'Columns 'a', 'b' and 3 more hold', for a warning about several columns."""
    if len(names) == 1:
        return f"Column {names[0]} holds"
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"Columns {', '.join(names[:shown])}{more} hold"


def frame_column(col, fitting=True):
    """('numeric', float64 values with NaN for missing) or ('categorical', values) for one DataFrame
    column; a column no model can read as either (dates, complex numbers, lists, in ``fit`` numbers with
    placeholder strings, in ``fit`` numbers or dates written as text) is refused, naming it and the fix."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        check_categories(col.cat.categories[np.unique(codes[codes >= 0])], repr(col.name))
        return "categorical", col.array
    if pd.api.types.is_complex_dtype(dtype):  # a cast to float would drop the imaginary parts silently
        raise TypeError(f"Column {col.name!r} holds complex numbers: pass their real and imaginary parts (or "
                        "their modulus and angle) as columns of real numbers.")
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        if pd.api.types.is_integer_dtype(dtype):
            check_exact_column(col.dropna().to_numpy(dtype="i8" if dtype.kind == "i" else "u8"), repr(col.name))
        elif dtype.kind == "f":  # np.longdouble: numbers its cast to float64 would make infinite
            check_float64_column(col.to_numpy(), repr(col.name))
        return "numeric", col.to_numpy(dtype=np.float64, na_value=np.nan)
    check_not_time(dtype, f"Column {col.name!r}")
    values = col.to_numpy(dtype=object)
    return column_kind(values, repr(col.name), fitting), values


def every_column(read, n_columns, name):
    """``read(j)`` for each column; where columns are refused, the first refusal's message in full with the names
    of the others, so that all can be fixed at once (30 columns with '.' for missing took 30 fits to find)."""
    results, refused = [], []
    for j in range(n_columns):
        try:
            results.append(read(j))
        except (ValueError, TypeError) as exc:
            if type(exc) not in (ValueError, TypeError):  # a refusal of its own kind goes as it is
                raise
            refused.append((j, exc))
    if len(refused) > 1:
        others = [name(j) for j, _ in refused[1:]]
        listed = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
        raise type(refused[0][1])(f"{refused[0][1]} {len(others)} more column{'s are' if len(others) > 1 else ' is'} "
                                  f"refused too, for this reason or another: {listed}.") from refused[0][1]
    if refused:
        raise refused[0][1]
    return results
