"""The CSV files of ``sknn compare --csv``: checked, read and split into features and target.

Every problem with a file is a :class:`CommandError` naming the file, the line or the column
and the fix, in one line: a binary file (Excel, Parquet, compressed without its extension),
NUL bytes (UTF-16 without its mark, a damaged file), a title or Excel's ``sep=`` line above
the header, the header repeated in the data (two files joined), a row cut short (a file cut
off), a first line of data instead of a header, numbers or dates written as text, whole numbers
with thousands dots where ';' or tabs separate the fields ('2.523' beside '709'), two decimal marks that
cannot be told apart. Where ';' or tabs separate the fields, the columns of numbers with a decimal comma
are read as numbers, each by its cells' shape; cells of spaces alone are missing, as empty ones are.
pandas is imported by the functions that need it, so that ``sknn --help`` stays quick.
"""

import bz2
import gzip
import lzma
import os
import re
import unicodedata
import zipfile

from ._csv_cells import (_THOUSANDS_DOTTED, CommandError, _raw_cells, _thousands_dots,  # noqa: F401
                         leading_zero_example)
from ._input_files import first_line_not_utf8


# file signatures of what is no CSV text: (first bytes, what it is, extensions pandas decompresses it by, the fix)
_BINARY = ((b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive", (".zip",),
            "export it as CSV (Excel: Save As, CSV UTF-8), or name a zipped CSV ... .csv.zip"),
           (b"\x1f\x8b", "gzip-compressed", (".gz",), "name it ... .csv.gz, or decompress it (gunzip)"),
           (re.compile(rb"BZh[1-9]1AY&SY"), "bzip2-compressed", (".bz2",), "name it ... .csv.bz2, or decompress it "
                                                                          "(bunzip2)"),
           (b"\xfd7zXZ", "xz-compressed", (".xz",), "name it ... .csv.xz, or decompress it (unxz)"),
           (b"PAR1", "a Parquet file", (), "convert it to CSV (pd.read_parquet(path).to_csv('out.csv', index=False))"),
           (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)", (), "export it as CSV (Excel: Save As, CSV "
                                                                       "UTF-8)"))
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_CHUNK = 1 << 20


# formats known by their extension that are no CSV text, and pandas' reader of each (to export them as CSV)
_NOT_CSV = {".json": ("a JSON file", "read_json"), ".jsonl": ("a JSON lines file", "read_json(path, lines=True)"),
            ".ndjson": ("a JSON lines file", "read_json(path, lines=True)"), ".xml": ("an XML file", "read_xml"),
            ".html": ("a web page", "read_html(path)[0]"), ".htm": ("a web page", "read_html(path)[0]"),
            ".parquet": ("a Parquet file", "read_parquet"), ".feather": ("a Feather file", "read_feather"),
            ".arrow": ("an Arrow file", "read_feather"), ".orc": ("an ORC file", "read_orc"),
            ".h5": ("an HDF5 file", "read_hdf"), ".hdf5": ("an HDF5 file", "read_hdf"),
            ".pkl": ("a pickle", "read_pickle"), ".pickle": ("a pickle", "read_pickle"),
            ".xlsx": ("an Excel workbook", "read_excel"), ".xlsm": ("an Excel workbook", "read_excel"),
            ".xls": ("an Excel 97-2003 workbook", "read_excel"), ".ods": ("an OpenDocument spreadsheet", "read_excel"),
            ".sav": ("an SPSS file", "read_spss"), ".dta": ("a Stata file", "read_stata"),
            ".sas7bdat": ("a SAS file", "read_sas"), ".xpt": ("a SAS transport file", "read_sas"),
            ".npy": ("a NumPy array", None), ".npz": ("a NumPy archive", None), ".rds": ("an R data file", None),
            ".rdata": ("an R data file", None), ".rda": ("an R data file", None),
            ".sqlite": ("an SQLite database", None), ".db": ("a database", None)}


# the first characters of the text formats of _NOT_CSV: a file of such an extension that begins otherwise is text
# of another kind (a CSV file named .json), read as CSV
_TEXT_FORMAT_STARTS = {".json": ("{", "["), ".jsonl": ("{", "["), ".ndjson": ("{", "["), ".xml": ("<",),
                       ".html": ("<",), ".htm": ("<",)}
