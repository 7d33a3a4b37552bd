"""The scale of the pixels: an image estimator records the scale of its training images and refuses later images
on another one (8-bit levels taken as floats, floats divided by 255 once too often, integer images of another
depth's levels), which a network would answer with confident nonsense.

Rules that a single image can break are judged image by image at predict, so that an image gets the same answer
alone as in any batch (:class:`PixelScaleMixin`).
"""

import contextlib
import contextvars

import numpy as np

from ._warnings import warn_user

__all__ = ["PixelScaleMixin", "images_named", "shallow_levels"]

# pixels this many times beyond (or, for uint8 input, below) the training images' largest: another scale
_PIXEL_SCALE_FACTOR = 50.0
# integer images whose largest level is at most this are another depth's levels (8-bit ones in uint16, 0/1 in uint8)
_SMALLER_TOP = {255.0: 1.0, 65535.0: 255.0}
# after training images of no negative pixel, pixels below -this share of their largest: centred or standardised
_NEGATIVE_SHARE = 0.25
# training images whose smallest pixel is below -this share of their largest are centred or standardised ([-1, 1]:
# -1; ImageNet's mean and scale: about -0.8), which scaled images never are; [0, 1] images with noise added (down to
# -0.37 beside 1.28 for a sigma of 0.1) are not
_CENTRED_SHARE = 0.5
# the top level of 12-bit pixels: uint16 training images that reach no higher are likely 12-bit levels
_TWELVE_BIT_TOP = 4095


def shallow_levels(top):
    """8 or 12 when 16-bit training files whose largest level is ``top`` hold 8-bit levels (1 to 255: all black
    divided by 65,535) or 12-bit ones (:func:`twelve_bit_levels`); None for 16-bit levels, or all black images."""
    return 8 if 0 < top <= _SMALLER_TOP[65535.0] else 12 if twelve_bit_levels(top) else None


def twelve_bit_levels(top):
    """Whether 16-bit training images (arrays or files) whose largest level is ``top`` hold 12-bit levels: above
    8-bit ones (another depth's, refused for arrays), at most 4,095."""
    return _SMALLER_TOP[65535.0] < top <= _TWELVE_BIT_TOP


# what the images being checked are called in warnings: X, or fit's validation_data while it is checked
_IMAGES_NAME = contextvars.ContextVar("sknn_images_name", default="X")


@contextlib.contextmanager
def images_named(name):
    """Name the images checked within (``validation_data``) in the pixel-scale warnings, which say ``X`` else."""
    token = _IMAGES_NAME.set(name)
    try:
        yield
    finally:
        _IMAGES_NAME.reset(token)


def _scaled_input_words(images, scaled):
    """How X's pixels were scaled to [0, 1], for a message: image files (``images`` None) or uint8/uint16 arrays
    (``scaled``: their divisor)."""
    if images is None:
        return "image files, read with their levels scaled"
    return f"{'uint8' if scaled == 255 else 'uint16'}, so its pixels are scaled"


def pixel_extremes(images):
    """The smallest and the largest pixel of each image of a batch (n, C, H, W), as two float64 arrays of n
    values (no copy of the images)."""
    flat = images.reshape(len(images), -1)
    if flat.shape[1] == 0:
        return np.zeros(len(images)), np.zeros(len(images))
    return flat.min(axis=1).astype(np.float64), flat.max(axis=1).astype(np.float64)


def smaller_depth_images(highs, depth):
    """Which integer images (``highs``: their largest pixel after division by ``depth``, 255 or 65,535) hold only
    the levels of a smaller depth: 0 and 1 in uint8 (binary masks), 0 to 255 in uint16 (8-bit levels). An all-black
    image (every level 0) is black at any depth, so it is not one of them."""
    levels = highs * depth
    return (levels > 0) & (levels <= _SMALLER_TOP[depth] + 0.5)


