"""word2vec's file formats, text and binary, as gensim and the C tool write them: the reader and the writer
behind :meth:`KeyedVectors.load_word2vec_format` and :meth:`KeyedVectors.save_word2vec_format`.

Text: a header line ``n_words vector_size``, then ``word v1 v2 ...`` per line (GloVe's files are the
same lines without the header), fields split at spaces and tabs as word2vec.c's ReadWord splits them, numbers
as its atof reads them (ASCII digits; '1_000' and full-width digits, which Python's float() reads, are refused,
naming the line). Binary: the same header, then each word, a space and its float32
values. Every refusal names the file and the line or vector. Files compressed with gzip, bzip2 or xz
(``GoogleNews-vectors-negative300.bin.gz``) are read decompressed, recognised by their content as the corpus
files of Word2VecTransformer are, and written compressed when their name ends in .gz, .bz2 or .xz (as gensim,
through smart_open, does both).
"""

import bz2
import codecs
import contextlib
import gzip
import io
import lzma
import os
import re
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError

from ._input_files import READ_ERRORS, file_path, read_error, refuse_wide_text
from ._persist_files import check_output_path
from ._validation import compressed_opener, reads_as_number
from ._warnings import warn_user

MAX_BINARY_KEY = 100_000  # bytes of one word a binary file's reader reads before calling the file not binary
FIELD_SPACE = " \t\n\r\x0b\x0c"  # the whitespace that ends a word (ASCII's, as the C tool's); U+2003 is a key
_WRITE_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}  # by the name's extension, as gensim
_FIELD_SPLIT = re.compile(f"[{re.escape(FIELD_SPACE)}]+")  # (str.split() splits at U+00A0 too, which is a key)
_RECORD_SPLIT = re.compile("[ \t]+")  # a text record's separators: word2vec.c's ReadWord's (' ', '\t'; '\n' ends it)
_FIRST_ROWS = 1 << 16  # rows allocated first for a compressed file, whose size says nothing of its vectors' count


def beyond_float32_error(subject, largest):
    """The ValueError for a vector of finite values too large for float32 (the vectors' type); ``subject`` names
    the vector ("The vector of 'cat' (row 3)")."""
    return ValueError(f"{subject} holds values beyond float32's range (up to {largest:.3g}; float32, the vectors' "
                      f"type, holds {np.finfo(np.float32).max:.3g}): scale the vectors (their directions are what "
                      "similarities read), e.g. divide each row by its largest value.")


def _open_to_write(fname):
    """``fname`` opened to write bytes: compressed when its name ends in .gz, .bz2 or .xz."""
    opener = next((o for ext, o in _WRITE_OPENERS.items() if os.fspath(fname).lower().endswith(ext)), None)
    return opener(fname, "wb") if opener else open(fname, "wb")


@contextlib.contextmanager
def _opened_to_read(fname):
    """``fname`` opened to read bytes (decompressed when it is gzip, bzip2 or xz), and whether it is compressed;
    a compressed stream that cannot be decompressed is a ValueError naming the file, an error of the system (no
    permission, an I/O error) the system's own, naming the file (``read_error``)."""
    opener = compressed_opener(fname)
    try:
        with (io.BufferedReader(opener(fname, "rb"), 1 << 16) if opener else open(fname, "rb")) as f:
            yield f, opener is not None
    except READ_ERRORS as exc:
        raise read_error(fname, exc) from None


def checked_fvocab(fvocab):
    """``fvocab`` as a path (str or bytes), or None; a bool or a number, as an old call passing ``binary`` second
    gives it, is refused naming gensim's order (fname, fvocab, binary), and anything else that is not a path."""
    if isinstance(fvocab, (bool, np.bool_, Integral)):
        given = f"binary={bool(fvocab)}" if isinstance(fvocab, (bool, np.bool_)) else "binary=True or binary=False"
        raise InvalidParameterError(f"fvocab is {fvocab!r}: binary is the third parameter, as in gensim (fname, "
                                    f"fvocab, binary), and the second, fvocab, the path of a vocabulary file; pass "
                                    f"{given} by name, and any parameter after it too.")
    if fvocab is not None and not isinstance(fvocab, (str, bytes, os.PathLike)):
        raise InvalidParameterError(f"fvocab must be None or the path (a str or path-like) of a vocabulary file, "
                                    f"a line 'word count' each; got {fvocab!r:.60} (of type {type(fvocab).__name__}).")
    return None if fvocab is None else os.fspath(fvocab)


