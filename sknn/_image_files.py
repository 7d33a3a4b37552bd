"""Image files: read one (any PIL mode, 8- and 16-bit levels, float pixels), and read lazily batch by batch; and
the checks on the items of a list of images (their depth, PIL mode and scale).

Used by the image input layer (:mod:`sknn._images`), which decides how arrays and files
become the images a network takes.
"""

import contextlib
import os
import struct
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from ._pixels import shallow_levels
from ._warnings import warn_user

__all__ = ["PREDICT_FILES_LOOKED_AT", "ImageFileBatches", "check_image_list", "displayed_size", "named_bomb_warnings",
           "note_misread", "plain_path", "read_image", "warn_of_misread", "warn_of_shallow_deep_files",
           "warn_of_transparent_files"]

# the EXIF orientations (tag 0x0112) that swap height and width: the stored pixels are turned a quarter
_QUARTER_TURNS = (5, 6, 7, 8)

def _pil():
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("Reading image files needs Pillow: pip install 'sknn[images]'.") from exc
    return Image


def plain_path(path):
    """A file path (str or os.PathLike) as a plain str, which messages show as '/x.png' (numpy's str, from an array
    of paths, shows as np.str_('/x.png')); bytes as they are."""
    path = os.fspath(path)
    return str(path) if isinstance(path, str) else path


@contextlib.contextmanager
def named_bomb_warnings():
    """Silence PIL's own decompression-bomb warning, which names no file: :func:`read_image` gives one that does.

    Used by the thread that starts the reads (warning filters are global, so worker
    threads obey them too).
    """
    Image = _pil()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Image size \(\d+ pixels\) exceeds limit",
                                category=Image.DecompressionBombWarning)
        yield


def _orientation(img):
    """The EXIF orientation of an opened image file (1 to 8; 1: as stored), from its header only: PNG's own
    ``getexif`` decodes the pixels to find an eXIf chunk after them, so only one before them counts, in
    :func:`displayed_size` (a header scan) and :func:`read_image` alike. A damaged EXIF block counts as none."""
    try:
        orientation = _pil().Image.getexif(img).get(0x0112, 1)  # PIL.Image.Image's, not PNG's: the header's
    except Exception:  # noqa: BLE001 - metadata only: a viewer shows such a file's pixels as stored
        return 1
    return orientation if orientation in range(1, 9) else 1


def _stored_size(img):
    """(width, height) of the pixels as an opened image file stores them. Recent Pillow's TIFF plugin gives
    ``img.size`` already turned for the orientations that swap the axes, as it turns the pixels at load; the
    TIFF tags ImageWidth (256) and ImageLength (257) give the stored size in any Pillow version."""
    tags = getattr(img, "tag_v2", None)
    if tags is not None:
        width, height = tags.get(256), tags.get(257)
        if isinstance(width, int) and isinstance(height, int):
            return width, height
    return img.size


def displayed_size(img):
    """(height, width) of an opened image file as viewers show it, its EXIF orientation applied (phone photos
    are often stored sideways), without decoding its pixels: what :func:`read_image` gives, in any Pillow
    version and for any format (JPEG, PNG, WebP, TIFF)."""
    width, height = _stored_size(img)
    return (width, height) if _orientation(img) in _QUARTER_TURNS else (height, width)


def _turned_at_load(img):
    """Whether a loaded image file had its pixels turned by its plugin: recent Pillow's TIFF plugin turns them
    at load and drops the orientation from the image's EXIF; older ones leave both as stored."""
    return hasattr(img, "tag_v2") and _orientation(img) == 1


def _upright(img):
    """The pixels of an opened image file, loaded and turned as its EXIF orientation says, as viewers show them.

    The orientation is read from the header before the load (as :func:`displayed_size` reads it) and the pixels
    turned with ``Image.transpose``: ``ImageOps.exif_transpose`` also rewrites the EXIF block, which raises on
    some real files (TypeError, ZeroDivisionError, IndexError in several Pillow releases). A TIFF its plugin
    turned at load is not turned twice.
    """
    orientation = _orientation(img)
    img.load()
    if orientation == 1 or _turned_at_load(img):
        return img
    transpose = getattr(_pil(), "Transpose", _pil())  # (Pillow before 9.1: the module's constants)
    return img.transpose({2: transpose.FLIP_LEFT_RIGHT, 3: transpose.ROTATE_180, 4: transpose.FLIP_TOP_BOTTOM,
                          5: transpose.TRANSPOSE, 6: transpose.ROTATE_270, 7: transpose.TRANSVERSE,
                          8: transpose.ROTATE_90}[orientation])


