"""Transfer learning from a pretrained VGG network: TransferVGGClassifier and VGGFeatureExtractor.

The VGG family is defined here with torchvision's exact layout (a ``cfgs`` dict of layer
lists and one ``make_layers``), so the standard ImageNet checkpoints load by name
(``features.0.weight`` ... ``classifier.6.bias``). For transfer, only the convolutional
part is kept: the dense top (about 124M of VGG16's 138M parameters) is never built;
a new head is trained for the user's classes on pooled features of a frozen backbone,
computed once per image and cached, and the last convolution blocks can then be
unfrozen and fine-tuned with a smaller learning rate.
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
from torch import nn

from ._base import BaseNeuralNetwork, NeuralClassifierMixin
from ._data import ArrayBatches
from ._engine import _MIN_ROWS, autocast, resolve_device, resolve_precision, seeded
from ._images import Augment, ImageInputMixin, resize_images, size_pair
from ._validation import build_within_memory, check_sizes
from .persist import SaveMixin

__all__ = ["BACKBONES", "VGG", "TransferNet", "TransferVGGClassifier", "VGGBackbone", "VGGFeatureExtractor",
           "load_vgg_weights", "make_layers", "vgg"]

# torchvision's configurations: numbers are 3x3 convolutions' output channels, "M" a 2x2 max pooling.
cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}
# backbone name -> (configuration, batch norm)
BACKBONES = {
    "vgg11": ("A", False), "vgg13": ("B", False), "vgg16": ("D", False), "vgg19": ("E", False),
    "vgg11_bn": ("A", True), "vgg13_bn": ("B", True), "vgg16_bn": ("D", True), "vgg19_bn": ("E", True),
}
# The ImageNet weights of the PyTorch model zoo (the hash prefix is checked on download).
URLS = {
    "vgg11": "https://download.pytorch.org/models/vgg11-8a719046.pth",
    "vgg13": "https://download.pytorch.org/models/vgg13-19584684.pth",
    "vgg16": "https://download.pytorch.org/models/vgg16-397923af.pth",
    "vgg19": "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth",
    "vgg11_bn": "https://download.pytorch.org/models/vgg11_bn-6002323d.pth",
    "vgg13_bn": "https://download.pytorch.org/models/vgg13_bn-abd245e5.pth",
    "vgg16_bn": "https://download.pytorch.org/models/vgg16_bn-6c64b313.pth",
    "vgg19_bn": "https://download.pytorch.org/models/vgg19_bn-c79401a0.pth",
}
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def make_layers(cfg, batch_norm=False):
    """torchvision's ``make_layers``: a layer list into ``nn.Sequential`` (indices are the weight names)."""
    layers, in_channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            v = int(v)
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


def _init_vgg(module):
    """torchvision's initialisation of VGG's layers."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.constant_(m.bias, 0)


class VGG(nn.Module):
    """The whole VGG network, in torchvision's layout (``features``, ``avgpool``, ``classifier``).

    sknn itself only ever builds its ``features``; this class states the layout contract
    of the checkpoints (build it on the meta device to read names and shapes for free).
    """

    def __init__(self, features, num_classes=1000, dropout=0.5, init_weights=True):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        channels = [m for m in features if isinstance(m, nn.Conv2d)][-1].out_channels
        self.classifier = nn.Sequential(
            nn.Linear(channels * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            _init_vgg(self)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


def _parse_backbone(backbone):
    """(cfg list, batch_norm, name or None) of a backbone name or a custom layer list."""
    if isinstance(backbone, str):
        if backbone not in BACKBONES:
            raise ValueError(f"Unknown backbone {backbone!r}; use one of {sorted(BACKBONES)} or a layer list "
                             "such as [16, 'M', 32, 'M'].")
        key, bn = BACKBONES[backbone]
        return cfgs[key], bn, backbone
    cfg = list(backbone)
    ok = len(cfg) > 0 and all(v == "M" or (isinstance(v, Integral) and not isinstance(v, bool) and v > 0)
                              for v in cfg)
    if not ok or not any(v != "M" for v in cfg):
        raise ValueError(f"backbone={backbone!r} is not a VGG layer list: give positive channel counts and 'M' "
                         "for pooling, with at least one convolution, e.g. [16, 'M', 32, 'M'].")
    return cfg, False, None


def vgg(backbone="vgg16", num_classes=1000, init_weights=True):
    """The whole torchvision-layout VGG of ``backbone`` (a name of ``BACKBONES`` or a layer list)."""
    cfg, bn, _ = _parse_backbone(backbone)
    return VGG(make_layers(cfg, bn), num_classes=num_classes, init_weights=init_weights)


def _expected_shapes(backbone):
    """Names and shapes of the whole network's state dict, computed on the meta device (no memory)."""
    with torch.device("meta"):
        net = vgg(backbone, init_weights=False)
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


