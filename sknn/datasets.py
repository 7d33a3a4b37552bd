"""Data helpers: labelled image folders, IDX files (MNIST, Fashion-MNIST), CoNLL-U treebanks."""

import os
import re

import numpy as np

from ._input_files import READ_ERRORS, compressed_opener, file_path, numbered_lines, read_error, refuse_special_file
from ._text_checks import spelling_key
from ._warnings import warn_user

__all__ = ["image_folder", "read_idx", "load_fashion_mnist", "read_conllu", "IMAGE_EXTENSIONS"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
                    ".pbm", ".pnm")


# folders that systems and file servers add beside a user's (macOS' archive folder, Synology's thumbnails,
# Windows' recycle bin and volume folder, QNAP's recycle bin and thumbnails)
_SYSTEM_FOLDERS = frozenset({"__MACOSX", "@eaDir", "$RECYCLE.BIN", "System Volume Information", "#recycle",
                             "@Recycle", "@Recently-Snapshot", ".@__thumb"})


def _hidden(name):
    """Hidden files and folders (``.ipynb_checkpoints``, macOS' ``._photo.png``) and the folders systems add
    (``__MACOSX``, a NAS's ``@eaDir`` of thumbnails) are no classes and no images."""
    return name.startswith(".") or name in _SYSTEM_FOLDERS


def _check_class_names(root, classes):
    """Refuse class folders whose names spell one label (differing only by white space around them, their Unicode
    form or invisible characters): fit would refuse their labels, with fixes for a y that is no folder; warn of ones
    that differ only by case ('Cat' and 'cat', which one folder cannot hold on macOS or Windows)."""
    groups = {}
    for name in classes:
        groups.setdefault(spelling_key(name), []).append(name)
    for names in (g for g in groups.values() if len(g) > 1):
        spelt = {}
        for name in names:
            spelt.setdefault(spelling_key(name, case=True), []).append(name)
        one = next((pair for pair in spelt.values() if len(pair) > 1), None)
        if one:
            raise ValueError(f"{root!r} has class folders {one[0]!r} and {one[1]!r}, whose names differ only by white "
                             "space, Unicode form or invisible characters: they would be two classes of one label. "
                             "Merge them into one folder.")
        warn_user(f"{root!r} has class folders {names[0]!r} and {names[1]!r}, whose names differ only by case: they "
                  "are two classes. If they are one (two archives unpacked into one folder), merge them.")


def _is_ancestor(folder, inner):
    """Whether ``folder`` holds ``inner`` (both real paths), at any depth."""
    return inner != folder and os.path.commonpath([folder, inner]) == folder


def _check_one_label(path, label, real, labelled):
    """Refuse an image file that a link puts under a second class folder (``labelled``: the label and path of
    each real file listed so far): one image would be given two labels. Returns the path the file was first
    listed as when links list it twice in its own class (it counts twice in training), else None."""
    first = labelled.setdefault(real, (label, path))
    if first[0] != label:
        raise ValueError(f"The image file {real!r} is listed under two classes, {first[0]!r} (as {first[1]!r}) and "
                         f"{label!r} (as {path!r}), through a symbolic link: an image has one label. Remove the link "
                         "from the class it does not belong to.")
    return first[1] if first[1] != path else None


def _warn_of_duplicates(duplicates, root):
    """Warn once of the image files listed twice or more in their class through symbolic links (``duplicates``:
    pairs of a later path and the file's first path), which are all listed: a deliberate oversampling is kept, an
    accidental one made visible."""
    if duplicates:
        shown = "; ".join(f"{later!r} is {first!r}" for later, first in duplicates[:3])
        more = f" and {len(duplicates) - 3} more" if len(duplicates) > 3 else ""
        warn_user(f"{len(duplicates)} image path(s) of {root!r} are the same file as another of their class, "
                  f"through a symbolic link ({shown}{more}): each copy is listed and counts as a training "
                  "image, so that file weighs more in training. Remove the links if that is not meant.",
                  UserWarning)


# folders that hold a data set's splits, not its classes (train/cats, test/cats)
_SPLIT_NAMES = frozenset({"train", "training", "test", "testing", "val", "valid", "validation", "dev", "eval"})


