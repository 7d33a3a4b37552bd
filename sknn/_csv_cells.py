"""The cells of a CSV file as written, and the rules on thousands dots and on whole numbers written with leading zeros,
shared by :mod:`sknn._csv_files` and :mod:`sknn._csv_decimals`; and :class:`CommandError`, the command's one-line
error."""

import re


class CommandError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""


# whole numbers written with dots between groups of three digits ('2.523', '1.021.000'; never '0.125'), and those
# below 1000, written without one ('709')
_THOUSANDS_DOTTED = re.compile(r"[-+]?[1-9]\d{0,2}(\.\d{3})+")
_BELOW_A_THOUSAND = re.compile(r"[-+]?\d{1,3}")
_DIGITS = re.compile(r"[0-9]+")
_LEADING_ZERO = re.compile(r"0[0-9]+")  # '02139', '007': a code (zip, FIPS, account), or a padded number ('01')


def _thousands_dots(cells):
    """An example cell when a column's text (of a ';' or tab separated file, where Excel writes '#.##0' numbers
    so) holds whole numbers with dots as thousands separators: some cell holds a dot, every such cell has groups of
    exactly three digits after its dots ('2.523', '1.021.000'), every other one is a whole number below 1000
    ('709'), and some cell is such a number, written without a dot, or has two dots, as no decimal has; pandas
    reads them as decimals (2.523) or as one category per value. None otherwise: '0.125' beside '1.5', '3.9' or
    '12.50' are decimals, and so is a column of numbers all written with three decimals ('12.345', '7.500', as
    '%.3f' writes them), where no whole number shows the dots to be thousands separators."""
    cells = cells[cells.notna()].astype(str).str.strip()
    cells = cells[cells != ""]
    dotted = cells.str.contains(".", regex=False)
    if not dotted.any() or not cells[dotted].str.fullmatch(_THOUSANDS_DOTTED).all():
        return None
    if not cells[~dotted].str.fullmatch(_BELOW_A_THOUSAND).all():
        return None
    if not (~dotted).any() and not (cells.str.count(re.escape(".")) > 1).any():
        return None
    return str(cells[dotted].iloc[0])


def leading_zero_example(cells):
    """An example cell when a column's text holds digits only, some of them written with a leading zero ('02139',
    '007'): codes (zip codes, county and account numbers) or padded numbers (months '01', times '0930'), which pandas
    reads as numbers, dropping the zeros; None otherwise ('0' alone, signs, decimals)."""
    cells = cells[cells.notna()].astype(str).str.strip()
    cells = cells[cells != ""]
    padded = cells.str.fullmatch(_LEADING_ZERO)
    if not padded.any() or not cells.str.fullmatch(_DIGITS).all():
        return None
    return str(cells[padded].iloc[0])


def _raw_cells(where, sep, columns=None, nrows=None):
    """The file's cells as the text they are written as (empty cells as ''), of ``columns`` and the first ``nrows``
    rows only if given."""
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)  # (a delimiter at the end of every row)
        return pd.read_csv(where, dtype=str, keep_default_na=False, index_col=False, sep=sep, low_memory=False,
                           usecols=columns, nrows=nrows)