def _read_state_dict(weights, backbone):
    """The state dict named by ``weights``: 'imagenet', a file path or a mapping."""
    if isinstance(weights, Mapping):
        return weights
    if weights == "imagenet":
        cfg, bn, name = _parse_backbone(backbone)
        if name is None:
            raise ValueError("weights='imagenet' exists for the standard backbones only "
                             f"({sorted(BACKBONES)}); a custom layer list takes a path, a state dict or None.")
        url = URLS[name]
        try:
            return torch.hub.load_state_dict_from_url(url, map_location="cpu", progress=False, check_hash=True,
                                                      weights_only=True)
        except Exception as exc:  # no network, a proxy, a broken download...
            file = url.rsplit("/", 1)[-1]
            cache = os.path.join(torch.hub.get_dir(), "checkpoints")
            raise RuntimeError(
                f"Could not get the ImageNet weights of {name} from {url} ({type(exc).__name__}: {exc}). "
                f"On a machine with network access, download {file} from that address, then either pass its path "
                f"as weights='/path/to/{file}' or copy it into torch.hub's cache, {cache}/{file}.") from exc
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise ValueError(f"weights={weights!r}: no such file. Pass 'imagenet', the path of a .pth/.pt or "
                         ".safetensors state dict, a state dict, or None for random weights.")
    if path.endswith(".safetensors"):
        try:
            from safetensors.torch import load_file
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("Reading .safetensors files needs safetensors: pip install 'sknn[safetensors]'.") \
                from exc
        return load_file(path, device="cpu")
    try:
        try:  # memory-mapped: the tensors that are dropped (the dense top) are never read from disk
            state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError:  # a file in the legacy (non-zip) format
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(f"Cannot read {path!r} as a PyTorch state dict ({type(exc).__name__}: {exc}); save one "
                         "with torch.save(model.state_dict(), path).") from exc
    if not isinstance(state, Mapping):
        raise ValueError(f"{path!r} holds a {type(state).__name__}, not a state dict; save one with "
                         "torch.save(model.state_dict(), path).")
    return state


def load_vgg_weights(weights, backbone="vgg16"):
    """The ``features.*`` tensors of a VGG checkpoint, checked against the layout of ``backbone``.

    Parameters
    ----------
    weights : 'imagenet', path to a .pth/.pt/.safetensors file, or a state dict
        A whole network's state dict (``features.*``, ``classifier.*``; the classifier is
        checked by name, then dropped) or the convolutional part alone (``features.*``).
    backbone : str or list
        A name of ``BACKBONES`` or a custom layer list.

    Returns
    -------
    dict of str -> torch.Tensor, loadable with ``strict=True`` into ``make_layers``'s output
    under the prefix ``features.``.
    """
    state = _read_state_dict(weights, backbone)
    for wrapper in ("state_dict", "model"):  # {'state_dict': {...}} as some training scripts save
        if set(state) == {wrapper} and isinstance(state[wrapper], Mapping):
            state = state[wrapper]
    if state and all(k.startswith("module.") for k in state):  # saved from DataParallel
        state = {k[len("module."):]: v for k, v in state.items()}
    expected = _expected_shapes(backbone)
    feature_keys = [k for k in expected if k.startswith("features.")]
    keys = set(state)
    missing = [k for k in feature_keys if k not in keys]
    top = [k for k in expected if not k.startswith("features.")]
    if keys & set(top):  # a whole network: its classifier must be the standard one, by name
        missing += [k for k in top if k not in keys]
    unexpected = sorted(keys - set(expected))
    wrong = [f"{k}: {tuple(state[k].shape)} instead of {expected[k]}" for k in feature_keys
             if k in keys and tuple(state[k].shape) != expected[k]]
    if missing or unexpected or wrong:
        name = backbone if isinstance(backbone, str) else f"backbone={list(backbone)}"
        parts = []
        for title, items in (("missing", missing), ("unexpected", unexpected), ("of the wrong shape", wrong)):
            if items:
                shown = ", ".join(items[:12]) + (f", ... ({len(items)} in all)" if len(items) > 12 else "")
                parts.append(f"{title}: {shown}")
        raise ValueError(f"The weights do not fit {name}: " + "; ".join(parts) + ". Pass the backbone the "
                         "weights were saved from (e.g. backbone='vgg16_bn' for a batch-norm checkpoint), or "
                         "weights of this backbone.")
    return {k[len("features."):]: state[k] for k in feature_keys}