# bytes that no text holds (control characters but for tab, line breaks and form feed), and the share of them in the
# beginning of a file above which it is no text (a stray one, such as DOS's end-of-file mark, is allowed)
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_CONTROL_SHARE = 0.01


def _is_text(data):
    """Whether bytes (a file's beginning) are text: no NUL byte and hardly any other control character."""
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return b"\x00" not in sample and controls <= _CONTROL_SHARE * len(sample)


def _check_extension(where, first):
    """Refuse a file whose extension names a format that is no CSV text (.json, .xlsx, .parquet...) and whose
    beginning (``first``, the bytes decompressed) is not text, or is the text of that format (JSON's '{' or '[',
    XML's and HTML's '<'), by its name and with the fix: read as CSV, a one-line JSON file would be 'a header but no
    rows'. Text of other kinds is read whatever the extension (a tab-separated file named .xls, as web sites'
    'Export to Excel' buttons write, which pd.read_excel could not read)."""
    stem = where.lower()
    for packed in (".gz", ".bz2", ".xz", ".zip"):
        stem = stem[:-len(packed)] if stem.endswith(packed) else stem
    extension = os.path.splitext(stem)[1]
    if extension not in _NOT_CSV:
        return
    start = first.removeprefix(b"\xef\xbb\xbf").lstrip().decode("utf-8", errors="replace")
    if _is_text(first) and not start.startswith(_TEXT_FORMAT_STARTS.get(extension, ())):
        return
    what, reader = _NOT_CSV[extension]
    call = reader if reader is None or "(" in reader else f"{reader}(path)"
    fix = f"pd.{call}.to_csv('out.csv', index=False)" if call else "save it as CSV where it was made"
    raise CommandError(f"cannot read {where} as CSV: its extension {extension} is that of {what}, not of CSV "
                       f"text: export it as CSV ({fix})")


# the beginning of JSON text: an object with a key, or an array of values (a CSV header cell rarely opens so)
_JSON_START = re.compile(r'(\{\s*("|}|$)|\[\s*([{\["\d\]-]|$))')


def _check_not_json_or_empty(where, first):
    """Refuse a file of no text but white space (pandas' words: 'No columns to parse from file'), and JSON text under
    another extension than JSON's (read as CSV, 'a header but no rows', or rows of braces)."""
    start = first.removeprefix(b"\xef\xbb\xbf").lstrip().decode("utf-8", errors="replace")
    if not start:
        raise CommandError(f"cannot read {where} as CSV: the file is empty{' but for blank lines' if first else ''} "
                           "(no header, no rows)")
    if _JSON_START.match(start):
        raise CommandError(f"cannot read {where} as CSV: it holds JSON text, not CSV: export it as CSV "
                           "(pd.read_json(path).to_csv('out.csv', index=False); JSON lines: pd.read_json(path, "
                           "lines=True))")


def _open_text_bytes(where):
    """The file's bytes as pandas will read them: decompressed by its extension (.gz, .bz2, .xz, .zip)."""
    lower = where.lower()
    if lower.endswith(".zip"):
        archive = zipfile.ZipFile(where)
        names = archive.namelist()
        if len(names) != 1:
            raise CommandError(f"{where} is a zip archive of {len(names)} files; pandas reads one CSV a zip: zip each "
                               "CSV alone")
        return archive.open(names[0])
    opener = next((o for ext, o in _OPENERS.items() if lower.endswith(ext)), open)
    return opener(where, "rb")


def _wide_encoding(head):
    """'utf-16le', 'utf-16be', 'utf-32le' or 'utf-32be' where the bytes ``head`` of a file without a byte-order
    mark are text of the Latin alphabet in that encoding (its NUL bytes where the characters' high bytes are:
    every other byte for UTF-16, three bytes in four for UTF-32), else None."""
    if len(head) < 8:
        return None
    at = [head[i::4].count(0) / len(head[i::4]) for i in range(4)]  # the share of NULs at each place of 4
    if min(at[1:]) >= 0.8:
        return "utf-32le"
    if min(at[:3]) >= 0.8:
        return "utf-32be"
    odd, even = (at[1] + at[3]) / 2, (at[0] + at[2]) / 2
    if max(odd, even) >= 0.4:
        return "utf-16le" if odd >= even else "utf-16be"
    return None


