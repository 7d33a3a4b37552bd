"""The strings of a table's columns (:mod:`sknn._tabular`) that stand for numbers.

Read as categories, a column of numbers written as text makes each value a category of its own and
carries nothing the numbers say: numbers with thousands separators, currency or percent signs
('355,792', '$12.50', '45%'), a decimal comma ('51,26'), a minus sign other than '-' ('−2.5', as
word processors and typesetting write it), a unit or a mark around them ('12.5 kg', '12.3K', "'12.5",
'~8.5'), dates; numbers beside markers of missing cells ('?', 'n/a') or beside a few typos ('5k',
'1.2.5'). One rule for the networks' preprocessing, ``compare`` and the ``sknn compare`` command,
which name what they find and the fix.
"""

import re

import numpy as np
import pandas as pd

from ._numbers import is_real_number as _is_number
from ._validation import reads_as_number

__all__ = ["describe_numbers_as_text", "describe_placeholders", "file_fix", "marks_missing", "numbers_as_text",
           "odd_dates", "placeholder_cells", "typo_cells"]

_FEWEST_NUMBERS = 10  # distinct numbers a column needs before its strings read as placeholders
_MOST_OTHER_STRINGS = 3  # strings among numbers, besides markers of missing cells, that still read as placeholders
# letters and digits together ('c118', 'B2', '12A', 'A-3') or dotted versions ('1.2.3'): codes, which make a column
# identifiers, not numbers (unless a few of them among measurements: typos, :func:`_typos_among_measurements`)
_CODE = re.compile(r"[^\W\d_]+[-_./ ]?\d+[^\W\d_]*|\d+[-_./ ]?[^\W\d_]+\d*|\d+(\.\d+){2,}")
# what marks a missing cell, however many kinds of them: punctuation alone ('?', '-', '.'), or these words (letters and
# digits only, lower case: 'N/A' is 'na', "don't know" 'dontknow', '#DIV/0!' 'div0')
_MISSING_WORDS = frozenset({"na", "nan", "none", "null", "nil", "missing", "unknown", "unk", "tbd", "tba", "refused",
                            "dontknow", "dk", "skip", "skipped", "notavailable", "notapplicable", "nodata", "empty",
                            "blank", "undefined", "div0", "value", "ref", "error", "err", "notrecorded", "notasked"})

_FORMATTED_NUMBER = re.compile(r"[-+(]?\s*[$€£¥₹]?\s*[-+]?(\d{1,3}([,'’\u00a0\u202f ]\d{3})+|\d+)(\.\d*)?"
                               r"\s*[$€£¥₹%]?\)?")  # thousands separators, currency before or after, percent
# decimal commas, thousands dots or spaces left or not ('51,26', '1.234,5', '-0,5'): pd.read_csv without decimal=','
_DECIMAL_COMMA_DIGITS = r"(?:\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d*),\d+"
_DECIMAL_COMMA = re.compile(rf"[-+]?{_DECIMAL_COMMA_DIGITS}")
# such a number inside a cell ('7,6' of '7,6h', '1.234,5' of '1.234,5 kg', '12,5' of '12,5 %'), not a part of a list
# ('1,2,3') or of a number with a decimal point ('1,250.5'); and one that may be a thousands comma ('1,250')
_DECIMAL_COMMA_IN_TEXT = re.compile(rf"(?<![\d.,]){_DECIMAL_COMMA_DIGITS}(?![\d.,])")
_THOUSANDS_COMMA = re.compile(r"[1-9]\d{0,2},\d{3}")
_COMMA_DIGIT = re.compile(r",\d")  # (what every number with a decimal comma holds: one fast search for it)
_DECIMAL_POINT = re.compile(r"\d\.\d")
_NUMBER_FIRST = re.compile(r"[-+(]?\s*['~≈$€£¥₹]?\s*[-+]?[\d.,]")  # how formatted or marked numbers begin
_WITHOUT_THOUSANDS = str.maketrans("", "", ".\u00a0\u202f ")  # (thousands separators of a number left out)
_DATE = re.compile(r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"
                   r"|(1[5-9]|20)\d\d-(0[1-9]|1[0-2])")  # (a month of a year, '2020-01', as a Period is written)