def _is_grey(mode):
    """Whether a PIL image mode is grey levels (1-bit to 32-bit, float, with or without alpha)."""
    return mode in ("1", "L", "LA", "I", "F") or mode.startswith("I;16")


def _is_deep(mode):
    """Whether a PIL image mode holds more than 8 bits a pixel (16-bit, 32-bit integer, float)."""
    return mode in ("I", "F") or mode.startswith("I;16")


def warn_of_shallow_deep_files(paths):
    """Warn where the 16-bit or 32-bit integer image files ``paths`` (a sample of a training set's) reach at most
    4,095 (12-bit levels, from many cameras and scanners) or 255 (8-bit levels saved in a deeper file): read as
    16-bit levels, divided by 65,535, they are dark, or all but black."""
    Image, top, modes = _pil(), 0, set()
    for path in paths:
        try:
            with open(path, "rb") as file, Image.open(file) as img:
                top = max(top, int(img.convert("F").getextrema()[1]))
                modes.add("32-bit integer" if img.mode == "I" else "16-bit")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            continue  # (named when it is read)
    bits = shallow_levels(top) if paths else None
    if bits is None:
        return
    depth = 2 ** bits - 1
    eight = " (or save them as 8-bit files: Image.open(f).convert('L'))" if bits == 8 else ""
    files = modes.pop() if len(modes) == 1 else "16-bit and 32-bit integer"
    warn_user(f"The {files} image files (such as {os.fspath(paths[0])!r}) hold levels up to {top} only, at most "
              f"{bits} bits: as 16-bit levels they are divided by 65,535 and read as dark images (at most "
              f"{top / 65535:.3f}). If they are {bits}-bit levels, read them as arrays on their own scale "
              f"(np.asarray(Image.open(f), dtype=np.float32) / {depth}, at predict too){eight}; truly dark 16-bit "
              "images can stay as they are.")


def warn_of_transparent_files(paths):
    """Warn where image files of ``paths`` (a sample of a training set's with an alpha channel or a transparent
    colour) have transparent pixels: they are read as the colours stored under them (hidden, often black or white),
    the transparency dropped, as Keras' and torchvision's readers do."""
    Image = _pil()
    for path in paths:
        try:
            with open(path, "rb") as file, Image.open(file) as img:
                if img.convert("RGBA").getchannel("A").getextrema()[0] < 255:
                    warn_user(f"Image files such as {os.fspath(path)!r} have transparent pixels: they are read as "
                              "the colours stored under them, which no viewer shows, the transparency dropped. If "
                              "the colours under them differ from file to file, put each image on one background "
                              "first (Image.alpha_composite(Image.new('RGBA', img.size, 'white'), "
                              "img.convert('RGBA')).convert('RGB')).")
                    return
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            continue  # (named when it is read)


PREDICT_FILES_LOOKED_AT = 20  # the files whose headers each predict reads for :func:`note_misread` (the first)


def note_misread(img, path, found):
    """Add ``path`` (an open PIL image ``img``) to ``found``'s sample (20 each) of deep integer files, whose levels
    are read for :func:`warn_of_shallow_deep_files`, of files with transparency (:func:`warn_of_transparent_files`)
    or of files of several frames (an animated GIF, a multi-page TIFF: the first is read)."""
    for kind, holds in (("deep", img.mode.startswith("I;16") or img.mode == "I"),
                        ("transparent", _has_transparency(img)), ("frames", getattr(img, "n_frames", 1) > 1)):
        if holds and len(found.setdefault(kind, [])) < 20:
            found[kind].append((path, getattr(img, "n_frames", 1)))


