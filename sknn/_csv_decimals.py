"""The columns of numbers with a decimal comma of ';' or tab separated CSV files (:mod:`sknn._csv_files`).

Excel writes such files where ',' is the decimal mark: their columns of numbers written with a
decimal comma ('0,5', '1.234,5') are read as numbers, each by its cells' shape, working on each
column's distinct values (a file of a million rows holds few of them in most columns).
"""

import functools
import re

import numpy as np
import pandas as pd

from ._csv_cells import _THOUSANDS_DOTTED, CommandError, _raw_cells, _thousands_dots
from ._tabular_text import marks_missing

__all__ = ["decimal_commas"]

# a number written with a decimal comma, thousands dots or spaces or not ('0,189', '1.234,5', '-12'), and one
# written with a decimal point that cannot be thousands dots ('1.5', '0.25'; '0.125' too: no thousands group
# begins with 0)
# (an exponent as spreadsheets write small and large numbers: '1,23E-05')
_COMMA_NUMBER = re.compile(r"[-+]?(([1-9]\d{0,2}([.\u00a0\u202f ]\d{3})+|\d+)(,\d+)?|,\d+)([eE][-+]?\d+)?")
_POINT_NUMBER = re.compile(r"[-+]?(\d+\.\d*|\.\d+)")
# a whole number with thousands commas ('4,277', '1,500,000'): a decimal comma only where ',' is the decimal mark
_THOUSANDS_COMMA = re.compile(r"[-+]?[1-9]\d{0,2}(,\d{3})+")
# a pair of digits ('1,2', '2,3'): the answers of a multiple-choice question as often as a decimal
_DIGIT_PAIR = re.compile(r"\d,\d")
_MOST_OTHER_CELLS = 3  # cells of such a column that are neither numbers nor markers of missing cells (typos)
_FEWEST_PAIRS = 10  # distinct values a column of digit pairs alone needs to read as decimals
_FEWEST_STEPS_FROM_0 = 3  # distinct half steps that show '0,5' a decimal beside a lone '5' ('0,5', '1,5', '2,5')


def _shapes(distinct):
    """(text, comma, point, other) for a column's distinct present values: each stripped, and whether it is a
    number with a decimal comma or without a decimal mark, one with a decimal point, or neither nor a marker of a
    missing cell (a typo)."""
    text = pd.Series([v.strip() if isinstance(v, str) else "" for v in distinct], dtype=object)
    comma = text.str.fullmatch(_COMMA_NUMBER).to_numpy(dtype=bool)
    point = text.str.fullmatch(_POINT_NUMBER).to_numpy(dtype=bool) & ~comma
    other = ~comma & ~point
    other[other] = ~text[other].map(marks_missing).to_numpy(dtype=bool)  # (few cells: the markers and typos)
    return text, comma, point, other


def _decimal_steps(pairs, wholes):
    """Whether the pairs of digits ``pairs`` (a column's distinct cells with a comma, a Series: '0,5', '1,5', '5,5')
    beside its whole numbers ``wholes`` (a Series: '1', '2') read as decimals, not as the answers of a
    multiple-choice question ('1,2', '2,3', '1,3') or as scores ('2,1', '1,0'), told by two signs together: half
    steps alone (at least two distinct pairs, all ending in ',5', where answers and scores pair many digits), and a
    pair that no answer is: one whose digits do not ascend ('5,5', '7,5': no two options listed in order), or one
    that begins with 0 ('0,5') beside at least 3 distinct half steps or without a lone 5 (answers numbered from 0
    that all hold option 5 choose it alone too: '0,5' and '2,5' beside '0', '1', '2', '5' stay text; '0,5', '1,5'
    beside '1' are steps). Ratings in half steps from 1 ('1,5' .. '4,5') show no such pair, and stay text."""
    first, after = pairs.str[0], pairs.str[-1]
    if pairs.nunique() < 2 or not (after == "5").all():
        return False
    from_0 = (first == "0").any() and (pairs.nunique() >= _FEWEST_STEPS_FROM_0 or not (wholes == "5").any())
    return bool((first >= after).any() or from_0)