class VGGBackbone(nn.Module):
    """VGG's convolutional part and a pooling to a feature vector; the top is never built.

    ``features`` holds torchvision's layer indices, so ``state_dict()`` has the standard
    names (``features.0.weight``...). Layers before ``first_trainable`` are frozen: they
    run without autograd (and in mixed precision on a GPU), and their batch-norm layers
    stay in evaluation mode.

    Parameters
    ----------
    backbone : str or list, a name of ``BACKBONES`` or a layer list
    pooling : {'avg', 'max', 'flatten'}
        Global average or maximum over the last feature map (one value per channel), or
        VGG's own 7x7 average pooling, flattened (channels x 49 values).
    """

    def __init__(self, backbone="vgg16", pooling="avg"):
        super().__init__()
        cfg, bn, _ = _parse_backbone(backbone)
        self.features = make_layers(cfg, bn)
        self.channels = [int(v) for v in cfg if v != "M"][-1]
        self.n_pools = sum(v == "M" for v in cfg)
        self.pooling = pooling
        if pooling == "flatten":
            self.pool = nn.Sequential(nn.AdaptiveAvgPool2d((7, 7)), nn.Flatten())
        else:
            self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1) if pooling == "avg" else nn.AdaptiveMaxPool2d(1),
                                      nn.Flatten())
        # the block of each layer: a block is the convolutions up to and including a pooling
        self.block_starts = [0]
        for i, layer in enumerate(self.features):
            if isinstance(layer, nn.MaxPool2d) and i + 1 < len(self.features):
                self.block_starts.append(i + 1)
        self.first_trainable = len(self.features)
        _init_vgg(self)

    @property
    def n_blocks(self):
        return len(self.block_starts)

    @property
    def n_features_out(self):
        return self.channels * (49 if self.pooling == "flatten" else 1)

    def set_trainable(self, blocks):
        """Unfreeze the last ``blocks`` convolution blocks ('all': every one) and freeze the others."""
        n = self.n_blocks if blocks == "all" else int(blocks)
        self.first_trainable = len(self.features) if n == 0 else self.block_starts[self.n_blocks - n]
        for i, layer in enumerate(self.features):
            for p in layer.parameters():
                p.requires_grad_(i >= self.first_trainable)
        self.train(self.training)
        return self

    def train(self, mode=True):
        super().train(mode)
        for layer in self.features[:self.first_trainable]:  # frozen batch norm keeps its statistics
            layer.train(False)
        return self

    def forward(self, x):
        k = self.first_trainable
        amp = x.is_cuda
        # bfloat16 where the GPU has it: float16's range can overflow in deep ReLU networks
        dtype = torch.bfloat16 if amp and torch.cuda.is_bf16_supported() else torch.float16
        if k > 0:
            with torch.no_grad(), torch.autocast("cuda", dtype=dtype, enabled=amp):
                x = self.features[:k](x)
            x = x.float()
        if k < len(self.features):
            with torch.autocast("cuda", dtype=dtype, enabled=amp and not torch.is_grad_enabled()):
                x = self.features[k:](x)
        return self.pool(x).float()


