"""The VGG family with torchvision's exact layout, its weights, and the transfer network built on it.

A ``cfgs`` dict of layer lists and one ``make_layers`` define the eight VGG networks, so
the standard ImageNet checkpoints load by name (``features.0.weight`` ...
``classifier.6.bias``). For transfer only the convolutional part is built
(:class:`VGGBackbone`; the dense top, about 124M of VGG16's 138M parameters, never is),
and :class:`TransferNet` puts the image preparation in front of it and a new head after
it. The modules know nothing of training, data or estimators.
"""

import itertools
import os
from collections.abc import Mapping
from numbers import Integral

import torch
import torch.nn.functional as F
from torch import nn

from ._augment import Augment
from ._images import resize_images, size_pair

__all__ = ["BACKBONES", "IMAGENET_MEAN", "IMAGENET_STD", "URLS", "VGG", "TransferGraph", "TransferNet", "VGGBackbone",
           "check_image_size", "inference_batch_size",
           "cfgs", "load_vgg_weights", "make_layers", "no_weights_file", "parse_backbone", "vgg"]

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


def parse_backbone(backbone):
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
    cfg, bn, _ = parse_backbone(backbone)
    return VGG(make_layers(cfg, bn), num_classes=num_classes, init_weights=init_weights)


def _expected_shapes(backbone):
    """Names and shapes of the whole network's state dict, computed on the meta device (no memory)."""
    with torch.device("meta"):
        net = vgg(backbone, init_weights=False)
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


def no_weights_file(weights):
    """The error for a ``weights`` path that is not a file (checked with the parameters, and when read)."""
    import difflib

    near = isinstance(weights, str) and difflib.get_close_matches(weights.strip().lower(), ["imagenet"], cutoff=0.75)
    hint = " (ImageNet's weights: weights='imagenet')" if near else ""
    what = "a folder, not a file" if os.path.isdir(os.path.expanduser(weights)) else f"no such file{hint}"
    return ValueError(f"weights={weights!r}: {what}. Pass 'imagenet', the path of a .pth/.pt or "
                      ".safetensors state dict, a state dict, or None for random weights.")


def weights_file(weights):
    """The file a ``weights`` path names ('~' for the home folder, as pandas reads it), refused if it is none."""
    path = os.path.expanduser(os.fspath(weights))
    if not os.path.isfile(path):
        raise no_weights_file(weights)
    return path


def _read_state_dict(weights, backbone):
    """The state dict named by ``weights``: 'imagenet', a file path or a mapping."""
    if isinstance(weights, Mapping):
        return weights
    if weights == "imagenet":
        cfg, bn, name = parse_backbone(backbone)
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
    path = weights_file(weights)
    if path.endswith(".safetensors"):
        try:
            from safetensors.torch import load_file
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("Reading .safetensors files needs safetensors: pip install 'sknn[safetensors]'.") \
                from exc
        try:
            return load_file(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - safetensors' own error types: a damaged or foreign file
            raise ValueError(f"Cannot read {path!r} as a safetensors state dict ({type(exc).__name__}: {exc}); save "
                             "one with safetensors.torch.save_file(model.state_dict(), path).") from None
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
    for wrapper in ("state_dict", "model"):  # {'state_dict': {...}, 'epoch': 3} as some training scripts save
        if isinstance(state.get(wrapper), Mapping) and not any(str(k).startswith("features.") for k in state):
            state = state[wrapper]
    odd = next((k for k in state if not isinstance(k, str)), None)
    if odd is not None:
        raise ValueError(f"The weights' keys are not all parameter names: one is {odd!r:.60} ({type(odd).__name__}); "
                         "a state dict maps names such as 'features.0.weight' to tensors.")
    heads = {h for h in (k.split("features.", 1)[0] for k in state if "features." in k) if h[-1:] in ("", ".")}
    if len(heads) == 1:  # the wrappers before the backbone's names: DataParallel's, torch.compile's, Lightning's
        parts = heads.pop().split(".")[:-1]
        wrap = "".join(p + "." for p in itertools.takewhile({"module", "_orig_mod", "model"}.__contains__, parts))
        state = {k[len(wrap):] if wrap and k.startswith(wrap) else k: v for k, v in state.items()}
    if not any(str(k).startswith("features.") for k in state) and any(str(k).startswith("backbone.features.")
                                                                         for k in state):
        raise ValueError("The weights are those of a network holding the backbone (keys 'backbone.features.*': one "
                         "sknn saved, or a module of your own): pass the backbone's alone, "
                         "model.backbone_state_dict() of a fitted TransferVGGClassifier, or {k[len('backbone.'):]: v "
                         "for k, v in state.items() if k.startswith('backbone.')}.")
    expected = _expected_shapes(backbone)
    feature_keys = [k for k in expected if k.startswith("features.")]
    keys = set(state)
    # (batch norm's counters, absent from checkpoints saved before PyTorch 0.4.1: torch fills them in as it loads)
    missing = [k for k in feature_keys if k not in keys and not k.endswith(".num_batches_tracked")]
    top = [k for k in expected if not k.startswith("features.")]
    if keys & set(top):  # a whole network: its classifier must be the standard one, by name
        missing += [k for k in top if k not in keys]
    unexpected = sorted(keys - set(expected))
    kept = {k[len("features."):]: state[k] for k in feature_keys if k in keys}
    _check_weight_values(kept)  # (tensors, before their shapes are read)
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
    return kept


def _check_weight_values(tensors):
    """Refuse weights that are not tensors, not floating-point (integer levels of a quantized checkpoint without
    their scale; booleans), or not finite (a damaged checkpoint: every feature would be NaN)."""
    for key, value in tensors.items():
        if key.endswith("num_batches_tracked"):
            continue
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"The weights' features.{key} is of type {type(value).__name__}, not a torch tensor: "
                             "save the state dict of a torch module (numpy arrays: torch.from_numpy(array)).")
        if value.is_meta:
            raise ValueError(f"The weights' features.{key} is a tensor on the 'meta' device, which holds no values: "
                             "save the weights of a network built on the CPU or a GPU.")
        if not value.is_floating_point():
            raise ValueError(f"The weights' features.{key} holds {value.dtype} values, not floating-point weights "
                             "(a quantized checkpoint? dequantize it first, e.g. tensor.dequantize()).")
        if not torch.isfinite(value).all():
            raise ValueError(f"The weights' features.{key} holds NaN or infinite values: the checkpoint is damaged "
                             "(or was saved from a diverged training); pass other weights.")


