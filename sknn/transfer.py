"""Transfer learning from a pretrained VGG network: TransferVGGClassifier and VGGFeatureExtractor.

The VGG family itself (torchvision's layout, weight loading, the transfer network) is defined in :mod:`sknn._vgg`
and its public names are re-exported here. A new head is trained for the user's classes on pooled features of a
frozen backbone, computed once per image and cached, and the last convolution blocks can then be unfrozen and
fine-tuned with a smaller learning rate.
"""

import os
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._augment import Augment
from ._base import N_JOBS_CONSTRAINT, BaseNeuralNetwork
from ._data import ArrayBatches
from ._device import (autocast, evaluating, float32_default, recording_gradients, resolve_device, resolve_precision,
                      seeded)
from ._engine import padded_batch
from ._family import FamilyEstimator
from ._image_fixes import alpha_fix, moved_axes_fix
from ._images import ImageInputMixin, size_pair
from ._memory import build_within_memory, memory_errors_named
from ._targets import NeuralClassifierMixin, keyword_only_classes
from ._validation import check_sizes
from ._vgg import (BACKBONES, VGG, TransferNet, VGGBackbone, check_image_size, inference_batch_size, load_vgg_weights,
                   make_layers, parse_backbone, vgg, weights_file)
from ._vgg_onnx import vgg_onnx_graph
from ._warnings import warn_user

__all__ = ["BACKBONES", "VGG", "TransferNet", "TransferVGGClassifier", "VGGBackbone", "VGGFeatureExtractor",
           "load_vgg_weights", "make_layers", "vgg"]


def backbone_features(module, source, batch_size, device, grad_free=torch.no_grad, amp_dtype=None):
    """Backbone features of every image of ``source``, with the targets and weights the source kept.

    Batches of fewer than 16 images are padded, as the engine's predictions are, so an image's features do not
    depend on the batch it came in. ``amp_dtype`` runs the backbone under autocast (mixed precision); the features
    come back in float32."""
    feats, ys, ws = [], [], []
    named = memory_errors_named("Feature extraction", device, batch_size)
    with evaluating(module), grad_free(), autocast(device, amp_dtype), named:
        for Xb, yb, wb in source.batches(batch_size, device=device):
            feats.append(module.encode(padded_batch(Xb))[:len(Xb)].float().cpu())
            ys.append(None if yb is None else yb.cpu())
            ws.append(None if wb is None else wb.cpu())
    if not feats:
        raise ValueError("No image could be read: there is nothing to compute features of.")
    cat = lambda parts: None if parts[0] is None else torch.cat(parts)  # noqa: E731
    return torch.cat(feats), cat(ys), cat(ws)


class _FeatureCache:
    """A batch source of a frozen backbone's features, computed once on the first pass over the images.

    ``images`` is the images' batch source; ``network`` returns the engine at the time the
    batches are asked for (the module is built after the sources). Later epochs
    shuffle and slice the cached feature matrix (an :class:`ArrayBatches`).
    """

    def __init__(self, images, network, encode_batch_size):
        self.images, self.network, self.encode_batch_size, self.cached = images, network, encode_batch_size, None

    def __len__(self):
        return len(self.images if self.cached is None else self.cached)

    @property
    def sample_weight(self):
        return (self.images if self.cached is None else self.cached).sample_weight

    def subset(self, indices):
        if self.cached is not None:
            return self.cached.subset(indices)
        return _FeatureCache(self.images.subset(indices), self.network, self.encode_batch_size)

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        if self.cached is None:
            net = self.network()
            self.cached = ArrayBatches(*backbone_features(net.module_, self.images, self.encode_batch_size, device,
                                                amp_dtype=net.amp_dtype))
        return self.cached.batches(batch_size, shuffle=shuffle, generator=generator, device=device)


