"""The ONNX export of the VGG estimators (:class:`sknn.TransferVGGClassifier`, :class:`sknn.VGGFeatureExtractor`):
images of any size, resized and normalised in the graph."""

import torch

from ._vgg import IMAGENET_MEAN, IMAGENET_STD, TransferGraph
from .export import OnnxGraph, proba_output

__all__ = ["vgg_onnx_graph"]


def vgg_onnx_graph(estimator, network, head):
    """The ONNX graph of a fitted VGG ``estimator``'s ``network``: ``images`` float32 (B, 3, H, W) of any H, W ->
    ``probabilities`` (B, n_classes), or without ``head`` the backbone's pooled ``features`` (B, n_features_out)."""
    size = [int(v) for v in network.image_size]
    scale = list(estimator._pixel_range) if estimator._pixel_range else [  # a backbone trained from random weights:
        min(0.0, getattr(estimator, "pixel_min_", 0.0)), estimator.pixel_max_]  # the training images' scale
    inputs = [{"name": "images", "dtype": "float32", "shape": ["batch", 3, "height", "width"], "layout": "NCHW",
               "description": f"RGB images of any size, channels first, values in [{scale[0]:g}, {scale[1]:g}]"}]
    prep = {"layout": "NCHW", "channels": 3, "image_size": size, "value_range": scale, "pixel_scaling": (
            f"uint8 images are divided by 255, uint16 ones by 65535; float images are taken as they are, in "
            f"[{scale[0]:g}, {scale[1]:g}]"),
            "mean": list(IMAGENET_MEAN), "std": list(IMAGENET_STD),
            "steps_outside_graph": ["images to float32 (B, C, H, W) as for ConvImageClassifier",
                                    "grey images: the channel repeated 3 times", "uint8 / 255, uint16 / 65535"],
            "steps_in_graph": [(f"bilinear resize to {size[0]}x{size[1]} (antialiased when shrinking, "
                               "align_corners=False)"), "(x - mean) / std per channel (ImageNet)",
                               "backbone", "head", "softmax"]}
    dims = {0: torch.export.Dim("batch"), 2: torch.export.Dim("height", min=2), 3: torch.export.Dim("width", min=2)}
    example = torch.rand(3, 3, size[0] + 5, size[1] + 7, generator=torch.Generator().manual_seed(0))
    if head:
        output = proba_output(["batch", len(estimator.classes_)])
    else:  # the backbone's pooled features, as transform returns them
        prep["steps_in_graph"] = prep["steps_in_graph"][:3]
        output = {"name": "features", "dtype": "float32", "shape": ["batch", int(estimator._n_features_out)],
                  "description": "the backbone's pooled features, as transform returns them"}
    return OnnxGraph(TransferGraph(network, head=head), (example,), inputs, (dims,), output, prep)