class TransferNet(nn.Module):
    """Images in [0, 1] -> resize, 3 channels, (augmentation), ImageNet normalisation -> backbone -> head.

    ``forward`` takes a batch of images (n, C, H, W) of any size, or the backbone's
    pooled features (n, n_features) when they were computed before (the cached path
    of a frozen backbone): those go straight to the head.

    Parameters
    ----------
    backbone : VGGBackbone
    n_outputs : int or None, None for no head (the feature extractor)
    head_layers : sequence of int, hidden ReLU layers of the head
    dropout : float, after each hidden layer of the head
    image_size : (height, width)
    augment : dict or None, arguments of :class:`sknn._images.Augment`
    channels_last : bool
    """

    def __init__(self, backbone, n_outputs=None, head_layers=(256,), dropout=0.5, image_size=(224, 224),
                 augment=None, channels_last=True):
        super().__init__()
        self.image_size = size_pair(image_size)
        self.channels_last = channels_last
        self.augment = Augment(**augment) if augment else None
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        self.backbone = backbone
        layers, width = [], backbone.n_features_out
        if n_outputs is not None:
            for units in head_layers:
                layers += [nn.Linear(width, int(units)), nn.ReLU()]
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
                width = int(units)
            layers.append(nn.Linear(width, n_outputs))
        self.head = nn.Sequential(*layers)

    def prepare(self, x):
        x = resize_images(x, self.image_size, channels=3)
        if self.augment is not None:
            x = self.augment(x)
        x = (x - self.mean) / self.std
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def encode(self, x):
        """Pooled backbone features of a batch of images."""
        return self.backbone(self.prepare(x))

    def forward(self, x):
        if x.ndim == 2:  # features computed before
            return self.head(x)
        return self.head(self.encode(x))


def _encode(module, source, batch_size, device, grad_free=torch.no_grad, amp_dtype=None):
    """Backbone features of every image of ``source``, with the targets and weights the source kept.

    Batches of fewer than 16 images are padded, as the engine's predictions are, so an
    image's features do not depend on the batch it came in. ``amp_dtype`` runs the
    backbone under autocast (mixed precision); the features come back in float32.
    """
    was_training = module.training
    module.eval()
    feats, ys, ws = [], [], []
    try:
        with grad_free(), autocast(device, amp_dtype):
            for Xb, yb, wb in source.batches(batch_size, device=device):
                n = len(Xb)
                if n < _MIN_ROWS:
                    Xb = torch.cat([Xb, Xb.new_zeros((_MIN_ROWS - n, *Xb.shape[1:]))])
                feats.append(module.encode(Xb)[:n].float().cpu())
                ys.append(None if yb is None else yb.cpu())
                ws.append(None if wb is None else wb.cpu())
    finally:
        module.train(was_training)
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
        self.images, self.network, self.encode_batch_size = images, network, encode_batch_size
        self.cached = None

    def __len__(self):
        return len(self.images if self.cached is None else self.cached)

    @property
    def sample_weight(self):
        return (self.images if self.cached is None else self.cached).sample_weight

    @sample_weight.setter
    def sample_weight(self, w):  # the fit cycle sets the weights of the rows it keeps
        (self.images if self.cached is None else self.cached).sample_weight = w

    def subset(self, indices):
        if self.cached is not None:
            return self.cached.subset(indices)
        return _FeatureCache(self.images.subset(indices), self.network, self.encode_batch_size)

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        if self.cached is None:
            net = self.network()
            self.cached = ArrayBatches(*_encode(net.module_, self.images, self.encode_batch_size, device,
                                                amp_dtype=net.amp_dtype))
        return self.cached.batches(batch_size, shuffle=shuffle, generator=generator, device=device)


def _check_image_size(image_size, n_pools):
    h, w = size_pair(image_size)
    if min(h, w) < 2 ** n_pools:
        raise ValueError(f"image_size={image_size!r} is too small for a backbone with {n_pools} pooling layers: "
                         f"each halves the image, so use at least {2 ** n_pools} (32 for the VGG networks).")