def warn_of_misread(found):
    """Warn of the files :func:`note_misread` found."""
    warn_of_shallow_deep_files([path for path, _ in found.get("deep", ())])
    warn_of_transparent_files([path for path, _ in found.get("transparent", ())])
    if found.get("frames"):
        path, n = found["frames"][0]
        warn_user(f"Image files such as {os.fspath(path)!r} ({n} frames) hold several frames (an animation, pages): "
                  "only the first frame of each is read. Save the frame you want as an image of its own (or each "
                  "frame, ImageSequence.Iterator(img)).")


def _has_transparency(img):
    """Whether a PIL image (its header) has an alpha channel or a transparent colour."""
    return img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info


def read_image(path, size=None, channels=None, resize=True):
    """Read one image file as a float32 array (channels, height, width) in [0, 1] (8-bit levels / 255, 16-bit
    ones / 65,535, float pixels as they are: see :func:`_deep_pixel_top`).

    ``size`` (height, width) resizes (with ``resize=False``, a file of another size is
    refused instead); ``channels`` 1, 3 or 4 converts to grey, RGB or RGBA (None: grey files
    stay grey, others become RGB).
    Raises a ValueError naming the file when it cannot be read: missing, not an image,
    truncated, or a decompression bomb (more than twice PIL's ``Image.MAX_IMAGE_PIXELS``
    pixels). Between once and twice that limit the file is read, with a
    ``DecompressionBombWarning`` that names it. A damaged file that Pillow fails on with another error
    (TypeError, IndexError, ZeroDivisionError, EOFError in some releases) is such a ValueError too, as
    ``skip_bad_images`` expects.
    """
    Image = _pil()
    path = plain_path(path)
    if os.path.isdir(path):
        raise ValueError(f"Cannot read the image file {path!r}: it is a folder; list the images of a folder of class "
                         "folders, with their labels, with sknn.datasets.image_folder(folder)")
    try:
        # from an open file, not its path: Pillow memory-maps a raw grey or 16-bit file opened by its path at the
        # size it reports, which for a TIFF stored sideways is already turned, and garbles its pixels
        with open(path, "rb") as file, Image.open(file) as img:
            limit = Image.MAX_IMAGE_PIXELS
            if limit and img.size[0] * img.size[1] > limit:
                warn_user(f"The image file {path!r} has {img.size[0]}x{img.size[1]} pixels, more than PIL's limit "
                          f"Image.MAX_IMAGE_PIXELS={limit} (a decompression bomb?); it is read. Check the file, or "
                          "raise the limit if such images are expected.", Image.DecompressionBombWarning)
            if channels is None:  # keep grey images grey, make everything else RGB
                channels = 1 if _is_grey(img.mode) else 3
            img = _upright(img)
            deep = _is_deep(img.mode)
            if deep:  # as floats: converting to "L" would clip them to 0-255
                mode, img = img.mode, img if img.mode == "F" else img.convert("F")
                top = _deep_pixel_top(img, mode)
            else:
                img, top = img.convert({1: "L", 4: "RGBA"}.get(channels, "RGB")), 255.0
            if size is not None and img.size != (size[1], size[0]):
                if not resize:
                    raise _OtherSize(f"the image file {path!r} is {img.size[1]}x{img.size[0]} (height x "
                                     f"width), not the {size[0]}x{size[1]} of the training images: pass image_size="
                                     "(height, width) in fit to have files of any size resized")
                img = img.resize((size[1], size[0]), Image.BILINEAR)
            arr = np.asarray(img, dtype=np.float32) / top
            if deep and channels > 1:  # grey as RGB, opaque where an alpha channel is asked for
                arr = np.concatenate([np.repeat(arr[:, :, None], 3, axis=2), np.ones_like(arr[:, :, None])][
                    :1 + (channels == 4)], axis=2)
    except _OtherSize:
        raise
    except Image.UnidentifiedImageError:
        raise ValueError(f"Cannot read the image file {path!r}: it is not an image file Pillow can identify (or a "
                         "damaged one)") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"Cannot read the image file {path!r}: {str(exc).rstrip('.')}") from None
    except (EOFError, struct.error, TypeError, IndexError, ZeroDivisionError) as exc:  # Pillow on damaged files
        raise ValueError(f"Cannot read the image file {path!r}: Pillow fails on it, a damaged file? "
                         f"({type(exc).__name__}: {str(exc).rstrip('.')})") from None
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)