def decimal_commas(where, frame, sep):
    """``frame``, read from a ';' or tab separated file with decimal points, with its columns of numbers written
    with a decimal comma ('0,5', '0,189', '1.234,5') as numbers, told by their cells' shape alone (however few
    values, and with 3 decimals: '18,905' is no thousands comma where ',' is the decimal mark); the other columns
    stay as read ('0.5' beside them: a decimal point, as no thousands dot is). Markers of missing cells and up to 3
    other cells among such numbers stay text (refused later, as among other numbers). A column whose cells with a
    comma are all pairs of digits ('1,2', '2,3': the answers of a multiple-choice question) with fewer than 10
    distinct values stays text, unless another column of the file has decimal commas of other shapes ('12,50') or
    its pairs are steps no such answers are (:func:`_decimal_steps`: '0,5', '1,5', '5,5').
    Refused, naming the columns: a column that mixes decimal commas and points ('2,5' beside '1.5'; '0.125' is a
    decimal point), numbers whose dots may be thousands separators ('2.523', '1.500') in a file whose other
    numbers have decimal commas, and numbers whose commas may be thousands separators ('4,277' beside '709') in a
    file whose other numbers have decimal points ('0.35')."""
    commas, pairs, steps, numbers_of, thousands = {}, {}, {}, {}, {}
    for column in [c for c in frame.columns if frame[c].dtype.kind in "OT"]:
        col = frame[column]
        if pd.api.types.infer_dtype(col, skipna=True) != "string":
            continue  # (True/False with empty cells, which pandas reads as objects: no text to read numbers in)
        if not col.str.contains(",", regex=False, na=False).any():
            continue  # (no cell with a comma: no decimal comma)
        codes, distinct = pd.factorize(col)  # (missing cells: -1)
        text, comma, point, other = _shapes(distinct)
        with_comma = comma & text.str.contains(",", regex=False).to_numpy(dtype=bool)
        counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
        if not with_comma.any() or counts[other].sum() > _MOST_OTHER_CELLS:
            continue
        if point.any():
            raise CommandError(f"the column {str(column)!r} of {where} mixes decimal commas (such as "
                               f"{text[with_comma].iloc[0]!r}) and decimal points (such as {text[point].iloc[0]!r}): "
                               "write its numbers with one decimal mark in the file")
        numbers = pd.to_numeric(text.where(comma).str.replace(r"[.\u00a0\u202f ]", "", regex=True)
                                .str.replace(",", "."), errors="coerce").to_numpy(dtype=float)
        numbers_of[column] = (codes, comma, numbers)
        if text[with_comma].str.fullmatch(_THOUSANDS_COMMA).all():
            thousands[column] = text[with_comma].iloc[0]
        pair = len(distinct) < _FEWEST_PAIRS and text[with_comma].str.fullmatch(_DIGIT_PAIR).all()
        # ('0,5', '1,5': decimals, though of a shape answers share)
        step = pair and _decimal_steps(text[with_comma], text[comma & ~with_comma])
        (steps if step else pairs if pair else commas)[column] = text[with_comma].iloc[0]  # ('1,2': two answers, 1.2)
    if commas:  # decimal commas of other shapes in the file: its pairs of digits are decimals too
        commas.update(pairs)
    commas.update(steps)  # (which show nothing of the file's other pairs: '1,2' beside '0,5' may be answers still)
    for column in commas:
        codes, comma, numbers = numbers_of[column]
        values = np.where(codes >= 0, numbers[codes], np.nan)
        if comma[codes[codes >= 0]].all():
            frame[column] = values
        else:  # (markers and typos among them stay text: named later)
            frame[column] = pd.Series(values, index=frame.index, dtype=object).where(comma[codes] & (codes >= 0),
                                                                                     frame[column])
    raw_cells = functools.cache(lambda: _raw_cells(where, sep))  # (read once, by the checks that need them)
    _check_dotted_floats(where, frame, raw_cells, commas)
    _check_thousands_commas(where, frame, raw_cells, {c: e for c, e in thousands.items() if c in commas})
    return frame


def _float_cells(frame, raw_cells, excluded):
    """(column, its cells as the file writes them, stripped) for each column of ``frame`` pandas read as floats but
    ``excluded``; none where the file's cells (``raw_cells()``) do not line up with the frame's rows."""
    floats = [c for c in frame.columns if c not in excluded and frame[c].dtype.kind == "f"]
    raw = raw_cells() if floats else None
    for column in floats if raw is not None and len(raw) == len(frame) else []:
        yield column, raw[column].str.strip() if column in raw.columns else pd.Series([], dtype=str)


def _check_thousands_commas(where, frame, raw_cells, thousands):
    """Refuse the columns ``thousands`` ({column: example}), read as decimal commas though every comma of theirs may
    be a thousands separator ('4,277'), in a file where another column's numbers have decimal points no thousands
    dot is ('0.35', '12.5'): the file's decimal mark is then the point, and '4,277' is 4277, not 4.277."""
    for column, cells in _float_cells(frame, raw_cells, thousands) if thousands else ():
        points = cells[cells.str.fullmatch(_POINT_NUMBER) & ~cells.str.fullmatch(_THOUSANDS_DOTTED)]
        if len(points):
            name, example = next(iter(thousands.items()))
            raise CommandError(f"{where} mixes two decimal marks: the column {str(column)!r} has decimal points (such "
                               f"as {points.iloc[0]!r}), the column {str(name)!r} commas (such as {example!r}), which "
                               "may be thousands separators there: write every number in the file with one decimal "
                               "mark and no thousands separators")


def _check_dotted_floats(where, frame, raw_cells, commas):
    """Refuse the columns pandas read as floats whose dots may be thousands separators ('2.523', '1.500') in a file
    where the columns ``commas`` ({column: example}) have decimal commas."""
    for column, cells in _float_cells(frame, raw_cells, commas) if commas else ():
        dotted = cells[cells.str.contains(".", regex=False)]
        if len(dotted) and dotted.str.fullmatch(_THOUSANDS_DOTTED).all() and _thousands_dots(cells) is None:
            name, example = next(iter(commas.items()))
            raise CommandError(f"{where} mixes two decimal marks: the column {str(name)!r} has decimal commas (such as "
                               f"{example!r}), the column {str(column)!r} dots (such as {dotted.iloc[0]!r}), which may "
                               "be thousands separators there: write every number in the file with one decimal mark "
                               "and no thousands separators")