def dark_fractional_images(images, lows, highs, scale=1.0):
    """Which float images of a batch lie within [-1, 1] with some fractional value (not all black, not whole
    levels 0 and 1 only), and which of those look like integer levels divided by their depth: two boolean masks
    over the batch, ``(dark, divided)``, from one float64 copy of those images only.

    ``divided``: every value on the grid of 8-bit or 16-bit levels (k / 255 or k / 65,535), as an 8-bit image
    divided by 255 is exactly; for a model of 0-255 pixels, X scaled to [0, 1]. The other ``dark`` images are,
    for such a model, a real frame that dark (a fade to black, a resized or blurred dark frame) or [0, 1] images
    resized or blurred off that grid (skimage's ``resize`` gives such), which cannot be told apart. The images are
    judged times ``scale`` (255: [0, 1] images divided by 255 once more).
    """
    tops = np.maximum(highs, -lows) * scale
    candidates = np.flatnonzero((tops > 0) & (tops <= 1.0))
    values = np.abs(images.reshape(len(images), -1)[candidates]).astype(np.float64) * scale  # these images only
    fractions = ((values > 0) & (values < 1)).any(axis=1)
    rows, values = candidates[fractions], values[fractions]
    on_a_grid = np.zeros(len(rows), dtype=bool)
    for depth, tolerance in ((255.0, 1e-3), (65535.0, 0.02)):  # float32 rounding of k / depth, times depth
        levels = values * depth
        on_a_grid |= (np.abs(levels - np.rint(levels)) <= tolerance).all(axis=1)
    dark, divided = np.zeros(len(images), dtype=bool), np.zeros(len(images), dtype=bool)
    dark[rows], divided[rows[on_a_grid]] = True, True
    return dark, divided


def divided_twice(images, lows, highs):
    """Which float images of a batch look like levels divided by 255 (or 65,535) and by 255 again: on the grid of
    k / 65,025 (or k / (65,535 x 255)) once multiplied by 255 (:func:`dark_fractional_images`), and not on 16-bit
    levels' own grid, k / 65,535 (a truly dark 16-bit frame, divided once, is on both)."""
    twice = dark_fractional_images(images, lows, highs, scale=255.0)[1]
    if twice.any():
        twice &= ~dark_fractional_images(images, lows, highs)[1]
    return twice


def _refuse_divided_twice(twice, lows, highs, expected, judged=""):
    """Refuse the images ``twice`` marks (:func:`divided_twice`), saying what the model ``expected``."""
    if twice.any():
        raise ValueError(f"X's pixel values reach only {float(np.maximum(highs, -lows)[twice].max()):.4g} in "
                         f"{which_images(twice)}{judged}, on the grid of 8- or 16-bit levels divided by 255 (or "
                         f"65,535) and by 255 again, but {expected}: multiply them by 255 (levels divided once, or "
                         "passed as uint8 or uint16, scaled for you).")


def mask_images(images, lows, highs):
    """Which images of a batch (n, C, H, W) hold the values 0 and 1 only, both (masks; for a model of 0-255 pixels,
    nearly black): a boolean mask over the batch, from a copy of the images whose extremes are 0 and 1 only."""
    candidates = np.flatnonzero((lows == 0) & (highs == 1))
    masks = np.zeros(len(images), dtype=bool)
    if len(candidates):
        values = images.reshape(len(images), -1)[candidates]
        masks[candidates] = ((values == 0) | (values == 1)).all(axis=1)
    return masks