def check_text_file(where):
    """The beginning of a CSV file's text (decompressed as pandas will), after refusing a binary file or one holding
    NUL bytes, naming what it is and the fix."""
    with open(where, "rb") as f:
        magic = f.read(10)
        f.seek(0, os.SEEK_END)
        if f.tell() >= 12:
            f.seek(-4, os.SEEK_END)
            magic_end = f.read(4)
        else:
            magic_end = b""
    if magic.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):  # byte-order marks (UTF-32's first)
        width = "32" if magic.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "16"
        raise CommandError(f"cannot read {where} as CSV: it is UTF-{width} text, not UTF-8: save it as UTF-8 (e.g. "
                           f"iconv -f utf-{width} -t utf-8 in.csv > out.csv)")
    for signature, what, extensions, fix in _BINARY:
        found = signature.match(magic) if hasattr(signature, "match") else magic.startswith(signature)
        if signature == b"PAR1":  # a Parquet file ends with its mark too (a header 'PAR1,PAR2,y' does not)
            found = found and magic_end == b"PAR1"
        if found and not where.lower().endswith(extensions):
            raise CommandError(f"cannot read {where} as CSV: it is {what}, not CSV text: {fix}")
    try:
        with _open_text_bytes(where) as f:
            first = f.read(_CHUNK)
            _check_extension(where, first)
            _check_not_json_or_empty(where, first)
            chunk, lines = first, 0
            while chunk:
                if b"\x00" in chunk:
                    at = chunk.index(b"\x00")
                    encoding = _wide_encoding(first[:400])
                    if encoding:
                        raise CommandError(f"cannot read {where} as CSV: it is {encoding.upper()[:6]} text (without a "
                                           f"byte-order mark): save it as UTF-8 (e.g. iconv -f {encoding} -t utf-8 "
                                           "in.csv > out.csv)")
                    line = lines + chunk[:at].count(b"\n") + 1
                    raise CommandError(f"cannot read {where} as CSV: line {line} holds a NUL byte, which no text "
                                       "has: the file is damaged or not text")
                lines += chunk.count(b"\n")
                chunk = f.read(_CHUNK)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise CommandError(f"cannot read {where}: {exc}") from None
    return first.decode("utf-8-sig", errors="replace")


def _check_header_not_repeated(where, frame, target):
    """Refuse a data row that repeats the header (two CSV files joined with both headers): its cells would be a
    class named after the target and placeholders in every numeric column."""
    import numpy as np

    names = [str(c).strip() for c in frame.columns]
    candidates = np.flatnonzero((frame[target].astype(str).str.strip() == str(target).strip()).to_numpy())
    for row in candidates[:100]:
        if all(str(v).strip() == n for v, n in zip(frame.iloc[row].tolist(), names) if not n.startswith("Unnamed: ")):
            raise CommandError(f"line {row + 2} of {where} repeats the header (files joined one after the other?): "
                               "remove it")


def _separator(head):
    """The field separator of a file whose text begins with ``head``: of ',', ';' and tab, the one that splits the
    header and the first data records alike, into more than one field (the header may have one field more or
    fewer: a delimiter at the end of every row, or of the header alone), the most fields winning; else ',' unless
    the first line holds none and holds semicolons or tabs (Excel's CSV where the comma is the decimal mark, or a
    TSV file). A comma inside a name of a ';' file's header ('Gewicht (kg, netto)') does not make it ','."""
    import csv
    import io

    best = None
    for sep in (",", ";", "\t"):
        try:  # records, not lines: a quoted cell may hold a line break (and old Macs end lines with \r alone)
            records = [r for _, r in zip(range(7), (r for r in csv.reader(io.StringIO(head, newline=None),
                                                                          delimiter=sep) if r))]
        except csv.Error:
            continue
        records = records[:6] if len(records) == 7 else records  # (the last one may be cut by the chunk's end)
        widths = {len(r) for r in records[1:]}
        if len(records) < 2 or len(widths) != 1 or len(records[0]) < 2:
            continue
        width = widths.pop()
        if width > 1 and abs(len(records[0]) - width) <= 1:
            score = (len(records[0]) == width, width)
            best = (score, sep) if best is None or score > best[0] else best
    if best is not None:
        return best[1]
    first = (head.splitlines() or [""])[0]
    if "," in first:
        return ","
    return max((";", "\t"), key=first.count) if (";" in first or "\t" in first) else ","


