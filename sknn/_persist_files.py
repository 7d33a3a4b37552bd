"""The files of :mod:`sknn.persist` (and :mod:`sknn.export`): where a model may be written, how it is written (a
complete file or none), and what a file that cannot be parsed is missing.
"""

import contextlib
import json
import os
import secrets
import stat

__all__ = ["check_input_path", "check_output_path", "check_writable", "missing_bytes", "special_file_kind",
           "write_atomically"]

_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def special_file_kind(path):
    """What ``path``, which exists and is no regular file (through a link, what it names), is: 'a named pipe (FIFO)',
    'a character device', 'a block device', 'a socket' or 'a special file'."""
    mode = os.stat(path).st_mode
    return next((name for test, name in _SPECIAL_FILES if test(mode)), "a special file")


def check_input_path(path):
    """``path`` of a file to read as a str; anything but a str or path-like (None) refused naming ``path``, and
    bytes as :func:`check_output_path` refuses them."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path-like object, got {type(path).__name__}.")
    path = os.fspath(path)
    if isinstance(path, bytes):
        raise ValueError(f"Cannot read {path!r}: pass a file path as a str, e.g. {os.fsdecode(path)!r}.")
    _refuse_null_character(path, "read")
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot read {path!r}: it is a folder; pass the path of a file in it.")
    if os.path.exists(path) and not os.path.isfile(path):
        raise ValueError(f"Cannot read {path!r}: it is {special_file_kind(path)}, not a regular file; pass the path of "
                         "a saved model.")
    if not os.path.exists(path):
        raise FileNotFoundError(f"No file at {path!r}{_home_hint(path)}.")
    return path


def _refuse_null_character(path, verb):
    if "\x00" in path:
        raise ValueError(f"Cannot {verb} {path!r}: it holds a null character ('\\x00'), which no file name may.")


def _home_hint(path):
    """For a path starting with '~' that does not exist: where it was looked for, and the fix (Python reads '~' as
    a folder's name, not as the home folder)."""
    if not path.startswith("~"):
        return ""
    return (f" ('~' is read as a folder named so, not as your home folder: pass os.path.expanduser({path!r}), "
            f"{os.path.expanduser(path)!r})")


def check_output_path(path, example="model.safetensors", stream=False):
    """``path`` as a str, refused before any work when its folder is missing, it is a folder itself, or it exists
    but is not a regular file (a FIFO, a device, a socket: saving would replace it with a file; with ``stream``, a
    writer that opens the path itself, they are written to) (``example``: a file name to suggest in the folder)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path-like object, got {type(path).__name__}.")
    path = os.fspath(path)
    if isinstance(path, bytes) or not path.strip():
        raise ValueError(f"Cannot save to {path!r}: pass a file path as a str, e.g. {example!r}.")
    _refuse_null_character(path, "save to")
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot save to {path!r}: it is a folder; pass a file path, e.g. "
                                f"{os.path.join(path, example)!r}.")
    if path.endswith(("/", os.sep)):
        raise IsADirectoryError(f"Cannot save to {path!r}: a path ending with a slash names a folder; pass a file "
                                f"path, e.g. {path.rstrip('/' + os.sep) or example!r}.")
    if os.path.exists(path) and not os.path.isfile(path) and not stream:  # (through a symbolic link, what it names)
        raise ValueError(f"Cannot save to {path!r}: it is {special_file_kind(path)}, not a regular file, and saving "
                         f"would replace it with one; pass the path of a regular file, e.g. "
                         f"{os.path.join(os.path.dirname(path), example)!r}.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        existing = folder  # the nearest part of the path that exists: a file where a folder should be?
        while not os.path.lexists(existing) and os.path.dirname(existing) != existing:
            existing = os.path.dirname(existing)
        if os.path.exists(existing) and not os.path.isdir(existing):
            raise NotADirectoryError(f"Cannot save to {path!r}: {existing!r} is a file, not a folder; pass a path "
                                     "in a folder (or move that file away and create the folder).")
        if path.startswith("~"):
            raise FileNotFoundError(f"Cannot save to {path!r}: the folder {folder!r} does not exist{_home_hint(path)}.")
        raise FileNotFoundError(f"Cannot save to {path!r}: the folder {folder!r} does not exist; create it first "
                                "(os.makedirs(folder)).")
    return path


def check_writable(path):
    """Refuse, before a long export, a ``path`` (as :func:`check_output_path` returned it) whose folder takes no new
    file (no permission, a read-only file system): a file made there and removed at once, as
    :func:`write_atomically` will make one."""
    folder = os.path.dirname(os.path.realpath(path))
    tmp = os.path.join(folder, f".sknn-write-check.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "wb"):
            pass
    except OSError as exc:
        raise type(exc)(exc.errno, f"Cannot save to {path!r}: {exc.strerror}") from exc
    with contextlib.suppress(OSError):
        os.remove(tmp)


def write_atomically(path, data):
    """Write the bytes ``data`` to ``path`` (as :func:`check_output_path` returned it) through a temporary file in the
    same folder, so that ``path`` only ever holds a complete file: a symbolic link stays, the file it names is
    replaced, keeping its permissions."""
    target = os.path.realpath(path)  # through a symbolic link: the link stays, the file it names is replaced
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name[:200]}.{secrets.token_hex(6)}.tmp")  # only a complete file gets ``path``
    try:
        with open(tmp, "wb") as f:  # open's permissions, as joblib.dump's (safetensors' save_file makes 0600 files)
            f.write(data)
        if os.path.isfile(target):  # a file replaced keeps its permissions (a private 0600 file stays private)
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if isinstance(exc, OSError):  # name the file asked for, not the hidden temporary one
            raise type(exc)(exc.errno, f"Cannot save to {path!r}: {exc.strerror}") from exc
        raise


def missing_bytes(data):
    """('header', bytes in the file, bytes to the header's end) of a safetensors file cut inside its header,
    ('data', bytes of data held, bytes of data the header describes) of one cut in its tensors, or None."""
    if len(data) < 8:
        return None
    size = int.from_bytes(data[:8], "little")
    if size > len(data) - 8:  # cut inside the header: a JSON header begins, of a size safetensors allows
        return ("header", len(data), 8 + size) if data[8:10] == b'{"' and size < 100_000_000 else None
    try:
        header = json.loads(data[8:8 + size])
        want = max((int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__"), default=0)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    have = len(data) - 8 - size
    return ("data", have, want) if want > have else None