_MONTH = (r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?"
          r"|nov(ember)?|dec(ember)?)\.?")
# a year a date of a data set is in: codes such as 'SEP-1000' are no dates
_YEAR = r"(1[89]\d\d|20\d\d|2100)"
# dates with the month's name: '05-Jan-2020', '05-Jan-20', '05 January 2020', 'January 05, 2020', 'Jan 2020',
# '2020-Jan-05', a weekday before and a time after or not (month names alone are categories)
_MONTH_NAME_DATE = re.compile(
    rf"((mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(\d{{1,2}}(st|nd|rd|th)?[-/ ]+{_MONTH}[-/ ,]+(\d\d|{_YEAR})"
    rf"|{_MONTH}[-/ ]+\d{{1,2}}(st|nd|rd|th)?,?[-/ ]+{_YEAR}|{_MONTH}[-/ ,]+{_YEAR}|{_YEAR}[-/ ]+{_MONTH}[-/ ]+"
    rf"\d{{1,2}})([ T,]+\d{{1,2}}:\d{{2}}(:\d{{2}}(\.\d+)?)?\s*([ap]\.?m\.?)?)?", re.IGNORECASE)
# durations as pandas writes them ('0 days 00:00:37', '-1 days +23:59:59.5'), as Python does ('1 day, 2:03:04') and
# as ISO 8601 with days and times ('PT5M', 'P1DT2H30M', which pd.to_timedelta reads; not years or months, 'P1M', which
# it misreads as a minute, nor weeks: codes such as 'P2W' look alike)
_DURATION = re.compile(r"-?\d+ days?,? [+-]?\d{1,2}:\d{2}:\d{2}(\.\d+)?"
                       r"|P(?=\d+DT?\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")
_SIGN_OR_SEPARATOR = re.compile(r"[$€£¥₹%]|\d[,'’\u00a0\u202f ]\d{3}(?!\d)")  # what makes '45%', '$5', '1,250'
# minus signs other than '-' before a number (or its exponent): the minus sign U+2212, dashes (the en dash, ...), the
# small and full-width hyphen-minus; not a dash between numbers ('10–20', a range)
_OTHER_MINUS = re.compile(r"(?:^|(?<=[\s(eE$€£¥₹]))[\u2212\u2013\u2012\u2010\ufe63\uff0d](?=\s*\.?\d)")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# a number with a unit or a suffix after it ('12.5 kg', '12.5kg', '12.3K', '37 °C', '8.1±0.1', '3 km/h'), or with
# Excel's mark of text or an approximation before it ("'12.5", '~8.5')
_MARKED_NUMBER = re.compile(rf"(?P<before>['~≈]?)\s*(?P<number>{_NUMBER})\s*(?P<after>(?:±|\+/-|\+-)\s*{_NUMBER}"
                            r"|°\s*[CFK]?|[^\W\d_]{1,8}(?:[/·][^\W\d_]{1,5})?[.²³23]?|)")
_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12, "tn": 1e12}  # suffixes
_SCALE_SUFFIXES = frozenset(_SCALES)  # of thousands, millions, billions, trillions
_FEWEST_NUMBERS_PER_SCALED_TYPO = 20  # numbers beside each cell such as '5k' among whole numbers that reads as a typo
_SPACES = " \t\r\n\f\v"  # the spaces around cells that messages leave out (not a non-breaking space: '8.5\xa0')
_MINUS_KIND = "numbers with a minus sign other than '-'"
_MARKED_KIND = "numbers with units or marks"
_FORMATTED_KIND = "formatted numbers"
# the kinds of :func:`numbers_as_text` whose numbers have a decimal comma ('12,5 %', '7,6h'): another fix
_COMMA_KINDS = {_FORMATTED_KIND: "formatted numbers with a decimal comma",
                _MARKED_KIND: "numbers with a decimal comma and units or marks"}


def marks_missing(text):
    """Whether a string among numbers reads as a marker of a missing cell ('?', 'n/a', "don't know")."""
    return re.sub(r"[^a-z0-9]", "", text.lower()) in _MISSING_WORDS | {""}