class _VGGInputMixin(ImageInputMixin):
    """The image input of the VGG estimators: any size (resized), grey or RGB (repeated to 3 channels), pixels
    in [0, 1] (ImageNet's standardisation is the backbone's first step)."""

    _doc_section = "transfer-learning-from-vgg"

    @property
    def _pixel_range(self):
        """[0, 1] for pretrained weights, which only make sense of pixels on the scale they were trained on; a backbone
        trained from random weights (``weights=None``) learns any scale. As the network was built (recorded as
        ``architecture_['pretrained']``), whatever set_params did since; before that record, the current ``weights``."""
        return (0.0, 1.0) if getattr(self, "architecture_", {}).get("pretrained", self.weights is not None) else None

    def _record_architecture(self):
        super()._record_architecture()
        self.architecture_["pretrained"] = self.weights is not None  # whether the backbone starts from trained weights

    def _file_image_shape(self, paths):
        """Files: ``image_size``, 3 channels; their headers read (:meth:`_scan_files`) before the backbone reads any."""
        self._scan_files(paths)
        self.input_image_shape_ = None
        return (3, *size_pair(self.image_size))

    def _check_image_shape(self, shape, reset, how=None, given=None, images=None, quiet=False):
        if shape[0] not in (1, 3):
            raise ValueError(f"VGG takes grey (1 channel) or RGB (3 channel) images; got {shape[0]} channels. "
                             f"{alpha_fix(how, shape[0])}")
        if reset:
            if len(given or ()) == 2 and self.image_shape is None and shape[1] == 1 < shape[2]:
                warn_user(f"X's rows of {shape[2]} values are no square image: {type(self).__name__} reads each as "
                          f"one line of {shape[2]} pixels, stretched to image_size. Pass image_shape=(height, width) "
                          "or (height, width, 3) for flat images, or images as arrays of (n, height, width[, 3]); a "
                          "table is no input for a VGG network.")  # (not refused: scikit-learn's checks fit tables)
            self.image_shape_ = (3, *size_pair(self.image_size))
            self.input_image_shape_ = tuple(shape)
        elif not quiet and getattr(self, "input_image_shape_", None) not in (None, tuple(shape)):  # any size is
            moved = moved_axes_fix(given, how, self.input_image_shape_, transposed=False)  # resized, but axes moved:
            # warned of
            # colour images for a model of grey ones (repeated to 3 channels), whose features it never learned from;
            # (grey ones for a model fitted on 3 channels are left alone: those may have been grey too); the pixels
            # are compared only then (grey images stored with 3 equal channels are grey), not on every resized batch
            colour = not moved and shape[0] == 3 and self.input_image_shape_[0] == 1
            if colour and not (images is not None and all(np.array_equal(images[:, 0], images[:, c]) for c in (1, 2))):
                warn_user(f"X holds colour images, but {type(self).__name__} was fitted on grey ones: their "
                          "features are of another kind than those it learned from; give grey images (X.mean(axis=-1) "
                          "for arrays of (n, height, width, 3)), or fit on colour ones.")
            if moved:
                warn_user(f"X holds images of shape (channels, height, width) {tuple(shape)}, resized to image_size, "
                          f"but {type(self).__name__} was fitted on {self.input_image_shape_}, and {moved} (if "
                          "these are images of another size as they are, ignore this).")

    def _check_vgg_params(self, reads_weights=True):  # (a fitted network continued reads no weights file)
        if isinstance(getattr(self, "fine_tune_blocks", None), (bool, np.bool_)):  # (a constraint's Integral)
            raise ValueError(f"fine_tune_blocks={self.fine_tune_blocks!r}: pass a number of blocks, or 'all'.")
        self._check_image_params()
        cfg, _, name = parse_backbone(self.backbone)
        check_image_size(self.image_size, sum(v == "M" for v in cfg))
        if reads_weights and isinstance(self.weights, (str, os.PathLike)) and self.weights != "imagenet":
            weights_file(self.weights)
        if self.weights == "imagenet" and name is None:
            raise ValueError("weights='imagenet' exists for the standard backbones only "
                             f"({sorted(BACKBONES)}); a custom layer list takes a path, a state dict or None.")

    def _load_pretrained(self, module):
        """The backbone's weights of ``weights`` into a new network (its random ones stay when weights is None)."""
        if self.weights is not None:
            state = load_vgg_weights(self.weights, self.architecture_["backbone"])
            module.backbone.features.load_state_dict(state, strict=True)

    def _onnx_feed(self, X):
        """``{'images': float32 (n, 3, H, W)}``: grey images repeated to 3 channels; arrays keep their size."""
        images = self._image_array(X)
        return {"images": np.repeat(images, 3, axis=1) if images.shape[1] == 1 else images}