def _folders_alone(folder, endings):
    """The sub-folders of ``folder`` (sorted, hidden ones aside) when it holds no image file of its own (other files,
    a labels.csv or Windows' Thumbs.db, aside), else None."""
    entries = [e for e in os.listdir(folder) if not _hidden(e)]
    if any(e.lower().endswith(endings) and not os.path.isdir(os.path.join(folder, e)) for e in entries):
        return None
    return sorted(e for e in entries if os.path.isdir(os.path.join(folder, e)))


def _check_not_splits(root, classes, endings):
    """Refuse a root whose folders are all a data set's splits (``train``, ``test``, ...), each holding folders
    and no image of its own: its images would be labelled by their split, not their class."""
    if not classes or not all(c.lower() in _SPLIT_NAMES for c in classes):
        return
    inner = {}
    for split in classes:
        folders = _folders_alone(os.path.join(root, split), endings)
        if not folders:
            return  # (images of their own: classes named so, however odd)
        inner[split] = folders
    shown = ", ".join(map(repr, inner[classes[0]][:5])) + (" ..." if len(inner[classes[0]]) > 5 else "")
    calls = " and ".join(f"image_folder({os.path.join(root, c)!r})" for c in classes[:3])
    raise ValueError(f"The folders of {root!r} ({', '.join(map(repr, classes))}) are a data set's splits, each "
                     f"holding class folders ({shown} in {classes[0]!r}), not classes: their images would be "
                     f"labelled by their split. List each split on its own: {calls}.")


def _warn_of_one_wrapper(root, classes, endings):
    """Warn when the one folder of ``root`` holds folders and no image of its own: the classes are a level deeper
    (``root/photos/cats``), and every image would get one label, the folder's name."""
    if len(classes) != 1:
        return
    folder = os.path.join(root, classes[0])
    folders = _folders_alone(folder, endings)
    if folders and len(folders) > 1:
        warn_user(f"{root!r} holds one folder, {classes[0]!r}, so every image is labelled {classes[0]!r}; its "
                  f"folders ({', '.join(map(repr, sorted(folders)[:5]))}{' ...' if len(folders) > 5 else ''}) look "
                  f"like the classes: image_folder({folder!r}) labels the images by them.", UserWarning)


# endings Pillow registers that are seldom pictures it reads (stubs for scientific formats, video, vector drawings)
_NOT_PICTURES = frozenset({".h5", ".hdf", ".grib", ".bufr", ".fit", ".fits", ".mpeg", ".mpg", ".eps", ".ps", ".wmf",
                           ".emf"})