def _inference_batch_size(batch_size, image_size):
    """Images per inference batch: at least ``batch_size``, more for small images (about 256 of 64x64)."""
    h, w = size_pair(image_size)
    return max(int(batch_size), min(1024, 256 * 64 * 64 // (h * w)))


class _VGGInputMixin(ImageInputMixin):
    """The image input of the VGG estimators: any size (resized), grey or RGB (repeated to 3 channels)."""

    def _file_image_shape(self, paths):
        return (3, *size_pair(self.image_size))

    def _check_image_shape(self, shape, reset):
        if shape[0] not in (1, 3):
            raise ValueError(f"VGG takes grey (1 channel) or RGB (3 channel) images; got {shape[0]} channels. "
                             "Drop an alpha channel first (e.g. X[..., :3]).")
        if reset:
            self.image_shape_ = (3, *size_pair(self.image_size))

    def _check_vgg_params(self):
        self._check_image_params()
        cfg, _, name = _parse_backbone(self.backbone)
        _check_image_size(self.image_size, sum(v == "M" for v in cfg))
        if isinstance(self.weights, str) and self.weights != "imagenet" and not os.path.isfile(self.weights):
            raise ValueError(f"weights={self.weights!r}: no such file. Pass 'imagenet', the path of a .pth/.pt or "
                             ".safetensors state dict, a state dict, or None for random weights.")
        if self.weights == "imagenet" and name is None:
            raise ValueError("weights='imagenet' exists for the standard backbones only "
                             f"({sorted(BACKBONES)}); a custom layer list takes a path, a state dict or None.")

    def _make_backbone(self):
        """The backbone with its weights (random ones, from the global generator, when weights is None)."""
        state = None if self.weights is None else load_vgg_weights(self.weights, self.backbone)
        backbone = VGGBackbone(self.backbone, self.pooling)
        if state is not None:
            backbone.features.load_state_dict(state, strict=True)
        return backbone


_VGG_CONSTRAINTS = {
    "backbone": [StrOptions(set(BACKBONES)), list, tuple],
    "weights": [str, os.PathLike, Mapping, None],
    "image_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "pooling": [StrOptions({"avg", "max", "flatten"})],
    "image_shape": ["array-like", None],
    "data_format": [StrOptions({"auto", "channels_last", "channels_first"})],
    "skip_bad_images": ["boolean"],
    "channels_last": ["boolean"],
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
    ``image_size``), grey or RGB, with values in [0, 1] (uint8 arrays are scaled).

    Parameters
    ----------
    backbone : str or list, default='vgg16'
        'vgg11', 'vgg13', 'vgg16', 'vgg19' or their batch-norm variants ('vgg16_bn'...),
        or a custom layer list of 3x3 convolutions' channels and 'M' poolings, e.g.
        ``[16, 'M', 32, 'M']``.
    weights : 'imagenet', path, state dict or None, default='imagenet'
        'imagenet' downloads torchvision's checkpoint once into torch.hub's cache; a path
        reads a ``.pth``/``.pt`` (``torch.load(weights_only=True)``) or ``.safetensors``
        state dict; None starts from random weights. A whole network's checkpoint or
        its ``features.*`` part both work; keys or shapes that do not fit raise an error
        listing them.
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
        Training-time augmentation as in ConvImageClassifier, e.g. ``{"horizontal_flip":
        True, "shift": 0.1}``; the backbone then runs on every batch.
    cache_features : bool, default=True
        Compute a frozen backbone's features once per fit (without augmentation).
        False runs the backbone on every batch of every epoch.
    image_shape, data_format, skip_bad_images
        As in :class:`sknn.ConvImageClassifier`.
    channels_last : bool, default=True
        Run the convolutions on channels-last (NHWC) tensors.
    optimizer, learning_rate_init, learning_rate, momentum, nesterov, alpha, l1, \
batch_size, max_iter, shuffle, early_stopping, validation_fraction, n_iter_no_change, \
tol, class_weight, warm_start, random_state, device, precision, \
verbose, callbacks
        As in :class:`sknn.DenseClassifier`. ``warm_start=True`` keeps the network,
        head included, and applies the current ``fine_tune_blocks``.

    Attributes
    ----------
    classes_ : ndarray
    image_shape_ : (3, height, width), the images the backbone takes
    n_features_in_ : int, for flat-row input
    history_, loss_curve_, n_iter_, validation_scores_, best_validation_score_, net_, device_
        As in :class:`sknn.DenseClassifier`.

    See Also
    --------
    VGGFeatureExtractor : the backbone as a transformer, for any scikit-learn model.

    Examples
    --------
    A tiny VGG-style backbone, random weights (pass ``weights='imagenet'`` or a file for
    a pretrained one):

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
        "cache_features": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(self, backbone="vgg16", weights="imagenet", image_size=224, pooling="avg", head_layers=(256,),
                 dropout=0.5, fine_tune_blocks=0, backbone_lr_ratio=0.1, augment=None, cache_features=True,
                 image_shape=None, data_format="auto", skip_bad_images=False, channels_last=True, optimizer="adam",
                 learning_rate_init=0.001, learning_rate="constant", momentum=0.9, nesterov=True, alpha=0.0001,
                 l1=0.0, batch_size=32, max_iter=20, shuffle=True, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4, class_weight=None, warm_start=False, random_state=None,
                 device="auto", precision="32", verbose=0, callbacks=None):
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
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks

    # -- parameters and the network ----------------------------------------------------
    def _check_params(self):
        self._check_vgg_params()
        check_sizes(self.head_layers, "head_layers")
        Augment.check_options(self.augment)
        n_blocks = sum(v == "M" for v in _parse_backbone(self.backbone)[0][:-1]) + 1
        if self.fine_tune_blocks != "all" and self.fine_tune_blocks > n_blocks:
            raise ValueError(f"fine_tune_blocks={self.fine_tune_blocks}, but the backbone has {n_blocks} convolution "
                             f"blocks; pass at most {n_blocks}, or 'all'.")

    def _build_module(self, n_inputs, n_outputs):
        net = TransferNet(self._make_backbone(), n_outputs, head_layers=tuple(self.head_layers), dropout=self.dropout,
                          image_size=self.image_size, augment=self.augment, channels_last=self.channels_last)
        return net.to(memory_format=torch.channels_last) if self.channels_last else net

    def _make_engine(self, module, n_train, device, seed, incremental):
        module.backbone.set_trainable(self.fine_tune_blocks)  # a new fit, or a warm start's new settings
        return super()._make_engine(module, n_train, device, seed, incremental)

    def _engine_kwargs(self):
        return {"lr_multipliers": {"backbone.": float(self.backbone_lr_ratio)}}

    # -- data ----------------------------------------------------------------------------
    def _source(self, X, y=None, sample_weight=None):
        images = self._image_source(X, y, sample_weight)
        if self.cache_features and not self.augment and self.fine_tune_blocks == 0:
            return _FeatureCache(images, lambda: self.net_,
                                 _inference_batch_size(self._batch_size_value(len(images)), self.image_size))
        return images

    def _batch_size_value(self, n):
        return min(200, n) if self.batch_size == "auto" else self.batch_size

    def _predict_batch_size(self):
        return _inference_batch_size(self.net_.batch_size, self.image_size)

    def _forward(self, X, transform=None):
        check_is_fitted(self, "net_")
        images = self._check_X(X, reset=False)
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


class VGGFeatureExtractor(SaveMixin, _VGGInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                          BaseEstimator):
    """A pretrained VGG backbone as a scikit-learn transformer: images in, pooled features out.

    ``transform`` resizes the images to ``image_size``, repeats grey levels to 3
    channels, applies ImageNet's normalisation and returns the backbone's pooled
    features (512 per image for VGG with ``pooling='avg'``), computed in batches under
    ``torch.inference_mode`` (channels-last; mixed precision on a GPU). Put any
    scikit-learn model after it in a pipeline. ``fit`` learns nothing from the data: it
    checks the input and loads the weights.

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
    image_shape_ : (3, height, width)
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
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)
        self._images(X, reset=True)
        device = resolve_device(self.device)
        resolve_precision(self.precision, device)  # 'bf16' on a GPU without bfloat16: an error now, not later
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        with seeded(seed, device):
            self.module_ = build_within_memory(lambda: self._build_module(device), self, device, copies=1)
        self.device_ = device
        return self

    def _build_module(self, device):
        """The backbone without a head, with its weights, in evaluation mode on ``device``."""
        module = TransferNet(self._make_backbone(), None, image_size=self.image_size,
                             channels_last=self.channels_last).eval().to(device)
        return module.to(memory_format=torch.channels_last) if self.channels_last else module

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
        feats, _, _ = _encode(self.module_, source, _inference_batch_size(self.batch_size, self.image_size),
                              self.device_, grad_free=torch.inference_mode,
                              amp_dtype=resolve_precision(self.precision, self.device_))
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
