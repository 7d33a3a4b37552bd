"""The user's data files as every reader of sknn opens them (CoNLL-U treebanks, IDX files, word2vec corpora and
vectors, evaluation files): compressed or not, recognised by content; a named pipe or device, an archive, a damaged
stream or a file the system will not give refused, naming the file and the fix. One helper per rule.
"""

import bz2
import codecs
import gzip
import lzma
import os
import re
import zlib

from ._persist_files import special_file_kind

__all__ = ["READ_ERRORS", "compressed_opener", "file_path", "first_line_not_utf8", "numbered_lines", "read_error",
           "refuse_special_file"]

# magic bytes -> opener of the compressed formats gensim's LineSentence (smart_open) reads
_COMPRESSED = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))
_COMPRESSION_NAMES = {gzip.open: "gzip", bz2.open: "bzip2", lzma.open: "xz"}

_TAR_MAGIC = (b"ustar\x00", b"ustar  \x00")  # at offset 257 of a POSIX or a GNU tar header
_OCTAL = frozenset(b"01234567")


def _is_tar(head):
    """Whether ``head`` (a file's first 512 bytes or more) is a tar header: marked 'ustar' (POSIX, GNU), or of the
    old v7 format, which has no mark (tar --format=v7): a name NUL-padded in bytes 0-99, the mode, uid and gid as
    octal numbers in 100-123, and a checksum in 148-155 that equals the sum of the header's 512 bytes with the
    checksum's own 8 read as spaces (unsigned, as tar computes it, or signed, as some old tars did)."""
    if head[257:].startswith(_TAR_MAGIC):
        return True
    name, _, padding = head[:100].partition(b"\0")
    fields = [head[start:start + 8].strip(b" \0") for start in (100, 108, 116, 148)]
    if len(head) < 512 or not name or padding.strip(b"\0") or not all(f and _OCTAL.issuperset(f) for f in fields):
        return False
    block = head[:148] + b" " * 8 + head[156:512]
    return int(fields[3], 8) in (sum(block), sum(b - 256 if b > 127 else b for b in block))


# what no reader of sknn opens, by its first bytes: (whether the bytes are such a file, what it is, the fix)
_ARCHIVES = ((_is_tar, "a tar archive{packed}", "extract {wanted} from it (tar -xf {path!r}) and pass that"),
             (lambda head: head.startswith(b"PK\x03\x04"), "a zip archive{packed}",
              "extract {wanted} from it (unzip {path!r}) and pass that"),
             (lambda head: head.startswith(b"\x28\xb5\x2f\xfd"), "zstd-compressed{packed} (which Python does not "
              "decompress)", "decompress it first (zstd -d {path!r}; a .tar.zst gives a tar archive, to extract "
              "{wanted} from: tar -xf) and pass {wanted}"))
_HEAD = 512  # bytes enough to recognise each of those (a tar header is 512 bytes)

# what reading a file may raise: the system's errors (OSError with an errno), and a stream that cannot be
# decompressed (EOFError, zlib's and lzma's errors; gzip's BadGzipFile and bz2's OSError, without an errno)
READ_ERRORS = (EOFError, zlib.error, lzma.LZMAError, OSError)


def read_error(path, exc, where=""):
    """The exception to raise for ``exc`` (one of ``READ_ERRORS``) met reading ``path`` (``where``: e.g.
    ' after line 3'): the system's own error, of its type (PermissionError, an I/O error, a file gone), naming the
    file; a ValueError saying the file is damaged or truncated for a stream that cannot be decompressed."""
    if isinstance(exc, OSError) and exc.errno is not None:  # (OSError(errno, ...) is of errno's subclass)
        return OSError(exc.errno, f"Cannot read {os.fspath(path)!r}{where}: {exc.strerror}")
    return ValueError(f"Cannot read {os.fspath(path)!r}{where}: {exc}; the file is damaged or truncated (an "
                      "interrupted download?).")


def refuse_special_file(path):
    """Refuse a path that exists but is no regular file nor folder (a named pipe, such as the /dev/fd/N of a
    shell's process substitution, a device, a socket): a reader opens a file twice, to recognise its compression
    then to read it, and a pipe gives its data once."""
    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):  # (what a link names)
        raise ValueError(f"{os.fspath(path)!r} is {special_file_kind(path)}, not a regular file: sknn reads a file's "
                         "first bytes to recognise its compression, then reads it again, and a pipe gives its data "
                         "once (a shell's <(command) passes one as /dev/fd/N). Write it to a file first (command > "
                         "file) and pass that file.")


def _refuse_archive(path, head, opener, wanted):
    """Refuse ``path`` when ``head`` (its first bytes, decompressed by ``opener`` if not None) is a tar, zip or zstd
    archive, naming it and the fix (``wanted``: what to take out of it, e.g. 'the .conllu file')."""
    for test, what, fix in _ARCHIVES:
        if test(head):
            packed = f" compressed with {_COMPRESSION_NAMES[opener]}" if opener is not None else ""
            raise ValueError(f"{os.fspath(path)!r} is {what.format(packed=packed)}, not {wanted} itself: "
                             f"{fix.format(wanted=wanted, path=os.fspath(path))}.")