def _check_header_line(where, head, sep):
    """Refuse Excel's 'sep=' line or a title above the header: a record of one field above records of more than
    two, or of fewer fields than the next record ('Sales, 2024' above 'a,b,y'), which holds names alone (no number)
    above records that hold numbers (the header would be the title, the names a row of data)."""
    import csv
    import io

    from ._validation import reads_as_number

    first = (head.splitlines() or [""])[0].strip()
    if first.lower().startswith("sep=") and len(first) <= 6:
        raise CommandError(f"line 1 of {where} is Excel's {first!r} line, not the header: remove it")
    try:  # records, not lines: a quoted header cell may hold a line break
        records = [r for _, r in zip(range(3), (r for r in csv.reader(io.StringIO(head), delimiter=sep) if r))]
    except csv.Error:
        return
    if len(records) < 2 or len(records[0]) >= len(records[1]):
        return
    names_above_data = (len(records) == 3 and len(records[1]) == len(records[2]) and records[1][-1].strip() != ""
                        and not any(reads_as_number(v) for v in records[1])
                        and any(reads_as_number(v) for v in records[2]))
    if (len(records[0]) == 1 and len(records[1]) > 2) or names_above_data:
        fields = f"one field ({records[0][0][:40]!r})" if len(records[0]) == 1 else \
            f"{len(records[0])} fields ({first[:40]!r})"
        raise CommandError(f"line 1 of {where} has {fields} but the next record has {len(records[1])}: a title "
                           "above the header? Remove it, so that the header is line 1")


def _check_complete_rows(where, sep):
    """Refuse a row with fewer fields than the header has names when a field it lacks belongs to a column that
    holds values in other rows, naming its line and the column: pandas would read the missing fields as empty cells,
    to be imputed, without a word (a file cut off while being written, a row that lost its last fields). Rows that
    leave out trailing fields of columns empty in every row (Excel drops trailing delimiters after row 16) lose
    nothing and are read. Empty fields written as nothing ('1,2,') are fields; names the header ends with that are
    empty (a delimiter at the end of the header alone) need no field; blank lines are skipped, as pandas does."""
    import csv
    import io

    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(2**31 - 1)  # (pandas reads fields of any length: a 140,000-character one ended the check)
        with io.TextIOWrapper(_open_text_bytes(where), encoding="utf-8-sig", errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=sep)
            header = next(reader, [])
            needed = max((i + 1 for i, name in enumerate(header) if name.strip()), default=0)
            empty = set(range(needed))  # the columns without a value in any row so far
            lacking = {}  # column: (line, field count) of the first row without its field
            shortest, start = needed, reader.line_num
            for record in reader:
                if len(record) < needed and "".join(record).strip():
                    lacking.update((k, (start + 1, len(record))) for k in range(len(record), shortest))
                    shortest = min(shortest, len(record))
                empty.difference_update([k for k in empty if k < len(record) and record[k].strip()])
                start = reader.line_num
    except (csv.Error, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError):
        return  # (what the csv module cannot read, pandas has read)
    finally:
        csv.field_size_limit(limit)
    cut = sorted((line, count, k) for k, (line, count) in lacking.items() if k not in empty)
    if cut:
        line, count, column = cut[0]
        name = header[column].strip()
        named = repr(name) if name else f"number {column + 1}"
        raise CommandError(f"line {line} of {where} has {count} field(s) but the header names {needed} columns (a file "
                           "cut off while being written, or a row that lost its last fields?), and the column "
                           f"{named} it lacks holds values in other rows: complete the line or remove it (rows may "
                           "leave out trailing fields only of columns empty in every row)")