class _OtherSize(ValueError):
    """A readable file of another size than the training images, where they are not resized."""


def _deep_pixel_top(floats, mode):
    """The value that maps to 1 for a 16-bit, 32-bit integer or float grey image (``mode``: "I;16" in any byte
    order, "I", "F"), given as ``floats``, the image converted to "F" (exact up to 65,535; PIL's getextrema refuses
    "I;16B", "I;16L" and "I;16N"): 65,535 for integers of 0-65,535, 1 for floats of 0-1; other values are refused
    (no scale can be guessed for them)."""
    values = np.asarray(floats, dtype=np.float32)  # (not PIL's getextrema: NaN as the first pixel makes it NaN)
    if not np.isfinite(values).all():
        raise ValueError("it holds NaN or infinite pixel values")
    low, high = float(values.min()), float(values.max())
    if mode == "F":
        if low >= 0 and high <= 1:
            return 1.0
        what, fix = "floating-point pixels", "scale them to [0, 1]"
    else:
        if low >= 0 and high <= 65535:
            return 65535.0
        what, fix = "32-bit integer pixels", "store them as 8- or 16-bit images"
    raise ValueError(f"it holds {what} from {low:.10g} to {high:.10g}, which have no known scale: {fix}, or read "
                     "the images yourself and pass them as an array")


def _names(paths, shown=10):
    """Some file names of a list, for a message."""
    names = ", ".join(repr(plain_path(p)) for p in paths[:shown])
    return names + (f" and {len(paths) - shown} more" if len(paths) > shown else "")


def _in_colour(path, size, resize):
    """Whether the image file ``path``, which a model of grey images reads, has colours (a mode of colour, and
    pixels whose channels differ: an RGB file of a grey scan has none); read again as RGB where its mode is."""
    with open(plain_path(path), "rb") as file, _pil().open(file) as img:
        if _is_grey(img.mode):
            return False
    rgb = read_image(path, size, 3, resize)
    return not (np.array_equal(rgb[0], rgb[1]) and np.array_equal(rgb[1], rgb[2]))