def write(fname, keys, vectors, binary=False, write_header=True, fvocab=None, counts=None):
    """Write ``keys`` and their ``vectors`` in word2vec's format, after refusing what would not read back; with
    ``fvocab``, the ``counts`` of the keys there too, a line ``word count`` each (as gensim and the C tool's
    -save-vocab write them), in the vectors' order: written after the vectors, so that a write that fails on them
    leaves no vocabulary file of vectors that are not there."""
    fname = check_output_path(os.fsdecode(file_path(fname, "fname", "the word2vec file to write")),
                              example="vectors.txt", stream=True)  # (a folder, a missing folder: refused, named;
    if fvocab is not None:  # a FIFO or /dev/stdout written to) (before the vectors are written)
        fvocab = check_output_path(os.fsdecode(file_path(fvocab, "fvocab", "the vocabulary file to write")),
                                   example="vocab.txt", stream=True)
    bad = next((k for k in keys if not k or any(c in FIELD_SPACE for c in k)), None)
    if bad is not None:
        raise ValueError(f"The key {bad!r} is empty or holds whitespace, which ends a word in word2vec's format (a "
                         "space, tab or line break): the file would not read back. Rename such keys first (e.g. "
                         "'New_York').")
    marked = next((k for k in keys if k.startswith("\ufeff")), None)
    if marked is not None:  # (readers skip a byte-order mark at a file's start: the first key would lose it)
        raise ValueError(f"The key {marked!r} starts with U+FEFF, a byte-order mark, which readers of word2vec's "
                         "format drop at the start of a file: it would not read back. Rename such keys first "
                         "(key.lstrip('\ufeff')).")
    odd = next((k for k in keys if not _encodes(k)), None)
    if odd is not None:
        raise ValueError(f"The key {odd!r} holds a lone surrogate, which UTF-8 cannot write: the file would stop "
                         "half-written. Rename such keys first (key.encode('utf-8', 'backslashreplace').decode(), "
                         "which keeps distinct keys distinct).")
    nul = next((k for k in keys if "\x00" in k), None) if binary else None
    if nul is not None:  # (a NUL beside other control bytes is what a header's wrong vector size reads as a word)
        raise ValueError(f"The key {nul!r} holds a NUL character, which a binary word2vec file's reader takes for a "
                         "vector's bytes: it would not read back. Save with binary=False, or rename such keys first "
                         "(key.replace('\\x00', '\\\\x00'), which keeps distinct keys distinct).")
    long = next((k for k in keys if len(k.encode()) > MAX_BINARY_KEY), None) if binary else None
    if long is not None:
        raise ValueError(f"The key {long[:30]!r}... is {len(long.encode()):,} bytes long, more than the "
                         f"{MAX_BINARY_KEY:,} a binary word2vec file's reader takes for a word: save with "
                         "binary=False, or shorten such keys.")
    with _open_to_write(fname) as f:
        if write_header:
            f.write(f"{len(keys)} {vectors.shape[1]}\n".encode())
        for key, vector in zip(keys, vectors):
            if binary:
                f.write(f"{key} ".encode() + vector.astype("<f4").tobytes())
            else:
                f.write(f"{key} {' '.join(repr(float(v)) for v in vector)}\n".encode())
    if fvocab is not None:
        with _open_to_write(fvocab) as f:
            f.writelines(f"{key} {int(count)}\n".encode() for key, count in zip(keys, counts))


def read(fname, binary=False, limit=None, encoding="utf-8", unicode_errors="strict", no_header=False):
    """(vectors, keys) of a word2vec file, in the file's order (a key given twice is the caller's to resolve)."""
    with _opened_to_read(fname) as (f, compressed):
        _skip_byte_order_mark(f, fname, encoding)
        if no_header:
            if binary:
                raise ValueError("no_header=True reads the text format only: a binary file's header is the one place "
                                 "its vector size is written. Pass binary=False, or no_header=False.")
            n_words, size = _headerless_shape(f, fname, encoding, unicode_errors, limit)
            first, first_line = b"", 1
        else:
            first, first_line = f.readline(1024), 2
            n_words, size = _read_header(first, fname)
        if limit is not None:
            n_words = min(n_words, int(limit))
        start = f.tell()
        if not no_header and not compressed:
            _check_room(fname, os.path.getsize(fname) - start, n_words, size, binary)
        # the sample holds the whole first record: a word up to MAX_BINARY_KEY bytes (a longer one the binary
        # reader refuses) and its numbers, however long the word is
        _check_layout(fname, f.read(MAX_BINARY_KEY + 64 * size + 4096), size, binary, encoding, unicode_errors)
        f.seek(start)
        # a compressed file's header is not checked against its size: its rows are added as they are read
        vectors = np.empty((min(n_words, _FIRST_ROWS) if compressed and not no_header else n_words, size), np.float32)
        vectors, keys = (_read_binary if binary else _read_text)(f, fname, vectors, n_words, encoding, unicode_errors,
                                                                 first_line)
        if limit is None and not no_header and f.read(1 << 16).strip():
            warn_user(f"{fname!r} holds more after the {n_words} vectors its header announces; they were "
                      f"not read (correct the header's count to read them{', or its vector size' if binary else ''}: "
                      f"vectors of {size} numbers each were read).", UserWarning)
    return vectors, keys