def _read_csv(where, na_values, default_na=True, sep=","):
    """The CSV file as a DataFrame whose columns are named by its header, or a CommandError.

    Rows with one field more than the header (a delimiter at the end of every data row, as some
    exports write) would make pandas read the first field as the row index and move every name
    one column to the left; the trailing empty field is dropped instead, and a file whose extra
    fields hold values is refused.
    """
    import warnings

    import numpy as np
    import pandas as pd

    read = dict(low_memory=False, na_values=(list(na_values) + ([] if default_na else [""])) or None, sep=sep,
                keep_default_na=default_na)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        frame = pd.read_csv(where, index_col=False, **read)
        asked = read["na_values"] or []
        stripped = {str(a).strip() for a in asked} | {""}  # (built once: not for each distinct value)
        spaced = sorted({v for c in frame.columns if frame[c].dtype.kind in "OT" for v in frame[c].dropna().unique()
                         if isinstance(v, str) and v.strip() in stripped} - set(asked))
        if spaced:  # cells of spaces or a tab alone, and --na-values with spaces around them (' ?'): missing, as empty
            read["na_values"] = asked + spaced  # cells and '?' are (pandas matches na_values as they are written)
            frame = pd.read_csv(where, index_col=False, **read)
    if sep != ",":  # Excel's export where ',' is the decimal mark
        from ._csv_decimals import decimal_commas

        frame = decimal_commas(where, frame, sep)
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):  # more fields than names
        extra = pd.read_csv(where, **read).iloc[:, -1]  # (here the extra field is the last column)
        held = np.flatnonzero(extra.notna().to_numpy())
        if len(held):
            value = extra.iloc[held[0]]
            raise CommandError(f"the rows of {where} have more fields than its header has names (line {held[0] + 2} "
                               f"holds {getattr(value, 'item', lambda: value)()!r} after its last named column): "
                               "name every column in the header, or quote a field that holds the separator (a "
                               "decimal comma: \"1,5\")")
    _check_complete_rows(where, sep)
    return frame


_ROWS_READ_FOR_NOTES = 10_000  # the rows a note on how cells are written reads


def _zero_padded_numbers(where, sep, X):
    """The note on the columns pandas read as whole numbers whose cells are written with leading zeros
    ('02139', '007': zip codes, county or account numbers, which pandas reads as 2139 and 7; but also months '01' and
    times '0930'), naming them and how to have them read as codes ('' if none): read as numbers, as pandas reads
    them, since a leading zero alone does not tell codes from numbers."""
    import pandas as pd

    whole = [c for c in X.columns if X[c].dtype.kind in "iu" or (
        X[c].dtype.kind == "f" and X[c].notna().any() and bool((X[c].dropna() % 1 == 0).all()))]
    if not whole:
        return ""
    try:  # (a note: the first rows tell, without reading a large file again whole)
        raw = _raw_cells(where, sep, whole, nrows=_ROWS_READ_FOR_NOTES)
    except (ValueError, pd.errors.ParserError):
        return ""
    if len(raw) != min(len(X), _ROWS_READ_FOR_NOTES):
        return ""
    found = {c: leading_zero_example(raw[c][X[c].iloc[:len(raw)].notna().to_numpy()]) for c in whole
             if c in raw.columns}
    found = {c: e for c, e in found.items() if e}
    if not found:
        return ""
    shown = ", ".join(f"{str(c)!r} (such as {e!r})" for c, e in list(found.items())[:3])
    first = next(iter(found))
    return (f"{len(found)} column(s) hold whole numbers written with leading zeros, read as numbers: {shown}"
            f"{' ...' if len(found) > 3 else ''}; if they are codes (zip codes, identifiers), have them read as "
            f"categories by writing a letter before each in the file (z{found[first]}), or from Python: "
            f"pd.read_csv(..., dtype={{{str(first)!r}: str}})")


def _header_of_data(where, names, repeated=None):
    """The sentence for a first line that reads as data (a file without a header row): its names are all numbers,
    or the name given twice (``repeated``) is one; else ''."""
    from ._validation import reads_as_number

    named = [n for n in names if n.strip()]
    if named and (all(reads_as_number(n) for n in named) or (repeated is not None and reads_as_number(repeated))):
        return (f"line 1 of {where} looks like data, not a header (its names are numbers: "
                f"{', '.join(named[:5])}{' ...' if len(named) > 5 else ''}): add a header row naming the columns")
    return ""


