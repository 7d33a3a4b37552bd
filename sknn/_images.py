"""The image input layer shared by the image estimators: arrays in any layout, flat rows,
and files read lazily (augmentation is :mod:`sknn._augment`).
"""

import math
import os
import warnings
from collections.abc import Iterator, Mapping
from types import GeneratorType

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._augment import Augment  # noqa: F401 (pickles of earlier versions name sknn._images.Augment)
from ._data import ArrayBatches
from .datasets import IMAGE_EXTENSIONS
from ._image_fixes import QUANTITY_FIX, batch_axis_fix, moved_axes_fix, shape_fix
from ._image_files import (PREDICT_FILES_LOOKED_AT, ImageFileBatches, _depth_of, _is_grey, _is_pil_image, _names, _pil,
                           check_image_list, displayed_size, named_bomb_warnings, note_misread, plain_path, read_image,
                           warn_of_misread)
from ._labels import check_y_for_estimator, fitted_classes
from ._pixels import PixelScaleMixin, images_named
from ._validation import (check_magnitude, check_sizes, detached, plain_items, refuse_data_loader, unmasked,
                          validate_data)
from ._warnings import warn_user

__all__ = ["ImageFileBatches", "ImageInputMixin", "as_image_array", "is_path_list", "read_image",
           "resize_images"]


def is_path_list(X):
    """True for a list/array of file paths (str or os.PathLike; an array of numpy 2's StringDType too, kind T)."""
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and X.dtype.kind in "OUST" and len(X) > 0 and isinstance(X[0], (str, os.PathLike))
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(isinstance(x, (str, os.PathLike)) for x in X)


def _layout(shape, data_format):
    """'channels_first' or 'channels_last' for a 4-D array shape (N, a, b, c)."""
    if data_format in ("channels_first", "channels_last"):
        return data_format
    first, last = shape[1] in (1, 3, 4), shape[3] in (1, 3, 4)
    if last and not first:
        return "channels_last"
    if first and not last:
        return "channels_first"
    raise ValueError(f"Cannot tell the channel axis of images of shape {tuple(shape)}: pass "
                     "data_format='channels_last' for (n, height, width, channels) or "
                     "data_format='channels_first' for (n, channels, height, width).")