_VGG_CONSTRAINTS = {
    "backbone": [StrOptions(set(BACKBONES)), list, tuple],
    "weights": [str, os.PathLike, Mapping, None],
    "image_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "pooling": [StrOptions({"avg", "max", "flatten"})], "image_shape": ["array-like", None],
    "data_format": [StrOptions({"auto", "channels_last", "channels_first"})],
    "skip_bad_images": ["boolean"], "channels_last": ["boolean"],
}


class TransferVGGClassifier(_VGGInputMixin, NeuralClassifierMixin, ClassifierMixin, BaseNeuralNetwork):
    """Image classifier by transfer learning from a pretrained VGG network, with scikit-learn's API.

    The convolutional part of a VGG network (ImageNet weights by default) is kept, its
    dense top dropped, and a new head is trained for your classes. With the backbone
    frozen and no augmentation, its features are computed once per image per fit and
    the head trains on them (seconds, not hours, on a CPU). Then ``fine_tune_blocks``
    unfreezes the last convolution blocks, trained at ``backbone_lr_ratio`` times the
    head's learning rate; with ``warm_start=True`` this continues from the trained head,
    the usual two-step recipe::

        clf = TransferVGGClassifier(max_iter=10).fit(X, y)            # the head, on cached features
        clf.set_params(warm_start=True, fine_tune_blocks=1, learning_rate_init=1e-4, max_iter=5).fit(X, y)

    Images come as in :class:`sknn.ConvImageClassifier` (arrays in either layout, flat
    rows with ``image_shape``, or file paths read lazily), of any size (resized to
    ``image_size``), grey or RGB, with values in [0, 1] (uint8 and uint16 arrays are scaled). With
    pretrained weights, float images well outside [0, 1] (0-255 values, or images
    standardised beforehand) are refused: the backbone standardises them itself.

    Parameters
    ----------
    backbone : str or list, default='vgg16'
        'vgg11', 'vgg13', 'vgg16', 'vgg19' or their batch-norm variants ('vgg16_bn'...),
        or a custom layer list of 3x3 convolutions' channels and 'M' poolings, e.g. ``[16, 'M', 32, 'M']``.
    weights : 'imagenet', path, state dict or None, default='imagenet'
        'imagenet' downloads torchvision's checkpoint once into torch.hub's cache; a path
        reads a ``.pth``/``.pt`` (``torch.load(weights_only=True)``) or ``.safetensors``
        state dict; None starts from random weights, which stay random with the default
        ``fine_tune_blocks=0`` (the head then learns from random features; pass ``fine_tune_blocks='all'`` to
        train the whole network from scratch). A whole network's checkpoint or its ``features.*`` part both work;
        keys or shapes that do not fit raise an error listing them.
    image_size : int or (int, int), default=224
        Images are resized to this before the backbone (at least 32 for VGG).
    pooling : {'avg', 'max', 'flatten'}, default='avg'
        How the last feature map becomes a vector: global average or maximum (512 values
        for VGG), or VGG's own 7x7 average pooling flattened (25,088 values).
    head_layers : tuple of int, default=(256,)
        Hidden ReLU layers of the new head.
    dropout : float, default=0.5
        Dropout after each hidden layer of the head.
    fine_tune_blocks : int or 'all', default=0
        Convolution blocks, counted from the top, trained with the head (VGG has 5).
    backbone_lr_ratio : float, default=0.1
        Learning rate of the unfrozen blocks, relative to ``learning_rate_init``.
    augment : dict or None, default=None
        Training-time augmentation as in ConvImageClassifier, e.g. ``{"horizontal_flip": True, "shift": 0.1}``; the
        backbone then runs on every batch.
    cache_features : bool, default=True
        Compute a frozen backbone's features once per fit (without augmentation). False runs the backbone on every
        batch of every epoch.
    image_shape, data_format, skip_bad_images, n_jobs
        As in :class:`sknn.ConvImageClassifier` (fine-tuned blocks sum their gradients as its convolutions do).
    channels_last : bool, default=True
        Run the convolutions on channels-last (NHWC) tensors.
    optimizer, learning_rate_init, learning_rate, momentum, nesterov, alpha, l1, batch_size, max_iter, shuffle, \
early_stopping, validation_fraction, n_iter_no_change, tol, class_weight, warm_start, random_state, device, precision, \
verbose, callbacks, criterion
        As in :class:`sknn.DenseClassifier`, with transfer learning's defaults: Adam at 0.001, constant, an L2
        penalty ``alpha=0.0001``, ``batch_size='auto'`` (32 images, at most the data's size), ``max_iter=20``, no
        best-epoch selection (``early_stopping=False``; with it, ``validation_fraction=0.1``). ``warm_start=True``
        keeps the network, head included, and applies the current ``fine_tune_blocks``.
    module : torch.nn.Module class or callable, default=None
        Your own head, called as ``module(n_features, n_classes)``: it maps the backbone's
        pooled features (n, n_features) to one logit per class, in place of the head of
        ``head_layers`` and ``dropout``. The backbone, its weights, the feature cache and
        fine-tuning stay as they are.

    Attributes
    ----------
    classes_, class_prior_ : ndarray, the labels; their shares of the samples that train (weights included)
    image_shape_ : (3, height, width), the images the backbone takes
    input_image_shape_ : (channels, height, width) of the arrays ``fit`` saw, before resizing (None for files)
    pixel_max_, pixel_min_, pixel_depth_, pixel_dark_seen_ : the largest and smallest training pixels after uint8
        or uint16 scaling, that depth, and whether dark frames or masks trained (as in ConvImageClassifier)
    fine_tune_blocks_ : int or 'all', the backbone's blocks the network trains (set by the last ``fit``)
    n_features_in_ : int, for flat-row input
    architecture_ : dict, the network's parameters as fit built it (whatever set_params did since)
    history_, loss_curve_, loss_, best_loss_, n_iter_, validation_scores_, best_validation_score_, net_, device_
        As in :class:`sknn.DenseClassifier`.

    See Also
    --------
    VGGFeatureExtractor : the backbone as a transformer, for any scikit-learn model.

    Examples
    --------
    A tiny VGG-style backbone, random weights (``weights='imagenet'`` or a file: a pretrained one):

    >>> from sklearn.datasets import load_digits
    >>> from sknn import TransferVGGClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = TransferVGGClassifier(backbone=[16, "M", 32, "M"], weights=None, image_size=16, image_shape=(8, 8),
    ...                             pooling="flatten", head_layers=(64,), dropout=0.2, max_iter=10, random_state=0)
    >>> clf = clf.fit(X[:500] / 16, y[:500])
    >>> clf.score(X[500:700] / 16, y[500:700]) > 0.75
    True
    """

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        **_VGG_CONSTRAINTS,
        "head_layers": ["array-like"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "fine_tune_blocks": [Interval(Integral, 0, None, closed="left"), StrOptions({"all"})],
        "backbone_lr_ratio": [Interval(Real, 0, None, closed="neither")],
        "augment": [dict, None],
        "n_jobs": N_JOBS_CONSTRAINT,
        "cache_features": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _fit_only_params = ("weights",)  # (the backbone's weights are in the network once fitted)
    _architecture_params = ("backbone", "pooling", "image_size", "head_layers", "dropout", "augment", "channels_last",
                            "module", "image_shape", "data_format")

    def __init__(self, backbone="vgg16", weights="imagenet", image_size=224, pooling="avg", head_layers=(256,),
                 dropout=0.5, fine_tune_blocks=0, backbone_lr_ratio=0.1, augment=None, cache_features=True,
                 image_shape=None, data_format="auto", skip_bad_images=False, channels_last=True, optimizer="adam",
                 learning_rate_init=0.001, learning_rate="constant", momentum=0.9, nesterov=True, alpha=0.0001,
                 l1=0.0, batch_size="auto", max_iter=20, shuffle=True, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4, class_weight=None, warm_start=False, random_state=None, n_jobs=None,
                 device="auto", precision="32", verbose=0, callbacks=None, module=None, criterion=None):
        self.backbone = backbone
        self.weights = weights
        self.image_size = image_size
        self.pooling = pooling
        self.head_layers = head_layers
        self.dropout = dropout
        self.fine_tune_blocks = fine_tune_blocks
        self.backbone_lr_ratio = backbone_lr_ratio
        self.augment = augment
        self.cache_features = cache_features
        self.image_shape = image_shape
        self.data_format = data_format
        self.skip_bad_images = skip_bad_images
        self.channels_last = channels_last
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks
        self.module = module
        self.criterion = criterion

    # -- parameters and the network ----------------------------------------------------
    def _check_params(self, continuing=False):
        self._check_vgg_params(reads_weights=not continuing)
        check_sizes(self.head_layers, "head_layers")
        Augment.check_options(self.augment)
        n_blocks = sum(v == "M" for v in parse_backbone(self.backbone)[0][:-1]) + 1
        if self.fine_tune_blocks != "all" and self.fine_tune_blocks > n_blocks:
            raise ValueError(f"fine_tune_blocks={self.fine_tune_blocks}, but the backbone has {n_blocks} convolution "
                             f"blocks; pass at most {n_blocks}, or 'all'.")

    def _build_module(self):
        arch = self.architecture_  # the parameters as they were when the network was first built
        net = TransferNet(VGGBackbone(arch["backbone"], arch["pooling"]), self._n_outputs(),
                          head_layers=arch["head_layers"], dropout=arch["dropout"], image_size=arch["image_size"],
                          augment=arch["augment"], channels_last=arch["channels_last"])
        head = self._custom_module(net.backbone.n_features_out, self._n_outputs())
        if head is not None:  # the user's head on the pretrained backbone
            net.head = head
        return net.to(memory_format=torch.channels_last) if arch["channels_last"] else net

    def _fit(self, *args, **kwargs):
        try:
            return super()._fit(*args, **kwargs)
        finally:  # a warm start that failed after unfreezing new blocks: the fitted network's blocks frozen again
            if hasattr(self, "net_") and hasattr(self, "fine_tune_blocks_"):
                self.net_.module_.backbone.set_trainable(self.fine_tune_blocks_)

    def _make_engine(self, module, batch_size, device, seed, incremental):
        # a new fit, or a warm start's new settings; a model being loaded (fitted, no engine yet): its fitted blocks
        loading = hasattr(self, "fine_tune_blocks_") and not hasattr(self, "net_")
        self.fine_tune_blocks_ = self.fine_tune_blocks_ if loading else self.fine_tune_blocks
        module.backbone.set_trainable(self.fine_tune_blocks_)
        return super()._make_engine(module, batch_size, device, seed, incremental)

    @keyword_only_classes
    def partial_fit(self, X, y, *, classes=None, sample_weight=None):
        """Train for one epoch on (X, y), continuing from the current weights; the backbone's blocks train as the
        last ``fit`` set them (``fine_tune_blocks_``): a new ``fine_tune_blocks`` takes ``warm_start=True`` and fit.

        Parameters
        ----------
        X, y, classes, sample_weight : as in :meth:`sknn.DenseClassifier.partial_fit` (X: images, as for ``fit``):
            ``classes`` and ``sample_weight`` by keyword only; the weights step as given, not rescaled to mean 1
            as ``fit`` rescales them, so their scale sets the size of the step (keep it one across calls).

        Returns
        -------
        self
        """
        trained = getattr(self, "fine_tune_blocks_", None)
        if hasattr(self, "net_") and trained is not None and self.fine_tune_blocks != trained:
            raise ValueError(f"fine_tune_blocks={self.fine_tune_blocks!r}, but the network trains "
                             f"fine_tune_blocks={trained!r} (set by the last fit): partial_fit continues it as it "
                             "is; to change the blocks that train, use warm_start=True and fit.")
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)

    _engine_params = ("device", "backbone_lr_ratio")

    def _engine_kwargs(self):
        return {"lr_multipliers": {"backbone.": float(self.backbone_lr_ratio)}}

    def _onnx_graph(self, network):
        return vgg_onnx_graph(self, network, head=True)

    # -- data ----------------------------------------------------------------------------
    def _source(self, X, y=None, sample_weight=None):
        images = self._image_source(X, y, sample_weight)
        if self.cache_features and not self.augment and self.fine_tune_blocks == 0:
            return _FeatureCache(images, lambda: self.net_,
                                 inference_batch_size(self._batch_size_value(len(images)), self.image_size))
        return images

    def _batch_size(self, n_samples):  # 'auto': 32 images (at most the data's), without the warning 32 would give
        return min(32, n_samples) if self.batch_size == "auto" else super()._batch_size(n_samples)

    def _batch_size_value(self, n):
        return min(32, n) if self.batch_size == "auto" else self.batch_size

    def _predict_batch_size(self):
        return inference_batch_size(self.net_.batch_size, self.image_shape_[1:])

    def _forward(self, X, transform=None):
        check_is_fitted(self, "net_")
        images = self._check_X(X, reset=False)  # refuses a torch DataLoader
        return self.net_.predict_source(self._image_source(images), batch_size=self._predict_batch_size(),
                                        transform=transform)

    # -- what was learned ------------------------------------------------------------------
    def backbone_state_dict(self):
        """The backbone's weights under the standard names (``features.0.weight``...), as CPU tensors.

        Save it with ``torch.save`` (or safetensors) and pass the file as ``weights`` to
        another TransferVGGClassifier or VGGFeatureExtractor of the same backbone.
        """
        check_is_fitted(self, "net_")
        return {k: v.detach().cpu().clone() for k, v in self.net_.module_.backbone.state_dict().items()}