def which_images(mask, shown=3):
    """The images a boolean mask over a batch marks, in words: 'image 4 of X', 'images 0, 2, 5 and 9 more of X'."""
    rows = np.flatnonzero(mask)
    names = ", ".join(str(i) for i in rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return f"image {names} of X" if len(rows) == 1 else f"images {names}{more} of X"


class PixelScaleMixin:
    """The pixel-scale checks of an image estimator: ``fit`` records ``pixel_max_``, ``pixel_min_``,
    ``pixel_depth_`` and ``pixel_dark_seen_`` of the images that train (rows of weight 0 change nothing), later
    calls refuse images on another scale."""

    #: (low, high) of the pixel values the network was made for, or None for any scale the training images set
    _pixel_range = None

    def _check_pixel_scale(self, images, scaled, reset, fit_rows=None):
        """Record the largest pixel value of the training images (after scaling), or refuse later images on
        another scale: the same pixels as uint8 (scaled to [0, 1]) and as floats (taken as they are) differ
        255 times (65,535 times for uint16; ``scaled``: the divisor of such integer images, None for floats),
        and a network answers such images with confident nonsense. A network made for a fixed range
        (``_pixel_range``: a pretrained backbone) refuses images well outside it, in fit too.

        ``images`` is None for image files (8-bit levels scaled to [0, 1]). At fit (``reset``) the statistics and
        checks take the images of ``fit_rows`` only (the rows that train; None: all). At predict the rules on the
        largest or smallest pixel (beyond the training scale, negative pixels) refuse X when any pixel breaks
        them, and the rules on an image being too dark for fit's scale judge each image by its own pixels: an
        image's answer never depends on the batch it comes in."""
        name = type(self).__name__
        if images is None:
            low, high = 0.0, 1.0
        else:
            lows, highs = pixel_extremes(images)
            trained = slice(None) if not reset or fit_rows is None else fit_rows
            # rows of weight 0 change nothing: the rows that train set the scale
            fit_lows, fit_highs = lows[trained], highs[trained]
            low, high = (float(fit_lows.min()), float(fit_highs.max())) if len(fit_lows) else (0.0, 0.0)
            self._check_integer_depth(fit_highs, scaled, reset)
            if reset:
                self._warn_of_twelve_bit_levels(fit_highs, scaled)
            if self._pixel_range is not None:
                self._check_pixel_range(low, high)
                twice = np.zeros(len(highs), dtype=bool)
                if reset and not scaled:  # (the rows that train; at predict, the rule of any model below)
                    twice[trained] = True
                    twice &= divided_twice(images, lows, highs)
                _refuse_divided_twice(twice, lows, highs, f"{name} takes pixels in [0, 1]")
        top = max(high, -low)
        if reset:
            marks = (dark_fractional_images(images, lows, highs) if images is not None and not scaled
                     and top > _PIXEL_SCALE_FACTOR else None)
            # some on the grid of k / 255 (reaching a level: a black frame with noise is not), beside others to 255
            divided = np.zeros(len(highs) if images is not None else 0, dtype=bool)
            if marks is not None:
                divided[trained] = (marks[1] & (np.maximum(highs, -lows) >= 1 / 255))[trained]
            if divided.any():
                raise ValueError(f"X mixes two scales: {which_images(divided)} reach only "
                                 f"{float(highs[divided].max()):.4g}, levels divided by 255 (or 65,535), while others "
                                 f"reach {top:.4g}. Put every image on one scale (multiply those by 255, or divide "
                                 "the others) before fitting.")
            if marks is not None and 2 * int(marks[0][trained].sum()) > len(marks[0][trained]):
                dark = int(marks[0][trained].sum())  # (a dark frame among bright ones is one; most of X, a scale)
                warn_user(f"{dark} of the {len(marks[0][trained])} training images of X lie within [-1, 1], with "
                          f"fractions, while others reach {top:.4g}: two scales ([0, 1] images resized or blurred, "
                          "beside 0-255 ones)? Each is read as it is, the first as nearly black. Put every image on "
                          "one scale before fitting (multiply those by 255, or divide the others); real dark frames "
                          "can stay.")
            dark = marks is not None and bool((marks[0] | mask_images(images, lows, highs))[trained].any())
            self._record_pixel_scale(top, low, scaled, dark)
            return
        fitted = getattr(self, "pixel_max_", None)
        if not fitted:  # a model saved before pixel_max_, or black training images
            return
        if getattr(self, "pixel_min_", -1.0) >= 0 and low < -_NEGATIVE_SHARE * fitted:
            raise ValueError(f"X has pixel values down to {low:.4g}, but the images {name} was fitted on had none "
                             f"below 0 (0 to {fitted:.4g}): standardised, centred or negated images? Give X as the "
                             "training images were, or fit on images prepared the same way.")
        if images is not None and not scaled:
            self._check_not_centred(lows, highs, fitted)
            self._warn_of_uncentred(lows, highs)
        if top > _PIXEL_SCALE_FACTOR * fitted:
            raise ValueError(f"X's pixel values reach {top:.4g}, {top / fitted:.0f} times the largest of the images "
                             f"{name} was fitted on ({fitted:.4g}): they are not on the same scale. uint8 and uint16 "
                             "images are scaled to [0, 1] for you; give float images on the training images' scale "
                             "(8-bit values as floats: divide them by 255, 16-bit ones by 65,535; or pass them as "
                             "uint8 or uint16).")
        if images is not None and not scaled and fitted <= 1:
            self._check_not_whole_levels(images, lows, highs, fitted)
        if images is not None and not scaled and 0.25 <= fitted <= _PIXEL_SCALE_FACTOR:
            _refuse_divided_twice(divided_twice(images, lows, highs), lows, highs,
                                  f"the images {name} was fitted on reach {fitted:.4g}", " (each judged alone)")
        if not scaled and images is not None and fitted > _PIXEL_SCALE_FACTOR:
            self._check_not_masks(images, lows, highs, fitted)
            self._check_not_unit_scaled(images, lows, highs, fitted)
        if scaled and fitted > _PIXEL_SCALE_FACTOR:
            given = _scaled_input_words(images, scaled)
            fix = ("read them into arrays on that scale" if images is None else
                   "pass these images as the training images were, unscaled (X.astype('float32'))")
            raise ValueError(f"X is {given} to [0, 1], but {name} was fitted on pixel values up to {fitted:.4g} that "
                             f"were not uint8 or uint16, taken as they are: {fix}, or fit on 8-bit images.")
        if scaled and self._fitted_on_centred_pixels():
            raise ValueError(f"X is {_scaled_input_words(images, scaled)} to [0, 1], but {name} was fitted on pixel "
                             f"values down to {self.pixel_min_:.4g} (largest magnitude {fitted:.4g}): centred or "
                             "standardised images, which scaled ones never are. Prepare these images as the training "
                             "images were (X / 255, then the same mean and scale) and pass them as floats, or fit on "
                             "images as they come.")

    def _check_not_centred(self, lows, highs, fitted):
        """Refuse, image by image, float images with no pixel beyond ``fitted`` / 50 whose smallest is below -0.5 times
        their largest, for a model fitted on a 0-255-like scale (beyond 50) without a negative pixel: centred or
        standardised images (ImageNet's mean and scale give -2.1 to 2.6), which the rule on the smallest pixel misses.
        A 0-255 image resampled below 0 (-5 beside 260) reaches far beyond, and a dark frame resampled or noisy a
        little below 0 (-0.5 beside 4.9) has no negative part of that size: both are read."""
        if fitted <= _PIXEL_SCALE_FACTOR or getattr(self, "pixel_min_", -1.0) < 0:
            return
        # and a negative part of substance (ImageNet's standardisation: -2.1 beside 2.6), not a dark frame resampled
        # or noisy a little below 0 (-0.5 beside 4.9)
        small = ((lows < -_CENTRED_SHARE * np.maximum(highs, 0)) & (lows < 0)
                 & (np.maximum(highs, -lows) <= fitted / _PIXEL_SCALE_FACTOR))
        if small.any():
            low, high = float(lows[small].min()), float(highs[small].max())
            raise ValueError(f"X has pixel values from {low:.4g} to {high:.4g} in {which_images(small)} (each judged "
                             f"alone), but the images {type(self).__name__} was fitted on had none below 0 (0 to "
                             f"{fitted:.4g}): standardised or centred images? Give X as the training images were, on "
                             "their scale (undo the standardisation: X * std + mean, times 255 for 8-bit levels), or "
                             "fit on images prepared the same way.")

    def _check_not_whole_levels(self, images, lows, highs, fitted):
        """Refuse, image by image, float (or integer, not uint8/uint16) images whose every value is a whole number,
        reaching 2 or more, for a model of [0, 1] pixels (``fitted`` at most 1): 8-bit levels given as floats, read
        at up to 50 times the training scale (the rule on the largest pixel fires beyond); for a model fitted on
        uint8 or uint16 images, fractional ones too (levels resized). Masks of 0 and 1 stay."""
        tops = np.maximum(highs, -lows)
        rows = np.flatnonzero(tops >= 2)
        if not len(rows):
            return
        values = images.reshape(len(images), -1)[rows]
        whole = np.zeros(len(images), dtype=bool)
        whole[rows] = (values == np.rint(values)).all(axis=1)
        depth = getattr(self, "pixel_depth_", None)
        if not whole.any() and depth in (255.0, 65535.0, "files"):  # fractions twice white or more for a model of
            # integer levels scaled to [0, 1] (arrays' or files'): levels resized, blurred or brightened (float images
            # of their own scale, as a MinMaxScaler's beyond the range it learned, may reach beyond)
            beyond = tops >= 2
            kind = {255.0: "uint8", 65535.0: "uint16"}.get(depth, "8- or 16-bit")
            levels, scale = ("0-255 or 0-65,535", "X / 255 (or X / 65535)") if depth == "files" else (
                f"0-{depth:,.0f}", f"X / {depth:.0f}")
            raise ValueError(f"X's pixel values reach {float(tops.max()):.4g} in {which_images(beyond)} (each judged "
                             f"alone), but {type(self).__name__} was fitted on {kind} images, scaled to [0, 1] for "
                             f"you: levels ({levels}) resized or otherwise made fractional, taken as they are? "
                             f"Pass them on the training images' scale, {scale} as floats, or as integer levels.")
        if not whole.any():
            return
        top = round(float(tops[whole].max()))
        white = f" (X / {top} if {top} is their white)" if top < 255 else ""
        fix = (f"X / 255{white}, then the training images' mean and scale, as floats"
               if self._fitted_on_centred_pixels() else
               f"X / 255 as floats{white}, or 8-bit levels as uint8 (X.astype(np.uint8)), which is scaled to [0, 1] "
               "for you")
        raise ValueError(f"X's pixel values are whole numbers up to {float(tops[whole].max()):.4g} in "
                         f"{which_images(whole)} (each judged alone), but the images {type(self).__name__} was fitted "
                         f"on reach {fitted:.4g}: 8-bit levels given as floats (or integers), taken as they are? "
                         f"Pass them on the training images' scale: {fix}.")

    def _record_pixel_scale(self, top, low, depth, dark=False):
        """Record the scale of the training images: their largest pixel magnitude ``top``, their smallest pixel
        ``low``, the divisor of their integer levels ``depth`` (None: floats; 'files': files' levels, each file's
        own), and whether some of them were within [-1, 1] with fractions, or of the levels 0 and 1 only, for a model
        of 0-255 pixels (``dark``: real dark frames or masks, then)."""
        self.pixel_max_, self.pixel_min_, self.pixel_depth_, self.pixel_dark_seen_ = top, low, depth, dark

    def _fitted_on_centred_pixels(self):
        """Whether the training images were centred or standardised: their smallest pixel below -0.5 times their
        largest magnitude (:data:`_CENTRED_SHARE`), which scaled images never are."""
        fitted = getattr(self, "pixel_max_", None) or 0.0
        return getattr(self, "pixel_min_", 0.0) < -_CENTRED_SHARE * fitted

    def _warn_of_uncentred(self, lows, highs):
        """Warn, for a model fitted on centred or standardised float images, when half of X's float images or more have
        no pixel below 0 while spanning half the training images' scale (not a flat frame): images not prepared as
        the training ones were ([0, 1] images given to a model of [-1, 1] ones), which it would read as bright images,
        without a word. A warning only: a bright centred image can lack negative pixels too."""
        fitted = getattr(self, "pixel_max_", None) or 0.0  # (spanning half fit's scale or more: no flat frame)
        plain = (lows >= 0) & (highs >= 0.5 * fitted) & (highs - lows >= 0.25 * fitted)
        if self._fitted_on_centred_pixels() and len(plain) and 2 * int(plain.sum()) >= len(plain):
            which = which_images(plain)
            warn_user(f"{which[0].upper()}{which[1:]} {'has' if plain.sum() == 1 else 'have'} no pixel below 0, but "
                      f"{type(self).__name__} was fitted on centred or standardised images (pixels down to "
                      f"{self.pixel_min_:.4g}): prepare these as the training images were (the same shift and "
                      "scale), or they are read as other images.")

    def _warn_of_twelve_bit_levels(self, highs, scaled):
        """Warn at fit of uint16 training images whose levels reach at most 4,095 (12 bits, from many cameras and
        scanners, but above 8-bit levels, which :meth:`_check_integer_depth` refuses): divided by 65,535 they are
        read as dark images, at most 1/16 of white."""
        if scaled != 65535.0 or len(highs) == 0:
            return
        top = round(float(highs.max()) * scaled)
        if twelve_bit_levels(top):
            warn_user(f"X is uint16 with pixel values up to {top} only, at most 12 bits: as uint16 levels they are "
                      f"divided by 65,535 and read as dark images (at most {top / scaled:.3f}). If they are 12-bit "
                      "levels, pass them as floats on their own scale, X / 4095 (at predict too); truly dark 16-bit "
                      "images can stay as they are.")

    def _refuse_masks_for_levels(self, array):
        """Refuse bool images (masks, read as 0 and 1) for a model of 0-255 pixels, which reads them as black."""
        if getattr(array, "dtype", None) == bool and (getattr(self, "pixel_max_", None) or 0) > _PIXEL_SCALE_FACTOR:
            raise ValueError(f"X is bool (masks, read as 0 and 1), but {type(self).__name__} was fitted on pixel "
                             f"values up to {self.pixel_max_:.4g}: as they are, they read as nearly black images. "
                             "Pass them on that scale (X * 255.0), or fit on masks.")

    def _check_not_masks(self, images, lows, highs, fitted):
        """Refuse, image by image, float or integer images of the values 0 and 1 only (masks, :func:`mask_images`)
        for a model of 0-255 pixels (``fitted`` beyond 50), which reads them as nearly black, as bool and uint8 masks
        are refused; not where the training images held such images themselves (``pixel_dark_seen_``)."""
        if getattr(self, "pixel_dark_seen_", False):
            return
        masks = mask_images(images, lows, highs)
        if masks.any():
            raise ValueError(f"X holds only the values 0 and 1 in {which_images(masks)} (each judged alone): masks? "
                             f"{type(self).__name__} was fitted on pixel values up to {fitted:.4g}, and as they are "
                             "they read as nearly black images. Pass them on that scale (X * 255.0), or fit on masks.")

    def _check_integer_depth(self, highs, scaled, reset):
        """Refuse integer images of a smaller depth's levels (:func:`smaller_depth_images`), which scaled by their
        dtype's depth would be read as black: at fit the training set as a whole (a dark image among others is no
        evidence), at predict each image, when X's depth is not fit's (an image of fit's own depth is read as fit
        read its images, however dark)."""
        depth = getattr(self, "pixel_depth_", "unknown")  # (a model saved before pixel_depth_: the old rule)
        if not scaled or not (reset or scaled != depth) or len(highs) == 0:
            return
        marked = smaller_depth_images(highs, scaled)
        if reset:
            if not (marked.any() and (marked | (highs == 0)).all()):
                return
            where = ""
        elif marked.any():
            where = f" ({which_images(marked)}, each judged alone)"
        else:
            self._check_not_twelve_bit(highs, scaled)
            return
        kind = "uint8" if scaled == 255 else "uint16"
        if scaled == 255:
            levels = "0 and 1 only: binary images"
            fix = ("pass them on the training images' scale, X * 255.0" if (getattr(self, "pixel_max_", None) or 0)
                   > _PIXEL_SCALE_FACTOR else "pass them as bool (X.astype(bool)) or as floats; a truly near-black "
                   "photo as floats, X / 255")
        else:
            levels = f"0 to {round(float(highs[marked].max()) * scaled)} only: 8-bit levels"
            fix = self._levels_fix(255, reset)
        raise ValueError(f"X is {kind} with pixel values of {levels}?{where} As {kind} levels they are divided by "
                         f"{scaled:,.0f} and read as nearly black images: {fix}.")

    def _check_not_twelve_bit(self, highs, scaled):
        """Refuse at predict, image by image, uint16 images whose levels reach above 8-bit ones but at most 4,095
        (:func:`twelve_bit_levels`) for a model fitted on uint8 images or on 0-255 floats: 12-bit levels, which
        divided by 65,535 read as nearly black. (A model fitted on uint16 reads them as it read its own, and fit warns
        of such training images; one fitted on [0, 1] floats or on files may have been fitted on such levels divided
        by 65,535: it reads them so.)"""
        if scaled != 65535.0 or not (getattr(self, "pixel_depth_", None) == 255.0
                                     or (getattr(self, "pixel_max_", None) or 0.0) > _PIXEL_SCALE_FACTOR):
            return
        levels = np.rint(highs * scaled)
        marked = (levels > _SMALLER_TOP[scaled]) & (levels <= _TWELVE_BIT_TOP)
        if marked.any():
            raise ValueError(f"X is uint16 with pixel values up to {int(levels[marked].max())} only: 12-bit levels? "
                             f"({which_images(marked)}, each judged alone) As uint16 levels they are divided by 65,535 "
                             f"and read as nearly black images, but {type(self).__name__} was fitted on 8-bit images: "
                             f"{self._levels_fix(_TWELVE_BIT_TOP, False)}.")

    def _levels_fix(self, top, reset):
        """How to pass uint16 images of integer levels up to ``top`` (255: 8-bit, 4,095: 12-bit) on the scale of the
        model's training images (at fit, ``reset``: scaled to [0, 1], as uint8 images are), in words."""
        fitted = 0.0 if reset else (getattr(self, "pixel_max_", None) or 0.0)
        if not reset and self._fitted_on_centred_pixels():
            return (f"pass them as floats prepared as the training images were (X / {top}, then the same mean and "
                    "scale)")
        if fitted > _PIXEL_SCALE_FACTOR:
            scale = 255 if fitted <= 255.5 else round(fitted)
            cast = "X.astype(np.float32)" if scale == top else f"X * ({scale} / {top})"
            return (f"pass them as floats on the training images' scale (0 to {fitted:.4g}), {cast}; a truly dark "
                    f"16-bit image as X * ({scale} / 65535)")
        if top == 255:
            return "pass them as uint8 (X.astype(np.uint8)); a truly dark 16-bit image as floats, X / 65535"
        return ("pass them as floats, X / 4095, or as 8-bit levels, (X >> 4).astype(np.uint8); a truly dark 16-bit "
                "image as floats, X / 65535")

    def _check_not_unit_scaled(self, images, lows, highs, fitted):
        """Refuse float images that look divided by 255 (:func:`dark_fractional_images`) for a model whose training
        images reached ``fitted`` (beyond 50: a 0-255 scale), each image judged by its own pixels; warn of the
        other images within [-1, 1] with fractions, which are read as they are: a real frame that dark, or [0, 1]
        images resized or blurred (the network would give them all one class). No warning where such frames are
        expected: a model fitted on centred pixels (dark frames sit around 0), or on training images that held
        such frames themselves (``pixel_dark_seen_``). The warning's text is one for the model and the number of
        images, so that the default warning filter shows it once, not at every frame of a dark stream."""
        dark, divided = dark_fractional_images(images, lows, highs)
        if divided.any():
            reach = float(np.maximum(highs, -lows)[divided].max())
            raise ValueError(f"X's pixel values reach only {reach:.4g} in {which_images(divided)}, levels divided "
                             f"by 255 (or 65,535), but the images {type(self).__name__} was fitted on reach "
                             f"{fitted:.4g}: X looks scaled to [0, 1] and they were not (each image is judged alone). "
                             "Give X on the training images' scale (8-bit levels: multiply by 255), or fit on "
                             "images scaled to [0, 1].")
        if dark.any() and not self._fitted_on_centred_pixels() and not getattr(self, "pixel_dark_seen_", False):
            n = int(dark.sum())
            warn_user(f"{_IMAGES_NAME.get()} holds {n} image{'s' if n > 1 else ''} whose pixel values lie within "
                      f"[-1, 1], with fractions, but the images {type(self).__name__} was fitted on reach "
                      f"{fitted:.4g} (a 0-255 scale): are they scaled to [0, 1] (divided by 255, then resized or "
                      "blurred)? They are read as they are: multiply them by 255 if they were divided, or ignore "
                      "this warning if they really are this dark.")

    def _check_pixel_range(self, low, high):
        lo, hi = self._pixel_range
        spread = hi - lo
        if low < lo - 0.5 * spread or high > hi + spread:
            raise ValueError(f"X's pixel values run from {low:.4g} to {high:.4g}, but {type(self).__name__} takes "
                             f"pixels in [{lo:g}, {hi:g}] and standardises them itself: pass 8-bit images as uint8 "
                             "(or divide them by 255), and do not standardise them first.")