def compressed_opener(path, wanted="the file"):
    """``gzip.open``, ``bz2.open`` or ``lzma.open`` for a file compressed so (recognised by its content, not its
    name); None for any other file. A named pipe or a device, and a tar (of any format, v7 too), zip or zstd
    archive (a .tgz treebank as Universal Dependencies ship them) are refused, naming the fix (``wanted``: what to
    extract, for the message)."""
    refuse_special_file(path)
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    opener = next((opener for magic, opener in _COMPRESSED if head.startswith(magic)), None)
    _refuse_archive(path, head, None, wanted)
    if opener is not None:
        try:
            with opener(path, "rb") as f:
                inner = f.read(_HEAD)
        except READ_ERRORS:  # a damaged stream: its reader names it
            inner = b""
        _refuse_archive(path, inner, opener, wanted)
    return opener


_WIDE_TEXT = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
              (codecs.BOM_UTF16_BE, "UTF-16"))  # (UTF-32's little-endian mark begins with UTF-16's)


def refuse_wide_text(path, head=None, encoding=None):
    """Refuse a file that is UTF-16 or UTF-32 text, by its byte-order mark (``head``: its first bytes) or the
    ``encoding`` named for it: files read line by line as bytes, as sknn's readers of text files do, split such
    text wrongly (every character holds a NUL byte)."""
    name = next((name for mark, name in _WIDE_TEXT if (head or b"").startswith(mark)), None)
    what = f"{os.fspath(path)!r} is {name} text"
    if encoding is not None:
        try:
            named = codecs.lookup(encoding).name
        except (LookupError, TypeError):
            raise ValueError(f"encoding must be the name of a text encoding ('utf-8', 'latin-1'), got "
                             f"{encoding!r}.") from None
        if named.startswith(("utf-16", "utf-32")):  # (the codec as named: utf-16-le has no byte-order mark to read)
            name = named.upper().replace("-LE", "LE").replace("-BE", "BE")
            what = f"encoding={encoding!r} names {name} text for {os.fspath(path)!r}"
    if name:
        raise ValueError(f"{what}, which sknn does not read (lines split as bytes): convert it to UTF-8 first "
                         f"(iconv -f {name} -t UTF-8 in.txt > out.txt, or in Python: open(out, 'w', encoding='utf-8')"
                         f".write(open(path, encoding='{name.lower()}').read())).")


class NotUtf8Text(ValueError):
    """A text file's line that is not UTF-8 text, ``line`` its number (:func:`numbered_lines`)."""

    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


def numbered_lines(path, wanted="the text file"):
    """(number, line) of a UTF-8 text file, decompressed if it is gzip, bzip2 or xz (line endings as ``open`` in
    text mode gives them), with a ValueError naming the file and the line whose content is not UTF-8 text (a
    binary file, another encoding), one naming an archive (``wanted``: what to extract from it), and the system's
    own error for a file it does not give (no permission, an I/O error)."""
    if os.path.isdir(path):
        raise ValueError(f"{os.fspath(path)!r} is a folder; pass a text file.")
    number = 0
    try:
        with (compressed_opener(path, wanted) or open)(path, "rb") as f:
            for raw in f:
                try:
                    line = raw.decode("utf-8-sig" if number == 0 else "utf-8")  # (a BOM is no part of line 1)
                except UnicodeDecodeError as exc:  # (the line of the bad byte: old Mac ends, CR alone, count too)
                    if number == 0:
                        refuse_wide_text(path, raw)
                    body = raw.rstrip(b"\r\n")
                    bad = number + 1 + (body[:exc.start].count(b"\r") if b"\r" in body else 0)
                    raise NotUtf8Text(f"{os.fspath(path)}, line {bad}: not UTF-8 text ({exc.reason}); is it a binary "
                                      "file, or text in another encoding?", bad) from None
                line = line[:-2] + "\n" if line.endswith("\r\n") else line
                for part in filter(None, re.split(r"(?<=\r)", line)) if "\r" in line else (line,):  # old Mac ends
                    number += 1
                    yield number, part[:-1] + "\n" if part.endswith("\r") else part
    except READ_ERRORS as exc:
        raise read_error(path, exc, f" after line {number}" if number else "") from None


def first_line_not_utf8(path):
    """The number of the first line of ``path`` (decompressed, by its content) whose bytes are not UTF-8 text, or
    None: a text read in chunks fails at the line its chunk began after, not at the bad line (a reader's position
    is one of its chunk's, meaningless to the file's owner). :func:`numbered_lines`' count of the lines."""
    try:
        for _ in numbered_lines(path):
            pass
    except NotUtf8Text as exc:
        return exc.line
    except (OSError, ValueError):
        return None
    return None


def file_path(value, name, what="a file"):
    """``value`` as a path (``os.fspath``), or a TypeError naming the parameter ``name``, what it takes (``what``) and
    what was given: lines in a list, an open stream (the path is what is read)."""
    if isinstance(value, (str, bytes, os.PathLike)):
        return os.fspath(value)
    fix = ("; write the lines to a file first" if isinstance(value, (list, tuple)) else
           "; pass its path, not an open stream" if hasattr(value, "read") or hasattr(value, "write") else "")
    raise TypeError(f"{name} must be the path of {what} (a str or a path-like), got {type(value).__name__}{fix}.")