def read_counts(fvocab, encoding="utf-8", unicode_errors="strict"):
    """{word: count} of a vocabulary file, a line ``word count`` each (the C tool's -save-vocab, gensim's fvocab);
    a word given twice keeps its last count, as gensim's reader."""
    counts = {}
    with _opened_to_read(fvocab) as (f, _):
        _skip_byte_order_mark(f, fvocab, encoding)
        for line_no, raw in enumerate(f, start=1):
            try:
                parts = _FIELD_SPLIT.split(raw.decode(encoding, errors=unicode_errors).strip(FIELD_SPACE))
            except UnicodeDecodeError as exc:
                raise _not_text(f"{fvocab!r}, line {line_no}", encoding, exc) from None
            if parts == [""]:
                continue
            if len(parts) != 2 or not (parts[1].isascii() and parts[1].isdigit()):
                raise ValueError(f"{fvocab!r}, line {line_no}: expected 'word count' (a word, a space and a whole "
                                 f"number >= 0), got {raw.strip()[:60]!r}: is it a vocabulary file?")
            counts[parts[0]] = int(parts[1])
    return counts


def _skip_byte_order_mark(f, fname, encoding):
    """Move ``f`` past a UTF-8 byte-order mark at its start (Notepad, Excel and PowerShell write one): it is no
    part of the header or of the first word. UTF-16 and UTF-32 text (by its mark, or ``encoding``) is refused."""
    head = f.read(4)
    refuse_wide_text(fname, head, encoding)
    f.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)


def _record_fields(text, size=None):
    """The word and the numbers of a text record (decoded, its end stripped), split as word2vec.c's ReadWord
    splits: at runs of spaces and tabs (gensim splits at each single space). A line without tabs that splits at
    single spaces into a word and ``size`` fields, the usual case, takes one ``str.split`` at C speed (a
    search for two spaces would cost half as much again; an empty field left is no number, which the reader
    names)."""
    parts = text.split(" ")
    if "\t" in text or (len(parts) != size + 1 if size is not None else "" in parts):
        return _RECORD_SPLIT.split(text)
    return parts


def _tab_note(text):
    """A sentence on the tabs of a record whose count of numbers is wrong, '' when it holds none."""
    if "\t" not in text:
        return ""
    return (" A tab separates fields, as in word2vec's C tool (so a word that holds a tab, which gensim writes "
            "as it is, cannot be read: rename such words where the file was written).")


def _refuse_unusual_numbers(text, parts, fname, where):
    """Refuse the numbers of a record (``text``, decoded; ``parts``, its fields) that Python's float() reads but
    word2vec.c's atof does not: digits other than ASCII's ('\uff14', full-width 4) and '_' ('1_000'), both read
    as numbers by float() and numpy alone. An ASCII line (``isascii`` is O(1)) without '_' costs one scan at C
    speed; a word that is not ASCII or holds '_' (``New_York``), a second, of the text after it."""
    numbers = text if text.isascii() and "_" not in text else text[len(parts[0]):]
    if numbers is text or (numbers.isascii() and "_" not in numbers):
        return
    bad = next(p for p in parts[1:] if not p.isascii() or "_" in p)
    try:
        read = f" (Python's float() reads it as {float(bad)!r:.40}, word2vec's C tool and other readers do not)"
    except ValueError:
        read = ""
    raise ValueError(f"{fname!r}, {where}: {bad!r:.40} is not a number as word2vec's format writes numbers (ASCII "
                     f"digits, a sign, '.', 'e', without '_'){read}; correct the file: write the number in ASCII "
                     "digits without '_'.")