def typo_cells(cells):
    """The cells of :func:`placeholder_cells`'s result that read as typos among numbers ('5k', '1.2.5', '8..5'): not
    markers of missing cells, and holding a digit; a message asks to correct them rather than only to read them as
    missing. Labels without a digit ('T', 'yes', 'K') are no typos."""
    return [c for c in cells if not marks_missing(c) and any(ch.isdigit() for ch in c)]


def _reads_as_number_text(text):
    """Whether ``text`` is a number as it is written, with separators, signs or a decimal comma or not."""
    return reads_as_number(text) or bool(_FORMATTED_NUMBER.fullmatch(text) or _DECIMAL_COMMA.fullmatch(text))


def _with_other_minus(text):
    """Whether ``text`` is a number once its minus sign other than '-' ('−2.5', '–2.5') is written '-'."""
    fixed = _OTHER_MINUS.sub("-", text)
    return fixed != text and _reads_as_number_text(fixed.strip())


def _as_float(v):
    try:
        return float(v)
    except (OverflowError, TypeError, ValueError):
        return np.nan


def _typos_among_numbers(numbers, codes):
    """Whether the cells shaped like codes ('5k', '1.2.5') beside ``numbers`` (a column's cells that are numbers)
    are typos: at most 3 of them (``codes``: the count of each, a Series), beside measurements (numbers with
    fractions), or beside whole numbers when each is a number with a scale suffix of the numbers' size
    (:func:`_scaled_typos`: '5k' among prices 100..5000); not codes beside other whole numbers (codes such as '117'
    beside 'c118'; house or island numbers '12', '15' beside '15A', distinct or not) or beside versions ('1.2'
    beside '1.2.3', more than 3 of them)."""
    n_cells = int(codes.sum())
    if n_cells > _MOST_OTHER_STRINGS:
        return False
    floats = np.array([_as_float(v) for v in numbers], dtype=float)
    floats = floats[np.isfinite(floats)]
    return bool((floats % 1 != 0).any()) or _scaled_typos(floats, codes.index, n_cells)


def _scaled_typos(floats, codes, n_cells):
    """Whether the ``n_cells`` cells ``codes`` (distinct strings) beside the whole numbers ``floats`` are numbers
    written with a suffix of thousands, millions, billions or trillions ('5k', '2M', '1.2bn') among numbers of that
    size: each, so scaled, within the numbers' range (a factor of 2 beyond it), beside at least 20 numbers for each
    such cell: '5k' among prices 100..5000 is 5000, a typo. Not identifiers with letters: letters that are no scale
    ('15A', '65A' beside island numbers 3..91), scales far beyond the numbers ('12B', '5K' beside house numbers
    1..60), or on many cells."""
    if len(floats) < _FEWEST_NUMBERS_PER_SCALED_TYPO * n_cells:
        return False
    low, high = floats.min(), floats.max()
    low, high = low / 2 if low > 0 else 2 * low, 2 * high if high > 0 else high / 2
    for code in codes:
        match = _MARKED_NUMBER.fullmatch(code)
        if not match or match["before"] or _unit(match) not in _SCALES:
            return False
        if not low <= float(match["number"]) * _SCALES[_unit(match)] <= high:
            return False
    return True