class ImageFileBatches:
    """Images read from files one batch at a time (memory bounded by a batch, not the folder).

    ``X`` is a numpy array of paths; each batch's files are decoded by a small thread
    pool and resized to ``size``. An unreadable file (missing, not an image, truncated, a
    decompression bomb) is handled by ``on_error``:

    * 'raise': a ValueError naming the unreadable files of the batch (and ``why``);
    * 'skip': left out of the batch with a warning naming it (training only: the rows
      that remain keep their targets and weights);
    * 'fill': NaN pixels, with a warning naming it; the positions of such files are
      in ``unreadable`` after a pass, so each input keeps its output row.
    """

    def __init__(self, X, y=None, sample_weight=None, size=None, channels=3, on_error="raise", why="", workers=4,
                 resize=True, class_names=None):
        # A batch source (see sknn._data) without ``to``: the engine never tries to keep
        # file paths on a device.
        if on_error not in ("raise", "skip", "fill"):
            raise ValueError(f"on_error={on_error!r} is not one of 'raise', 'skip' or 'fill'.")
        self.X, self.y, self.sample_weight = np.asarray(X, dtype=object), y, sample_weight
        self.size, self.channels, self.on_error, self.why, self.workers = size, channels, on_error, why, workers
        self.resize = resize  # False: files of another size than ``size`` are refused, not resized
        self.class_names = class_names  # the label of each class index in y, for messages
        self.unreadable = []
        self.greyed = []  # colour files read as grey (a model of grey images): said once a pass
        self.colour_files = {}  # path: whether it has colours (told once a file: its second decoding paid once)

    def __len__(self):
        return len(self.X)

    def subset(self, indices):
        index = torch.as_tensor(np.asarray(indices), dtype=torch.int64)
        take = lambda a: None if a is None else a[index]  # noqa: E731
        return ImageFileBatches(self.X[np.asarray(indices)], take(self.y), take(self.sample_weight), self.size,
                                self.channels, self.on_error, self.why, self.workers, self.resize,
                                getattr(self, "class_names", None))

    def _read(self, path):
        """The image, or the ValueError that says why it cannot be read."""
        try:
            image = read_image(path, self.size, self.channels, getattr(self, "resize", True))
        except ValueError as exc:
            return exc
        if self.channels == 1:
            if path not in self.colour_files:
                self.colour_files[path] = _in_colour(path, self.size, getattr(self, "resize", True))
            if self.colour_files[path]:
                self.greyed.append(path)
        return image

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        n = len(self)
        order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
        self.unreadable, skipped, self.greyed = [], [], []
        with ThreadPoolExecutor(self.workers) as pool:
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                with named_bomb_warnings():
                    images = list(pool.map(self._read, self.X[idx.numpy()]))
                errors = [(i, im) for i, im in enumerate(images) if isinstance(im, ValueError)]
                if errors and self.on_error == "raise":
                    reasons = "; ".join(str(exc) for _, exc in errors[:10])
                    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
                    what = ("are not of the training images' size" if all(isinstance(exc, _OtherSize)
                                                                           for _, exc in errors) else "cannot be read")
                    raise ValueError(f"{len(errors)} of the image files {what}: {reasons}{more}.{self.why}")
                told = self.__dict__.setdefault("_told", set())  # (each file once, not once a pass)
                for i, exc in errors:
                    if self.X[int(idx[i])] not in told:
                        told.add(self.X[int(idx[i])])
                        warn_user(f"{exc}; {'skipped' if self.on_error == 'skip' else 'its output is NaN'}.")
                if self.on_error == "fill":
                    self.unreadable.extend(int(idx[i]) for i, _ in errors)
                    blank = np.full((self.channels, *self.size), np.nan, dtype=np.float32)
                    images = [blank if isinstance(im, ValueError) else im for im in images]
                elif errors:  # skip
                    skipped.extend(int(idx[i]) for i, _ in errors)
                    keep = torch.tensor([not isinstance(im, ValueError) for im in images])
                    if not keep.any():
                        continue
                    images = [im for im in images if not isinstance(im, ValueError)]
                    idx = idx[keep]
                Xb = torch.from_numpy(np.stack(images))
                if torch.device(device).type == "cuda":
                    Xb = Xb.pin_memory()  # a copy that does not block
                yb = None if self.y is None else self.y[idx]
                wb = None if self.sample_weight is None else self.sample_weight[idx]
                yield (Xb.to(device, non_blocking=True), None if yb is None else yb.to(device),
                       None if wb is None else wb.to(device))
        if skipped and self.y is not None:
            self._check_each_class_kept(skipped)
        if self.greyed:
            warn_user(f"{len(self.greyed)} colour image file(s) (such as {plain_path(self.greyed[0])!r}) were read as "
                      "grey: the model was fitted on grey images, and sees no colour. If colour matters, fit it on "
                      "colour images.")

    def _check_each_class_kept(self, skipped):
        """Refuse a pass in which every image of some class was skipped: the model would give that class
        probabilities it never learned from an image."""
        labels = self.y.numpy() if hasattr(self.y, "numpy") else np.asarray(self.y)
        kept = np.ones(len(labels), dtype=bool)
        kept[skipped] = False
        lost = np.setdiff1d(np.unique(labels), np.unique(labels[kept]))
        if len(lost):
            files = [self.X[i] for i in skipped if labels[i] == lost[0]]
            name = repr(np.asarray(self.class_names).tolist()[lost[0]]) if self.class_names is not None else lost[0]
            raise ValueError(f"Every training image of the class {name} is unreadable ({_names(files, 3)}): the "
                             "model would give it probabilities learned from no image. Fix or replace those files, "
                             "or leave the class out.")


# -- the items of a list of images (used by sknn._images) ---------------------------------------------------------
_DEPTHS = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}  # the top level of 8- and 16-bit pixels


def _depth_of(dtype):
    """255.0 for uint8, 65535.0 for uint16 (either byte order, pandas' nullable UInt8/UInt16 too), else None."""
    dtype = getattr(dtype, "numpy_dtype", dtype)  # pandas' nullable integer dtypes
    try:
        dtype = np.dtype(dtype)
    except TypeError:  # another extension dtype (strings, categories): not pixels of a known depth
        return None
    return _DEPTHS.get(dtype.newbyteorder("=") if dtype.byteorder not in "=|" else dtype)