def _not_text(where, encoding, exc, other=""):
    """The error for bytes that are not ``encoding`` text: the encoding to name first (unicode_errors='replace'
    merges words that differ only there)."""
    return ValueError(f"{where} is not {encoding} text ({exc}): pass the file's encoding (encoding='latin-1' for "
                      "Latin-1 or Windows words); unicode_errors='replace' reads it anyway, but words that differ "
                      f"only in those bytes become one.{other}")


def _headerless_shape(f, fname, encoding, unicode_errors, limit=None):
    """(n_words, vector_size) of a text file without a header: its records up to its last line that is not blank
    (or its ``limit``-th record: a damaged line after it is never read), the size from the first (an extra pass over
    the file, as gensim's no_header makes); ``f`` is left where it was."""
    origin = f.tell()
    first = f.readline()
    try:
        parts = _record_fields(first.decode(encoding, errors=unicode_errors).rstrip())
    except UnicodeDecodeError as exc:
        raise _not_text(f"{fname!r}, line 1", encoding, exc) from None
    if len(parts) < 2:
        raise ValueError(f"The first line of {fname!r} holds no numbers after its word ({first[:60]!r}): it is not a "
                         "text file of word vectors.")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        raise ValueError(f"{fname!r} starts with a word2vec header {first.strip()[:60]!r} (a count and a size): "
                         "read it with no_header=False.")
    n_words, spaces, records = 1, len(parts) - 1, 1
    for i, line in enumerate(f, start=2):
        if limit is not None and records >= limit:
            break
        if line.strip():
            records += 1
            n_words = i
            line = line.rstrip()
            found = len(_RECORD_SPLIT.split(line.decode("latin-1"))) - 1 if b"\t" in line or b"  " in line \
                else line.count(b" ")  # (latin-1 decodes any byte: only the separators, ASCII, are counted)
            if found != spaces:  # before the (lines x size) array is allocated
                raise ValueError(f"{fname!r}, line {i}: expected a word and {spaces} numbers (as line 1), got "
                                 f"{found} numbers.{_tab_note((first + line).decode('latin-1'))}")
    f.seek(origin)
    return n_words, spaces


def _read_header(line, fname):
    """(n_words, vector_size) of a word2vec header line, refused unless two counts (vector_size > 0)."""
    try:
        n_words, size = (int(x) for x in line.decode("ascii").split())
    except (UnicodeDecodeError, ValueError):
        raise ValueError(f"{fname!r} does not start with a word2vec header 'n_words vector_size' (two whole "
                         f"numbers), but {line[:60]!r}; is it a word2vec file? (A text file of vectors without "
                         "that line, as GloVe's: pass no_header=True.)") from None
    if n_words < 0 or size < 1:
        raise ValueError(f"The header of {fname!r} says {n_words} words of {size} numbers; a word2vec header holds "
                         "a count of words >= 0 and a vector size >= 1.")
    return n_words, size


def _check_room(fname, n_bytes, n_words, size, binary):
    """Refuse a header that promises more vectors than the file's size can hold, before allocating them."""
    # the smallest record: an empty word (refused by the reader, which names it), a space (binary) or a line
    # end (text) and the numbers (4 bytes each, or ' 0' each in text)
    least = n_words * (1 + 4 * size if binary else 1 + 2 * size)
    if least > n_bytes:
        raise ValueError(f"The header of {fname!r} promises {n_words} vectors of {size} numbers, which take at least "
                         f"{least} bytes in the {'binary' if binary else 'text'} format, but the file holds "
                         f"{n_bytes} bytes after its header: the header is wrong or the file is truncated"
                         f"{'' if binary else ' (or binary: pass binary=True)'}.")


def _text_record(line, size, encoding, unicode_errors):
    """True when ``line`` (bytes) is a text record: a word and ``size`` numbers, separated by spaces as the
    readers split them."""
    try:
        parts = _record_fields(line.decode(encoding, errors=unicode_errors).rstrip())
        np.asarray(parts[1:], dtype=np.float64)
    except (UnicodeDecodeError, ValueError):
        return False
    return len(parts) == size + 1


_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 13})  # in float32 values, never in text