def placeholder_cells(values):
    """The strings that stand in a column of numbers where a number is missing ('?', '-', 'n.a.') or that are typos
    among its numbers ('5k', '1.2.5'), with their counts ({'?': 2}), as the cells are written (spaces aside: '?\\xa0'
    stays); None when the column is not numbers with such cells.

    A column reads so when its numbers (or text that parses as a number) take at least 10 distinct
    values and its other strings are markers of missing cells ('?', '-', 'n/a', 'missing', 'unknown',
    "don't know": any number of kinds, in any share of the cells), or, when at least half of its
    present cells are numbers, at most 3 other distinct strings; codes with letters and digits or
    dotted versions count so only as at most 3 cells among measurements (numbers with fractions), or among whole
    numbers when each is a number with a scale suffix of their size ('5k' among prices 100..5000). Read as
    categories, such a column would make every number a category of its own and lose what the numbers say.
    Categories stay: a few codes among few numbers ('1'..'5', 'none'),
    numbers beside more than 3 other strings (floors '1'..'19' with 'G', 'B', 'LG', 'M'; sizes
    '34'..'52' with 'S'..'XL'), codes among whole numbers ('117', 'c118'; '15', '15A') or versions
    ('1.2' beside '1.2.3'), text with a few numbers. Numbers written with thousands separators,
    signs or another minus sign are :func:`numbers_as_text`'s.
    """
    values = np.asarray(values, dtype=object)
    present = values[~np.asarray(pd.isna(values), dtype=bool)][:100_000]
    if len(present) == 0 or _share_of_numbers(present[::max(1, len(present) // 200)]) == 0:  # text leaves at once
        return None
    raw = pd.Series(present, dtype=object)
    text = raw.map(lambda v: v.strip() if isinstance(v, str) else v)
    is_text = text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    # numbers as they are (10**400 has no float), text parsed (booleans are neither)
    parsed = text.where(text.map(_is_number)).where(~is_text, pd.to_numeric(text.where(is_text), errors="coerce"))
    numeric = parsed.notna().to_numpy()
    if numeric.all() or parsed[numeric].nunique() < _FEWEST_NUMBERS:
        return None
    others = text[~numeric].map(str).value_counts()
    unmarked = [v for v in others.index if not marks_missing(v)]  # ('DIV/0' is a marker before it is a code)
    if any(_FORMATTED_NUMBER.fullmatch(v) or _DECIMAL_COMMA.fullmatch(v) or _with_other_minus(v) for v in unmarked):
        return None  # numbers with separators, signs or another minus sign (numbers_as_text's)
    codes = [v for v in unmarked if _CODE.fullmatch(v)]
    if codes and not _typos_among_numbers(parsed[numeric], others[codes]):
        return None  # identifiers ('c118' beside '117', '1.2.3' beside '1.2')
    if unmarked and (numeric.mean() < 0.5 or len(unmarked) > _MOST_OTHER_STRINGS):
        return None  # categories: numbers beside labels of their own ('G', 'PH'; 'S', 'XL'), or text with numbers
    written = raw[~numeric].map(lambda v: (v.strip(_SPACES) or v) if isinstance(v, str) else str(v))  # (" ": as is)
    return {str(k): int(v) for k, v in written.value_counts().items()}


def numbers_as_text(values):
    """What a column of strings holds when its strings are numbers or dates written as text, with many
    distinct values: ('numbers', example), ('formatted numbers', example) for thousands separators,
    currency or percent signs ('355,792', "51'260", '$12.50', '12.50€', '45%'), ('numbers with a decimal
    comma', example) ('51,26', '1.234,5'), ("numbers with a minus sign other than '-'", example) ('−2.5',
    '–2.5'), ('numbers with units or marks', example) when at least 90% of the cells are numbers once a
    unit, a suffix or a mark is taken off ('12.5 kg', '12.3K', '8.1±0.1', "'12.5", '~8.5'), ('formatted
    numbers with a decimal comma', example) and ('numbers with a decimal comma and units or marks', example)
    for those written with a decimal comma ('12,5 %', '7,6h', '9,4 kg'), ('dates or times', example) (a month of a
    year too, '2020-01'; with the month's name, '05-Jan-2020', 'Mar-2001'), ('durations', example) ('0 days
    00:00:37', 'PT5M');
    ('numbers, some of them', example) for numbers beside numbers written as text (17.5 and '523.25': 5 and
    '5' would be two categories); None otherwise. The example is a cell as it is written, spaces aside
    ('8.5\\xa0', not '8.5').

    Read as categories, such a column makes each value a category of its own and carries nothing the
    numbers say (their order, their distances). Columns with fewer than 10 distinct values (codes such
    as '1'..'5') and columns of digits only (zip codes, identifiers: codes as often as counts) stay
    categories; percent, currency and thousands-separated amounts and numbers with another minus sign
    do not, however few (nor with a decimal comma: '2,5 %'). One rule for the networks' preprocessing and
    ``sknn compare``.
    """
    values = np.asarray(values, dtype=object)
    present = values[~np.asarray(pd.isna(values), dtype=bool)][:100_000]
    if len(present) == 0:
        return None
    if not all(isinstance(v, str) for v in present[:1000]):
        return _numbers_beside_text(present)
    cells = pd.Series(present, dtype=object)
    if not cells.map(lambda v: isinstance(v, str)).all():
        return _numbers_beside_text(present)
    stripped = cells.str.strip()
    found = _numbers_in_strings(pd.unique(stripped).tolist(), stripped.value_counts())
    if found is None:
        return None
    written = dict(zip(stripped[::-1], cells.str.strip(_SPACES)[::-1]))  # each stripped value, as written first
    return found[0], written.get(found[1], found[1])


def _numbers_in_strings(distinct, counts):
    """:func:`numbers_as_text` for the distinct stripped strings of a column (in the order they come) and the count
    of each (a Series): the numbers as written, else those with a decimal comma (:func:`_decimal_comma_kinds`)."""
    found = _numbers_as_written(distinct, counts)
    return found if found is not None else _decimal_comma_kinds(distinct, counts)


def _numbers_as_written(distinct, counts):
    """:func:`_numbers_in_strings` for numbers written with a decimal point, or a decimal comma alone."""
    minus = [v for v in distinct if _with_other_minus(v)]
    if minus and all(_with_other_minus(v) or _reads_as_number_text(v) or marks_missing(v) for v in distinct):
        return _MINUS_KIND, minus[0]  # ('−2.5': refused however few, as '$5' is)
    if len(distinct) < _FEWEST_NUMBERS:  # codes, unless amounts with signs or separators ('5%', '$10', '1,250')
        signed = [v for v in distinct if _SIGN_OR_SEPARATOR.search(v)]
        return (_FORMATTED_KIND, signed[0]) if signed and all(_FORMATTED_NUMBER.fullmatch(v) for v in distinct) \
            else None
    if all(v.isdigit() for v in distinct):  # whole numbers in digits only: codes as often as counts (zip codes)
        return None
    example = next((v for v in distinct if not v.isdigit()), distinct[0])
    if pd.to_numeric(pd.Series(distinct), errors="coerce").notna().all():
        return "numbers", example
    if all(_FORMATTED_NUMBER.fullmatch(v) for v in distinct):
        example = next((v for v in distinct if not reads_as_number(v)), example)
        return _FORMATTED_KIND, example
    if all(_DECIMAL_COMMA.fullmatch(v) or v.lstrip("+-").isdigit() for v in distinct):  # ('1,234' alone: above)
        commas = [v for v in distinct if "," in v]  # (an example that no thousands comma may be: '12,5', not '1,250')
        return "numbers with a decimal comma", next((v for v in commas if not _THOUSANDS_COMMA.fullmatch(
            v.lstrip("+-"))), commas[0])
    dated = [v for v in distinct if _is_date(v)]
    others = [v for v in distinct if not (_is_date(v) or marks_missing(v))]
    if len(dated) == len(distinct) or (len(dated) >= _FEWEST_NUMBERS and int(counts[others].sum()) <=
                                       _MOST_OTHER_STRINGS):  # (and a typo or a marker of missing cells: '9.12', '?')
        return "dates or times", next((v for v in dated if not v.isdigit()), dated[0])
    if all(_DURATION.fullmatch(v) for v in distinct):
        return "durations", example
    return _marked_numbers(distinct, counts)


def _is_date(cell):
    """Whether the stripped string ``cell`` is a date or a time as :func:`numbers_as_text` reads them."""
    return bool(_DATE.fullmatch(cell) or _MONTH_NAME_DATE.fullmatch(cell))


def odd_dates(found, values):
    """For a column of ``values`` that :func:`numbers_as_text` found (``found``) to hold dates or times: "; the cell
    '9.12' is not written as the others (a typo?)", naming up to 3 cells not written as its dates and times are, nor
    marks of missing values ('9.12' among '13:30'; '9:30 AM' too, which a fix may read or not); '' for another kind
    or none such."""
    if found[0] != "dates or times":
        return ""
    cells = pd.Series(np.asarray(values, dtype=object)[:100_000], dtype=object)
    cells = cells[cells.map(lambda v: isinstance(v, str))].str.strip()
    odd = [v for v in pd.unique(cells) if not (_is_date(v) or marks_missing(v))]
    if not odd:
        return ""
    return (f"; the cell {odd[0]!r} is not written as the others (a typo?)" if len(odd) == 1 else
            f"; the cells {', '.join(map(repr, odd[:3]))}{' ...' if len(odd) > 3 else ''} are not written as the "
            "others (typos?)")


def _with_decimal_points(distinct):
    """{cell: the cell with its numbers' decimal commas written as points} ('7,6h': '7.6h', '1.234,5 kg': '1234.5 kg',
    '12,5 %': '12.5 %'; other cells as they are) for a column's distinct stripped strings whose numbers have a
    decimal comma, as :data:`_DECIMAL_COMMA` reads them: some number shows the comma to be no thousands separator
    (digits after it other than three: '7,6'), no number may be read with a thousands comma ('1,250' beside '12,5':
    47,663 km or 47.663 km, not told), and no cell has a decimal point ('7.6h' beside '7,6h': two decimal marks).
    None otherwise, told on all the cells at once, ending at the first thousands comma (text such as '12, rue de
    la Paix' or codes such as '12,345A' pay one search)."""
    text = "\n".join(distinct)  # (the cells, one a line: a number stays within its cell)
    if not _COMMA_DIGIT.search(text):
        return None
    decimal = False
    for match in _DECIMAL_COMMA_IN_TEXT.finditer(text):
        if _THOUSANDS_COMMA.fullmatch(match[0]):
            return None  # thousands commas (alone: '1,250 km'; beside '12,5 km': either reading)
        decimal = True
    if not decimal or _DECIMAL_POINT.search(_DECIMAL_COMMA_IN_TEXT.sub(" ", text)):
        return None
    return {v: _DECIMAL_COMMA_IN_TEXT.sub(_with_a_point, v) if "," in v else v for v in distinct}


def _with_a_point(match):
    """A number of :data:`_DECIMAL_COMMA_IN_TEXT`'s ``match`` written with a decimal point ('1.234,5': '1234.5')."""
    return match[0].translate(_WITHOUT_THOUSANDS).replace(",", ".")


def _decimal_comma_kinds(distinct, counts):
    """(kind, example) of :func:`numbers_as_text` for formatted numbers and numbers with units or marks written with a
    decimal comma ('12,5 %', '€ 12,50', '7,6h', '9,4 kg'): the rules of numbers with a decimal point, on the cells
    with their decimal commas written as points (:func:`_with_decimal_points`); None otherwise."""
    points = _with_decimal_points(distinct)  # (first: the one search that most text columns end with)
    least = 0.9 * counts.sum()  # (either kind needs 90% of the cells so written: text such as 'room 3,5' leaves)
    if points is None or counts[[v for v in distinct if _NUMBER_FIRST.match(v)]].sum() < least:
        return None
    if counts[[v for v, point in points.items() if _MARKED_NUMBER.fullmatch(point)
                                 or _FORMATTED_NUMBER.fullmatch(point)]].sum() < least:
        return None
    written = {}
    for v, point in points.items():
        written.setdefault(point, v)  # ('1.234,5' and '1234,5': one number, one cell)
    found = _numbers_as_written(list(written), counts.groupby(counts.index.map(points)).sum())
    if found is None or found[0] not in _COMMA_KINDS:
        return None
    return _COMMA_KINDS[found[0]], written[found[1]]


def _unit(match):
    """The unit or suffix of a match of :data:`_MARKED_NUMBER`, in lower case, without spaces ('±' for any
    uncertainty: '±0.1', '+/- 0.2'); '' for none."""
    after = re.sub(r"\s+", "", match["after"]).lower()
    return "±" if after[:1] in ("±", "+") else after


def _marked_numbers(distinct, counts):
    """(:data:`_MARKED_KIND`, example) when at least 90% of the cells (``distinct`` stripped strings, with their
    ``counts``) are numbers once a unit, a suffix or a mark around them is taken off ('12.5 kg', '12.3K',
    '8.1±0.1', "'12.5", '~8.5'), more than 3 distinct values carry one, and their units are one (or suffixes of
    thousands, millions and billions: '8.5K' beside '1.2M'); None otherwise: codes such as '12A', '12B', '7C' or
    '1st', '2nd', '3rd', and whole numbers with Excel's mark of text alone ("'01234": codes that keep their
    zeros)."""
    matches = {v: _MARKED_NUMBER.fullmatch(v) for v in distinct}
    marked = [v for v in distinct if matches[v] and (matches[v]["before"] or matches[v]["after"])]
    marked_set = set(marked)  # (built once: a column of 1e6 distinct codes such as '12345678Z')
    plain = [v for v in distinct if v not in marked_set and reads_as_number(v)]
    if len(marked) <= _MOST_OTHER_STRINGS or counts[marked + plain].sum() < 0.9 * counts.sum():
        return None
    units = {_unit(matches[v]) for v in marked} - {""}
    if len(units) > 1 and not units <= _SCALE_SUFFIXES:
        return None
    if not units and {matches[v]["before"] for v in marked} == {"'"} and all(
            v.lstrip("'").strip().isdigit() for v in marked + plain):
        return None
    return _MARKED_KIND, marked[0]


def _scale_suffixed(example):
    """Whether the cell ``example`` of :func:`_marked_numbers` ends with a suffix of thousands, millions or
    billions ('12.3K', '1.2M', '2bn', '12,3K'), not a unit ('12.5 kg')."""
    example = example.strip()
    match = _MARKED_NUMBER.fullmatch((_with_decimal_points([example]) or {example: example})[example])
    return bool(match) and _unit(match) in _SCALE_SUFFIXES


def _numbers_beside_text(present):
    """('numbers, some of them', example) when the cells are numbers and strings that parse as numbers (a sheet
    where some cells are text, a JSON feed), however few, or (:data:`_MINUS_KIND`, example) when some strings
    are numbers once their minus sign is written '-'; None otherwise."""
    present = [v for v in present if not (isinstance(v, str) and marks_missing(v))]  # ('?', 'n/a': missing cells)
    strings = [v.strip() for v in present if isinstance(v, str)]
    if not strings or not all(isinstance(v, str) or _is_number(v) for v in present):
        return None
    minus = [v for v in strings if _with_other_minus(v)]
    if minus and all(_with_other_minus(v) or reads_as_number(v) for v in strings):
        return _MINUS_KIND, minus[0]
    if not pd.to_numeric(pd.Series(strings, dtype=object), errors="coerce").notna().all():
        return None
    return "numbers, some of them", strings[0]


_CLOCK = re.compile(r"\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*")  # a time without a date: of day, or a duration


def describe_numbers_as_text(found, name):
    """The sentence and the fix for what :func:`numbers_as_text` found in column ``name``."""
    kind, example = found
    clock = _CLOCK.fullmatch(str(example))
    if kind == "dates or times" and clock:  # (pd.to_timedelta reads '13:26:00', not '13:26')
        seconds = "" if clock.group(1) else " + ':00'"
        return (f"Column {name} holds times written as text, without a date (such as {example!r}): a time of day or "
                f"a duration; turn them into numbers first (for instance pd.to_timedelta(X[{name}]{seconds}, "
                "errors='coerce').dt.total_seconds(), the seconds since midnight or of the duration; a cell that is "
                "no time becomes missing)")
    if kind == "dates or times":
        return (f"Column {name} holds dates or times written as text (such as {example!r}): turn them into "
                f"numbers first (for instance t = pd.to_datetime(X[{name}], format='mixed', utc=True, "
                "errors='coerce'), then the days since a date, (t - pd.Timestamp('2000-01-01', tz='UTC'))"
                ".dt.total_seconds() / 86400, and parts such as t.dt.year, t.dt.month, t.dt.dayofweek or t.dt.hour; a "
                "cell that is no date becomes missing)")
    if kind == "durations":
        return (f"Column {name} holds durations written as text (such as {example!r}): turn them into numbers "
                f"first (for instance pd.to_timedelta(X[{name}]).dt.total_seconds())")
    minus = next(iter(_OTHER_MINUS.findall(example)), "\u2212")
    scaled = ", times 1000 where a suffix K stands for thousands, 1e6 where M stands for millions" \
        if _scale_suffixed(example) else ""
    comma_fix = (f"the number alone, with a decimal point: pd.to_numeric(X[{name}].str.extract(r'([-+]?[\\d.\\s]*,?"
                 "\\d+)', expand=False).str.replace(r'[.\\s]', '', regex=True).str.replace(',', '.'))" + scaled)
    fix = {"numbers": f"pd.to_numeric(X[{name}]{'.str.strip()' if example != example.strip() else ''})",
           "numbers, some of them": f"pd.to_numeric(X[{name}])",
           "numbers with a decimal comma": f"pd.read_csv(..., decimal=','), or pd.to_numeric(X[{name}].str.replace("
                                           "'.', '').str.replace(',', '.'))",
           _MINUS_KIND: f"pd.to_numeric(X[{name}].replace({minus!r}, '-', regex=True))",
           _MARKED_KIND: f"the number alone: pd.to_numeric(X[{name}].str.extract(r'([-+]?\\d*\\.?\\d+)', "
                         f"expand=False)){scaled}; a unit belongs in the column's name",
           _COMMA_KINDS[_FORMATTED_KIND]: comma_fix,
           _COMMA_KINDS[_MARKED_KIND]: f"{comma_fix}; a unit belongs in the column's name",
           }.get(kind, f"pd.to_numeric(X[{name}].str.replace(r'[^0-9.eE+-]', '', regex=True)), or "
                       "pd.read_csv(..., thousands=',')")
    return (f"Column {name} holds {kind} written as text (such as {example!r}), which would be read as one "
            f"category per value: make it numeric first ({fix})")


def file_fix(kind, example):
    """The fix in the file (``sknn compare``) for what :func:`numbers_as_text` found: (kind, example)."""
    if kind == _MINUS_KIND:
        minus = next(iter(_OTHER_MINUS.findall(example)), "\u2212")
        return f"write the minus sign as '-' in the file (replace {minus!r} by '-')"
    scaled = "; 12.3K is 12300, 1.2M is 1200000)" if _scale_suffixed(example) else ")"
    if kind == "dates or times" and _CLOCK.fullmatch(str(example)):
        return "turn them into numbers in the file (seconds since midnight, or of the duration)"  # (no date)
    return {"dates or times": "turn them into numbers in the file (a year, a month, days since a date)",
            "durations": "turn them into numbers in the file (seconds, minutes or days)",
            "numbers with a decimal comma": "write them with a decimal point in the file (51.26, not 51,26)",
            _MARKED_KIND: "write plain numbers in the file, without units, suffixes or marks (a unit belongs in the "
                          "column's name" + scaled,
            _COMMA_KINDS[_FORMATTED_KIND]: "write them as plain numbers with a decimal point in the file (12.5, not "
                                           "12,5 %: no spaces, thousands separators, currency or percent signs)",
            _COMMA_KINDS[_MARKED_KIND]: "write plain numbers with a decimal point in the file (7.6, not 7,6h), "
                                        "without units, suffixes or marks (a unit belongs in the column's name"
                                        + scaled,
            }.get(kind, "write them as plain numbers in the file (no spaces, thousands separators, currency or "
                        "percent signs)")


def _share_of_numbers(values):
    def is_number(v):
        return reads_as_number(v) if isinstance(v, str) else _is_number(v)

    return float(np.mean([is_number(v) for v in values])) if len(values) else 0.0


def describe_placeholders(cells):
    """"2 cells '?', 1 cell 'n.a.'" for the result of :func:`placeholder_cells` (the 6 most frequent)."""
    shown = sorted(cells.items(), key=lambda item: -item[1])[:6]
    more = f" and {len(cells) - 6} other strings" if len(cells) > 6 else ""
    return ", ".join(f"{n} cell{'s' if n > 1 else ''} {token!r}" for token, n in shown) + more
