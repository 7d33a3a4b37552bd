"""Augmentation of image batches as a module: random flips, shifts, rotations, zooms and erasing, run on
the batch's device in training only (the image estimators' ``augment`` parameter)."""

import math
from numbers import Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import InvalidParameterError
from torch import nn

__all__ = ["Augment"]


class Augment(nn.Module):
    """Random flips, shifts, rotations, zooms and erasing of a batch of images, in training only.

    The transforms of Keras' ImageDataGenerator, applied to the batch tensor on its
    device with one affine resampling; the draws come from torch's generator, so a
    seeded fit is reproducible. In evaluation mode the images pass unchanged.

    Without rotation or zoom, shifts are whole pixels: the image moves, every pixel
    keeps its value (a fractional shift resamples, and blurs, every training image,
    which the test images never are). Erasing (Zhong et al. 2017, torchvision's
    ``RandomErasing``) sets a random rectangle of 2% to 33% of the image, of aspect
    ratio 0.3 to 3.3, to zero, in each image with probability ``erase``.

    Parameters
    ----------
    horizontal_flip, vertical_flip : bool
    shift : float, fraction of the width/height
    rotation : float, degrees
    zoom : float, relative range (0.1: 0.9x to 1.1x)
    erase : float, probability that an image has a rectangle erased
    """

    KEYS = ("horizontal_flip", "vertical_flip", "shift", "rotation", "zoom", "erase")
    # the range of each number: shift and zoom are fractions, rotation is in degrees, erase a probability
    RANGES = {"shift": (0.0, 1.0), "rotation": (0.0, 180.0), "zoom": (0.0, 1.0), "erase": (0.0, 1.0)}
    ERASE_AREA, ERASE_RATIO = (0.02, 1 / 3), (0.3, 3.3)  # torchvision's RandomErasing defaults

    @classmethod
    def check_options(cls, augment):
        """Refuse an ``augment`` dict with unknown keys, or values of the wrong type or out of range."""
        if not augment:
            return
        unknown = set(augment) - set(cls.KEYS)
        if unknown:
            raise ValueError(f"Unknown augment keys {sorted(unknown)}; use {list(cls.KEYS)}.")
        for key, value in augment.items():
            if key in cls.RANGES:
                lo, hi = cls.RANGES[key]
                if not isinstance(value, Real) or isinstance(value, bool) or not lo <= value <= hi:
                    raise InvalidParameterError(f"augment[{key!r}]={value!r}: {key} must be a number in "
                                                f"[{lo:g}, {hi:g}].")
            elif not isinstance(value, (bool, np.bool_)):
                raise InvalidParameterError(f"augment[{key!r}]={value!r}: {key} must be True or False.")

    def __init__(self, horizontal_flip=False, vertical_flip=False, shift=0.0, rotation=0.0, zoom=0.0, erase=0.0):
        super().__init__()
        self.horizontal_flip, self.vertical_flip = bool(horizontal_flip), bool(vertical_flip)
        self.shift, self.rotation, self.zoom = float(shift), float(rotation), float(zoom)
        self.erase = float(erase)

    def forward(self, x):
        if not self.training:
            return x
        if self.horizontal_flip or self.vertical_flip or self.shift or self.rotation or self.zoom:
            x = self._move(x)
        return self._erase(x) if self.erase else x

    def _erase(self, x):
        """Zero a random rectangle in each image drawn with probability ``erase`` (one mask, no loop)."""
        n, device = x.shape[0], x.device
        h, w = x.shape[-2:]
        log_lo, log_hi = math.log(self.ERASE_RATIO[0]), math.log(self.ERASE_RATIO[1])
        area = h * w * (self.ERASE_AREA[0] + torch.rand(n, device=device) * (self.ERASE_AREA[1] - self.ERASE_AREA[0]))
        ratio = torch.exp(log_lo + torch.rand(n, device=device) * (log_hi - log_lo))
        eh = torch.sqrt(area * ratio).round().clamp(1, h)
        ew = torch.sqrt(area / ratio).round().clamp(1, w)
        top = (torch.rand(n, device=device) * (h - eh + 1)).floor()
        left = (torch.rand(n, device=device) * (w - ew + 1)).floor()
        rows, cols = torch.arange(h, device=device), torch.arange(w, device=device)
        in_rows = (rows >= top[:, None]) & (rows < (top + eh)[:, None])  # (n, h)
        in_cols = (cols >= left[:, None]) & (cols < (left + ew)[:, None])  # (n, w)
        in_rows &= (torch.rand(n, device=device) < self.erase)[:, None]
        keep = ~(in_rows[:, :, None] & in_cols[:, None, :])  # (n, h, w)
        return x * keep[:, None].to(x.dtype)

    def _shift_pixels(self, x):
        """Flips and shifts of whole pixels: each output pixel is an input pixel (the nearest edge one past
        the border, as Keras' fill_mode='nearest'), so nothing is resampled or blurred."""
        n, device = x.shape[0], x.device
        h, w = x.shape[-2:]

        def positions(size, flip):
            grid = torch.arange(size, device=device).expand(n, size)
            if flip:
                grid = torch.where(torch.rand(n, 1, device=device) < 0.5, size - 1 - grid, grid)
            if self.shift:
                offset = ((torch.rand(n, 1, device=device) * 2 - 1) * self.shift * size).round().long()
                grid = (grid - offset).clamp(0, size - 1)
            return grid

        cols, rows = positions(w, self.horizontal_flip), positions(h, self.vertical_flip)
        index = (rows[:, :, None] * w + cols[:, None, :]).reshape(n, 1, h * w).expand(n, x.shape[1], h * w)
        return x.reshape(n, x.shape[1], h * w).gather(2, index).reshape(x.shape)

    def _move(self, x):
        """Flips and whole-pixel shifts by indexing; with rotation or zoom, one affine resampling."""
        if not self.rotation and not self.zoom:
            return self._shift_pixels(x)
        n, device = x.shape[0], x.device
        uniform = lambda: torch.rand(n, device=device) * 2 - 1  # noqa: E731
        angle = uniform() * math.radians(self.rotation)
        scale = 1 + uniform() * self.zoom
        sx, sy = scale.clone(), scale.clone()
        if self.horizontal_flip:
            sx = sx * torch.where(torch.rand(n, device=device) < 0.5, -1.0, 1.0)
        if self.vertical_flip:
            sy = sy * torch.where(torch.rand(n, device=device) < 0.5, -1.0, 1.0)
        tx, ty = uniform() * 2 * self.shift, uniform() * 2 * self.shift
        cos, sin = torch.cos(angle), torch.sin(angle)
        # a rotation of pixels: the grid's coordinates run from -1 to 1 along both sides, so on a H x W image whose
        # sides differ, each turns into the other in the ratio of the sides (else the image is stretched and sheared)
        height, width = x.shape[-2], x.shape[-1]
        theta = torch.stack([torch.stack([cos / sx, -sin * (height / width) / sx, tx], 1),
                             torch.stack([sin * (width / height) / sy, cos / sy, ty], 1)], 1)
        grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