def _check_layout(fname, sample, size, binary, encoding, unicode_errors):
    """Refuse the text format read as binary, and the binary format read as text, from the first record (a
    first line that is text but not a good record is left to the reader, which names the line)."""
    if not sample:
        return
    line = sample.split(b"\n", 1)[0]
    if binary and _text_record(line, size, encoding, unicode_errors):
        raise ValueError(f"{fname!r} is in word2vec's text format (its first vector is a line of {size} numbers), "
                         "but binary=True; pass binary=False.")
    space = sample.find(b" ")
    numbers = sample[space + 1:space + 1 + 4 * size]
    if not binary and 0 < space and len(numbers) == 4 * size and any(b in _CONTROL_BYTES for b in numbers) \
            and not _text_record(line, size, encoding, unicode_errors):
        raise ValueError(f"The first vector of {fname!r} is not a line of a word and {size} numbers but bytes: the "
                         "file is not in word2vec's text format; if it is in the binary format, pass binary=True.")
    second = sample[space + 1 + 4 * size:].lstrip(b"\n").split(b" ", 1)[0]  # the word after the first vector
    word = sample[:space]
    if binary and 0 < space and not any(b in _CONTROL_BYTES for b in word) and _vector_bytes(second, encoding):
        raise ValueError(f"The second word of {fname!r} reads as {second[:24]!r}, bytes of a vector: the records do "
                         f"not line up with the header's vector size, {size}; correct the header (its second number).")


def _vector_bytes(word, encoding):
    """Whether ``word`` (the bytes of a binary file's second word) holds a vector's bytes, not a key: control bytes
    beside a NUL or bytes that are not text in ``encoding`` (a key may hold a control byte: U+001C, which sknn and
    gensim write and read)."""
    if not any(b in _CONTROL_BYTES for b in word):
        return False
    try:
        word.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return True
    return b"\x00" in word


def _with_row(vectors, i, n_words):
    """``vectors``, or a copy of it grown (twice as many rows, at most ``n_words``) when it has no row ``i``."""
    if i < len(vectors):
        return vectors
    grown = np.empty((min(2 * len(vectors), n_words), vectors.shape[1]), dtype=vectors.dtype)
    grown[:len(vectors)] = vectors
    return grown


def _read_text(f, fname, vectors, n_words, encoding, unicode_errors, first_line=2):
    """(vectors, words) of ``n_words`` text records, their numbers written into ``vectors`` (grown as needed);
    ``first_line`` numbers the first record in messages (2 after a header)."""
    keys = []
    size = vectors.shape[1]
    for i in range(n_words):
        raw = f.readline()
        if not raw:
            raise ValueError(f"{fname!r} ends after {i} of its {n_words} vectors: it is truncated.")
        try:
            text = raw.decode(encoding, errors=unicode_errors).rstrip()
        except UnicodeDecodeError as exc:
            raise _not_text(f"{fname!r}, line {i + first_line}", encoding, exc, " Or is it in the binary format "
                            "(binary=True)?") from None
        parts = _record_fields(text, size)
        if len(parts) != size + 1:
            lead = " The line starts with a space or tab: its word is empty." if text[:1] in (" ", "\t") else ""
            extra = len(parts) - 1 - size
            if not lead and "\t" not in text and extra > 0 and not any(reads_as_number(p) for p in parts[1:1 + extra]):
                lead = (f" Its word holds a space ({' '.join(parts[:1 + extra])!r}?), which ends a word in this "
                        "format: rename such keys where the file was written (e.g. 'New_York').")
            raise ValueError(f"{fname!r}, line {i + first_line}: expected a word and {size} numbers, got "
                             f"{len(parts) - 1} numbers.{lead}{_tab_note(text)}")
        _refuse_unusual_numbers(text, parts, fname, f"line {i + first_line} (the vector of "
                                f"{parts[0]!r})")
        vectors = _with_row(vectors, i, n_words)
        try:
            with np.errstate(over="ignore"):  # (a value beyond float32's range is named below)
                vectors[i] = np.asarray(parts[1:], dtype=np.float32)
        except ValueError:
            bad = next(p for p in parts[1:] if not reads_as_number(p))
            if not bad:  # (two spaces in a row, where the count of fields hid a number missing)
                raise ValueError(f"{fname!r}, line {i + first_line}: expected a word and {size} numbers, got "
                                 f"{len(_RECORD_SPLIT.split(text)) - 1} numbers.") from None
            raise ValueError(f"{fname!r}, line {i + first_line} (the vector of {parts[0]!r}): {bad!r:.40} is not a "
                             "number.") from None
        _check_finite_row(vectors[i], fname, f"line {i + first_line}", parts[0], parts[1:])
        _check_key(parts[0], fname, f"line {i + first_line}", "the line starts with a space?")
        keys.append(parts[0])
    return vectors, keys