def _is_pil_image(x):
    return type(x).__module__.startswith("PIL.") and hasattr(x, "mode") and hasattr(x, "getextrema")


# the dtype of the array of a PIL image of each mode sknn reads (see _PIL_LEVELS)
_PIL_DTYPES = {"L": np.uint8, "RGB": np.uint8, "RGBA": np.uint8, "I;16": np.uint16, "I;16B": ">u2", "I;16L": "<u2",
               "I;16N": np.uint16, "1": np.bool_, "F": np.float32}
# pairs of items of a list of images whose pixels are on different scales: uint8 and uint16 arrays are scaled by
# their depth (255 or 65,535), other arrays taken as they are, and numpy gives the list one type, on one scale
_SCALES_APART = {frozenset(pair) for pair in (("uint8", "uint16"), ("uint8", "float"), ("uint16", "float"),
                                              ("bool", "uint8"), ("bool", "uint16"), ("bool", "integer"))}


def _item_scale(x):
    """How an item of a list of images is scaled on its own: 'uint8' or 'uint16' (by its depth), 'bool' (masks,
    0 and 1), 'integer' or 'float' (taken as they are); None for anything else (left to later checks)."""
    if _is_pil_image(x):
        dtype = _PIL_DTYPES.get(x.mode)
    elif hasattr(x, "dtype"):
        dtype = x.dtype
    else:
        try:  # (a list of numbers)
            dtype = np.asarray(x).dtype
        except (ValueError, TypeError):
            return None
    depth = _depth_of(dtype)
    if depth is not None:
        return "uint8" if depth == 255.0 else "uint16"
    try:
        kind = np.dtype(getattr(dtype, "numpy_dtype", dtype)).kind
    except TypeError:
        return None
    return {"b": "bool", "i": "integer", "u": "integer", "f": "float"}.get(kind)


def _item_kind(x):
    """An item of a list of images in words: its PIL mode, dtype or type."""
    if _is_pil_image(x):
        return f"a PIL image in mode {x.mode!r}"
    return f"an array of dtype {x.dtype}" if hasattr(x, "dtype") else f"a {type(x).__name__} of numbers"


def _check_one_kind_of_image(X):
    """Refuse a list of PIL images of different modes, and a list of images whose pixels are on different scales
    (:data:`_SCALES_APART`: uint8 beside uint16 or floats, masks beside integer levels; PIL images as their arrays):
    a list is read as one array of one type, so 8-bit levels would be read on another depth's scale (nearly black).
    Integer arrays of one scale in other types (uint8 beside int64, the same levels) and floats of two precisions
    are read alike in the one array, and accepted."""
    if all(_is_pil_image(x) for x in X):
        j = next((j for j, x in enumerate(X) if x.mode != X[0].mode), None)
        if j is not None:
            raise ValueError(f"X[{j}] is a PIL image in mode {X[j].mode!r} but X[0] is in mode {X[0].mode!r}: a list "
                             "of images is read as one array, of one type and number of channels. Convert them to "
                             "one mode first ([img.convert('RGB') for img in X], or 'L' for grey; 16-bit ones as "
                             "arrays, np.asarray(img) / 65535), or pass their file paths: each file is read at its "
                             "own depth.")
    first_of = {}  # each scale: the first item on it
    for j, x in enumerate(X):
        scale = _item_scale(x)
        i = next((first_of[other] for other in first_of if frozenset((scale, other)) in _SCALES_APART), None)
        if i is not None and "bool" in (scale, _item_scale(X[i])):
            raise ValueError(f"X[{j}] is {_item_kind(x)} but X[{i}] is {_item_kind(X[i])}: masks (True and False) "
                             "beside images of integer levels, but a list is read as one array of one type, where "
                             "True would be level 1, nearly black. Convert them to one type first: masks as levels "
                             "(mask.astype(np.uint8) * 255), or all as floats on one scale.")
        if i is not None:
            raise ValueError(f"X[{j}] is {_item_kind(x)} but X[{i}] is {_item_kind(X[i])}: uint8 and uint16 images are "
                             "scaled to [0, 1] by their depth (255 or 65,535) and others taken as they are, but a list "
                             "is read as one array of one type, which would put some images on another scale. Convert "
                             "them to one type first: 8-bit levels as floats, a / 255, 16-bit ones, a / 65535, or all "
                             "a.astype(np.uint8) if they are all 8-bit levels.")
        first_of.setdefault(scale, j)


