"""Convolutional networks for images: ConvImageClassifier.

The network is built from parameters (``conv_filters``, ``kernel_size``, ``pooling``,
``dense_layers``...) the way torchvision builds VGG from a list; images come as arrays
in either channel layout, as flat rows with ``image_shape`` (so the estimator can follow
scikit-learn transformers in a pipeline), or as files read lazily.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._augment import Augment
from ._base import N_JOBS_CONSTRAINT, BaseNeuralNetwork
from ._device import evaluating
from ._family import replaced_parameters_warning
from ._images import ImageInputMixin
from ._layers import ACTIVATIONS, INITIALIZER_NAMES, initialize_weights, make_activation
from ._targets import NeuralClassifierMixin
from ._validation import check_sizes
from .export import OnnxGraph, Probabilities, proba_output

__all__ = ["ConvNet", "ConvImageClassifier"]


def _pair(v):  # (an int, or a sequence of one or two: check_sizes' lengths)
    pair = (int(v),) if isinstance(v, Integral) else tuple(int(x) for x in v)
    return pair * 2 if len(pair) == 1 else pair


# Activations that never decrease: max pooling commutes with them, f(max(x)) == max(f(x)) exactly.
#: the parameters of sknn's own network, which a ``module`` of the user's replaces (augmentation included)
_REPLACED_BY_MODULE = ("conv_filters", "kernel_size", "strides", "padding", "convs_per_block", "pooling", "pool_size",
                       "batch_norm", "activation", "dropout", "dense_layers", "augment", "kernel_initializer")
_MONOTONE = {"relu", "leaky_relu", "elu", "selu", "tanh", "sigmoid", "logistic", "identity"}


class ConvNet(nn.Module):
    """Convolution blocks, then a dense head: a LeNet-style network built from parameters.

    Block i is ``convs_per_block[i]`` x [Conv2d -> (BatchNorm) -> activation], then
    pooling and dropout of whole feature maps (Keras' ``SpatialDropout2D``). Pooling is
    skipped where the feature map is already smaller than the window, and maps larger than
    4x4 after the last block are averaged down to 4x4, so the same network runs on 8x8 and
    on 224x224 images. Max pooling runs before the block's last activation where the two
    commute (an activation that never decreases, such as relu): the same function, with the
    activation on a quarter of the values (8% of a training step on a 2-core CPU).

    Parameters
    ----------
    in_channels : int
    image_size : (height, width)
    n_outputs : int
    conv_filters : sequence of int, filters of each block
    kernel_size, strides : int or (int, int)
    padding : {'same', 'valid'}
    convs_per_block : int, sequence of int, or 'auto': the same for every block, one per block, or one in the
        first block and two in each later one
    pooling : {'max', 'avg', None}
    pool_size : int
    batch_norm : bool
    activation : str
    dropout : float, of whole feature maps after each block, and of units in each dense layer
    dense_layers : sequence of int
    augment : dict or None, arguments of :class:`sknn._images.Augment`
    channels_last : bool, run the convolutions on channels-last (NHWC) tensors
    """

    def __init__(self, in_channels, image_size, n_outputs, conv_filters=(32, 64), kernel_size=3, strides=1,
                 padding="same", convs_per_block=1, pooling="max", pool_size=2, batch_norm=False,
                 activation="relu", dropout=0.0, dense_layers=(128,), augment=None, channels_last=False):
        super().__init__()
        self.channels_last = channels_last
        self.augment = Augment(**augment) if augment else None
        k, s = _pair(kernel_size), _pair(strides)
        h, w = image_size
        layers, c = [], in_channels
        if isinstance(convs_per_block, str) and convs_per_block != "auto":
            raise ValueError(f"convs_per_block={convs_per_block!r}: pass 'auto', a whole number or one per block.")
        counts = ((1,) + (2,) * (len(conv_filters) - 1) if isinstance(convs_per_block, str) else
                  check_sizes(convs_per_block, "convs_per_block", lengths=(len(conv_filters),), allow_int=True))
        for block, (filters, n_convs) in enumerate(zip(conv_filters, counts * len(conv_filters) if len(counts) == 1
                                                       else counts)):
            for j in range(n_convs):
                stride = s if j == 0 else (1, 1)
                pad = (k[0] // 2, k[1] // 2) if padding == "same" else (0, 0)
                h2, w2 = (h + 2 * pad[0] - k[0]) // stride[0] + 1, (w + 2 * pad[1] - k[1]) // stride[1] + 1
                if h2 < 1 or w2 < 1:
                    raise ValueError(f"A {h}x{w} feature map is too small for a {k[0]}x{k[1]} kernel with "
                                     f"padding={padding!r} (block {block}, convolution {j}); use padding='same', "
                                     "fewer blocks or convolutions (convs_per_block=1), or larger images.")
                layers.append(nn.Conv2d(c, filters, k, stride=stride, padding=pad))
                if batch_norm:
                    layers.append(nn.BatchNorm2d(filters))
                layers.append(make_activation(activation))
                c, h, w = filters, h2, w2
            if pooling is not None and (h >= pool_size or w >= pool_size):
                window = (min(pool_size, h), min(pool_size, w))
                if pooling == "max":
                    at = len(layers) - 1 if activation in _MONOTONE else len(layers)  # before the activation
                    layers.insert(at, nn.MaxPool2d(window))
                else:
                    layers.append(nn.AvgPool2d(window))
                h, w = h // window[0], w // window[1]
            if dropout > 0:  # whole maps: neighbouring pixels are too alike for pixel dropout to regularise
                layers.append(nn.Dropout2d(dropout))
        if h * w > 16:
            layers.append(nn.AdaptiveAvgPool2d((min(h, 4), min(w, 4))))
            h, w = min(h, 4), min(w, 4)
        self.features = nn.Sequential(*layers)
        head, width = [nn.Flatten()], c * h * w
        for units in dense_layers:
            head += [nn.Linear(width, units), make_activation(activation)]
            if dropout > 0:
                head.append(nn.Dropout(dropout))
            width = units
        head.append(nn.Linear(width, n_outputs))
        self.classifier = nn.Sequential(*head)

    def forward(self, X):
        if self.augment is not None:  # (first: its moves give back the plain layout)
            X = self.augment(X)
        if self.channels_last:  # NHWC: the layout oneDNN's and cuDNN's fastest convolutions use
            X = X.contiguous(memory_format=torch.channels_last)
        return self.classifier(self.features(X))


class ConvImageClassifier(ImageInputMixin, NeuralClassifierMixin, ClassifierMixin, BaseNeuralNetwork):
    """Convolutional image classifier on PyTorch, with scikit-learn's API.

    Images come as arrays ((n, H, W) grey, (n, H, W, C) or (n, C, H, W)), as flat rows
    with ``image_shape`` (after scikit-learn transformers in a pipeline), or as a list of
    file paths read lazily and resized to ``image_size`` (see
    :func:`sknn.datasets.image_folder`). Labels may be of any type.

    Parameters
    ----------
    conv_filters : tuple of int, default=(32, 64, 128)
        Filters of each convolution block. The last maps are averaged to at most 4x4 before the
        dense layers; with ``()`` (no convolution) so are the images themselves.
    kernel_size : int or (int, int), default=3
    strides : int or (int, int), default=1
        Stride of the first convolution of each block.
    padding : {'same', 'valid'}, default='same'
        'same' pads ``kernel_size // 2`` on each side: the size is kept for an odd kernel, one
        pixel added by an even one.
    convs_per_block : int, tuple of int or 'auto', default='auto'
        Convolutions in each block, or one count per block (``(1, 2, 2)``: deeper where the maps are small and a
        convolution costs least). 'auto': one in the first block, two in each later one, (1, 2, 2) for three
        blocks: on Fashion-MNIST's development split, 0.6 point above one convolution a block in the same time
        (10 epochs against 21; benchmarks/RESULTS.md).
    pooling : {'max', 'avg'} or None, default='max'
    pool_size : int, default=2
    batch_norm : bool, default=True
    activation : str, default='relu'
        Any activation of the dense networks ('relu', 'tanh', 'leaky_relu', 'elu', ...).
    dropout : float, default=0.1
        Dropout after each block, of whole feature maps (neighbouring pixels are too alike
        for pixel dropout to regularise much, and one draw per map costs far less than one
        per pixel), and of units in each dense layer.
    dense_layers : tuple of int, default=(128,)
        Units of the dense layers between the convolutions and the output.
    augment : dict or None, default=None
        Training-time augmentation, e.g. ``{"horizontal_flip": True, "shift": 0.1,
        "rotation": 10, "zoom": 0.1, "erase": 0.5}`` (shift and zoom as fractions,
        rotation in degrees, erase the probability of zeroing a random rectangle of 2% to
        33% of an image). Without rotation or zoom, shifts move whole pixels, so no image
        is blurred. None by default: no transform is right for every kind of image
        (flipping digits or text changes their class), and in the recipe's time none
        helped on Fashion-MNIST's development split (a 2-pixel shift cost 0.2 point in 21
        epochs of the earlier network, erasing changed nothing; benchmarks/RESULTS.md).
    image_shape : tuple or None, default=None
        For flat rows: (height, width), or (height, width, channels) or (channels,
        height, width) as ``data_format`` says (``image_shape_`` is in the second
        order). None takes a square grey image when the row length is a square, else one
        line of pixels (a length that is a colour square, 3 x 32 x 32, asks for this).
    data_format : {'auto', 'channels_last', 'channels_first'}, default='auto'
        The channel axis of 4-D arrays and of a 3-entry ``image_shape``. 'auto' takes the
        axis of size 1, 3 or 4 and asks for this parameter when both ends qualify or
        neither does.
    image_size : (int, int) or None, default=None
        Size files are resized to (required for files of different sizes, which are
        refused without it; default: the files' size); arrays are taken at their own
        size (resize them first, e.g. with ``torch.nn.functional.interpolate``). Files are read with 3 channels if
        any of them is in colour, else 1; 8-bit files are scaled to [0, 1], 16-bit ones
        from 0-65,535, float ones taken as they are when within [0, 1].
    skip_bad_images : bool, default=False
        In training (``fit``, ``partial_fit``), leave unreadable image files (missing, not
        an image, truncated, decompression bombs) out with a warning naming each, instead
        of raising. Predictions give one output per input, so ``predict``,
        ``predict_proba`` and ``score`` raise a ValueError naming the unreadable files
        either way.
    module : torch.nn.Module class or callable, default=None
        Your own network: called as ``module(in_channels, (height, width), n_classes)``; it
        takes float32 images (n, C, H, W) and returns one logit per class (n, n_classes).
        It replaces the network the parameters above describe (augmentation included), and
        is part of the architecture (``architecture_``).
    channels_last : bool, default=True
        Run the convolutions on channels-last (NHWC) tensors, the layout of the fastest
        CPU (oneDNN) and GPU (cuDNN) kernels: an epoch takes about a third less time on a
        2-core CPU (benchmarks/RESULTS.md).
    compile : bool, default=False
        Compile the network with ``torch.compile`` (first epoch slower, later ones
        faster where the compiler helps).
    label_smoothing : float, default=0.1
        Training targets of ``1 - label_smoothing`` for the true class, the rest spread over the classes by their
        shares of the training samples (``class_prior_``; evenly when balanced); validation losses are unsmoothed.
    kernel_initializer, optimizer, learning_rate_init, learning_rate, momentum, nesterov, \
alpha, l1, batch_size, max_iter, shuffle, early_stopping, validation_fraction, \
n_iter_no_change, tol, class_weight, warm_start, random_state, device, precision, \
verbose, callbacks, criterion
        As in :class:`sknn.DenseClassifier`, with the image recipe's own defaults: AdamW at
        ``learning_rate_init=0.005`` with a cosine decay over ``max_iter=10`` epochs and a
        decoupled weight decay of ``alpha=0.05`` (weights, not biases or batch norm), and
        ``batch_size='auto'`` meaning 64 images (at most the data's size); He-uniform starting
        weights (``kernel_initializer='he_uniform'``), and the last epoch's weights kept (no
        best-epoch selection, ``early_stopping=False``; with it, ``validation_fraction=0.1`` and
        ``n_iter_no_change=10``). Together with the network above (three blocks of 32, 64 and
        128 filters, of one, two and two convolutions, with batch norm, dropout 0.1) this is the
        recipe measured best on Fashion-MNIST in a CPU user's time (benchmarks/RESULTS.md,
        "Convolutional networks").
    n_jobs : int or None, default=None
        Torch threads for this fit (the setting is restored afterwards); -1 for every core, -2 for
        all but one, as in scikit-learn; None: torch's own setting. The convolutions' gradients are
        summed in an order that follows the number of threads, so two fits with the same
        ``random_state`` give identical predictions on the CPU on the same number of threads only:
        set ``n_jobs`` where fits must match across processes (``cross_val_score`` or
        ``GridSearchCV`` with ``n_jobs`` give each of their workers fewer threads).

    Attributes
    ----------
    classes_, class_prior_ : ndarray, the labels; their shares of the samples that train (weights included)
    image_shape_ : (channels, height, width)
        The shape of the images the network takes.
    pixel_max_ : float
        The largest pixel value of the training images after uint8 or uint16 scaling (an 8-bit
        array's largest level / 255, at most 1.0; 1.0 for files, which are read lazily: the white of
        their scale, whatever the pixels): images to predict more than 50 times beyond it, uint8 images or
        masks (0 and 1 only) when the model was fitted on floats beyond 50, and floats twice white
        or more when it was fitted on uint8 or uint16, are on another scale and refused.
    pixel_min_ : float
        The smallest pixel value of the training images after scaling. When it is not negative,
        images to predict with pixels below -0.25 times ``pixel_max_`` (standardised, centred or
        negated images) are refused.
    pixel_depth_ : float, 'files' or None
        255 or 65535 when fit had uint8 or uint16 images ('files': image files, whose levels
        are scaled to [0, 1] too; None: floats). Training
        images of uint8 0 and 1 only, or uint16 of 8-bit levels, are refused (scaled as their
        depth's levels they would be black), and so are such images of another depth at predict.
    pixel_dark_seen_ : bool
        Whether the training images included dark frames (fractional pixels within [-1, 1], or the levels 0 and 1
        only) on a 0-255 scale; if not, such images at predict get a warning (are they scaled to [0, 1], as the
        training images were not?), masks of 0 and 1 a refusal.
    n_features_in_ : int, for flat-row input
    architecture_ : dict, the network's parameters as fit built it (whatever set_params did since)
    history_, loss_curve_, loss_, best_loss_, n_iter_, validation_scores_, best_validation_score_, net_, device_
        As in :class:`sknn.DenseClassifier`.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sknn import ConvImageClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ConvImageClassifier(image_shape=(8, 8), batch_size=32, max_iter=10, random_state=0)
    >>> clf = clf.fit(X[:500] / 16, y[:500])
    >>> clf.image_shape_
    (1, 8, 8)
    >>> clf.score(X[500:700] / 16, y[500:700]) > 0.8
    True
    """

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        "conv_filters": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "strides": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "padding": [StrOptions({"same", "valid"})],
        "convs_per_block": [Interval(Integral, 1, None, closed="left"), "array-like", StrOptions({"auto"})],
        "pooling": [StrOptions({"max", "avg"}), None],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "batch_norm": ["boolean"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_layers": ["array-like"],
        "augment": [dict, None],
        "n_jobs": N_JOBS_CONSTRAINT,
        "image_shape": ["array-like", None],
        "data_format": [StrOptions({"auto", "channels_last", "channels_first"})],
        "image_size": ["array-like", Interval(Integral, 1, None, closed="left"), None],
        "skip_bad_images": ["boolean"],
        "channels_last": ["boolean"],
        "compile": ["boolean"],
        "kernel_initializer": [StrOptions(set(INITIALIZER_NAMES))],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _doc_section = "images"
    _architecture_params = ("conv_filters", "kernel_size", "strides", "padding", "convs_per_block", "pooling",
                            "pool_size", "batch_norm", "activation", "dropout", "dense_layers", "augment", "module",
                            "channels_last", "kernel_initializer", "image_shape", "data_format", "image_size")

    def __init__(self, conv_filters=(32, 64, 128), kernel_size=3, strides=1, padding="same", convs_per_block="auto",
                 pooling="max", pool_size=2, batch_norm=True, activation="relu", dropout=0.1,
                 dense_layers=(128,), augment=None, image_shape=None, data_format="auto", image_size=None,
                 skip_bad_images=False, module=None, channels_last=True, compile=False,
                 kernel_initializer="he_uniform", optimizer="adamw",
                 learning_rate_init=0.005, learning_rate="cosine", momentum=0.9, nesterov=True, alpha=0.05,
                 l1=0.0, batch_size="auto", max_iter=10, shuffle=True, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, class_weight=None, label_smoothing=0.1,
                 warm_start=False,
                 random_state=None, n_jobs=None, device="auto", precision="32", verbose=0, callbacks=None,
                 criterion=None):
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.convs_per_block = convs_per_block
        self.pooling = pooling
        self.pool_size = pool_size
        self.batch_norm = batch_norm
        self.activation = activation
        self.dropout = dropout
        self.dense_layers = dense_layers
        self.augment = augment
        self.image_shape = image_shape
        self.data_format = data_format
        self.image_size = image_size
        self.skip_bad_images = skip_bad_images
        self.module = module
        self.channels_last = channels_last
        self.compile = compile
        self.kernel_initializer = kernel_initializer
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
        self.label_smoothing = label_smoothing
        self.warm_start = warm_start
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks
        self.criterion = criterion

    # -- the image input -----------------------------------------------------------
    def _check_params(self, continuing=False):
        check_sizes(self.conv_filters, "conv_filters")
        check_sizes(self.dense_layers, "dense_layers")
        check_sizes(self.kernel_size, "kernel_size", lengths=(2,), allow_int=True)
        check_sizes(self.strides, "strides", lengths=(2,), allow_int=True)
        for name in ("pool_size", "convs_per_block"):  # (bools pass the constraints' Integral: True as 1)
            if isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name}={getattr(self, name)!r}: pass a whole number, e.g. {name}=2.")
        if not isinstance(self.convs_per_block, str):  # ('auto': checked by the constraints)
            check_sizes(self.convs_per_block, "convs_per_block", lengths=(len(self.conv_filters),), allow_int=True)
        self._check_image_params()
        Augment.check_options(self.augment)

    def _batch_size(self, n_samples):
        # images learn best from smaller batches than tables: 64 is the recipe's (RESULTS.md; 128 until 2026-12-03)
        return min(64, n_samples) if self.batch_size == "auto" else super()._batch_size(n_samples)

    def _file_image_shape(self, paths):
        c, h, w = super()._file_image_shape(paths)
        return (c if self.module is None else 3, h, w)

    def _source(self, X, y=None, sample_weight=None):
        return self._image_source(X, y, sample_weight)

    def _build_module(self):
        arch = self.architecture_  # the parameters as they were when the network was first built
        c, h, w = self.image_shape_
        n_outputs = self._n_outputs()
        custom = self._custom_module(c, (h, w), n_outputs)
        if custom is not None:  # (the network's parameters, set, would not apply: said)
            replaced_parameters_warning(self, arch, _REPLACED_BY_MODULE)
            return custom
        net = ConvNet(c, (h, w), n_outputs, conv_filters=arch["conv_filters"], kernel_size=arch["kernel_size"],
                      strides=arch["strides"], padding=arch["padding"], convs_per_block=arch["convs_per_block"],
                      pooling=arch["pooling"], pool_size=arch["pool_size"], batch_norm=arch["batch_norm"],
                      activation=arch["activation"], dropout=arch["dropout"], dense_layers=arch["dense_layers"],
                      augment=arch["augment"], channels_last=arch["channels_last"])
        net = initialize_weights(net, arch["kernel_initializer"], arch["activation"])
        return net.to(memory_format=torch.channels_last) if arch["channels_last"] else net

    _engine_params = ("device", "compile")

    def _engine_kwargs(self):
        return {"compile": self.compile}

    def _predict_batch_size(self):
        return max(self.net_.batch_size, 256)  # images: activations grow fast with the batch

    # -- ONNX export -------------------------------------------------------------------
    def _onnx_graph(self, network):
        """``images`` float32 (B, C, H, W) of the fitted C, H, W -> ``probabilities`` (B, n_classes)."""
        c, h, w = (int(v) for v in self.image_shape_)
        inputs = [{"name": "images", "dtype": "float32", "shape": ["batch", c, h, w], "layout": "NCHW",
                   "description": f"images of {h}x{w} pixels with {c} channel(s), channels first"}]
        prep = {"layout": "NCHW", "channels": c, "height": h, "width": w,
                "pixel_scaling": "uint8 images are divided by 255, uint16 ones by 65535; other numbers are taken as "
                                 "they are, in the scale used in fit",
                "steps_outside_graph": [("images to float32 (B, C, H, W): grey (B, H, W) gets a channel axis, "
                                        "channels-last arrays are transposed, flat rows are reshaped with "
                                        "image_shape (H, W[, C]), files are read and resized to image_size"),
                                        "uint8 / 255, uint16 / 65535"],
                "steps_in_graph": ["the network", "softmax"]}
        return OnnxGraph(Probabilities(network), (torch.zeros(3, c, h, w),), inputs, ({0: torch.export.Dim("batch")},),
                         proba_output(["batch", len(self.classes_)]), prep)

    def _onnx_feed(self, X):
        return {"images": self._image_array(X)}

    # -- seeing what was learned -----------------------------------------------------
    def first_layer_filters(self):
        """The first convolution's kernels, an array (filters, channels, kh, kw)."""
        check_is_fitted(self, "net_")
        conv = next((m for m in self._fitted_module().modules() if isinstance(m, nn.Conv2d)), None)
        if conv is None:
            raise ValueError("The network has no convolution (conv_filters=(), or a module without nn.Conv2d): it has "
                             "no filters to show.")
        return conv.weight.detach().cpu().numpy().copy()

    def feature_maps(self, X, layer=0):
        """The activations after the ``layer``-th convolution (and its activation) for the first image of X.

        Parameters
        ----------
        X : images in any form ``fit`` accepts, e.g. ``X[:1]`` or ``[path]``
        layer : int, which convolution (0 is the first)

        Returns
        -------
        maps : ndarray of shape (channels, height, width)
        """
        images = self._check_X(X, reset=False)
        X = next(self._source(images[:1]).batches(1, device=self.net_.device))[0]
        module = self._fitted_module()
        if not isinstance(module, ConvNet):
            raise ValueError(f"feature_maps reads the layers of sknn's ConvNet, and this model's network is "
                             f"{type(module).__name__} (module=...): call its layers on the images yourself.")
        seen, features = -1, list(module.features)
        n_convs = sum(isinstance(m, nn.Conv2d) for m in features)
        if isinstance(layer, (bool, np.bool_)) or not isinstance(layer, Integral) or not 0 <= layer < n_convs:
            raise ValueError(f"layer={layer!r}: pass the number of a convolution, a whole number from 0 to "
                             f"{n_convs - 1} (the network has {n_convs}).")
        with evaluating(module), torch.inference_mode():
            for i, m in enumerate(features):
                if seen == layer and not isinstance(m, (nn.Conv2d, nn.BatchNorm2d)):
                    if isinstance(m, nn.MaxPool2d) and i + 1 < len(features):
                        m = features[i + 1]  # the activation, which the network runs after the pooling
                    return m(X)[0].cpu().numpy()
                X = m(X)
                if isinstance(m, nn.Conv2d):
                    seen += 1
        return X[0].cpu().numpy()  # (the last convolution's, where nothing follows it)

    def plot_filters(self, ax=None):
        """Show the first layer's filters (first channel) as a grid of images: in a figure of its own, or in ``ax``
        (a matplotlib Axes) as one mosaic, each filter scaled to its own range; returns the Figure."""
        import matplotlib.pyplot as plt

        if ax is not None and not hasattr(ax, "imshow"):
            raise TypeError(f"ax must be a matplotlib Axes (such as plt.subplots()[1]), or None for a figure of its "
                            f"own; got {type(ax).__name__}.")
        filters = self.first_layer_filters()[:, 0]
        n = len(filters)
        cols = int(np.ceil(np.sqrt(n)))
        rows = int(np.ceil(n / cols))
        if ax is not None:
            kh, kw = filters.shape[1:]
            mosaic = np.full((rows * (kh + 1) - 1, cols * (kw + 1) - 1), np.nan)
            for i, f in enumerate(filters):
                spread = float(f.max() - f.min()) or 1.0
                r, c = divmod(i, cols)
                mosaic[r * (kh + 1):r * (kh + 1) + kh, c * (kw + 1):c * (kw + 1) + kw] = (f - f.min()) / spread
            ax.imshow(mosaic, cmap="gray")
            ax.axis("off")
            ax.set_title("First-layer filters")
            return ax.figure
        fig, axes = plt.subplots(rows, cols, figsize=(cols, rows))
        for i, a in enumerate(np.ravel(axes)):
            a.axis("off")
            if i < n:
                a.imshow(filters[i], cmap="gray")
        fig.suptitle("First-layer filters")
        return fig