def _read_binary(f, fname, vectors, n_words, encoding, unicode_errors, first_line=None):
    """(vectors, words) of ``n_words`` binary records, their numbers written into ``vectors`` (grown as needed)."""
    keys = []
    nbytes = 4 * vectors.shape[1]
    for i in range(n_words):
        word = bytearray()
        while True:
            ch = f.read(1)
            if ch == b" " or ch == b"":
                break
            word += ch
            if len(word) > MAX_BINARY_KEY:
                raise ValueError(f"{fname!r}, vector {i + 1}: no space after {MAX_BINARY_KEY:,} bytes of its word: "
                                 "the file is not in word2vec's binary format.")
        raw = f.read(nbytes)
        if len(raw) < nbytes:
            raise ValueError(f"{fname!r} ends after {i} of its {n_words} vectors: it is truncated.")
        lined_up = (f" Or the records do not line up with the header's vector size, {vectors.shape[1]}: is it the "
                    "rows' size?")  # (a word of float bytes, a vector of a word's)
        try:
            key = word.decode(encoding, errors=unicode_errors).lstrip("\r\n")  # (a record's line end, CRLF too)
        except UnicodeDecodeError as exc:
            raise _not_text(f"{fname!r}, vector {i + 1}: its word", encoding, exc, lined_up) from None
        if i and ("\n" in key or "\r" in key):  # (no writer puts a line break in a word: float bytes)
            raise ValueError(f"{fname!r}, vector {i + 1}: its word {key!r:.40} holds a line break: the records do not "
                             f"line up with the header's vector size, {vectors.shape[1]}: is it the rows'?")
        vectors = _with_row(vectors, i, n_words)
        vectors[i] = np.frombuffer(raw, dtype="<f4")
        _check_finite_row(vectors[i], fname, f"vector {i + 1}", key)
        _check_key(key, fname, f"vector {i + 1}", "a space where the word should be: a key '' saved?",
                   lined_up if i else "")  # (the first record lines up whatever the size)
        keys.append(key)
    return vectors, keys


def _encodes(key):
    try:
        key.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _check_key(key, fname, where, hint, other=""):
    """Refuse a word that is empty, or only the whitespace that ends words (other whitespace, as U+2003, is a
    key, which gensim reads too)."""
    if not key.strip(FIELD_SPACE):
        raise ValueError(f"{fname!r}, {where}: the word is empty ({hint}); every vector needs its word.{other}")


def _check_finite_row(row, fname, where, key, texts=None):
    """Refuse a row that holds NaN or infinity; one whose ``texts`` (the numbers as written) are finite but beyond
    float32's range is named as such."""
    if np.isfinite(row).all():
        return
    wide = None if texts is None else np.asarray(texts, dtype=np.float64)
    if wide is not None and np.isfinite(wide).all():
        raise beyond_float32_error(f"{fname!r}, {where}: the vector of {key!r}", np.abs(wide).max())
    raise ValueError(f"{fname!r}, {where}: the vector of {key!r} holds NaN or infinity; the file is damaged.")


def checked_counts(counts, n_keys):
    """``counts`` as an int64 array of one whole number >= 0 per key, refused (naming ``counts``) otherwise: a
    fraction was cut, NaN, text and numbers beyond int64 failed inside numpy, a column (n, 1) was kept so."""
    try:
        values = np.asarray(counts)
    except ValueError:  # (rows of other lengths)
        values = np.asarray(counts, dtype=object)
    if values.ndim != 1:
        raise ValueError(f"counts must hold one number per key (1-D), got an array of shape {values.shape}.")
    if len(values) != n_keys:
        raise ValueError(f"counts has {len(values)} values for {n_keys} vectors; give one count per key.")
    odd = (values.tolist() if values.dtype.kind in "bUST" else [
        v for v in values.tolist() if not isinstance(v, (int, float, np.number)) or isinstance(v, (bool, np.bool_))]
           if values.dtype == object else [])
    try:
        as_float = values.astype(np.float64)
    except (TypeError, ValueError):
        odd = odd or [next(iter(values.tolist()))]
    if odd:
        raise ValueError(f"counts holds {odd[0]!r:.40}, which is no number: a word's count is a whole number of "
                         "occurrences, >= 0.")
    bad = ~np.isfinite(as_float) | (as_float < 0) | (as_float != np.floor(as_float)) | (as_float >= 2.0 ** 63)
    if bad.any():
        first = values.tolist()[np.flatnonzero(bad)[0]]
        raise ValueError(f"counts holds {first!r}; a word's count is a whole number of occurrences, >= 0.")
    return values.astype(np.int64)