# PIL modes whose arrays are pixel levels as sknn reads arrays (grey, RGB, RGBA, 1-bit, 16-bit and float grey)
_PIL_LEVELS = ("L", "RGB", "RGBA", "1", "I;16", "I;16B", "I;16L", "I;16N", "F")
_PIL_NOT_LEVELS = {"P": "palette indices", "PA": "palette indices", "CMYK": "ink levels (4 channels)",
                   "YCbCr": "another colour space", "LAB": "another colour space", "HSV": "another colour space",
                   "LA": "grey and alpha (2 channels)",
                   "I": "32-bit integers (16-bit PNGs open so in older Pillow: pass the file paths, which sknn scales "
                        "as 16-bit levels)"}


def check_image_list(X):
    """Refuse an empty list of images, a list mixing file paths with other values, arrays of text, and one PIL image
    not in a list."""
    if _is_pil_image(X):
        raise ValueError(f"X is one PIL image (mode {X.mode!r}, {X.size[1]}x{X.size[0]}): pass images as a list, [X] "
                         "for one, or as an array.")
    if isinstance(X, np.ndarray) and X.ndim > 1 and X.dtype.kind in "UST":
        raise ValueError(f"X is an array of text (dtype {X.dtype}); images are arrays of pixel values, or a 1-D list "
                         "of image file paths.")
    if isinstance(X, (list, tuple)) or (isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype.kind in "OUST"):
        if len(X) == 0:
            raise ValueError("X holds no image: pass at least one image (an array or a list of file paths).")
        is_path = [isinstance(x, (str, os.PathLike)) for x in X]
        j = next((j for j, x in enumerate(X) if isinstance(x, bytes)), None)
        if j is not None:
            raise TypeError(f"X[{j}] is bytes ({X[j]!r:.80}): pass file paths as str (path.decode()) or pathlib.Path.")
        if any(is_path):
            if all(is_path):
                return
            j = is_path.index(False)
            raise TypeError(f"X[{j}] is {X[j]!r:.80} (of type {type(X[j]).__name__}) but X[{is_path.index(True)}] "
                            "is a file path: a list of images holds file paths only (str or pathlib.Path).")
        j = next((j for j, x in enumerate(X) if _is_pil_image(x) and x.mode not in _PIL_LEVELS), None)
        if j is not None:
            raise TypeError(f"X[{j}] is a PIL image in mode {X[j].mode!r}, whose array holds "
                            f"{_PIL_NOT_LEVELS.get(X[j].mode, 'no grey or RGB levels')}: convert the images first "
                            "(img.convert('RGB') or img.convert('L')), or pass their file paths.")
        _check_one_kind_of_image(X)
        shapes = [np.shape(x) for x in X]
        j = next((j for j, shape in enumerate(shapes) if shape != shapes[0]), None)
        grey = None if j is None else next((k for k in (0, j) if len(shapes[k]) == 2), None)
        other = None if grey is None else shapes[j - grey]  # (grey is 0 or j: the other one)
        if other is not None and len(other) == 3 and shapes[grey] in (other[:2], other[1:]):
            raise ValueError(f"X[{grey}] is a grey image of shape {shapes[grey]} but X[{j - grey}] has channels, "
                             f"shape {other}: a list of image arrays holds images of one kind. Make the grey ones "
                             "colour first (np.repeat(x[..., None], 3, axis=-1) for channels last), or the colour "
                             "ones grey.")
        if j is not None:
            raise ValueError(f"X[{j}] has shape {shapes[j]} but X[0] has shape {shapes[0]}: a list of image arrays "
                             "must hold images of one size. Resize them to one size first, or pass the images as "
                             "file paths with image_size=(height, width) to have them read at that size.")