def _missing_markers(where, frame, columns, sep, na_values=()):
    """{column: {text: count}}: the non-empty strings of ``columns`` that pandas read as missing by default ('NA',
    'None', 'null'...; not those of ``na_values``, asked for)."""
    import pandas as pd

    columns = [c for c in columns if frame[c].isna().any()]
    if not columns:
        return {}
    try:
        raw = pd.read_csv(where, dtype=str, keep_default_na=False, index_col=False, sep=sep, usecols=columns)
    except (ValueError, pd.errors.ParserError):
        return {}
    if len(raw) != len(frame):
        return {}
    asked = {str(v).strip() for v in na_values}
    found = {}
    for c in columns:
        cells = raw[c][frame[c].isna().to_numpy()]
        counts = cells[cells.str.strip().ne("") & ~cells.str.strip().isin(asked)].value_counts()
        if len(counts):
            found[c] = {str(k): int(v) for k, v in sorted(counts.items())}
    return found


def _shown_name(name):
    """A column's name for a list in a one-line message: as it is, or as Python writes it where it holds a line
    break or another character that is not printable ('Weight\\n(kg)')."""
    name = str(name)
    return name if name.isprintable() else repr(name)


def _na_values_fix(cells):
    """How to read ``cells`` as missing: 'pass --na-values ...', as it is typed on a shell's command line: quoted
    where a shell would read its characters ('not available', '#N/A', and '?', '*', '[', which it expands to file
    names; not 'n/a', '-'), joined to its value by '=' where that begins with '-' (which argparse would take for an
    option: '-,?'), and '--' followed by a comma (argparse drops a value '--'). A cell that holds a comma cannot be
    named by the option, which splits its value at commas: pd.read_csv(..., na_values=[...]) in Python then."""
    import shlex

    with_comma = [c for c in cells if "," in c]
    if with_comma:
        return (f"read the file in Python with pd.read_csv(..., na_values={list(cells)!r}) (--na-values splits its "
                f"value at commas, so it cannot name {with_comma[0]!r})")
    text = ",".join(cells) + ("," if list(cells) == ["--"] else "")
    word = text if re.fullmatch(r"[\w./:@%+=,-]+", text) else shlex.quote(text)
    return f"pass --na-values={word}" if text.startswith("-") and text != "-" else f"pass --na-values {word}"


def _read_as_missing_note(columns):
    """The header note for the cells that pandas read as missing (:func:`_missing_markers`), ``columns``: (what,
    counts) for each column ('target', or a feature's name): values such as the region 'NA' or a group 'None'
    would be lost without a word. One sentence for all the columns, the first 4 named."""
    parts = []
    for what, counts in columns[:4]:
        shown = ", ".join(map(repr, list(counts)[:5])) + (" ..." if len(counts) > 5 else "")
        parts.append(f"{sum(counts.values())} {what} cell{'s' * (sum(counts.values()) > 1)} {shown}")
    more = f" (and cells of {len(columns) - 4} more column{'s' * (len(columns) > 5)})" if len(columns) > 4 else ""
    return f"{', '.join(parts)}{more} were read as missing; if they are values, pass --no-default-na"