class VGGBackbone(nn.Module):
    """VGG's convolutional part and a pooling to a feature vector; the top is never built.

    ``features`` holds torchvision's layer indices, so ``state_dict()`` has the standard
    names (``features.0.weight``...). Layers before ``first_trainable`` are frozen: they
    run without autograd (and in mixed precision on a GPU, or in bfloat16 under the CPU's
    autocast), and their batch-norm layers stay in evaluation mode.

    Parameters
    ----------
    backbone : str or list, a name of ``BACKBONES`` or a layer list
    pooling : {'avg', 'max', 'flatten'}
        Global average or maximum over the last feature map (one value per channel), or
        VGG's own 7x7 average pooling, flattened (channels x 49 values).
    """

    def __init__(self, backbone="vgg16", pooling="avg"):
        super().__init__()
        cfg, bn, _ = parse_backbone(backbone)
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


class TransferGraph(nn.Module):
    """Images of any size -> TransferNet's preparation (resize, normalisation) -> backbone -> head -> softmax
    (without ``head``: the backbone's pooled features, for VGGFeatureExtractor); what the ONNX graph computes.

    TransferNet.prepare decides per batch whether to antialias (when shrinking) and whether
    to repeat grey levels; here the image size is dynamic, so the resize always antialiases:
    when enlarging (or keeping the size) that is the same bilinear interpolation. The
    graph takes 3 channels; grey images are repeated in the ONNX model's feed.
    """

    def __init__(self, network, head=True):
        super().__init__()
        self.network, self.with_head = network, head

    def forward(self, images):
        net = self.network
        x = F.interpolate(images, size=net.image_size, mode="bilinear", align_corners=False, antialias=True)
        x = net.backbone((x - net.mean) / net.std)
        return torch.softmax(net.head(x), dim=1) if self.with_head else x



def check_image_size(image_size, n_pools):
    h, w = size_pair(image_size)
    if min(h, w) < 2 ** n_pools:
        raise ValueError(f"image_size={image_size!r} is too small for a backbone with {n_pools} pooling layers: "
                         f"each halves the image, so use at least {2 ** n_pools} (32 for the VGG networks).")


def inference_batch_size(batch_size, image_size):
    """Images per inference batch: at least ``batch_size``, more for small images (about 256 of 64x64)."""
    h, w = size_pair(image_size)
    return max(int(batch_size), min(1024, 256 * 64 * 64 // (h * w)))