def auto_image_shape(n_features, rows=None):
    """The image a flat row of ``n_features`` values is taken for: a grey square if it is one, else one line.
    Refused, asking for ``image_shape``: a length that is a colour square of at least 8x8 (3 x 32 x 32 = 3,072),
    and a grey square whose ``rows`` (given) look like RGBA pixels (:func:`_check_not_opaque_rgba_rows`)."""
    side = math.isqrt(n_features)
    if side * side == n_features:
        if rows is not None:
            _check_not_opaque_rgba_rows(rows)
        return (1, side, side)
    side = math.isqrt(n_features // 3)
    if n_features % 3 == 0 and side * side * 3 == n_features and side >= 8:
        raise ValueError(f"Rows of {n_features} values could be {side}x{side} images of 3 channels or one line of "
                         f"pixels: pass image_shape=({side}, {side}, 3) (or (3, {side}, {side}) for channels first), "
                         f"or image_shape=(1, {n_features}) for a line.")
    return (1, 1, n_features)


def _check_not_opaque_rgba_rows(rows):
    """Refuse rows of a length that is both a grey square (2s x 2s) and an RGBA square (s x s x 4, s >= 8: every
    even-sided grey square is one) whose every fourth value is one constant, as an opaque alpha channel's: RGBA
    rows read as grey would mix the channels into one image twice the side. Other such rows stay grey squares
    (28 x 28 digits are 784 values, as are 14 x 14 x 4 images): pass ``image_shape`` for RGBA rows."""
    n_features = rows.shape[1]
    side = math.isqrt(n_features // 4)
    if n_features % 4 or side * side * 4 != n_features or side < 8 or rows.size == 0:
        return
    alpha = rows[:, 3::4]
    if alpha.min() == alpha.max() and (rows.min() != alpha.min() or rows.max() != alpha.max()):
        raise ValueError(f"Rows of {n_features} values could be {2 * side}x{2 * side} grey images or {side}x{side} "
                         f"images of 4 channels, and every fourth value is {alpha.max():.4g}, as an opaque alpha "
                         f"channel's: pass image_shape=({side}, {side}, 4) for RGBA images, or "
                         f"image_shape=({2 * side}, {2 * side}) for grey ones.")


def as_image_array(X, data_format="auto", image_shape=None, depth=None):
    """Validate images into a float32 array of shape (n, channels, height, width).

    Accepts (n, H, W) grey levels, (n, H, W, C) or (n, C, H, W) arrays (``data_format``
    'auto' picks the axis of size 1, 3 or 4 and asks when both ends or neither qualify), and
    flat rows (n, H*W*C) with ``image_shape`` (H, W), or (H, W, C) or (C, H, W), whose
    channel axis ``data_format`` gives or 'auto' picks by the same rule. uint8 and uint16 values are scaled
    to [0, 1], divided by 255 or 65,535 (``depth``: that divisor, for an X that was such before a conversion).
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise ValueError(f"Images must be numbers; got an array of dtype {X.dtype}. Pass pixel values, or a 1-D list "
                         "of image file paths.")
    check_magnitude(X, "X (the images)", fix="Scale the pixel values to [0, 1] (8-bit images: divide by 255).")
    depth = depth or _integer_depth(X)
    X = X.astype(np.float32, copy=False)
    if depth:
        X = X / depth
    if X.ndim == 2:
        if image_shape is None:
            (c, h, w), layout = auto_image_shape(X.shape[1], X), "channels_last"
        else:
            shape = tuple(check_sizes(image_shape, "image_shape", lengths=(2, 3)))
            layout = _layout((len(X),) + shape, data_format) if len(shape) == 3 else "channels_last"
            c, h, w = shape if layout == "channels_first" else (shape[2:] or (1,)) + shape[:2]
            if h * w * c != X.shape[1]:
                raise ValueError(f"image_shape={tuple(image_shape)} holds {h * w * c} values but the rows of X have "
                                 f"{X.shape[1]}.")
        X = (X.reshape(len(X), c, h, w) if layout == "channels_first" else
             X.reshape(len(X), h, w, c).transpose(0, 3, 1, 2))
    elif X.ndim == 3:
        X = X[:, None]
    elif X.ndim == 4:
        if _layout(X.shape, data_format) == "channels_last":
            X = X.transpose(0, 3, 1, 2)
    else:
        raise ValueError(f"Expected images as a 2-D (flat rows), 3-D or 4-D array, got {X.ndim} dimensions.")
    X = np.ascontiguousarray(X, dtype=np.float32)
    if not np.isfinite(X).all():
        raise ValueError("The images contain NaN or infinity.")
    return X


def size_pair(size, name="image_size"):
    """An image size given as ``n`` or ``(height, width)``, as a tuple of two positive ints."""
    sizes = check_sizes(size, name, lengths=(2,), allow_int=True)
    return sizes * 2 if len(sizes) == 1 else sizes


LARGEST_IMAGE = 4096 * 4096  # pixels of image_size: 4 GiB of float32 maps of a 64-map first block for one image


def check_resize_target(image_size, note=""):
    """Refuse an ``image_size`` every image would be resized to that no network could take (a 20,000-pixel-wide
    one ended in a bare MemoryError inside PIL); ``note``: a usual size, for the message."""
    h, w = size_pair(image_size)
    if h * w > LARGEST_IMAGE:
        side = int(LARGEST_IMAGE ** 0.5)
        raise ValueError(f"image_size={image_size!r} is {h}x{w} pixels: every image is resized to it, and one image's "
                         f"maps of 64 filters would take {64 * 4 * h * w / 2**30:,.0f} GiB; use at most {side}x{side}"
                         f"{f' ({note})' if note else ''}.")


def resize_images(x, size, channels=None):
    """Resize a batch tensor (n, c, h, w) to ``size`` (h, w), and repeat grey levels to ``channels``.

    Bilinear, antialiased when shrinking (as PIL resizes files); images already of that
    size pass unchanged. Runs on the batch's device.
    """
    size = size_pair(size)
    if tuple(x.shape[-2:]) != size:
        shrink = x.shape[-2] > size[0] or x.shape[-1] > size[1]
        x = F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=shrink)
    if channels is not None and x.shape[1] == 1 and channels != 1:
        x = x.expand(-1, channels, -1, -1)
    return x


class ImageInputMixin(PixelScaleMixin):
    """The image input layer of an estimator: arrays in either layout, flat rows, or file paths.

    The estimator has the parameters ``image_shape``, ``data_format``, ``image_size`` and
    ``skip_bad_images``. Flat rows go through ``validate_data`` (so scikit-learn's
    feature-matrix checks apply), arrays through :func:`as_image_array`, and a list of
    paths stays a list of paths, read lazily by :class:`ImageFileBatches`. The fitted
    ``image_shape_`` is (channels, height, width) of the images the network takes.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True  # grey images (n, height, width); colour ones are 4-D
        return tags

    def _as_fitted(self, name):
        """The parameter ``name`` of how images are read, as the fitted network was built with it (a set_params
        after fit changes nothing until the next fit); the current value before a fit."""
        return getattr(self, "architecture_", {}).get(name, getattr(self, name))

    def _check_image_params(self):
        """Check ``image_size`` and ``image_shape`` before any image is read."""
        if self.image_size is not None:
            check_resize_target(self.image_size)
        if self.image_shape is not None:
            check_sizes(self.image_shape, "image_shape", lengths=(2, 3))

    def _first_image(self, paths):
        """The first readable file of ``paths``, read: with ``skip_bad_images`` unreadable files before it are
        skipped with a warning; a ValueError naming the files when none can be read."""
        bad = []
        with named_bomb_warnings():
            for path in paths:
                try:
                    return path, read_image(path)
                except ValueError as exc:
                    if not self.skip_bad_images:
                        raise _unreadable(exc) from None
                    warn_user(f"{exc}; skipped.")
                    bad.append(path)
        raise ValueError(f"None of the {len(paths)} image files can be read ({_names(bad)}); pass readable image "
                         "files.")

    def _scan_files(self, paths):
        """Name an unreadable training file before any training (unless ``skip_bad_images``) and warn of files
        read darker or otherwise than they show, or only in part (:func:`sknn._image_files.note_misread`), from the
        files' headers and a sample's pixels. Returns the first file read (an array), whether any file is in
        colour, and the files' sizes as read, each with a file of that size ({size: path})."""
        path, image = self._first_image(paths)
        sizes, colour, found = {}, image.shape[0] == 3, {}
        Image = _pil()
        with named_bomb_warnings():
            for other in paths:
                try:
                    with Image.open(other) as img:
                        sizes.setdefault(displayed_size(img), other)  # as read: EXIF orientation applied
                        colour = colour or not _is_grey(img.mode)
                        note_misread(img, other, found)
                except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
                    if not self.skip_bad_images:  # named now, before any training (read, for the reason)
                        try:
                            read_image(other)
                        except ValueError as exc:
                            raise _unreadable(exc) from None
                    continue  # (skipped, with a warning, when it is read)
            warn_of_misread(found)
        return image, colour, sizes

    @staticmethod
    def _warn_of_misread_files(paths):
        """At predict, warn of files read darker or otherwise than they show, as fit does, from the headers of the
        first files (a sample: the files a fit on other ones trained for may be of another kind)."""
        found, Image = {}, _pil()
        with named_bomb_warnings():
            for path in paths[:PREDICT_FILES_LOOKED_AT]:
                try:
                    with Image.open(path) as img:
                        note_misread(img, path, found)
                except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
                    continue  # (named when it is read)
            warn_of_misread(found)

    def _file_image_shape(self, paths):
        """(channels, height, width) files are read into: ``image_size`` (required when the files' sizes differ)
        and 3 channels if any file is in colour, else 1. Only the files' headers are read (:meth:`_scan_files`)."""
        image, colour, sizes = self._scan_files(paths)
        if self.image_size is None and len(sizes) > 1:
            (size_a, a), (size_b, b) = list(sizes.items())[:2]
            raise ValueError(f"The image files have different sizes ({os.fspath(a)!r} is {size_a[0]}x{size_a[1]}, "
                             f"{os.fspath(b)!r} is {size_b[0]}x{size_b[1]} (height x width)): pass image_size=(height, "
                             "width) to resize them all to one size.")
        size = size_pair(image.shape[1:] if self.image_size is None else self.image_size)
        return (3 if colour else 1, *size)

    def _check_image_shape(self, shape, reset, how=None, given=None, images=None, quiet=False):
        """Record the shape of the training images, or check later images against it (``how``: X's form, for the
        fix, see :func:`sknn._image_fixes.shape_fix`; ``given``: an array's own shape, whose axes may be moved;
        ``images``: the images, (n, C, H, W), where X is an array; ``quiet``: refusals only, no warning)."""
        if reset:
            asked = getattr(self, "image_size", None)
            if images is not None and asked is not None and size_pair(asked) != tuple(shape[1:]):
                warn_user(f"image_size={asked!r} resizes image files; X's arrays are {shape[1]}x{shape[2]} images, "
                          f"taken at their own size: the network is built for {shape[1]}x{shape[2]} (files given "
                          "later are resized to that). Resize the arrays first (torch.nn.functional.interpolate), "
                          "or leave image_size out.")
            self.image_shape_ = shape
        elif shape != tuple(self.image_shape_):
            files = ("image files are resized to image_size for you" if self._as_fitted("image_size") is not None
                     else "image files too: fit with image_size=(height, width) to have files resized")
            fix, moved = shape_fix(shape, tuple(self.image_shape_), how, files, self._as_fitted("data_format")), \
                moved_axes_fix(given, how, tuple(self.image_shape_))
            fix = f"{moved}; if they are other images, {fix}" if moved else fix
            raise ValueError(f"X holds images of shape (channels, height, width) {shape}, but "
                             f"{type(self).__name__} was fitted on {tuple(self.image_shape_)}: {fix}.")

    def _takes_image_shape(self, shape):
        """Whether the fitted network takes images of ``shape`` (channels, height, width) (a question: the check's
        warnings, ``quiet`` here, are left to the images' own check)."""
        try:
            self._check_image_shape(shape, False, quiet=True)
        except ValueError:
            return False
        return True

    def _array_layout(self, shape):
        """The layout a 4-D X of ``shape`` is read in after fit: ``data_format`` as the network was fitted with
        ('auto': the end of size 1, 3 or 4). Refused with a fix that works after fit (where data_format set then
        changes nothing): a shape 'auto' cannot read, and images the network takes only in the other layout."""
        name = type(self).__name__
        try:
            layout = _layout(shape, self._as_fitted("data_format"))
        except ValueError:
            first, last = tuple(shape[1:]), (shape[3], shape[1], shape[2])
            channels = self.image_shape_[0]
            if not self._takes_image_shape(first) and not self._takes_image_shape(last) and channels in shape[1::2]:
                # neither reading is the fitted shape: the size is wrong whatever the layout (said by the size's rule)
                return "channels_last" if shape[3] == channels else "channels_first"
            if shape[1] not in (1, 3, 4) and shape[3] not in (1, 3, 4):  # no end holds channels: not a layout's
                if batch_axis_fix(shape, tuple(self.image_shape_)):  # (the channels elsewhere: the images' axis moved)
                    raise ValueError(f"X has shape {tuple(shape)}, {batch_axis_fix(shape, tuple(self.image_shape_))}.")
                raise ValueError(f"X holds images of shape {tuple(shape)}, with neither 1, 3 nor 4 channels at "
                                 f"either end, but {name} was fitted on {self.image_shape_[0]}-channel images "
                                 "(channels, height, width: "
                                 f"{tuple(self.image_shape_)}): give it images of those channels.") from None
            raise ValueError(f"Cannot tell the channel axis of images of shape {tuple(shape)}: both ends could hold "
                             f"channels (1, 3 or 4), and {name} was fitted with data_format='auto' (set after fit, "
                             "data_format changes nothing until the next fit). Refit with data_format="
                             "'channels_last' or 'channels_first', as the training images are, and give later "
                             "images in that layout (np.moveaxis(X, 1, -1) moves channels first to last, "
                             "np.moveaxis(X, -1, 1) last to first).") from None
        first, last = tuple(shape[1:]), (shape[3], shape[1], shape[2])
        read, other = (first, last) if layout == "channels_first" else (last, first)
        if not self._takes_image_shape(read) and self._takes_image_shape(other):
            looks, move = (("last", "np.moveaxis(X, -1, 1)") if layout == "channels_first" else
                           ("first", "np.moveaxis(X, 1, -1)"))
            raise ValueError(f"X holds images of shape {first}, read with data_format={layout!r} (as {name} was "
                             f"fitted) as {read[0]}-channel images of {read[1]}x{read[2]} pixels, but they look "
                             f"channels {looks} ({other[0]}-channel images of {other[1]}x{other[2]}): move their "
                             f"channel axis, {move}.")
        return layout

    def _images(self, X, reset, fit_rows=None):
        """X as a float32 array (n, C, H, W), or a list of paths kept as such (lazy files). A fit (``reset``)
        records the pixel scale of the images of ``fit_rows``, the rows that train (None: all)."""
        refuse_data_loader(X, type(self).__name__)
        X = unmasked(detached(X))  # a tensor that requires grad, or on a GPU: its values; masked pixels: refused
        if isinstance(X, (str, bytes, os.PathLike)):
            folder = not isinstance(X, bytes) and os.path.isdir(X)
            raise TypeError(f"X is one {type(X).__name__} ({plain_path(X)!r:.80}), not a list of images: " + (
                "it is a folder; list its images and their labels with sknn.datasets.image_folder(X) (one "
                "sub-folder per class), then pass the paths." if folder else
                "pass a list of image file paths ([X] for one file)."))
        _check_not_an_iterator(X)
        if hasattr(X, "to_numpy") and getattr(X, "ndim", 2) == 1:  # a pandas Series or Index (of paths or images)
            X = X.to_numpy()
        X = _listed_images(_single_column_of_paths(X))
        if is_path_list(X):
            try:
                paths = np.asarray([plain_path(p) for p in X], dtype=object)
            except TypeError:  # an array of paths and other values (only its first item was looked at)
                check_image_list(X)  # names the first other value
                raise
            if reset:
                self.image_shape_ = self._file_image_shape(paths)
                self._record_pixel_scale(1.0, 0.0, "files")  # files: their levels scaled to [0, 1]
            else:
                self._check_pixel_scale(None, True, reset)
                self._warn_of_misread_files(paths)
            return paths
        check_image_list(X)
        array = X if hasattr(X, "columns") else np.asarray(X)
        depth = _integer_depth(array)
        if not reset:
            self._refuse_masks_for_levels(array)
        # the shape of the images fit saw (VGG's before it resized them)
        seen = None if reset else tuple(getattr(self, "input_image_shape_", None) or self.image_shape_)
        if (not reset and array.ndim == 2 and tuple(array.shape) == seen[1:]
                and seen[0] == 1 and array.shape[1] != seen[1] * seen[2]):
            raise ValueError(f"X has shape {array.shape}, the size of one grey image, but a 2-D X is read as rows of "
                             "pixels, one image per row: pass one image as a batch of one, X[None].")
        # after a fit on images (not rows) by an estimator that resizes images, a square 2-D X whose side is their
        # pixel count: as many flattened images, or one image of that size? (One that does not resize takes no image
        # of another size; at fit, flattened images: load_digits()[0][:64] is such.)
        square = (not reset and array.ndim == 2 and array.shape[0] == array.shape[1] > 1
                  and not hasattr(self, "n_features_in_") and getattr(self, "input_image_shape_", None) is not None)
        pixels = square and int(np.prod(seen))
        if square and array.shape[1] == pixels:
            raise ValueError(f"X has shape {array.shape}: {pixels} rows of {pixels} pixels (flattened images, one a "
                             f"row), or one {pixels}x{pixels} grey image? Pass one image as a batch of one, X[None]; "
                             "flattened images as images, X.reshape(len(X), height, width).")
        # fit saw images, not rows: rows are theirs flattened, or images of another size some estimators resize
        if (not reset and array.ndim == 2 and not hasattr(self, "n_features_in_")
                and array.shape[1] != int(np.prod(seen))):
            raise ValueError(f"X has shape {array.shape}: a 2-D X is read as rows of pixels, one image per row, but "
                             f"{type(self).__name__} was fitted on images of shape {seen}, and rows of "
                             f"{array.shape[1]} pixels are not theirs flattened: pass images as fit had them "
                             "(n, height, width[, channels]); one image as a batch of one, X[None].")
        if (array.ndim == 3 and array.shape[2] in (3, 4) and min(array.shape[:2]) > 4
                and (reset or tuple(self.image_shape_) != (1, *array.shape[1:]))):
            raise ValueError(f"X has shape {array.shape}, the shape of one colour image, but a 3-D X is read as grey "
                             f"images (n, height, width): here {array.shape[0]} images {array.shape[2]} pixels wide. "
                             "Pass one image as a batch of one, X[None] (grey images that narrow: X[..., None]).")
        # one image of fit's channels, channels first (torch's layout), without its batch: of any size, as some resize
        if not reset and array.ndim == 3 and array.shape[0] == seen[0] > 1 and min(array.shape[1:]) > 4:
            raise ValueError(f"X has shape {array.shape}: one {array.shape[0]}-channel image (channels first), or "
                             f"{array.shape[0]} grey images? A 3-D X is read as grey images (n, height, width), and "
                             f"{type(self).__name__} was fitted on {array.shape[0]}-channel images: pass one image "
                             "as a batch of one, X[None], or grey images with their channel axis, X[:, None].")
        if array.ndim < 2 and array.dtype.kind in "biufc":  # (scikit-learn's fix, a reshape(-1, 1), makes 1x1 images)
            what = f"one number ({array.item()!r:.40})" if array.ndim == 0 else f"one-dimensional (shape {array.shape})"
            raise ValueError(f"X is {what}. Reshape your data: one image, flattened, as X.reshape(1, -1); one image "
                             "as X[None] (images are a batch, (n, height, width[, channels]), or rows of pixels).")
        if array.ndim <= 2:  # flat rows: scikit-learn's checks on feature matrices apply
            X2 = validate_data(self, X, reset=reset, dtype=(np.float32, np.float64), ensure_min_samples=1)
            image_shape, data_format = self._row_layout(X2.shape, seen)
            images = as_image_array(X2, data_format=data_format, image_shape=image_shape, depth=depth)
        else:
            layout = (self._array_layout(array.shape) if not reset and array.ndim == 4 and len(array)
                      else self._as_fitted("data_format"))
            images = as_image_array(array, data_format=layout)
            if len(images) == 0:
                raise ValueError("Found an array with 0 images; at least 1 is needed.")
            if reset:
                _check_image_shape_agrees(self.image_shape, self.data_format, images.shape[1:])
        pil = isinstance(X, (list, tuple)) and _is_pil_image(X[0])
        how = ("pil" if pil else "rows" if array.ndim <= 2 else "grey" if array.ndim == 3 else
               _layout(array.shape, layout), depth, isinstance(X, np.ndarray))
        self._check_image_shape(tuple(images.shape[1:]), reset, how, array.shape, images)
        self._check_pixel_scale(images, depth, reset, fit_rows)
        return images

    def _row_layout(self, rows_shape, seen):
        """``image_shape`` and ``data_format`` flat rows are read with: the fitted ``image_shape`` when there is one,
        else at predict (``seen``: the shape (channels, height, width) of the images fit saw) the shape fit read,
        so that rows are read as fit's images flattened. Grey rows have one order; colour rows are channels last or
        first as ``data_format`` says, and refused when it says 'auto' (fit's layout is not known)."""
        image_shape, data_format = self._as_fitted("image_shape"), self._as_fitted("data_format")
        if seen is None or image_shape is not None:
            return image_shape, data_format
        c, h, w = seen
        if c == 1:
            return (h, w), "channels_last"
        if data_format in ("channels_last", "channels_first"):
            return ((h, w, c) if data_format == "channels_last" else (c, h, w)), data_format
        raise ValueError(f"X has shape {tuple(rows_shape)}: rows of {rows_shape[1]} values, the {c}-channel images of "
                         f"shape {h}x{w} {type(self).__name__} was fitted on flattened? Their channels may come last "
                         "or first, and data_format='auto' does not say which: pass the images as fit had them, "
                         f"X.reshape(len(X), {h}, {w}, {c}) (channels last) or X.reshape(len(X), {c}, {h}, {w}) "
                         "(channels first).")

    def _validation_source(self, X_val, y_val, w_val, class_weights=None):
        """``fit``'s ``validation_data``, checked as the estimator checks it, with its images named so, not X, in
        the pixel-scale warnings (its errors say ``validation_data:``)."""
        with images_named("validation_data"):
            return super()._validation_source(X_val, y_val, w_val, class_weights=class_weights)

    def _check_X_y(self, X, y, reset, fit_rows=None):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None: "
                             "pass the labels of the images.")
        check_y_for_estimator(y, type(self).__name__, self._is_classifier, QUANTITY_FIX,  # before any image is read
                              fitted_classes(self, reset))
        images = self._images(X, reset, fit_rows)
        y = column_or_1d(y, warn=True)
        if len(y) != len(images):
            raise ValueError(f"X has {len(images)} images but y has {len(y)} labels.")
        return images, y

    def _check_X(self, X, reset):
        check_is_fitted(self)
        return self._images(X, reset)

    def _image_array(self, X):
        """The images of X as one float32 array (n, C, H, W): arrays as ``predict`` checks them, files read and
        resized as the estimator reads them (for an ONNX model's feed)."""
        images = self._check_X(X, reset=False)
        if images.dtype == object:  # file paths
            images = np.concatenate([xb.numpy() for xb, _, _ in self._image_source(images).batches(64)])
        return np.ascontiguousarray(images, dtype=np.float32)

    def _image_source(self, X, y=None, sample_weight=None, fill=False):
        """A batch source of the images: files read lazily (paths) or slices of the array.

        Unreadable files raise a ValueError naming them, except with ``skip_bad_images``:
        training (``y`` given) leaves them out, and ``fill`` gives them NaN pixels (one
        output row per input; the extractor's ``transform``). Other predictions raise.
        """
        if isinstance(X, np.ndarray) and X.dtype == object:
            c, h, w = self.image_shape_
            on_error, why = "raise", ""
            if not self.skip_bad_images and y is not None:
                why = " Fix or remove them, or pass skip_bad_images=True to leave unreadable files out of training."
            elif self.skip_bad_images:
                on_error = "skip" if y is not None else "fill" if fill else "raise"
                why = (" skip_bad_images=True leaves unreadable files out of training only: a prediction gives one "
                       "output per input.")
            return ImageFileBatches(X, y, sample_weight, size=(h, w), channels=c, on_error=on_error, why=why,
                                    resize=self._as_fitted("image_size") is not None,
                                    class_names=getattr(self, "classes_", None))
        if X.flags.writeable:
            return ArrayBatches(torch.from_numpy(X), y, sample_weight)
        with warnings.catch_warnings():  # a read-only (memory-mapped) X: training only reads it, and a copy
            warnings.filterwarnings("ignore", message="The given NumPy array is not writable")  # would load it all
            return ArrayBatches(torch.from_numpy(X), y, sample_weight)


def _unreadable(exc):
    """The error for a training file that cannot be read (``exc``, read_image's), with the two fixes."""
    return ValueError(f"{exc}. Fix or remove it, or pass skip_bad_images=True to leave unreadable files out of "
                      "training.")


def _integer_depth(X):
    """255.0 or 65535.0 when an array, or every column of a DataFrame, holds uint8 or uint16 pixels; else None."""
    if hasattr(X, "dtypes") and not hasattr(X, "dtype"):
        depths = {_depth_of(dtype) for dtype in X.dtypes} if len(X.dtypes) else {None}
        return depths.pop() if len(depths) == 1 else None
    dtype = getattr(X, "dtype", None)
    return None if dtype is None else _depth_of(dtype)


def _check_not_an_iterator(X):
    """Refuse a generator or other iterator as X (its images would be read once, and numpy makes no array of it)
    and a dict, naming what to pass instead."""
    if isinstance(X, Mapping) and not sp.issparse(X):  # scipy's dok format is a dict: refused as sparse later
        raise TypeError(f"X is a {type(X).__name__}: pass a list or an array of images (or of image file paths), "
                        "e.g. list(X.values()).")
    if isinstance(X, Iterator):
        what = "a generator" if isinstance(X, GeneratorType) else f"an iterator ({type(X).__name__})"
        raise TypeError(f"X is {what}: pass a list or an array, e.g. list(X).")


def _is_image_item(x):
    """Whether an item of X is one image: an array, a torch tensor or a PIL image."""
    return isinstance(x, (np.ndarray, torch.Tensor)) or _is_pil_image(x)


def _listed_images(X):
    """A 1-D object array whose items are images (a pandas Series of image arrays, as a DataFrame column of
    images, e.g. from a Hugging Face dataset's ``to_pandas``; ``np.array(images, dtype=object)``) as the list of
    them, read as a list of images is; in a list, torch tensors as numpy arrays (detached, on the CPU). Anything
    else as it is. An object array mixing images with other values is refused, naming the first other one; one
    whose first item is a file path is taken for paths without a look at the others (millions of them)."""
    if (isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype == object and len(X)
            and not isinstance(X[0], (str, os.PathLike))):
        is_image = [_is_image_item(x) for x in X]
        if any(is_image):
            if not all(is_image):
                j = is_image.index(False)
                raise TypeError(f"X[{j}] is {X[j]!r:.80} (of type {type(X[j]).__name__}) but X[{is_image.index(True)}] "
                                "is an image: a Series or object array of images holds images only (arrays, PIL "
                                "images or torch tensors). Drop or replace the others first.")
            X = list(X)
    return plain_items(X)  # (tensors as numpy arrays; masked images refused)


def _check_image_shape_agrees(image_shape, data_format, shape):
    """Refuse an ``image_shape`` that contradicts the images of a 3-D or 4-D X (``shape``: their (channels, height,
    width)): it shapes flat rows only, and would be ignored. One of (height, width) agrees with images of that
    size; one of three values with its channels last or first, as ``data_format`` says ('auto': either)."""
    if image_shape is None:
        return
    given = tuple(check_sizes(image_shape, "image_shape", lengths=(2, 3)))
    c, h, w = shape
    if len(given) == 2:
        agrees = given == (h, w)
    else:
        agrees = ((data_format != "channels_first" and given == (h, w, c))
                  or (data_format != "channels_last" and given == (c, h, w)))
    if not agrees:
        raise ValueError(f"image_shape={given} does not match the images of X, which are {h}x{w} (height x width) "
                         f"with {c} channel(s): image_shape shapes flat rows (n, height * width * channels) only. Drop "
                         "image_shape for an array of images, or reshape X to images of that shape.")


def _looks_like_an_image_file(value):
    """Whether a cell holds the path of an image file: a name of an image file's ending, or an existing file."""
    if not isinstance(value, (str, os.PathLike)):
        return False
    text = os.fspath(value)
    return text.lower().endswith(IMAGE_EXTENSIONS) or (len(text) < 4096 and os.path.isfile(text))


def _single_column_of_paths(X):
    """The file paths of a one-column DataFrame or (n, 1) array of paths (what a ColumnTransformer's ``["path"]``
    selection passes on) as a 1-D list, and its images (arrays, PIL images, tensors: ``df[["image"]]``) as the
    1-D object array :func:`_listed_images` reads; any other X as it is."""
    if hasattr(X, "iloc") and X.ndim == 2 and X.shape[1] > 1 and len(X):  # paths beside other columns
        held = next((c for c in X.columns if X[c].dtype.kind in "OUST" and _looks_like_an_image_file(X[c].iloc[0])),
                    None)
        if held is not None:
            raise ValueError(f"X's column {held!r} holds image file paths, beside {X.shape[1] - 1} other column(s): "
                             f"pass the paths alone (X[{held!r}]); images have no other features.")
    if not (hasattr(X, "iloc") or isinstance(X, np.ndarray)) or X.ndim != 2 or X.shape[1] != 1 or len(X) == 0:
        return X
    column = X.iloc[:, 0].to_numpy() if hasattr(X, "iloc") else X[:, 0]
    if column.dtype.kind in "OUST" and isinstance(column[0], (str, os.PathLike)):
        return list(column)
    return column if column.dtype == object and _is_image_item(column[0]) else X