class VGGFeatureExtractor(_VGGInputMixin, FamilyEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                          BaseEstimator):
    """A pretrained VGG backbone as a scikit-learn transformer: images in, pooled features out.

    ``transform`` resizes the images to ``image_size``, repeats grey levels to 3
    channels, applies ImageNet's normalisation and returns the backbone's pooled
    features (512 per image for VGG with ``pooling='avg'``), computed in batches under
    ``torch.inference_mode`` (channels-last; mixed precision on a GPU, or bf16 on a CPU
    with AMX). Put any scikit-learn model after it in a pipeline. ``fit`` learns nothing
    from the data: it checks the input and loads the weights.

    Parameters
    ----------
    backbone : str or list, default='vgg16'
    weights : 'imagenet', path, state dict or None, default='imagenet'
    image_size : int or (int, int), default=224
    pooling : {'avg', 'max', 'flatten'}, default='avg'
        As in :class:`TransferVGGClassifier`.
    batch_size : int, default=32
        Images per batch (more are taken for small images).
    skip_bad_images : bool, default=False
        Give an unreadable image file (missing, not an image, truncated, a decompression
        bomb) a row of NaN in ``transform``'s output, with a warning naming it, instead
        of raising: one row per input, which a ``SimpleImputer`` or a model that takes
        NaN (``HistGradientBoostingClassifier``) can follow. When no file can be read,
        ``transform`` raises.
    image_shape, data_format, channels_last, device, precision
        As in :class:`TransferVGGClassifier`.
    random_state : int, RandomState or None, default=None
        Seeds the random weights when ``weights=None``.

    Attributes
    ----------
    module_ : TransferNet without a head, on ``device_``
    device_ : torch.device
    architecture_ : dict, the backbone's parameters as fit built it (whatever set_params did since)
    image_shape_ : (3, height, width)
    input_image_shape_ : (channels, height, width) of the arrays ``fit`` saw, before resizing (None for files)
    pixel_max_, pixel_min_, pixel_depth_, pixel_dark_seen_ : the largest and smallest pixels of the images ``fit``
        saw, after uint8 or uint16 scaling, that depth, and whether dark fractional frames were among them
    n_features_in_ : int, for flat-row input

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import RidgeClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknn import VGGFeatureExtractor
    >>> X, y = load_digits(return_X_y=True)
    >>> vgg = VGGFeatureExtractor(backbone=[16, "M", 32], weights=None, image_size=16, image_shape=(8, 8),
    ...                           pooling="flatten", random_state=0)
    >>> vgg.fit_transform(X[:5] / 16).shape
    (5, 1568)
    >>> pipe = make_pipeline(vgg, RidgeClassifier()).fit(X[:500] / 16, y[:500])
    >>> pipe.score(X[500:700] / 16, y[500:700]) > 0.85
    True
    """

    _parameter_constraints = {
        **_VGG_CONSTRAINTS,
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "precision": [StrOptions({"32", "bf16", "fp16"})],
        "random_state": ["random_state"],
    }

    _architecture_params = ("backbone", "pooling", "image_size", "channels_last", "image_shape", "data_format",
                            "precision")  # (the precision: transform's, whatever set_params did since)

    def __init__(self, backbone="vgg16", weights="imagenet", image_size=224, pooling="avg", batch_size=32,
                 image_shape=None, data_format="auto", skip_bad_images=False, channels_last=True, device="auto",
                 precision="32", random_state=None):
        self.backbone = backbone
        self.weights = weights
        self.image_size = image_size
        self.pooling = pooling
        self.batch_size = batch_size
        self.image_shape = image_shape
        self.data_format = data_format
        self.skip_bad_images = skip_bad_images
        self.channels_last = channels_last
        self.device = device
        self.precision = precision
        self.random_state = random_state

    def fit(self, X, y=None):
        """Check the images and load the backbone's weights.

        Parameters
        ----------
        X : images: (n, H, W), (n, H, W, C) or (n, C, H, W) arrays, flat rows, or file paths
        y : ignored

        Returns
        -------
        self
        """
        self._validate_params()
        self._check_vgg_params()
        self._clear_fitted()
        try:
            device = resolve_device(self.device)  # (before the images are read)
            resolve_precision(self.precision, device)  # 'bf16' on a GPU without bfloat16: an error now, not later
            self._images(X, reset=True)
            self._record_architecture()
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            # a float32 backbone of ordinary tensors, whatever torch's default dtype and grad mode (as fit's)
            with seeded(seed, device), recording_gradients(), float32_default():
                module = build_within_memory(self._build_module, self, device, copies=1)
            self._load_pretrained(module)
        except BaseException:  # a refused fit leaves an unfitted extractor, not one of its image shape only
            self._clear_fitted()
            raise
        self.module_ = module.to(device)
        self.device_ = device
        return self

    def _build_module(self):
        """The backbone without a head, in evaluation mode."""
        arch = self.architecture_  # the parameters as they were when fit built the network
        module = TransferNet(VGGBackbone(arch["backbone"], arch["pooling"]), None, image_size=arch["image_size"],
                             channels_last=arch["channels_last"]).eval()
        return module.to(memory_format=torch.channels_last) if arch["channels_last"] else module

    def _fitted_module(self):
        check_is_fitted(self, "module_")
        return self.module_

    def _onnx_graph(self, network):
        return vgg_onnx_graph(self, network, head=False)

    def transform(self, X):
        """The backbone's pooled features of the images, a float32 array (n_samples, n_features).

        Parameters
        ----------
        X : images in any form ``fit`` accepts (of any size)

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
        """
        check_is_fitted(self, "module_")
        images = self._check_X(X, reset=False)
        source = self._image_source(images, fill=True)
        batch_size = inference_batch_size(self.batch_size, self.image_shape_[1:])
        precision = self.architecture_.get("precision", self.precision)  # (a file of an older sknn: the parameter)
        feats, _, _ = backbone_features(self.module_, source, batch_size, self.device_, grad_free=torch.inference_mode,
                                        amp_dtype=resolve_precision(precision, self.device_))
        unreadable = getattr(source, "unreadable", [])
        if unreadable and len(unreadable) == len(feats):
            raise ValueError(f"None of the {len(feats)} image files can be read (e.g. {images[unreadable[0]]!r}); pass "
                             "readable image files.")
        feats[unreadable] = float("nan")
        return feats.numpy()

    @property
    def _n_features_out(self):
        return self.module_.backbone.n_features_out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.requires_fit = True
        return tags