def load(kind, where, target, na_values=(), task="auto", default_na=True):
    """(X, y, n_rows_read, n_features, target_note) for one data set."""
    import numpy as np
    import pandas as pd

    from ._tabular_text import (describe_placeholders, file_fix, numbers_as_text, odd_dates, placeholder_cells,
                                typo_cells)
    from ._validation import check_float64_cells

    if kind == "builtin":
        import sklearn.datasets

        X, y = getattr(sklearn.datasets, f"load_{where}")(return_X_y=True)
        return X, y, len(y), X.shape[1], None
    try:
        head = check_text_file(where)
        sep = _separator(head)
        _check_header_line(where, head, sep)
        frame = _read_csv(where, na_values, default_na, sep)
        header = pd.read_csv(where, header=None, nrows=1, dtype=str, keep_default_na=False, sep=sep).iloc[0]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError,
            MemoryError) as exc:
        text = str(exc).strip().splitlines()
        fix = ""
        if isinstance(exc, UnicodeDecodeError):
            # Windows' cp1252 puts printable characters (the euro, quotes) where latin-1 has control codes
            windows = any(0x80 <= b <= 0x9F for b in exc.object[max(0, exc.start - 1000):exc.end + 1000])
            source = "cp1252" if windows else "latin1"
            fix = f"; it is not UTF-8: save it as UTF-8 (e.g. iconv -f {source} -t utf-8 in.csv > out.csv)"
            bad = first_line_not_utf8(where)  # (pandas names a position in a chunk of its own)
            text = [f"line {bad} is not UTF-8 text ({exc.reason})"] if bad else text
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text[0] if text else "")
        if fields:  # (pandas' own words name no cause)
            text = [f"line {fields[2]} has {fields[3]} fields where the rows before it have {fields[1]}"]
            fix = ("; a field holding the separator unquoted (quote it: \"1,5\"), or a stray separator: fix the line "
                   "or remove it")
        raise CommandError(f"cannot read {where} as CSV: {text[0] if text else type(exc).__name__}{fix}") from None
    if frame.shape[1] < 2:
        raise CommandError(f"{where} has {frame.shape[1]} column(s); it needs a target column and at least one "
                           "feature (is the separator a comma?)")
    if len(frame) == 0:
        raise CommandError(f"{where} has a header but no rows")
    named = header[header.str.strip() != ""]  # (pandas names empty ones 'Unnamed: 1', 'Unnamed: 2')
    repeated = named[named.duplicated()]  # pandas would rename a second 'price' 'price.1': a copy of it could leak
    if len(repeated):
        raise CommandError(_header_of_data(where, header.tolist(), repeated.iloc[0])
                           or f"{where} has several columns named {repeated.iloc[0]!r}; give each column its own name")
    note = None
    if target is None:  # (no --target: a column named 'target' is chosen, else the last one)
        kept = [c for c in frame.columns if not (str(c).startswith("Unnamed: ") and frame[c].isna().all())]
        target = "target" if "target" in frame.columns else str((kept or frame.columns)[-1])  # (not the empty
        # column of a delimiter at the end of the header)
        note = f"target: the column {target!r} ({'named target' if target == 'target' else 'the last one'}; " \
               "choose with --target)"
    same = [c for c in frame.columns if unicodedata.normalize("NFC", str(c)) == unicodedata.normalize("NFC", target)]
    if target not in frame.columns and len(same) == 1:  # canonically equivalent, printed alike: a macOS header's
        target = same[0]  # 'cafe' + U+0301 (NFD) for a typed 'caf' + U+00E9 (NFC)
    if target not in frame.columns:
        close = [c for c in frame.columns if str(c).strip().lower() == str(target).strip().lower()]
        if close:
            raise CommandError(f"no column {target!r} in {where}; did you mean {str(close[0])!r}?")
        shown = ", ".join(map(_shown_name, frame.columns[:20])) + (" ..." if len(frame.columns) > 20 else "")
        data = _header_of_data(where, header.tolist())
        raise CommandError(f"no column {target!r} in {where}; " + (data or f"its columns are: {shown}"))
    _check_header_not_repeated(where, frame, target)
    first = frame.columns[0]
    if (header.iloc[0].strip() == "" and first != target and frame[first].dtype.kind in "iuOT"
            and frame[first].notna().all() and frame[first].is_unique):
        # pandas' to_csv (index=True) and R's write.csv write the row index first, without a name: on a sorted
        # file it would tell the models each row's place, a leak; it is no feature
        frame = frame.drop(columns=[first])
        extra = ("left out the first column: it has no name and a different whole number or text in every row "
                 "(a row index)")
        note = f"{note}; {extra}" if note else extra
    y = frame[target]
    X = frame.drop(columns=[target])
    padded = _zero_padded_numbers(where, sep, frame)  # (the target too: classes '007' and '7' would be one)
    if padded:
        note = f"{note}; {padded}" if note else padded
    # cells pandas read as missing: rows without a target are left out, and a category 'NA' (North America) of a
    # text feature would become a missing value; numbers' 'NA' cells are missing values indeed
    texts = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c].dtype) or X[c].isna().all()]
    # (so for a target of numbers: without the markers its 'NA' cells would be text among numbers, refused)
    quantity = pd.api.types.is_numeric_dtype(y.dtype) or set(y.dropna().map(type)) == {bool}  # (R's logicals)
    read = [target] if not quantity or y.isna().all() else []
    markers = _missing_markers(where, frame, [*read, *texts], sep, na_values) if default_na else {}
    if markers:
        extra = _read_as_missing_note([("target" if c == target else repr(str(c)), n) for c, n in markers.items()])
        note = f"{note}; {extra}" if note else extra
    empty = [str(c) for c in X.columns if X[c].isna().all()]
    if len(empty) == X.shape[1]:
        raise CommandError(f"every feature column of {where} is empty")
    checked = ([] if task == "classification" else [target]) + list(X.columns)
    # a column pandas read as whole numbers or booleans holds no dotted cell: the file is read again as text only for
    # the others
    dotted = [c for c in checked if frame[c].dtype.kind not in "iub"]
    raw = _raw_cells(where, sep) if sep != "," and dotted else None
    refused = []  # (every column refused at once, as the estimators say them: one run, not one a column)
    for column in dotted if raw is not None and len(raw) == len(frame) else []:
        example = _thousands_dots(raw[column][frame[column].notna().to_numpy()]) if column in raw.columns else None
        if example:  # Excel's '#.##0' where the comma is the decimal mark: 2523 g read as 2.523
            other = "choose another --target" if column == target else "remove the column from the file"
            refused.append((column, f"the column {str(column)!r} of {where} holds whole numbers written with dots as "
                                    f"thousands separators (such as {example!r}), which would be read as decimals: "
                                    "write them without thousands separators in the file (Excel: Format Cells, "
                                    f"Number, untick 'Use 1000 Separator'), or {other}"))
    for column in [c for c in checked if c not in {c for c, _ in refused}]:
        try:  # a 401-digit whole number: pandas keeps it as a Python int, which no float holds
            check_float64_cells(frame[column].to_numpy(), f"the column {str(column)!r} of {where}",
                                "rescale it in the file (divide it by a power of ten), or remove the column")
        except ValueError as exc:
            refused.append((column, str(exc)))
            continue
        text = pd.api.types.is_string_dtype(frame[column].dtype)
        cells = placeholder_cells(frame[column]) if text else None
        found = numbers_as_text(frame[column]) if text and not cells else None
        other = "choose another --target" if column == target else "remove the column from the file"
        if cells:  # numbers with a few placeholder cells or typos: missing values or numbers, not categories
            typos = "if those are typos, correct them in the file; " if typo_cells(cells) else ""
            refused.append((column, f"the column {str(column)!r} of {where} holds numbers but for "
                                    f"{describe_placeholders(cells)}: {typos}if those mark missing values, "
                                    f"{_na_values_fix(cells)}; if the column's values are labels (categories), "
                                    f"{other}"))
        elif found:  # '355,792', '$12.50', '2020-01-05': one category per value, nothing the numbers say
            kind, example = found
            refused.append((column, f"the column {str(column)!r} of {where} holds {kind} written as text (such as "
                                    f"{example!r}){odd_dates(found, frame[column])}, which would be read as one "
                                    f"category per value: {file_fix(kind, example)}, or {other}"))
    if refused:
        others = [repr(str(c)) for c, _ in refused[1:]]
        more = (f"; {len(others)} more column{' is' if len(others) == 1 else 's are'} refused too, for this reason "
                "or another: "
                f"{', '.join(others[:10])}{' ...' if len(others) > 10 else ''}") if others else ""
        raise CommandError(refused[0][1] + more)
    if empty:
        X = X.drop(columns=empty)
        extra = f"left out {len(empty)} empty column(s): {', '.join(map(_shown_name, empty[:5]))}" + (
            " ..." if len(empty) > 5 else "")
        note = f"{note}; {extra}" if note else extra
    y = y.astype(object).where(y.notna(), None).to_numpy() if y.dtype == object or str(y.dtype) in ("str", "string") \
        else y.to_numpy()
    return X, np.asarray(y), len(frame), X.shape[1], note