def _warn_of_other_images(root, skipped):
    """Warn of files left out whose endings (``skipped``: {ending: count}) are image formats Pillow reads."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - depends on the environment
        return
    Image.init()
    readable = {ext for ext, fmt in Image.registered_extensions().items() if fmt in Image.OPEN} - _NOT_PICTURES
    found = {ext: n for ext, n in skipped.items() if ext in readable}
    if found:
        listed = ", ".join(f"{n} {ext}" for ext, n in sorted(found.items(), key=lambda kv: -kv[1])[:5])
        warn_user(f"{sum(found.values())} image file(s) of {root!r} of other types than `extensions` lists are "
                  f"left out ({listed}): pass extensions=IMAGE_EXTENSIONS + {tuple(sorted(found))!r} to take them.",
                  UserWarning)


def image_folder(root, extensions=IMAGE_EXTENSIONS):
    """List the images of a folder with one sub-folder per class, as Keras' flow_from_directory reads it.

    Parameters
    ----------
    root : str or path
        ``root/<label>/<image file>``; sub-folders are the labels, in sorted order (a root whose folders are splits,
        ``train`` and ``test`` holding class folders, is refused: list each split on its own). Hidden folders and files
        (names starting with a dot, such as ``.ipynb_checkpoints`` and macOS' ``._*`` files) and folders systems add
        (``__MACOSX``, a NAS's ``@eaDir`` of thumbnails) are left out; images in other sub-folders of a class folder are
        that class's. Class folders whose names differ only by white space or Unicode form are refused, ones that differ
        by case warned of. Symbolic links are followed (a class's images may be kept elsewhere), except back to a folder
        already read or one that holds the class (a loop); an image file that links put under two classes is refused,
        naming it; one they list twice or more in its class is listed each time (each copy counts as a training image:
        links can oversample a class), with a warning naming the copies.
    extensions : str or tuple of str
        File endings taken as images (case-insensitive). A class folder without any is
        left out, with a warning. With the default, files of other types that Pillow reads (``.avif``, ``.tga``)
        are named in a warning.

    Returns
    -------
    paths : list of str
    labels : ndarray of str

    Examples
    --------
    >>> paths, labels = image_folder("photos/")          # doctest: +SKIP
    >>> ConvImageClassifier(image_size=64).fit(paths, labels)  # doctest: +SKIP
    """
    root = file_path(root, "root", "a folder")
    given = extensions
    extensions = (extensions,) if isinstance(extensions, str) else tuple(extensions or ())
    endings = tuple(e.lower() for e in extensions if isinstance(e, str))
    if not endings or not all(isinstance(e, str) and e for e in extensions):
        raise ValueError(f"extensions={given!r}: pass file endings as strings, e.g. ('.png', '.jpg').")
    if not os.path.isdir(root):
        raise ValueError(f"No such folder: {root!r}.")
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and not _hidden(d))
    if not classes:
        raise ValueError(f"{root!r} has no sub-folders: put the images of each class in a folder of its own.")
    _check_not_splits(root, classes, endings)
    _warn_of_one_wrapper(root, classes, endings)
    loose = sorted(f for f in os.listdir(root) if f.lower().endswith(endings) and not _hidden(f)
                   and os.path.isfile(os.path.join(root, f)))
    if loose:  # (read as no class's)
        warn_user(f"{len(loose)} image file(s) directly in {root!r}, such as {loose[0]!r}, are left out: image_folder "
                  "lists root/<label>/<image file>, a label a folder. Move them into their class's folder.")
    paths, labels, empty, labelled, duplicates, skipped, broken = [], [], [], {}, [], {}, []
    for label in classes:
        before = len(paths)
        walked, seen = [], set()
        class_folder = os.path.realpath(os.path.join(root, label))
        for dirpath, folders, files in os.walk(os.path.join(root, label), followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen or _is_ancestor(real, class_folder):  # a link back to a folder already read, or to
                folders[:] = []                                   # one that holds the class: a loop, or a copy
                continue
            seen.add(real)
            folders[:] = [d for d in folders if not _hidden(d)]  # os.walk goes into the folders left in the list
            walked.append((dirpath, real, files))
        for dirpath, real, files in sorted(walked):
            for name in sorted(files):
                if name.lower().endswith(endings) and not _hidden(name):
                    path = os.path.join(dirpath, name)
                    if not os.path.exists(path):  # a link to no file: no image, whatever its name says
                        broken.append(path)
                        continue
                    real_file = os.path.join(real, name)
                    if os.path.islink(real_file):
                        real_file = os.path.realpath(real_file)
                    first = _check_one_label(path, label, real_file, labelled)
                    if first is not None:
                        duplicates.append((path, first))
                    paths.append(path)
                    labels.append(label)
                elif not _hidden(name):
                    ending = os.path.splitext(name)[1].lower()
                    skipped[ending] = skipped.get(ending, 0) + 1
        if len(paths) == before:
            empty.append(label)
    _check_class_names(root, [label for label in classes if label not in empty])  # (empty ones are left out)
    if broken:  # (before a refusal of no image at all: it may be why)
        warn_user(f"{len(broken)} link(s) under {root!r} point to no file and are left out, such as {broken[0]!r}.",
                  UserWarning)
    if not paths:
        raise ValueError(f"No image files ({', '.join(extensions)}) under {root!r}.")
    _warn_of_duplicates(duplicates, root)
    if extensions == IMAGE_EXTENSIONS:  # (endings a user passes leave the others out on purpose)
        _warn_of_other_images(root, skipped)
    if empty:
        warn_user(f"{len(empty)} class folder(s) of {root!r} hold no image file ({', '.join(extensions)}) and "
                  f"are left out: {', '.join(map(repr, empty[:5]))}{' ...' if len(empty) > 5 else ''}.",
                  UserWarning)
    return paths, np.asarray(labels)


def read_idx(path):
    """Read an IDX file (the format of MNIST and Fashion-MNIST), compressed or not (recognised by its content), as
    a writable numpy array of unsigned bytes."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be the path of an IDX file (a str or path-like), got {path!r:.60}.")
    path = os.fspath(path)
    try:
        with (compressed_opener(path, "the IDX file") or open)(path, "rb") as f:
            data = bytearray(f.read())  # (a bytearray: the array it gives is writable)
    except READ_ERRORS as exc:
        raise read_error(path, exc) from None
    if len(data) >= 4 and data[0] == 0 and data[1] == 0 and data[2] != 8:
        raise ValueError(f"{path!r} is an IDX file of another element type (code {data[2]:#04x}); sknn reads "
                         "those of unsigned bytes (0x08), as MNIST's and Fashion-MNIST's.")
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise ValueError(f"{path!r} is not an IDX file of unsigned bytes.")
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    n_bytes = len(data) - 4 - 4 * ndim
    if n_bytes < 0 or int(np.prod(shape, dtype=object)) != n_bytes:
        raise ValueError(f"{path!r}: its header describes an array of shape {tuple(shape)}, but the file "
                         f"holds {max(n_bytes, 0)} bytes of data: it is truncated or damaged.")
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_fashion_mnist(folder):
    """Fashion-MNIST's standard split from ``folder`` (the four ``*-ubyte.gz`` files, or unpacked ``*-ubyte``).

    Returns
    -------
    X_train : uint8 array (60000, 28, 28), y_train, X_test (10000, 28, 28), y_test
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be the path of the folder of Fashion-MNIST's files, got {folder!r:.40}.")
    if os.path.isfile(folder):
        raise ValueError(f"{os.fspath(folder)!r} is a file; pass the folder that holds Fashion-MNIST's four files.")
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    candidates = [[os.path.join(folder, n + end) for end in (".gz", "")] for n in names]  # as downloaded or unpacked
    found = [next((path for path in paths if os.path.isfile(path)), None) for paths in candidates]
    missing = [n + ".gz" for n, path in zip(names, found) if path is None]
    if missing:
        raise ValueError(f"Fashion-MNIST files missing from {os.fspath(folder)!r}: {missing} (or unpacked, without "
                         "'.gz').")
    X_train, y_train, X_test, y_test = (read_idx(path) for path in found)
    for part, images, labels in (("train", X_train, y_train), ("t10k", X_test, y_test)):  # (files of another set)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"Fashion-MNIST's {part} files in {os.fspath(folder)!r} do not pair: images of shape "
                             f"{images.shape} (n, height, width expected) and labels of shape {labels.shape}; replace "
                             "them with the data set's own files.")
    return X_train, y_train, X_test, y_test


_CONLLU_TAGS = {"upos": 3, "xpos": 4}
_CONLLU_WORD_ID = re.compile(r"[0-9]+")  # ASCII digits: str.isdigit() also takes '²', which int() refuses
_CONLLU_SKIPPED_ID = re.compile(r"[0-9]+-[0-9]+|[0-9]+\.[0-9]+")  # a multi-word token's range, an empty node
#: the 17 universal part-of-speech tags of Universal Dependencies (v2)
_UD_UPOS_TAGS = frozenset("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())


def _is_conllu_word(cols, path, number):
    """Whether a CoNLL-U line is a syntactic word (ID a whole number) rather than a multi-word token (``3-4``)
    or an empty node (``8.1``); any other ID (``3-``, ``²``, ``one``), or a word without a form, is refused
    naming the file and the line (a damaged ID skipped as a token would lose its word silently)."""
    if _CONLLU_SKIPPED_ID.fullmatch(cols[0]):
        return False
    if not _CONLLU_WORD_ID.fullmatch(cols[0]) or not cols[1].strip():
        raise ValueError(f"{path}, line {number}: a CoNLL-U word line starts with its number and its form; this one "
                         f"has ID {cols[0]!r:.20} and FORM {cols[1]!r:.40}. An ID is a whole number in ASCII digits "
                         "(3), a multi-word token's range (3-4) or an empty node (3.1), and a word has a form; fix "
                         "the file.")
    return True


def _widest_token(token, word_id, number):
    """Of ``token`` (the multi-word token read so far in a sentence that covers the most words: its range, its line,
    its last word; or None) and the line ``number`` of ID ``word_id``, the one that covers the most words."""
    if "-" not in word_id:  # an empty node
        return token
    last = int(word_id.split("-")[1])
    return (word_id, number, last) if token is None or last > token[2] else token


def _check_tokens_complete(token, n_words, path, end):
    """Refuse a sentence that ends (``end``: 'line 9', 'the end of the file') after ``n_words`` words, before the
    last word a multi-word token of it covers (``token``, as :func:`_widest_token` gives it): a word line lost."""
    if token is not None and token[2] > n_words:
        raise ValueError(f"{path}, line {token[1]}: the multi-word token {token[0]} covers words up to {token[2]}, but "
                         f"its sentence ends after word {n_words}, at {end}: a word line is missing (a file cut "
                         "off?); fix the file.")


def _doubled_line_ends(path):
    """Whether the file (decompressed) holds a doubled line end, '\\r\\r\\n'."""
    try:
        with (compressed_opener(path) or open)(path, "rb") as f:
            tail = b""
            while chunk := f.read(1 << 20):
                if b"\r\r\n" in tail + chunk:
                    return True
                tail = chunk[-2:]
    except READ_ERRORS:
        pass
    return False


def _misnumbered_word(path, number, word_id, n_words):
    """The error for word ``word_id`` after ``n_words`` words of its sentence: two sentences without the blank line
    between them, a word line lost, or a blank line inside a sentence that doubled line ends made."""
    if word_id == "1":
        what = " without the blank line that ends a sentence"
    elif n_words == 0 and _doubled_line_ends(path):
        return ValueError(f"{path}, line {number}: word {word_id} follows a blank line, which ends a sentence: the "
                          "file's line ends are doubled ('\\r\\r\\n', as code writing '\\r\\n' to a file opened in "
                          "text mode on Windows makes them), so each line reads as followed by a blank one (line "
                          "numbers count those). Fix the line ends (e.g. sed -i 's/\\r*$//' FILE, or write "
                          "open(path, newline='').read().replace('\\r\\r\\n', '\\n') to a file) and read that.")
    else:
        what = ": a word line is missing"
    return ValueError(f"{path}, line {number}: word {word_id} follows word {n_words}{what}; fix the file.")


def _warn_of_other_upos_tags(path, y):
    """Warn once when UPOS tags are not among the 17 of Universal Dependencies (language-specific tags in the UPOS
    column, lower-cased ones), naming a few."""
    counts = {}
    for tags in y:
        for t in tags:
            if t not in _UD_UPOS_TAGS:
                counts[t] = counts.get(t, 0) + 1
    if counts:
        shown = ", ".join(f"{t!r} ({n} word(s))" for t, n in sorted(counts.items(), key=lambda kv: -kv[1])[:5])
        more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
        warn_user(f"{path}: {sum(counts.values())} word(s) have a UPOS tag that is none of the 17 universal tags of "
                  f"Universal Dependencies ({' '.join(sorted(_UD_UPOS_TAGS))}): {shown}{more}. A tagger learns them "
                  "as they are; if the UPOS column holds other tags (language-specific ones, lower-cased ones), fix "
                  "the file (read tag='xpos' for the language-specific tags of column 5).")


def read_conllu(path, tag="upos"):
    """Read the sentences of a CoNLL-U file (Universal Dependencies) as tokens and tags.

    Multi-word token lines (ids such as ``3-4``) and empty nodes (``8.1``) are skipped,
    so each sentence lists its syntactic words, as the treebanks' taggers are scored. Any
    other ID (not ASCII digits, ``3-``, ``3.``) is refused, naming the file and the line, as is a
    sentence that ends before the last word of a multi-word token, or a tar, zip or zstd archive. A last sentence
    without the blank line CoNLL-U asks after every sentence (a file cut off?) is read with one warning, as are
    UPOS tags other than the 17 universal ones.

    Parameters
    ----------
    path : str or path
        A .conllu file, or one compressed with gzip, bzip2 or xz (recognised by its content).
    tag : {'upos', 'xpos'}, default='upos'
        The universal part-of-speech tag (column 4) or the language-specific one (column 5).

    Returns
    -------
    X : list of lists of str, the word forms of each sentence
    y : list of lists of str, their tags

    Examples
    --------
    >>> X, y = read_conllu("en_ewt-ud-train.conllu")          # doctest: +SKIP
    >>> X[0][:3], y[0][:3]                                     # doctest: +SKIP
    (['Al', '-', 'Zaman'], ['PROPN', 'PUNCT', 'PROPN'])
    """
    if not isinstance(tag, str) or tag not in _CONLLU_TAGS:
        raise ValueError(f"tag={tag!r}; pass 'upos' or 'xpos'.")
    column = _CONLLU_TAGS[tag]
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be the path of a .conllu file (a str or path-like), got {path!r:.60}.")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{path!r} is a folder; pass the path of a .conllu file in it.")
    refuse_special_file(path)
    if not os.path.isfile(path):
        raise ValueError(f"No such file: {path!r}.")
    X, y, words, tags, token, first = [], [], [], [], None, 0
    for number, line in numbered_lines(path, "the .conllu file"):
        line = line.rstrip("\n").lstrip("\ufeff")  # (a byte-order mark where files were joined with cat)
        if not line.strip():
            _check_tokens_complete(token, len(words), path, f"line {number}")
            if words:
                X.append(words)
                y.append(tags)
            words, tags, token = [], [], None
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            spaced = " (its fields are separated by spaces, not tabs?)" if len(line.split()) >= 10 > len(cols) else ""
            raise ValueError(f"{path}, line {number}: a CoNLL-U word line has 10 tab-separated columns, "
                             f"this one has {len(cols)}{spaced}.")
        if not _is_conllu_word(cols, path, number):
            token = _widest_token(token, cols[0], number)
            continue  # a multi-word token or an empty node, not a syntactic word
        if int(cols[0]) == 0:  # (0 is the root, a HEAD value only)
            raise ValueError(f"{path}, line {number}: word ID {cols[0]}; the words of a sentence are numbered from 1 "
                             "(0 is the root, a HEAD value, never a word's ID); fix the file.")
        if int(cols[0]) != len(words) + 1:  # a word line lost, or two sentences without the blank line between
            raise _misnumbered_word(path, number, cols[0], len(words))
        value = cols[column]
        if not value or value != value.strip():
            raise ValueError(f"{path}, line {number}: the {tag.upper()} tag {value!r} is empty or has spaces "
                             "around it; fix the file.")
        if cols[1] != cols[1].strip():  # UD forms never start or end with a space: 'dog ' would be a word of its own
            raise ValueError(f"{path}, line {number}: the FORM {cols[1]!r:.40} has spaces around it; fix the file.")
        first = first if words else number
        words.append(cols[1])
        tags.append(value)
    _check_tokens_complete(token, len(words), path, "the end of the file")
    if words:
        X.append(words)
        y.append(tags)
        warn_user(f"{path} has no blank line after its last sentence (from line {first}), as CoNLL-U asks of every "
                  "sentence: if the file was cut (an interrupted download or copy), that sentence may be incomplete. "
                  "It is read as it is.")  # (once, at the end of the file)
    if not X:
        raise ValueError(f"{path} holds no sentence.")
    n_words = sum(map(len, X))
    if n_words > 1 and all(w == "_" for words in X for w in words):
        raise ValueError(f"{path} has no word forms (every FORM is '_'): the treebank was released without its text, "
                         "as some Universal Dependencies treebanks are; restore the words first (its README says how), "
                         "then read the restored file.")
    untagged = sum(t == "_" for tags in y for t in tags)
    if untagged == n_words:
        raise ValueError(f"{path} has no {tag.upper()} tag on any word (every one is '_'); pass the other tag "
                         f"({'upos' if tag == 'xpos' else 'xpos'}).")
    if untagged:
        raise ValueError(f"{path}: {untagged} word(s) have no {tag.upper()} tag ('_') among tagged ones; a tagger "
                         "would learn '_' as a tag: tag them, or leave their sentences out.")
    if tag == "upos":
        _warn_of_other_upos_tags(path, y)
    return X, y
