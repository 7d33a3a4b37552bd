"""Hostile image input: unreadable files, decompression bombs, bad architectures and arrays (tiny, seconds)."""

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

from sknn import ConvImageClassifier, TransferVGGClassifier, VGGFeatureExtractor

Image = pytest.importorskip("PIL.Image")

CONV = dict(conv_filters=(2,), dense_layers=(4,), max_iter=1, batch_size=4, device="cpu", random_state=0)
VGG = dict(backbone=[4, "M"], weights=None, image_size=8, device="cpu", channels_last=False, random_state=0)


@pytest.fixture
def files(tmp_path):
    rng = np.random.RandomState(0)
    good = []
    for i in range(8):
        path = tmp_path / f"img{i}.png"
        Image.fromarray((rng.rand(8, 8) * 255).astype(np.uint8)).save(path)
        good.append(str(path))
    bad = tmp_path / "not_an_image.png"
    bad.write_text("this is text")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(Path(good[0]).read_bytes()[:60])
    return {"good": good, "bad": str(bad), "truncated": str(truncated), "missing": str(tmp_path / "missing.png"),
            "folder": str(tmp_path), "labels": [0, 1] * 4}


def _messages(record):
    return [str(w.message) for w in record]


# -- one output per input ------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["bad", "truncated", "missing", "folder"])
def test_prediction_with_skip_bad_images_names_the_unreadable_file_instead_of_dropping_its_row(files, which):
    clf = ConvImageClassifier(skip_bad_images=True, **CONV).fit(files["good"], files["labels"])
    paths = files["good"][:3] + [files[which]] + files["good"][3:7]
    for method in (clf.predict, clf.predict_proba):
        with pytest.raises(ValueError, match=rf"{os.path.basename(files[which])}.*one output per input"):
            method(paths)
    assert len(clf.predict(files["good"])) == len(files["good"])  # readable files: one label each


def test_transform_with_skip_bad_images_gives_a_nan_row_per_unreadable_file(files):
    with pytest.raises(ValueError, match=r"missing\.png.*Fix or remove it"):  # fit read no file at all
        VGGFeatureExtractor(**VGG).fit([files["missing"], files["bad"]])
    vgg = VGGFeatureExtractor(skip_bad_images=True, **VGG).fit(files["good"])
    paths = files["good"][:3] + [files["bad"]] + files["good"][3:7] + [files["truncated"]]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = vgg.transform(paths)
    assert out.shape[0] == len(paths)  # one row per input, in order
    assert np.isnan(out[[3, 8]]).all() and np.isfinite(np.delete(out, [3, 8], axis=0)).all()
    np.testing.assert_allclose(out[4], vgg.transform(files["good"][3:4])[0], rtol=1e-5)
    assert any("not_an_image.png" in m for m in _messages(record))
    assert any("truncated.png" in m for m in _messages(record))
    with pytest.raises(ValueError, match=r"None of the 2 image files can be read.*not_an_image\.png"):
        vgg.transform([files["bad"], files["bad"]])
    strict = VGGFeatureExtractor(**VGG).fit(files["good"])
    with pytest.raises(ValueError, match=r"not_an_image\.png"):
        strict.transform(paths)


def test_transfer_classifier_predicts_one_label_per_input_or_names_the_files(files):
    clf = TransferVGGClassifier(skip_bad_images=True, head_layers=(4,), max_iter=1, **VGG)
    with pytest.warns(UserWarning, match=r"not_an_image\.png.*skipped"):
        clf.fit([files["bad"]] + files["good"], [1] + files["labels"])
    with pytest.raises(ValueError, match=r"not_an_image\.png"):
        clf.predict(files["good"][:2] + [files["bad"]])


def test_skip_bad_images_covers_the_first_file(files):
    paths, labels = [files["bad"]] + files["good"][1:], files["labels"]
    with pytest.warns(UserWarning, match=r"not_an_image\.png.*skipped"):
        clf = ConvImageClassifier(skip_bad_images=True, **CONV).fit(paths, labels)
    assert clf.image_shape_ == (1, 8, 8)  # taken from the first readable file
    with pytest.raises(ValueError, match=r"not_an_image\.png.*skip_bad_images=True"):
        ConvImageClassifier(**CONV).fit(paths, labels)


def test_skipping_every_image_of_a_class_is_refused(files):
    """The class stayed in classes_ and got probabilities learned from no image, without a word."""
    good, labels = files["good"], files["labels"]
    paths = good + [files["bad"], files["missing"]]
    with pytest.warns(UserWarning, match="skipped"), pytest.raises(
            ValueError, match=r"Every training image of the class 'lost' is unreadable \(.*not_an_image\.png"):
        ConvImageClassifier(skip_bad_images=True, early_stopping=False, **CONV).fit(
            paths, [str(v) for v in labels] + ["lost", "lost"])


def test_an_all_unreadable_batch_gets_a_clear_error(files):
    with pytest.warns(UserWarning), pytest.raises(ValueError, match=r"None of the 3 image files can be read"):
        ConvImageClassifier(skip_bad_images=True, **CONV).fit([files["bad"], files["missing"], files["folder"]],
                                                            [0, 1, 0])
    clf = ConvImageClassifier(**CONV).fit(files["good"], files["labels"])
    with pytest.raises(ValueError, match=r"2 of the image files cannot be read.*not_an_image.*missing\.png"):
        clf.predict([files["bad"], files["missing"]])


def test_decompression_bombs_are_named(files, tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 200)
    bomb, large = tmp_path / "bomb.png", tmp_path / "large.png"
    Image.new("L", (30, 30)).save(bomb)  # 900 pixels: over twice the limit, PIL refuses it
    Image.new("L", (15, 15)).save(large)  # 225 pixels: over the limit, PIL warns
    clf = ConvImageClassifier(**CONV).fit(files["good"], files["labels"])
    with pytest.raises(ValueError, match=r"bomb\.png.*decompression bomb"):
        clf.predict([str(bomb)])
    with pytest.raises(ValueError, match=r"bomb\.png"):
        ConvImageClassifier(**CONV).fit([str(bomb)] + files["good"][1:], files["labels"])
    with pytest.warns(UserWarning, match=r"bomb\.png.*skipped"):
        ConvImageClassifier(skip_bad_images=True, **CONV).fit([str(bomb)] + files["good"][1:], files["labels"])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        resized = ConvImageClassifier(image_size=8, **CONV).fit(files["good"], files["labels"])  # 15x15 to 8x8
        assert len(resized.predict([str(large), files["good"][0]])) == 2
    bombs = [str(w.message) for w in record if issubclass(w.category, Image.DecompressionBombWarning)]
    assert bombs and all("large.png" in m for m in bombs)  # the warning names the file (PIL's alone would not)


# -- architecture parameters ---------------------------------------------------------------------
@pytest.mark.parametrize("param, value", [
    ("dense_layers", (0,)), ("dense_layers", (8, -1)), ("dense_layers", (2.5,)), ("dense_layers", (True,)),
    ("conv_filters", (-1,)), ("conv_filters", (0,)), ("conv_filters", (4, 2.5)), ("kernel_size", (0, 3)),
    ("kernel_size", -1), ("kernel_size", (3, 3, 3)), ("strides", (1, 0)), ("image_size", (0, 4)),
    ("image_size", (8,) * 3), ("image_shape", (-8, -8)), ("image_shape", (8,)),
])
def test_conv_architecture_parameters_are_checked_before_any_work(param, value):
    X = np.random.RandomState(0).rand(8, 64)
    with pytest.raises(InvalidParameterError, match=rf"'?{param}'?[= ].*positive int|{param}' parameter .* range"):
        ConvImageClassifier(**{**CONV, param: value}).fit(X, [0, 1] * 4)


@pytest.mark.parametrize("param, value", [("head_layers", (0,)), ("head_layers", (4, -2)), ("image_size", (0, 8)),
                                          ("image_shape", (8, 0))])
def test_vgg_architecture_parameters_are_checked(param, value):
    X = np.random.RandomState(0).rand(8, 64)
    with pytest.raises(InvalidParameterError, match=rf"{param}=.*positive int"):
        TransferVGGClassifier(**{**VGG, "image_shape": (8, 8), param: value}).fit(X, [0, 1] * 4)
    if param != "head_layers":
        with pytest.raises(InvalidParameterError, match=rf"{param}="):
            VGGFeatureExtractor(**{**VGG, "image_shape": (8, 8), param: value}).fit(X)


# -- arrays and lists ------------------------------------------------------------------------------
def test_bad_image_containers_get_errors_naming_x(files):
    clf = ConvImageClassifier(**CONV)
    with pytest.raises(ValueError, match="X holds no image"):
        clf.fit([], [])
    with pytest.raises(TypeError, match=r"X\[1\] is 3 \(of type int\) but X\[0\] is a file path"):
        clf.fit([files["good"][0], 3], [0, 1])
    with pytest.raises(TypeError, match=r"X\[0\] is None.*X\[1\] is a file path"):
        clf.fit([None, files["good"][0]], [0, 1])
    with pytest.raises(ValueError, match="array of text"):
        clf.fit(np.array([["a"] * 64] * 8), [0, 1] * 4)


@pytest.mark.parametrize("scale, match", [(1e30, r"X \(the images\) holds values up to 1e\+30"),
                                          (np.inf, "contains infinity"), (np.nan, "contains NaN")])
def test_pixel_values_beyond_float32_training_are_refused(scale, match):
    X = np.random.RandomState(0).rand(8, 8, 8)
    X[3, 2, 1] = scale
    with pytest.raises(ValueError, match=match):
        ConvImageClassifier(**CONV).fit(X, [0, 1] * 4)
    fitted = ConvImageClassifier(**CONV).fit(np.random.RandomState(0).rand(8, 8, 8), [0, 1] * 4)
    with pytest.raises(ValueError, match=match):
        fitted.predict(X)


@pytest.mark.parametrize("augment, match", [
    ({"flip": True}, r"Unknown augment keys \['flip'\]"), ({"shift": -0.1}, r"augment\['shift'\]=-0.1"),
    ({"zoom": 2.0}, r"augment\['zoom'\]=2.0: zoom must be a number in \[0, 1\]"), ({"rotation": "10"}, "rotation"),
    ({"erase": 1.5}, r"augment\['erase'\]=1.5: erase must be a number in \[0, 1\]"),
    ({"horizontal_flip": "yes"}, r"augment\['horizontal_flip'\]='yes': horizontal_flip must be True or False"),
])
def test_augmentation_options_are_checked_by_both_image_families(augment, match):
    X = np.random.RandomState(0).rand(8, 64)
    with pytest.raises(ValueError, match=match):
        ConvImageClassifier(augment=augment, **CONV).fit(X, [0, 1] * 4)
    with pytest.raises(ValueError, match=match):
        TransferVGGClassifier(augment=augment, image_shape=(8, 8), **VGG).fit(X, [0, 1] * 4)


def test_dataset_files_that_lie_about_their_size_or_are_not_text(tmp_path):
    from sknn.datasets import read_conllu, read_idx

    idx = tmp_path / "images-idx3-ubyte"
    idx.write_bytes(bytes([0, 0, 8, 3]) + (60000).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2 + b"\0" * 100)
    with pytest.raises(ValueError, match=r"shape \(60000, 28, 28\), but the file holds 100 bytes"):
        read_idx(idx)
    conllu = tmp_path / "treebank.conllu"
    conllu.write_bytes(b"1\tThe\tthe\tDET\t_\t_\t0\t_\t_\t_\n\n\xff\xfe\x00binary")
    with pytest.raises(ValueError, match=r"treebank\.conllu, line 3: not UTF-8 text"):
        read_conllu(conllu)


# -- the scale of the pixels -------------------------------------------------------------------------
def test_images_on_another_pixel_scale_than_the_training_images_are_refused(files):
    rng = np.random.RandomState(0)
    X8 = (rng.rand(8, 8, 8) * 255).astype(np.uint8)
    for est in (ConvImageClassifier(**CONV), TransferVGGClassifier(max_iter=1, batch_size=4, **VGG)):
        est.fit(X8, [0, 1] * 4)  # uint8: scaled to [0, 1]
        expected = est.predict_proba(X8)
        # the same pixels as flat uint8 rows, and as floats in [0, 1], are the same images
        np.testing.assert_allclose(est.predict_proba(X8.reshape(8, 64)), expected, rtol=1e-5)
        np.testing.assert_allclose(est.predict_proba(X8 / 255.0), expected, rtol=1e-5)
        with pytest.raises(ValueError, match=r"pixel values reach 25\d, 25\d times the largest.*divide them by 255"):
            est.predict(X8.astype(np.float64))  # 0-255 as floats: 255 times the training scale
    clf = ConvImageClassifier(**CONV).fit(X8.astype(np.float32), [0, 1] * 4)  # floats taken as they are
    with pytest.raises(ValueError, match=r"X is uint8, so its pixels are scaled to \[0, 1\].*up to 25\d"):
        clf.predict(X8)
    with pytest.raises(ValueError, match=r"reach only 0\.\d+ in images 0, 1, 2 and 5 more of X, levels divided by "
                                         r"255 \(or 65,535\), but .* reach 25\d: X looks scaled to \[0, 1\]"):
        clf.predict(X8 / 255.0)  # floats in [0, 1] for a model of 0-255 floats: one class for every image
    with pytest.raises(ValueError, match=r"X is image files, read with their levels scaled to \[0, 1\]"):
        clf.predict(files["good"])
    np.testing.assert_array_equal(clf.predict(X8.astype(np.float32)), clf.predict(X8.astype(np.float64)))
    # 16-bit arrays are scaled as 16-bit files are (by 65,535; they were taken raw): the same images as floats
    X16 = X8.astype(np.uint16) * 257
    clf = ConvImageClassifier(**CONV).fit(X16, [0, 1] * 4)
    assert clf.pixel_max_ <= 1.0
    np.testing.assert_allclose(clf.predict_proba(X16 / 65535.0), clf.predict_proba(X16), rtol=1e-5)
    np.testing.assert_allclose(clf.predict_proba(X8), clf.predict_proba(X16), rtol=1e-5)  # 8-bit: the same levels
    with pytest.raises(ValueError, match=r"X is uint16, so its pixels are scaled"):
        ConvImageClassifier(**CONV).fit(X16.astype(np.float32), [0, 1] * 4).predict(X16)


def test_pretrained_backbones_refuse_pixels_outside_0_1_in_fit_too():
    """Pretrained VGG weights read [0, 1] pixels standardised with ImageNet's statistics (the backbone does
    it): 0-255 floats or images standardised beforehand give nonsense features, so they are refused even
    when fit and transform agree. Random weights (weights=None) and the ConvImageClassifier learn any scale."""
    rng = np.random.RandomState(0)
    X = rng.rand(4, 8, 8, 3)
    backbone = TransferVGGClassifier(max_iter=1, batch_size=4, **VGG).fit(X, [0, 1] * 2).backbone_state_dict()
    pretrained = dict(VGG, weights=backbone)
    for bad, values in ((X * 255, r"from 0\.\d+ to 25\d\.\d"), ((X - 0.45) / 0.22, r"from -2\.\d+ to 2\.\d+")):
        with pytest.raises(ValueError, match=rf"pixel values run {values}, but VGGFeatureExtractor takes pixels in "
                                             r"\[0, 1\] and standardises them itself"):
            VGGFeatureExtractor(**pretrained).fit(bad)
        with pytest.raises(ValueError, match=r"but TransferVGGClassifier takes pixels in \[0, 1\]"):
            TransferVGGClassifier(max_iter=1, batch_size=4, **pretrained).fit(bad, [0, 1] * 2)
        assert VGGFeatureExtractor(**VGG).fit(bad).transform(bad).shape[0] == 4  # random weights: any scale
    features = VGGFeatureExtractor(**pretrained).fit(X).transform(np.clip(X * 1.05, 0, None))  # overshoot: kept
    assert features.shape[0] == 4
    assert ConvImageClassifier(**CONV).fit(X * 255, [0, 1] * 2).predict(X * 255).shape == (4,)


def test_images_divided_by_255_twice_are_refused():
    """8-bit levels divided by 255 twice (or 16-bit ones by 65,535, then 255) are near-black images: a pretrained
    backbone fitted on them, and any model of [0, 1] pixels given them, read nothing, without a word."""
    rng = np.random.RandomState(0)
    levels = (rng.rand(4, 8, 8, 3) * 255).astype(np.uint8)
    backbone = TransferVGGClassifier(max_iter=1, batch_size=4, **VGG).fit(levels, [0, 1] * 2).backbone_state_dict()
    pretrained = dict(VGG, weights=backbone)
    with pytest.raises(ValueError, match=r"reach only 0\.0039\d* in images 0, 1, 2 and 1 more of X, on the grid .* "
                                         r"but VGGFeatureExtractor takes pixels in \[0, 1\]: multiply them by 255"):
        VGGFeatureExtractor(**pretrained).fit(levels / 255 / 255)
    assert VGGFeatureExtractor(**VGG).fit(levels / 255 / 255).transform(levels / 255 / 255).shape[0] == 4  # any scale
    deep = (rng.rand(4, 8, 8, 3) * 65535).astype(np.uint16)
    conv = ConvImageClassifier(**CONV).fit(levels / 255, [0, 1] * 2)
    for est in (VGGFeatureExtractor(**pretrained).fit(levels), conv):
        for twice in (levels / 255 / 255, deep / 65535 / 255):
            with pytest.raises(ValueError, match=r"reach only 0\.0039\d* in images 0, 1, 2 and 1 more of X .* "
                                                 r"divided by 255 \(or 65,535\) and by 255 again"):
                est.predict(twice) if hasattr(est, "predict") else est.transform(twice)
        black = np.zeros((1, 8, 8, 3))
        dark16 = (rng.rand(2, 8, 8, 3) * 200).astype(np.uint16) / 65535  # a truly dark 16-bit frame, divided once
        for frames in (black, dark16):
            assert len(est.predict(frames) if hasattr(est, "predict") else est.transform(frames)) == len(frames)
    assert VGGFeatureExtractor(**pretrained).fit(dark16).transform(dark16).shape[0] == 2  # (fitted on such frames too)


def test_vgg_warns_of_a_table_and_names_a_channel_axis_that_holds_no_channels(tmp_path, monkeypatch):
    rng = np.random.RandomState(0)
    with pytest.warns(UserWarning, match=r"X's rows of 5 values are no square image: VGGFeatureExtractor reads each "
                                         r"as one line of 5 pixels, stretched"):
        VGGFeatureExtractor(**VGG).fit(rng.rand(10, 5))  # (was read as (1, 1, 5) images, stretched to 8 x 8, silently)
    assert VGGFeatureExtractor(**dict(VGG, image_shape=(1, 5))).fit(rng.rand(10, 5)).input_image_shape_ == (1, 1, 5)
    with pytest.raises(ValueError, match=r"got 8 channels. No image has 8 channels: is the channel axis another of X's "
                                         r"\(data_format='channels_first' if"):  # (was: drop an alpha channel)
        VGGFeatureExtractor(**dict(VGG, data_format="channels_last")).fit(rng.rand(4, 3, 8, 8))
    with pytest.raises(ValueError, match=r"got 2 channels. Drop an alpha channel first \(e\.g\. X\[:, :1\]\)"):
        VGGFeatureExtractor(**dict(VGG, data_format="channels_first")).fit(rng.rand(4, 2, 8, 8))  # grey and alpha
    with pytest.raises(ValueError, match=r"weights='.*': a folder, not a file"):
        VGGFeatureExtractor(**dict(VGG, weights=str(tmp_path))).fit(rng.rand(4, 8, 8))
    state = TransferVGGClassifier(max_iter=1, batch_size=4, **VGG).fit(rng.rand(4, 8, 8), [0, 1] * 2)
    torch.save(state.backbone_state_dict(), tmp_path / "w.pth")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert VGGFeatureExtractor(**dict(VGG, weights="~/w.pth")).fit(rng.rand(4, 8, 8)).transform(
        rng.rand(2, 8, 8)).shape[0] == 2  # (was 'no such file')


def test_a_list_of_images_of_different_sizes_is_refused_naming_the_first_odd_one():
    images = [np.zeros((8, 8)), np.zeros((8, 8)), np.zeros((9, 8))]
    for est in (ConvImageClassifier(**CONV), VGGFeatureExtractor(**VGG)):
        with pytest.raises(ValueError, match=r"X\[2\] has shape \(9, 8\) but X\[0\] has shape \(8, 8\).*"
                                             r"image_size=\(height, width\)"):
            est.fit(images, [0, 1, 0]) if isinstance(est, ConvImageClassifier) else est.fit(images)


def test_one_grey_image_given_alone_is_told_to_be_a_batch_of_one():
    X = np.random.RandomState(0).rand(6, 8, 8)
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 3)
    with pytest.raises(ValueError, match=r"X has shape \(8, 8\), the size of one grey image.*X\[None\]"):
        clf.predict(X[0])
    assert clf.predict(X[0][None]).shape == (1,) and clf.predict(X.reshape(6, 64)).shape == (6,)
    extractor = VGGFeatureExtractor(**dict(VGG, image_size=16)).fit(X)  # VGG too, which resizes (was 8 rows)
    with pytest.raises(ValueError, match=r"X has shape \(8, 8\), the size of one grey image.*X\[None\]"):
        extractor.transform(X[0])
    # one grey image as wide as an image has pixels (64 x 64 after 8 x 8 images) was read as 64 flattened images by
    # VGG, which takes images of any size; a network that takes one size only has one reading: 64 images
    big = np.random.RandomState(1).rand(64, 64)
    with pytest.raises(ValueError, match=r"X has shape \(64, 64\): 64 rows of 64 pixels \(flattened images, one a "
                                         r"row\), or one 64x64 grey image"):
        extractor.transform(big)
    assert len(extractor.transform(big[None])) == 1 and clf.predict(big).shape == (64,)
    # at fit, and after a fit on rows, a square X is rows: 64 flattened 8 x 8 images (load_digits()[0][:64])
    rows = ConvImageClassifier(**dict(CONV, image_shape=(8, 8))).fit(big, [0, 1] * 32)
    assert rows.predict(big).shape == (64,)


def test_read_only_image_arrays_train_without_torch_warning(tmp_path):
    """A memory-mapped array (np.load(..., mmap_mode='r')) made torch warn 'The given NumPy array is not writable'."""
    import warnings

    np.save(tmp_path / "X.npy", np.random.RandomState(0).rand(6, 8, 8).astype(np.float32))
    X = np.load(tmp_path / "X.npy", mmap_mode="r")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ConvImageClassifier(**CONV).fit(X, [0, 1] * 3).predict(X).shape == (6,)


def test_16_bit_and_float_image_files_keep_their_levels(tmp_path):
    # PIL's convert("L") clipped 16-bit levels to 255 and float pixels to 0/1: two classes, one white image
    paths = [str(tmp_path / f"{name}.png") for name in ("dark", "bright")]
    Image.fromarray(np.full((8, 8), 1000, np.uint16)).save(paths[0])
    Image.fromarray(np.full((8, 8), 60000, np.uint16)).save(paths[1])
    clf = ConvImageClassifier(**CONV).fit(paths, ["dark", "bright"])
    np.testing.assert_allclose(clf._image_array(paths).reshape(2, -1)[:, 0], [1000 / 65535, 60000 / 65535], rtol=1e-5)
    floats = str(tmp_path / "half.tif")
    Image.fromarray(np.full((8, 8), 0.25, np.float32)).save(floats)
    assert clf._image_array([floats]).max() == pytest.approx(0.25)
    signed = str(tmp_path / "signed.tif")
    Image.fromarray(np.full((8, 8), -0.5, np.float32)).save(signed)
    with pytest.raises(ValueError, match=r"signed.tif.*floating-point pixels from -0.5 .* scale them to \[0, 1\]"):
        clf.predict([signed])


def test_one_colour_image_alone_is_named_for_every_image_estimator():
    X = np.random.RandomState(0).rand(4, 16, 16, 3).astype(np.float32)
    extractor = VGGFeatureExtractor(**VGG).fit(X)
    with pytest.raises(ValueError, match=r"shape \(16, 16, 3\), the shape of one colour image.*X\[None\]"):
        extractor.transform(X[0])  # was 16 grey images 3 pixels wide: 16 rows of features
    assert extractor.transform(X[0][None]).shape[0] == 1
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 2)
    with pytest.raises(ValueError, match=r"X\[None\]"):
        clf.predict(X[0])
    # channels first, torch's layout: was 3 grey images (3 labels, 3 rows of features) for one colour image
    vgg = TransferVGGClassifier(max_iter=1, **VGG).fit(X, [0, 1] * 2)
    for predict in (clf.predict, extractor.transform, vgg.predict):
        with pytest.raises(ValueError, match=r"shape \(3, 16, 16\): one 3-channel image .* X\[None\]"):
            predict(X[0].transpose(2, 0, 1))
    assert extractor.transform(X[:3, :, :, 0][:, None]).shape[0] == 3  # three grey images, with their channel axis


def test_image_files_in_colour_after_a_grey_one_make_colour_images(tmp_path):
    paths = []
    for name, pixel in (("a_grey", 128), ("b_red", (255, 0, 0)), ("c_blue", (0, 0, 255))):
        mode = "L" if isinstance(pixel, int) else "RGB"
        paths.append(str(tmp_path / f"{name}.png"))
        Image.new(mode, (8, 8), pixel).save(paths[-1])
    clf = ConvImageClassifier(**CONV).fit(paths, ["grey", "red", "blue"])
    assert clf.image_shape_ == (3, 8, 8)  # was (1, 8, 8): red and blue read as two greys
    images = clf._image_array(paths)
    assert images[1, 0, 0, 0] == 1 and images[2, 2, 0, 0] == 1 and images[0, 0, 0, 0] == images[0, 2, 0, 0]


def test_files_are_read_with_the_four_channels_of_a_model_fitted_on_rgba_arrays(tmp_path):
    """They were read as RGB and failed inside torch's convolution (expected 4 channels, got 3)."""
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(6, 8, 8, 4)).astype(np.uint8)
    clf = ConvImageClassifier(**CONV).fit(images, ["a", "b"] * 3)
    assert clf.image_shape_ == (4, 8, 8)
    paths = []
    for i, image in enumerate(images):
        paths.append(str(tmp_path / f"{i}.png"))
        Image.fromarray(image).save(paths[-1])  # RGBA
    np.testing.assert_allclose(clf.predict_proba(paths), clf.predict_proba(images), atol=1e-6)


def test_image_files_of_different_sizes_need_image_size(tmp_path):
    paths = [str(tmp_path / "a.png"), str(tmp_path / "b.png")]
    Image.new("L", (12, 12)).save(paths[0])
    Image.new("L", (40, 10)).save(paths[1])
    with pytest.raises(ValueError, match=r"different sizes .*a.png' is 12x12.*b.png' is 10x40.*image_size="):
        ConvImageClassifier(**CONV).fit(paths, [0, 1])
    assert ConvImageClassifier(**CONV, image_size=(8, 8)).fit(paths, [0, 1]).image_shape_ == (1, 8, 8)


# -- how images are named: shapes in either order, paths in any container --------------------------------
def test_a_channels_first_image_shape_for_flat_rows_is_read_as_such():
    rows = np.random.RandomState(0).rand(4, 3 * 5 * 6)
    images = rows.reshape(4, 3, 5, 6)  # (channels, height, width) rows, as CIFAR's files hold them
    for shape, fmt in [((3, 5, 6), "auto"), ((3, 5, 6), "channels_first")]:
        clf = ConvImageClassifier(image_shape=shape, data_format=fmt, **CONV).fit(rows, [0, 1] * 2)
        assert clf.image_shape_ == (3, 5, 6)
        np.testing.assert_array_equal(clf.predict_proba(rows), clf.predict_proba(images))
    assert ConvImageClassifier(image_shape=(5, 6, 3), **CONV).fit(rows, [0, 1] * 2).image_shape_ == (3, 5, 6)


def test_paths_as_a_series_are_read_and_one_path_or_bytes_are_refused(files):
    pd = pytest.importorskip("pandas")
    clf = ConvImageClassifier(**CONV).fit(pd.Series(files["good"]), files["labels"])
    assert len(clf.predict(pd.Series(files["good"]))) == 8
    if hasattr(np.dtypes, "StringDType"):  # numpy 2's strings: read as pixels ('could not convert string to float')
        strings = np.array(files["good"], dtype=np.dtypes.StringDType())
        np.testing.assert_array_equal(clf.predict_proba(strings), clf.predict_proba(files["good"]))
        np.testing.assert_array_equal(clf.predict_proba(strings.reshape(-1, 1)), clf.predict_proba(files["good"]))
    for X, said in [(files["good"][0], "X is one str"), (Path(files["good"][0]), "not a list of images"),
                    ([p.encode() for p in files["good"]], r"X\[0\] is bytes")]:
        with pytest.raises(TypeError, match=said):
            clf.predict(X)


def test_a_file_of_another_size_is_refused_at_predict_unless_image_size_resizes(files, tmp_path):
    other = tmp_path / "other.png"
    Image.fromarray(np.zeros((16, 4), np.uint8)).save(other)
    clf = ConvImageClassifier(**CONV).fit(files["good"], files["labels"])
    with pytest.raises(ValueError, match=r"is 16x4 \(height x width\), not the 8x8 of the training images: pass "
                                         r"image_size"):
        clf.predict([str(other)])
    assert len(ConvImageClassifier(image_size=8, **CONV).fit(files["good"], files["labels"]).predict([other])) == 1


def test_image_folder_takes_one_extension_any_case_and_warns_of_an_empty_class(tmp_path):
    from sknn.datasets import image_folder
    for label in ("cat", "dog", "empty"):
        (tmp_path / label).mkdir()
    for label in ("cat", "dog"):
        Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / label / "a.png")
        Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / label / "b.jpg")
    with pytest.warns(UserWarning, match="1 class folder.* left out: 'empty'"):
        paths, labels = image_folder(tmp_path, extensions=".PNG")
    assert [os.path.basename(p) for p in paths] == ["a.png", "a.png"] and labels.tolist() == ["cat", "dog"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links of POSIX")
def test_image_folder_follows_linked_folders_once(tmp_path):
    from sknn.datasets import image_folder
    store = tmp_path / "store"
    (store / "more").mkdir(parents=True)
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(store / "more" / "c.jfif", format="JPEG")
    (tmp_path / "data" / "cat").mkdir(parents=True)
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "data" / "cat" / "a.png")
    (tmp_path / "data" / "cat" / "linked").symlink_to(store / "more")  # a class's images kept elsewhere
    (tmp_path / "data" / "cat" / "again").symlink_to(tmp_path / "data" / "cat")  # a loop back to the class
    paths, labels = image_folder(tmp_path / "data")
    assert sorted(os.path.basename(p) for p in paths) == ["a.png", "c.jfif"] and labels.tolist() == ["cat"] * 2


def test_flat_rows_that_could_be_colour_images_ask_for_their_shape():
    rows = np.random.RandomState(0).rand(4, 3 * 8 * 8)
    with pytest.raises(ValueError, match=r"could be 8x8 images of 3 channels .* image_shape=\(8, 8, 3\)"):
        ConvImageClassifier(**CONV).fit(rows, [0, 1] * 2)
    assert ConvImageClassifier(image_shape=(1, 192), **CONV).fit(rows, [0, 1] * 2).image_shape_ == (1, 1, 192)


def test_integer_images_of_another_depths_levels_are_refused_not_read_black(tmp_path):
    rng = np.random.RandomState(0)
    X8 = (rng.rand(8, 8, 8) * 255).astype(np.uint8)
    clf = ConvImageClassifier(**CONV).fit(X8, [0, 1] * 4)
    for call in (clf.predict, lambda X: ConvImageClassifier(**CONV).fit(X, [0, 1] * 4)):  # another depth than fit's
        with pytest.raises(ValueError, match=r"X is uint16 with pixel values of 0 to 25\d only: 8-bit levels\? "
                                             r".*divided by 65,535.*X\.astype\(np\.uint8\)"):
            call(X8.astype(np.uint16))  # 8-bit levels in a uint16 array: /65,535 every image is black
    with pytest.raises(ValueError, match=r"X is uint8 with pixel values of 0 and 1 only: binary images\? "
                                         r".*X\.astype\(bool\)"):
        ConvImageClassifier(**CONV).fit((X8 > 127).astype(np.uint8), [0, 1] * 4)  # masks: 0 and 1/255
    masks = ConvImageClassifier(**CONV).fit(X8 > 127, [0, 1] * 4)  # as bool
    with pytest.raises(ValueError, match=r"X is uint8 with pixel values of 0 and 1 only"):
        masks.predict((X8 > 127).astype(np.uint8))  # uint8 after a bool fit: another depth
    np.testing.assert_array_equal(clf.predict(X8.astype(np.uint16) * 257), clf.predict(X8))  # real 16-bit: fine
    clf.predict(X8 // 200)  # a dark uint8 batch (levels 0 and 1) of a model fitted on uint8: its own depth
    with pytest.warns(UserWarning, match="at most 12 bits"):
        deep = ConvImageClassifier(**CONV).fit(X8.astype(np.uint16) * 16, [0, 1] * 4)  # 12-bit levels in uint16
    deep.predict((X8 // 2).astype(np.uint16))  # a dark exposure (levels up to 127) of the same depth
    # uint16 in either byte order, and pandas' nullable UInt8 columns, are scaled like native uint16 and uint8
    X16 = X8.astype(np.uint16) * 257
    np.testing.assert_allclose(clf.predict_proba(X16.astype(">u2")), clf.predict_proba(X8), rtol=1e-5)
    flat = ConvImageClassifier(image_shape=(8, 8), **CONV).fit(X8.reshape(8, 64), [0, 1] * 4)
    frame = pd.DataFrame(X8.reshape(8, 64)).astype("UInt8")
    np.testing.assert_allclose(flat.predict_proba(frame), flat.predict_proba(X8.reshape(8, 64)), rtol=1e-5)
    # a dark 16-bit file among others is read as 16-bit (a file alone is no evidence of another depth)
    path = tmp_path / "dark_sixteen.png"
    Image.fromarray(X8[0].astype(np.uint16)).save(path)
    assert clf.predict([str(path)]).shape == (1,)


def test_float_image_files_with_nan_pixels_are_refused_naming_the_file(tmp_path):
    rng = np.random.RandomState(0)
    paths = []
    for i in range(4):
        pixels = rng.rand(8, 8).astype(np.float32)
        if i == 2:
            pixels[3, 3] = np.nan  # PIL's extrema skip NaN
        paths.append(str(tmp_path / f"f{i}.tif"))
        Image.fromarray(pixels, mode="F").save(paths[-1])
    with pytest.raises(ValueError, match=r"f2\.tif.*NaN or infinite pixel values"):
        VGGFeatureExtractor(**VGG).fit(paths[:2]).transform(paths)
    # NaN as the first pixel (PIL's extrema are NaN then), or infinity: not 'no known scale: scale them to [0, 1]'
    for i, bad in ((2, np.nan), (3, np.inf)):
        pixels = rng.rand(8, 8).astype(np.float32)
        pixels[0, 0] = bad
        Image.fromarray(pixels, mode="F").save(paths[i])
        with pytest.raises(ValueError, match=rf"f{i}\.tif.*NaN or infinite pixel values"):
            VGGFeatureExtractor(**VGG).fit(paths[:2]).transform(paths[:2] + [paths[i]])


def test_pil_images_whose_arrays_are_not_pixel_levels_are_refused(tmp_path):
    rng = np.random.RandomState(0)
    grey = [Image.fromarray((rng.rand(8, 8) * 255).astype(np.uint8)) for _ in range(4)]
    clf = ConvImageClassifier(**CONV).fit(grey, [0, 1] * 2)  # grey PIL images: their arrays are the levels
    np.testing.assert_array_equal(clf.predict(grey), clf.predict(np.stack([np.asarray(g) for g in grey])))
    palette = [g.convert("P") for g in grey]  # how PIL opens GIFs: np.asarray gives palette indices
    with pytest.raises(TypeError, match=r"X\[0\] is a PIL image in mode 'P', whose array holds palette indices: "
                                        r"convert the images first"):
        clf.predict(palette)
    # one PIL image alone: its fix was 'X[None]', which a PIL image does not take
    with pytest.raises(ValueError, match=r"X is one PIL image \(mode 'L', 8x8\): pass images as a list, \[X\] for one"):
        clf.predict(grey[0])
    assert clf.predict([grey[0]]).tolist() == clf.predict(grey)[:1].tolist()


def test_one_image_without_its_batch_axis_is_refused_at_any_size():
    rng = np.random.RandomState(0)
    grey = VGGFeatureExtractor(**VGG).fit(rng.rand(6, 8, 8))  # resizes any size to 8x8
    with pytest.raises(ValueError, match=r"X has shape \(28, 28\): a 2-D X is read as rows .* fitted on images of "
                                         r"shape \(1, 8, 8\).*X\[None\]"):
        grey.transform(rng.rand(28, 28))
    assert grey.transform(rng.rand(3, 64)).shape[0] == 3  # rows of fit's images flattened: still rows
    colour = TransferVGGClassifier(max_iter=1, batch_size=4, **VGG).fit(rng.rand(6, 16, 16, 3), [0, 1] * 3)
    with pytest.raises(ValueError, match=r"X has shape \(3, 32, 32\): one 3-channel image .*X\[None\]"):
        colour.predict(rng.rand(3, 32, 32))


def test_images_of_weight_0_set_no_part_of_the_pixel_scale():
    rng = np.random.RandomState(0)
    X, y = rng.rand(8, 8, 8), [0, 1] * 4
    unweighted = ConvImageClassifier(**CONV).fit(X, y)
    weighted = ConvImageClassifier(**CONV).fit(np.r_[X, X[:4] * 255 - 100], y + y[:4],
                                               sample_weight=[1.0] * 8 + [0.0] * 4)  # 0-255, negative: weight 0
    for attribute in ("pixel_max_", "pixel_min_", "pixel_depth_"):
        assert getattr(weighted, attribute) == getattr(unweighted, attribute)
    np.testing.assert_array_equal(weighted.predict(X), unweighted.predict(X))  # the images it trained on
    for clf in (weighted, unweighted):
        with pytest.raises(ValueError, match=r"reach \d+, \d+ times the largest"):
            clf.predict(X * 4080)
    masks = (X > 0.5).astype(np.uint8)  # 0/1 levels of weight 0 beside real 8-bit images: the real ones decide
    ConvImageClassifier(**CONV).fit(np.r_[(X * 255).astype(np.uint8), masks], y * 2, sample_weight=[1] * 8 + [0] * 8)
    with pytest.raises(ValueError, match=r"uint8 with pixel values of 0 and 1 only"):
        ConvImageClassifier(**CONV).fit(np.r_[(X * 255).astype(np.uint8), masks], y * 2,
                                        sample_weight=[0] * 8 + [1] * 8)


def test_each_image_is_judged_alone_on_the_pixel_scale():
    """An image is refused or accepted alone as inside any batch: too dark for fit's scale is a rule on each image."""
    rng = np.random.RandomState(0)
    X = np.round(rng.rand(8, 8, 8) * 255)  # 8-bit levels as floats
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 4)
    black, levels_0_1, divided = np.zeros((8, 8)), (X[0] > 127).astype(float), X[0] / 255
    fade = X[0] * (0.9 / X[0].max())  # a real frame this dark (a fade to black): fractions off the 8-bit grid
    batch = np.stack([black, X[1], X[2]])  # could be real: accepted alone as in any batch, without warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        np.testing.assert_allclose(clf.predict_proba(black[None])[0], clf.predict_proba(batch)[0], rtol=1e-5)
    for batch in (levels_0_1[None], np.stack([X[1], levels_0_1, X[2]]), levels_0_1[None].astype(np.int64)):
        with pytest.raises(ValueError, match=r"only the values 0 and 1 in image \d of X \(each judged alone\): masks\?"
                                             r".*fitted on pixel values up to 255.*X \* 255\.0"):
            clf.predict(batch)  # masks as floats or integers, alone or not: refused as bool and uint8 ones are
    with pytest.warns(UserWarning, match=r"X holds 1 image whose pixel values lie within \[-1, 1\], with fractions.*"
                                         r"reach 255 \(a 0-255 scale\).*multiply them by 255 if they were divided, or "
                                         r"ignore this warning"):
        alone, in_batch = clf.predict_proba(fade[None])[0], clf.predict_proba(np.stack([fade, X[1], X[2]]))[0]
    np.testing.assert_allclose(alone, in_batch, rtol=1e-5)  # accepted, alone as in any batch
    for batch in (divided[None], np.stack([X[1], divided, X[2]])):  # fractions within [0, 1]: divided by 255
        with pytest.raises(ValueError, match=r"reach only 0\.\d+ in image \d of X.*X looks scaled to \[0, 1\]"):
            clf.predict(batch)
    floats = ConvImageClassifier(**CONV).fit(X / 255, [0, 1] * 4)
    u8 = X.astype(np.uint8)
    for batch in (u8[:1] > 127, np.stack([u8[1], u8[0] > 127, u8[2]])):  # 0/1 levels in uint8, alone or not
        with pytest.raises(ValueError, match=r"uint8 with pixel values of 0 and 1 only: binary images\? \(image \d "
                                             r"of X, each judged alone\).*X / 255"):
            floats.predict(batch.astype(np.uint8))
    dark = np.zeros((8, 8), np.uint8)
    np.testing.assert_allclose(floats.predict_proba(dark[None])[0],
                               floats.predict_proba(np.stack([dark, u8[1]]))[0], rtol=1e-5)
    sixteen = ConvImageClassifier(**CONV).fit(u8, [0, 1] * 4)
    with pytest.raises(ValueError, match=r"uint16 with pixel values of 0 to \d+ only: 8-bit levels\? \(image 1 "):
        sixteen.predict(np.stack([u8[0].astype(np.uint16) * 257, u8[1].astype(np.uint16)]))


def test_a_y_of_several_columns_names_multi_output_classifier():
    X, Y = np.random.RandomState(0).rand(4, 8, 8), np.array([[0, 1], [1, 1]] * 2)
    for est in (ConvImageClassifier(**CONV), TransferVGGClassifier(max_iter=1, batch_size=4, **VGG)):
        with pytest.raises(ValueError, match=r"y has 2 columns \(a multilabel or multi-output target\).*"
                                             rf"MultiOutputClassifier\({type(est).__name__}\(\.\.\.\)\)"):
            est.fit(X, Y)
        # one-hot rows (Keras' to_categorical) are the labels they encode: named so, not as several outputs
        with pytest.raises(ValueError, match=r"single 1 in each row \(one-hot encoded labels\).*np.argmax\(y, "):
            est.fit(X, np.eye(2)[[0, 1, 1, 0]])


def test_negative_pixels_after_training_images_without_any_are_refused():
    rng = np.random.RandomState(0)
    X = rng.rand(8, 8, 8)
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 4)
    assert clf.pixel_min_ >= 0
    for bad in ((X - 0.5) / 0.29, -X):  # standardised, negated
        with pytest.raises(ValueError, match=r"pixel values down to -\d.* had none below 0 .*standardised, centred"):
            clf.predict(bad)
    clf.predict(X - 0.01)  # a slight undershoot (resampling) is not another scale
    centred = ConvImageClassifier(**CONV).fit(X - 0.5, [0, 1] * 4)  # trained on negative pixels: any sign
    centred.predict(-X)


def test_partial_fit_refuses_a_new_fine_tune_blocks_that_a_warm_start_applies():
    rng = np.random.RandomState(0)
    X, y = rng.rand(8, 8, 8), [0, 1] * 4
    clf = TransferVGGClassifier(max_iter=1, batch_size=4, **VGG).fit(X, y)
    assert clf.fine_tune_blocks_ == 0
    with pytest.raises(ValueError, match=r"fine_tune_blocks=1, but the network trains fine_tune_blocks=0"):
        clf.set_params(fine_tune_blocks=1).partial_fit(X, y)  # the backbone stayed frozen, its cache dropped
    clf.set_params(warm_start=True).fit(X, y)
    assert clf.fine_tune_blocks_ == 1 and any(p.requires_grad for p in clf.net_.module_.backbone.parameters())
    clf.partial_fit(X, y)


def test_an_image_size_no_memory_holds_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"image_size=100000 is 100000x100000 pixels.*use at most 4096x4096"):
        VGGFeatureExtractor(**dict(VGG, image_size=100000)).fit(np.random.rand(2, 8, 8))
    with pytest.raises(ValueError, match=r"image_size=\(20000, 20000\) is 20000x20000 pixels.*use at most 4096x4096"):
        ConvImageClassifier(image_size=(20000, 20000)).fit(["a.png", "b.png"], [0, 1])  # a bare MemoryError in PIL


def test_scaled_images_for_a_model_fitted_on_centred_pixels_are_refused(files):
    """uint8/uint16 arrays and image files are scaled to [0, 1], so they are never the centred or standardised
    images a model was fitted on (it put every such image in one class)."""
    rng = np.random.RandomState(0)
    X8 = (rng.rand(8, 8, 8) * 255).astype(np.uint8)
    for centred in ((X8 / 255.0 - 0.5) / 0.25, X8 / 127.5 - 1):  # standardised, [-1, 1]
        for est in (ConvImageClassifier(**CONV), TransferVGGClassifier(max_iter=1, batch_size=4, **VGG)):
            est.fit(centred, [0, 1] * 4)
            assert est.predict(centred).shape == (8,)  # the same preparation: fine
            for scaled, given in ((X8, r"uint8, so its pixels are scaled"),
                                  (X8.astype(np.uint16) * 257, r"uint16, so its pixels are scaled"),
                                  (files["good"], r"image files, read with their levels scaled")):
                with pytest.raises(ValueError, match=rf"X is {given} to \[0, 1\], but {type(est).__name__} was "
                                                     r"fitted on pixel values down to -\d.*centred or standardised"
                                                     r".*the same mean and scale"):
                    est.predict(scaled)
    slight = ConvImageClassifier(**CONV).fit(X8 / 255.0 - 0.01, [0, 1] * 4)  # a slight undershoot: not centred
    assert slight.predict(X8).shape == (8,)


def test_the_message_for_scaled_images_names_no_dtype_fit_did_not_have():
    X = (np.random.RandomState(0).rand(8, 8, 8) * 255).astype(np.uint8)
    clf = ConvImageClassifier(**CONV).fit(X.astype(np.int64), [0, 1] * 4)  # 0-255 integers: taken as they are
    with pytest.raises(ValueError, match=r"fitted on pixel values up to 25\d that were not uint8 or uint16") as info:
        clf.predict(X)
    assert "float" not in str(info.value).split("[0, 1]")[1].split(":")[0]


def test_rows_of_fit_s_images_flattened_are_read_as_fit_s_images_by_every_family():
    """Rows of exactly fit's pixel count are fit's images flattened: a VGG estimator read non-square grey ones as
    one line of pixels, resized; colour ones are read in the layout data_format names, and refused under 'auto'."""
    rng = np.random.RandomState(0)
    grey, colour, y = rng.rand(6, 6, 10), rng.rand(6, 6, 10, 3), [0, 1] * 3
    estimators = lambda **kw: (ConvImageClassifier(**CONV, **kw),  # noqa: E731
                               TransferVGGClassifier(max_iter=1, batch_size=4, **VGG, **kw),
                               VGGFeatureExtractor(**VGG, **kw))
    out = lambda est, X: est.transform(X) if isinstance(est, VGGFeatureExtractor) else est.predict_proba(X)  # noqa
    for est in estimators():
        est.fit(grey) if isinstance(est, VGGFeatureExtractor) else est.fit(grey, y)
        np.testing.assert_allclose(out(est, grey.reshape(6, -1)), out(est, grey), rtol=1e-5)
        est.fit(colour) if isinstance(est, VGGFeatureExtractor) else est.fit(colour, y)
        with pytest.raises(ValueError, match=r"X has shape \(6, 180\): rows of 180 values, the 3-channel images of "
                                             r"shape 6x10 .*X\.reshape\(len\(X\), 6, 10, 3\) \(channels last\) or "
                                             r"X\.reshape\(len\(X\), 3, 6, 10\)"):
            out(est, colour.reshape(6, -1))
    for layout, images in (("channels_last", colour), ("channels_first", colour.transpose(0, 3, 1, 2))):
        for est in estimators(data_format=layout):
            est.fit(images) if isinstance(est, VGGFeatureExtractor) else est.fit(images, y)
            np.testing.assert_allclose(out(est, images.reshape(6, -1)), out(est, images), rtol=1e-5)


def test_a_list_of_images_of_mixed_types_or_modes_is_refused_naming_the_first_odd_one():
    """numpy gives a list one type: 8-bit images beside 16-bit or float ones were read nearly black."""
    rng = np.random.RandomState(0)
    u8 = [(rng.rand(8, 8) * 255).astype(np.uint8) for _ in range(4)]
    clf = ConvImageClassifier(**CONV).fit(np.stack(u8), [0, 1] * 2)
    mixed = {"float": (u8[:2] + [a / 255.0 for a in u8[2:]], r"X\[2\] is an array of dtype float64 but X\[0\] is an "
                                                             r"array of dtype uint8.*a / 255"),
             "uint16": (u8[:3] + [u8[3].astype(np.uint16) * 257], r"X\[3\] is an array of dtype uint16"),
             "PIL depths": ([Image.fromarray(a) for a in u8[:2]] + [Image.fromarray(a.astype(np.uint16) * 257)
                                                                     for a in u8[2:]],
                            r"X\[2\] is a PIL image in mode 'I;16' but X\[0\] is in mode 'L'.*file paths"),
             "PIL colour": ([Image.fromarray(a) for a in u8[:3]] + [Image.fromarray(u8[3]).convert("RGB")],
                            r"X\[3\] is a PIL image in mode 'RGB' but X\[0\] is in mode 'L'.*img\.convert\('RGB'\)"),
             "PIL and array": ([Image.fromarray(u8[0])] + [a / 255.0 for a in u8[1:]],
                               r"X\[1\] is an array of dtype float64 but X\[0\] is a PIL image in mode 'L'")}
    for name, (images, match) in mixed.items():
        for call in (clf.predict, lambda X: ConvImageClassifier(**CONV).fit(X, [0, 1] * 2)):
            with pytest.raises(ValueError, match=match):
                call(images)
    same = [a.astype(np.float32) for a in u8[:2]] + [a.astype(np.float64) for a in u8[2:]]  # one scale: fine
    assert ConvImageClassifier(**CONV).fit(same, [0, 1] * 2).predict(same).shape == (4,)


@pytest.mark.parametrize("family", ["conv", "transfer", "extractor"])
def test_a_single_column_of_paths_is_read_as_the_list_of_paths(files, family):
    """What a ColumnTransformer's ["path"] selection passes on (a one-column DataFrame), or an (n, 1) array."""
    paths, labels = files["good"], files["labels"]
    make = {"conv": lambda: ConvImageClassifier(**CONV), "extractor": lambda: VGGFeatureExtractor(**VGG),
            "transfer": lambda: TransferVGGClassifier(max_iter=1, batch_size=4, **VGG)}[family]
    fit = (lambda est, X: est.fit(X)) if family == "extractor" else (lambda est, X: est.fit(X, labels))
    out = (lambda est, X: est.transform(X)) if family == "extractor" else (lambda est, X: est.predict_proba(X))
    expected = out(fit(make(), paths), paths)
    for column in (pd.DataFrame({"path": paths}), np.array(paths, dtype=object)[:, None], np.array(paths)[:, None]):
        est = fit(make(), column)
        np.testing.assert_allclose(out(est, column), expected, rtol=1e-5)


def test_image_folder_gives_an_image_one_label_through_links(tmp_path):
    from sknn.datasets import image_folder
    for label in ("cat", "dog"):
        (tmp_path / label).mkdir()
        Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / label / f"{label}.png")
    (tmp_path / "cat" / "up").symlink_to(tmp_path)  # a link to the folder of all classes: a loop, left out
    (tmp_path / "cat" / "root").symlink_to("/")  # to the whole disk
    paths, labels = image_folder(tmp_path)
    assert [os.path.basename(p) for p in paths] == ["cat.png", "dog.png"] and labels.tolist() == ["cat", "dog"]
    (tmp_path / "dog" / "also_cat.png").symlink_to(tmp_path / "cat" / "cat.png")  # one image in two classes
    with pytest.raises(ValueError, match=r"cat\.png' is listed under two classes, 'cat' .* and 'dog' \(as .*"
                                         r"also_cat\.png'\).*one label"):
        image_folder(tmp_path)


def test_uint16_images_of_12_bit_levels_are_warned_of():
    X12 = (np.random.RandomState(0).rand(8, 8, 8) * 4095).astype(np.uint16)
    with pytest.warns(UserWarning, match=r"X is uint16 with pixel values up to 409\d only, at most 12 bits.*X / 4095"):
        ConvImageClassifier(**CONV).fit(X12, [0, 1] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*larger than the .* training samples")
        ConvImageClassifier(**CONV).fit(X12.astype(np.uint16) * 16, [0, 1] * 4)  # 16-bit levels: no warning
        VGGFeatureExtractor(**VGG).fit(X12 / 4095.0)


def test_16_bit_image_files_of_12_bit_levels_are_warned_of_as_arrays_are(tmp_path):
    """Files of 12-bit levels (a microscope's, a scanner's) were divided by 65,535 without a word, where the same
    pixels as an array are warned of."""
    Image = pytest.importorskip("PIL.Image")
    X12 = (np.random.RandomState(0).rand(8, 8, 8) * 4095).astype(np.uint16)
    for name, images in (("twelve", X12), ("sixteen", X12 * 16), ("eight", (X12 // 16).astype(np.uint8))):
        (tmp_path / name).mkdir()
        for i, image in enumerate(images):
            Image.fromarray(image).save(tmp_path / name / f"{i}.png")
    paths = {name: sorted(str(p) for p in (tmp_path / name).iterdir()) for name in ("twelve", "sixteen", "eight")}
    with pytest.warns(UserWarning, match=r"16-bit image files \(such as '.*twelve.*0\.png'\) hold levels up to "
                                         r"409\d only, at most 12 bits.*/ 4095"):
        ConvImageClassifier(**CONV).fit(paths["twelve"], [0, 1] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*larger than the .* training samples")
        for name in ("sixteen", "eight"):
            ConvImageClassifier(**CONV).fit(paths[name], [0, 1] * 4)


def test_16_and_32_bit_image_files_of_8_bit_levels_are_warned_of(tmp_path):
    """8-bit levels saved as 16-bit PNGs or 32-bit TIFFs were read all but black (at most 255 / 65,535), without a
    word, where the same levels as a uint16 array are refused."""
    levels = np.random.RandomState(0).randint(1, 256, (8, 8, 8))
    for ending, dtype, depth in ((".png", np.uint16, "16-bit"), (".tif", np.int32, "32-bit integer")):
        paths = [str(tmp_path / f"{i}{ending}") for i in range(8)]
        for path, image in zip(paths, levels):
            Image.fromarray(image.astype(dtype)).save(path)
        assert Image.open(paths[0]).mode == ("I;16" if dtype == np.uint16 else "I")
        with pytest.warns(UserWarning, match=rf"The {depth} image files \(such as '.*0\{ending}'\) hold levels up "
                                             r"to 255 only, at most 8 bits.*/ 255, at predict too\) \(or save them as "
                                             r"8-bit files"):
            ConvImageClassifier(**CONV).fit(paths, [0, 1] * 4)
        with pytest.warns(UserWarning, match=rf"The {depth} image files .* at most 12 bits"):
            for path, image in zip(paths, levels):
                Image.fromarray((image * 16).astype(dtype)).save(path)  # 12-bit levels, in either depth
            VGGFeatureExtractor(**VGG).fit(paths)


def test_image_files_with_transparent_pixels_are_warned_of(tmp_path):
    """A transparent background was read as the colour stored under it (black in one file, white in another: two
    images that look the same read as opposites), without a word."""
    paths = [str(tmp_path / f"{i}.png") for i in range(8)]
    for i, path in enumerate(paths):
        pixels = np.zeros((8, 8, 4), np.uint8)
        pixels[..., :3] = 255 * (i % 2)  # hidden under alpha 0
        pixels[2:6, 2:6] = [255, 0, 0, 255]
        Image.fromarray(pixels).save(path)
    for fit in (lambda: ConvImageClassifier(**CONV).fit(paths, [0, 1] * 4), lambda: VGGFeatureExtractor(**VGG).fit(
            paths)):
        with pytest.warns(UserWarning, match=r"Image files such as '.*0\.png' have transparent pixels: .* colours "
                                             r"stored under them.*Image\.alpha_composite"):
            fit()
    palette = Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8) % 4).convert("P")
    palette.save(paths[0], transparency=0)  # a palette file with a transparent colour
    with pytest.warns(UserWarning, match="have transparent pixels"):
        ConvImageClassifier(**CONV).fit(paths[:1] + paths[2:4], [0, 1, 0])
    for path in paths:  # an alpha channel that hides nothing: no warning
        Image.fromarray(np.full((8, 8, 4), 200, np.uint8)).convert("RGBA").putalpha(255) or Image.fromarray(
            np.dstack([np.full((8, 8, 3), 200, np.uint8), np.full((8, 8), 255, np.uint8)])).save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*larger than the .* training samples")
        ConvImageClassifier(**CONV).fit(paths, [0, 1] * 4)


def test_colour_files_read_as_grey_by_a_grey_model_are_said(tmp_path):
    """A model fitted on grey images read colour files as grey without a word (colour arrays are refused)."""
    rng = np.random.RandomState(0)
    grey = [str(tmp_path / f"g{i}.png") for i in range(8)]
    for path in grey:
        Image.fromarray(rng.randint(0, 255, (8, 8), dtype=np.uint8)).save(path)
    model = ConvImageClassifier(**CONV).fit(grey, [0, 1] * 4)
    Image.fromarray(rng.randint(0, 255, (8, 8, 3), dtype=np.uint8)).save(tmp_path / "colour.png")
    Image.fromarray(np.repeat(rng.randint(0, 255, (8, 8, 1), dtype=np.uint8), 3, axis=2)).save(tmp_path / "rgb.png")
    with pytest.warns(UserWarning, match=r"^1 colour image file\(s\) \(such as '.*colour\.png'\) were read as grey: "
                                         r"the model was fitted on grey images"):
        assert model.predict([str(tmp_path / "colour.png")] + grey).shape == (9,)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.predict(grey + [str(tmp_path / "rgb.png")])  # an RGB file of a grey image: nothing lost


def test_a_folder_given_as_images_points_to_image_folder(tmp_path):
    (tmp_path / "cats").mkdir()
    with pytest.raises(TypeError, match=r"X is one str .* it is a folder; list its images and their labels with "
                                        r"sknn\.datasets\.image_folder\(X\)"):
        ConvImageClassifier(**CONV).fit(str(tmp_path), [0, 1])
    with pytest.raises(ValueError, match=r"Cannot read the image file '.*cats': it is a folder; .*image_folder"):
        ConvImageClassifier(**CONV).fit([str(tmp_path / "cats")] * 2, [0, 1])


def test_transfer_names_an_unreadable_file_before_the_backbone_reads_any(files, monkeypatch):
    from sknn._image_files import ImageFileBatches

    read = []
    original = ImageFileBatches._read
    monkeypatch.setattr(ImageFileBatches, "_read", lambda self, path: read.append(path) or original(self, path))
    for bad, named in (("missing", "missing"), ("bad", "not_an_image")):  # (a file cut after its header: not told)
        with pytest.raises(ValueError, match=rf"Cannot read the image file '.*{named}\.png'"):
            TransferVGGClassifier(max_iter=1, **VGG).fit(files["good"] + [files[bad]], files["labels"] + [0])
        assert read == []  # (it read all 9 files through the backbone before the missing one was named)


def test_image_folder_refuses_splits_as_classes_and_warns_of_a_wrapper_and_other_types(tmp_path):
    from sknn.datasets import IMAGE_EXTENSIONS, image_folder

    for split in ("train", "Test"):
        for label in ("cats", "dogs"):
            (tmp_path / "data" / split / label).mkdir(parents=True)
            Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "data" / split / label / "a.png")
        (tmp_path / "data" / split / "labels.csv").write_text("file,label\n")  # (other files beside: still splits)
    with pytest.raises(ValueError, match=r"The folders of '.*data' \('Test', 'train'\) are a data set's splits, "
                                         r"each holding class folders \('cats', 'dogs' in 'Test'\).*labelled by "
                                         r"their split.*image_folder\('.*data/Test'\) and image_folder\("):
        image_folder(tmp_path / "data")
    paths, labels = image_folder(tmp_path / "data" / "train")
    assert labels.tolist() == ["cats", "dogs"]
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "data" / "Test" / "b.png")  # an image of its own:
    assert sorted(set(image_folder(tmp_path / "data")[1])) == ["Test", "train"]  # classes so named, however odd
    (tmp_path / "wrap").mkdir()
    (tmp_path / "data" / "train").rename(tmp_path / "wrap" / "photos")
    (tmp_path / "wrap" / "photos" / "Thumbs.db").write_bytes(b"")
    with pytest.warns(UserWarning, match=r"'.*wrap' holds one folder, 'photos', so every image is labelled 'photos'; "
                                         r"its folders \('cats', 'dogs'\) look like the classes"):
        assert image_folder(tmp_path / "wrap")[1].tolist() == ["photos"] * 2
    cats = tmp_path / "wrap" / "photos" / "cats"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(cats / "b.tga")
    (cats / "notes.txt").write_text("not an image")
    (cats / "c.h5").write_bytes(b"data")  # Pillow registers .h5, but as a stub: no picture
    with pytest.warns(UserWarning, match=r"1 image file\(s\) of '.*photos' of other types than `extensions` lists "
                                         r"are left out \(1 \.tga\): pass extensions=IMAGE_EXTENSIONS \+ "
                                         r"\('\.tga',\)"):
        image_folder(tmp_path / "wrap" / "photos")
    paths, _ = image_folder(tmp_path / "wrap" / "photos", extensions=IMAGE_EXTENSIONS + (".tga",))
    assert sum(p.endswith(".tga") for p in paths) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        image_folder(tmp_path / "wrap" / "photos", extensions=(".png",))  # endings passed: the others on purpose


def test_scaled_images_for_a_model_fitted_on_noisy_unit_images_are_read():
    """[0, 1] images with Gaussian noise (sigma 0.1) reach -0.37 beside 1.28: refused as centred images, though
    uint8 input scaled to [0, 1] is on their scale. ImageNet-standardised images (-2.1 to 2.6) stay refused."""
    rng = np.random.RandomState(0)
    clean = np.where(rng.rand(8, 8, 8) < 0.2, rng.rand(8, 8, 8), 0).astype(np.float32)
    noisy = clean + rng.normal(0, 0.1, clean.shape).astype(np.float32)
    clf = ConvImageClassifier(**CONV).fit(noisy, [0, 1] * 4)
    assert clf.pixel_min_ < -0.25 * clf.pixel_max_
    np.testing.assert_array_equal(clf.predict((clean * 255).round().astype(np.uint8)), clf.predict(clean))
    colour = rng.rand(8, 8, 8, 3)
    standardised = (colour - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    clf = ConvImageClassifier(**CONV).fit(standardised, [0, 1] * 4)
    with pytest.raises(ValueError, match=r"X is uint8, so its pixels are scaled to \[0, 1\].*centred or standardised"):
        clf.predict((colour * 255).astype(np.uint8))


def test_a_list_of_integer_images_of_one_scale_in_several_types_is_read():
    """uint8 beside int64 arrays of the same levels were refused, though numpy's int64 array of the list reads them
    alike; masks beside integer levels, as arrays or PIL images, are still refused."""
    rng = np.random.RandomState(0)
    u8 = [(rng.rand(8, 8) * 255).astype(np.uint8) for _ in range(4)]
    for images in ([a if i % 2 else a.astype(np.int64) for i, a in enumerate(u8)],
                   [a.astype(np.uint16) if i % 2 else a.astype(np.int32) for i, a in enumerate(u8)],
                   [Image.fromarray(u8[0])] + [a.astype(np.int64) for a in u8[1:]]):
        clf = ConvImageClassifier(**CONV).fit(images, [0, 1] * 2)
        assert clf.pixel_depth_ is None and clf.pixel_max_ > 200
        np.testing.assert_array_equal(clf.predict(images), clf.predict(np.stack([np.asarray(a) for a in images])))
    masks = {"int64": ([a.astype(np.int64) for a in u8[:2]] + [a > 127 for a in u8[2:]],
                       r"X\[2\] is an array of dtype bool but X\[0\] is an array of dtype int64: masks"),
             "PIL": ([Image.fromarray(u8[0] > 127)] + u8[1:],
                     r"X\[1\] is an array of dtype uint8 but X\[0\] is a PIL image in mode '1': masks "
                     r".*uint8\) \* 255")}
    for name, (images, match) in masks.items():
        with pytest.raises(ValueError, match=match):
            ConvImageClassifier(**CONV).fit(images, [0, 1] * 2)


def test_image_files_are_read_as_their_exif_orientation_shows_them(tmp_path):
    """Phone photos are stored sideways with an EXIF orientation: read as viewers show them, in reading and in
    the scan of the files' sizes alike, in every format. Pillow's TIFF plugin gives such a file's size already
    turned and turns its pixels at load: the scan turned the size twice, and a grey or 16-bit TIFF opened by its
    path was memory-mapped at the turned size (garbled pixels)."""
    from PIL import ImageOps
    from sknn._image_files import displayed_size, read_image
    rng = np.random.RandomState(0)
    image = Image.fromarray((rng.rand(8, 16, 3) * 255).astype(np.uint8))
    levels = (rng.rand(8, 16) * 65535).astype(np.uint16)
    exif = image.getexif()
    exif[0x0112] = 6  # turned a quarter: shown 16 rows x 8 columns
    image.save(tmp_path / "ref.png", exif=exif)
    with Image.open(tmp_path / "ref.png") as img:
        shown = np.asarray(ImageOps.exif_transpose(img)).transpose(2, 0, 1) / 255
    assert shown.shape == (3, 16, 8)
    expected = {"phone.jpg": None, "phone.png": shown, "phone.webp": shown, "phone.tif": shown, "native.tif": shown,
                "grey.tif": shown[:1], "deep.tif": np.rot90(levels, -1)[None] / 65535}
    image.save(tmp_path / "phone.jpg", exif=exif, quality=100)
    for name in ("phone.png", "phone.tif"):
        image.save(tmp_path / name, exif=exif)
    image.save(tmp_path / "phone.webp", exif=exif, lossless=True)
    image.save(tmp_path / "native.tif", tiffinfo={274: 6})  # TIFF's own orientation tag
    image.getchannel(0).save(tmp_path / "grey.tif", tiffinfo={274: 6})
    Image.fromarray(levels.astype(">u2")).save(tmp_path / "deep.tif", tiffinfo={274: 6})
    for name, pixels in expected.items():
        read = read_image(tmp_path / name)
        with Image.open(tmp_path / name) as img:
            assert displayed_size(img) == read.shape[1:] == (16, 8), name  # the scan and the read agree
        if pixels is not None:  # (JPEG is lossy)
            np.testing.assert_allclose(read, pixels, atol=1e-6, err_msg=name)
    Image.fromarray((rng.rand(16, 8, 3) * 255).astype(np.uint8)).save(tmp_path / "upright.png")
    for name in expected:
        paths = [str(tmp_path / name), str(tmp_path / "upright.png")] * 2
        clf = ConvImageClassifier(**CONV).fit(paths, [0, 1] * 2)  # one size as shown: no image_size needed
        assert clf.image_shape_[1:] == (16, 8) and clf.predict(paths).shape == (4,)


def test_an_exif_block_pillow_cannot_rewrite_does_not_stop_the_read(tmp_path, monkeypatch):
    """ImageOps.exif_transpose rewrites the EXIF block (Exif.tobytes), which raises TypeError, ZeroDivisionError or
    IndexError on some real files in several Pillow releases: read_image turns the pixels without rewriting it."""
    from PIL import ImageOps
    from sknn._image_files import read_image
    image = Image.fromarray((np.random.RandomState(0).rand(8, 16, 3) * 255).astype(np.uint8))
    exif = image.getexif()
    exif[0x0112] = 6
    for name in ("phone.png", "phone.tif"):
        image.save(tmp_path / name, exif=exif)
    with Image.open(tmp_path / "phone.png") as img:
        shown = np.asarray(ImageOps.exif_transpose(img)).transpose(2, 0, 1) / 255

    def damaged(self, offset=8):
        raise TypeError("object of type 'IFDRational' has no len()")
    monkeypatch.setattr(Image.Exif, "tobytes", damaged)
    for name in ("phone.png", "phone.tif"):
        np.testing.assert_allclose(read_image(tmp_path / name), shown, atol=1e-6, err_msg=name)
    paths = [str(tmp_path / "phone.png")] * 4
    assert ConvImageClassifier(**CONV).fit(paths, [0, 1] * 2).predict(paths).shape == (4,)


def test_16_bit_files_and_images_of_any_byte_order_are_read(tmp_path):
    """Big-endian 16-bit TIFFs (mode 'I;16B') were called unreadable, and dropped by skip_bad_images=True."""
    levels = (np.random.RandomState(0).rand(4, 8, 8) * 65535).astype(np.uint16)
    paths = []
    for i, a in enumerate(levels):
        paths.append(str(tmp_path / f"{i}.tif"))
        Image.fromarray(a.astype(">u2" if i % 2 else "<u2")).save(paths[-1])
    assert Image.open(paths[1]).mode == "I;16B"
    from sknn._image_files import read_image
    for path, a in zip(paths, levels):
        np.testing.assert_allclose(read_image(path)[0], a / 65535, rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*larger than the .* training samples")
        clf = ConvImageClassifier(skip_bad_images=True, **CONV).fit(paths, [0, 1] * 2)  # none skipped
    np.testing.assert_allclose(clf.predict_proba(paths), clf.predict_proba(levels), rtol=1e-5)
    for mode in ("I;16B", "I;16L", "I;16N"):  # PIL images of every 16-bit mode, in a list
        images = [Image.frombytes(mode, (8, 8), a.astype(">u2" if mode == "I;16B" else "<u2").tobytes())
                  for a in levels]
        np.testing.assert_allclose(clf.predict_proba(images), clf.predict_proba(levels), rtol=1e-5)


def test_a_series_or_object_array_of_images_is_read_as_the_list_of_them():
    """A DataFrame column of images (pandas' Series of arrays) failed in numpy with 'setting an array element with
    a sequence'."""
    rng = np.random.RandomState(0)
    X, y = list((rng.rand(8, 8, 8) * 255).astype(np.uint8)), [0, 1] * 4
    expected = ConvImageClassifier(**CONV).fit(X, y).predict_proba(X)
    for column in (pd.Series(X), np.array(X + [None], dtype=object)[:-1], pd.DataFrame({"image": X})):
        clf = ConvImageClassifier(**CONV).fit(column, y)
        np.testing.assert_allclose(clf.predict_proba(column), expected, rtol=1e-5)
        np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-5)
    with pytest.raises(TypeError, match=r"X\[8\] is None \(of type NoneType\) but X\[0\] is an image: a Series "
                                        r"or object array of images holds images only"):
        ConvImageClassifier(**CONV).fit(pd.Series(X + [None]), y + [0])


def test_tensors_of_any_type_in_a_list_or_alone_are_read_and_iterators_refused():
    torch = pytest.importorskip("torch")
    from sknn import DenseClassifier
    rng = np.random.RandomState(0)
    X = rng.rand(4, 8, 8).astype(np.float32)
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 2)
    half = torch.from_numpy(X).to(torch.bfloat16)  # numpy has no bfloat16: read as float32, the same values
    np.testing.assert_allclose(clf.predict_proba(half), clf.predict_proba(half.float().numpy()), rtol=1e-5)
    rows = torch.from_numpy(X.reshape(4, -1)).to(torch.bfloat16)  # the helper every family shares
    dense = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(rows, [0, 1] * 2)
    np.testing.assert_allclose(dense.predict_proba(rows), dense.predict_proba(rows.float().numpy()), rtol=1e-5)
    graded = [torch.from_numpy(a).requires_grad_() for a in X]  # a list of tensors that require grad
    np.testing.assert_allclose(clf.predict_proba(graded), clf.predict_proba(X), rtol=1e-5)
    with pytest.raises(TypeError, match=r"X is a generator: pass a list or an array, e.g. list\(X\)"):
        clf.predict(a for a in X)
    with pytest.raises(TypeError, match=r"X is a generator: pass a list or an array"):
        ConvImageClassifier(**CONV).fit((a for a in X), [0, 1] * 2)
    with pytest.raises(TypeError, match=r"X is a dict: pass a list or an array of images.*list\(X.values\(\)\)"):
        clf.predict({"image": X})
    with pytest.raises(ValueError, match=r"Cannot read the image file '/no/such\.png'") as err:
        clf.predict(np.array(["/no/such.png"]))  # numpy's str, shown as the path
    assert "np.str_" not in str(err.value)


def test_an_image_shape_that_contradicts_an_array_of_images_is_refused():
    X = np.random.RandomState(0).rand(4, 8, 8).astype(np.float32)
    for image_shape, images in (((4, 16), X), ((8, 8, 3), X[..., None]), ((3, 8, 8), X[:, None])):
        with pytest.raises(ValueError, match=rf"image_shape=\({image_shape[0]}, .*does not match the images of X, "
                                             r"which are 8x8 \(height x width\) with 1 channel.*Drop image_shape"):
            ConvImageClassifier(image_shape=image_shape, **CONV).fit(images, [0, 1] * 2)
    for image_shape, images in (((8, 8), X), ((8, 8, 1), X[..., None]), ((1, 8, 8), X[:, None])):  # agreeing
        assert ConvImageClassifier(image_shape=image_shape, **CONV).fit(images, [0, 1] * 2).image_shape_ == (1, 8, 8)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links of POSIX")
def test_image_folder_keeps_a_file_linked_twice_in_its_class_and_warns(tmp_path):
    """Links that list a file twice in its class oversample it, which a user may mean: each copy is kept (as
    before), with one warning naming the copies, so that an accident is visible."""
    from sknn.datasets import image_folder
    for label in ("cat", "dog"):
        (tmp_path / label).mkdir()
        Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / label / "b.png")
    (tmp_path / "cat" / "c_copy.png").symlink_to(tmp_path / "cat" / "b.png")  # the same file twice in one class
    (tmp_path / "cat" / "a_link.png").symlink_to(tmp_path / "cat" / "b.png")  # and a third time, listed first
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        paths, labels = image_folder(tmp_path)
    assert len(record) == 1 and record[0].filename == __file__
    assert re.search(r"2 image path\(s\) .* same file as another of their class.*b\.png' is .*a_link\.png'.*"
                     r"c_copy\.png' is .*a_link\.png'.*each copy is listed and counts as a training image",
                     str(record[0].message))
    assert [os.path.basename(p) for p in paths] == ["a_link.png", "b.png", "c_copy.png", "b.png"]
    assert labels.tolist() == ["cat", "cat", "cat", "dog"]


def _dark_warnings(record):
    return [w for w in record if "with fractions" in str(w.message)]


def test_the_dark_image_warning_points_at_the_user_s_line_from_every_entry_point():
    """A fixed stacklevel pointed into sknn, scikit-learn or the Pipeline for partial_fit, score, fit's
    validation_data and Pipelines; and validation_data's images were called X."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer
    rng = np.random.RandomState(0)
    X, y = np.round(rng.rand(8, 8, 8) * 255), [0, 1] * 4
    dark = X / 255 * 0.9 + 0.0001  # off the 8-bit grid: warned of, not refused
    clf = ConvImageClassifier(**CONV).fit(X, y)
    pipe = make_pipeline(FunctionTransformer(lambda a: a), ConvImageClassifier(**CONV)).fit(X, y)
    calls = {"predict": lambda: clf.predict(dark), "predict_proba": lambda: clf.predict_proba(dark),
             "score": lambda: clf.score(dark, y), "partial_fit": lambda: clf.partial_fit(dark, y),
             "validation_data": lambda: ConvImageClassifier(**CONV).fit(X, y, validation_data=(dark, y)),
             "pipeline": lambda: pipe.predict(dark)}
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            call()
        found = _dark_warnings(record)
        assert len(found) == 1 and found[0].filename == __file__, (name, [(w.filename, w.lineno) for w in found])
        named = "validation_data" if name == "validation_data" else "X"
        assert str(found[0].message).startswith(f"{named} holds 8 images whose pixel values lie within [-1, 1]")


def test_the_dark_image_warning_is_left_out_where_dark_frames_are_expected(tmp_path):
    """The warning was false for a model of centred pixels (a mid-grey frame is near 0 there), and repeated at
    every frame of a dark stream, with the frame's own values in the text, for a model fitted on such frames."""
    import sknn
    rng = np.random.RandomState(0)
    X, y = np.round(rng.rand(8, 8, 8) * 255), [0, 1] * 4
    dark = X / 255 * 0.9 + 0.0001
    centred = ConvImageClassifier(**CONV).fit(X - 128, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        centred.predict(np.full((1, 8, 8), 0.37))  # a flat mid-grey frame, centred
    fade = ConvImageClassifier(**CONV).fit(np.r_[X, dark[:2]], y + [0, 1])  # a fade to black among the frames
    assert fade.pixel_dark_seen_ is True
    plain = ConvImageClassifier(**CONV).fit(X, y)
    assert plain.pixel_dark_seen_ is False
    fade.save(tmp_path / "fade.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fade.predict(dark)
        sknn.load(tmp_path / "fade.safetensors").predict(dark)  # recorded in the saved model
    del plain.pixel_dark_seen_  # a model saved before the attribute: warned of as before
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("default")  # Python's default: a text shown once per line
        for frame in dark:  # a stream of dark frames, one at a time, each of its own values
            plain.predict(frame[None])
    assert len(_dark_warnings(record)) == 1
    assert str(_dark_warnings(record)[0].message).startswith("X holds 1 image whose pixel values")


def test_paths_are_not_scanned_item_by_item_and_dark_images_are_copied_once(tmp_path, monkeypatch):
    """An object array of a million paths took a second to be looked at for images; the float64 copy of dark
    images was made twice; a 16-bit file was converted to floats twice."""
    import sknn._images as images_module
    import sknn._pixels as pixels_module
    from sknn._image_files import read_image
    looked_at = []
    is_image_item = images_module._is_image_item
    monkeypatch.setattr(images_module, "_is_image_item", lambda x: looked_at.append(x) or is_image_item(x))
    paths = np.array([f"/photos/{i}.png" for i in range(1000)], dtype=object)
    assert images_module._listed_images(paths) is paths and len(looked_at) <= 1
    with pytest.raises(TypeError, match=r"X\[2\] is None \(of type NoneType\) but X\[0\] is a file path"):
        ConvImageClassifier(**CONV).fit(np.array(["/a.png", "/b.png", None, "/c.png"], dtype=object), [0, 1] * 2)
    copies = []
    dark_fractional_images = pixels_module.dark_fractional_images
    monkeypatch.setattr(pixels_module, "dark_fractional_images",
                        lambda *args: copies.append(1) or dark_fractional_images(*args))
    rng = np.random.RandomState(0)
    X = np.round(rng.rand(8, 8, 8) * 255)
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 4)
    copies.clear()
    with pytest.warns(UserWarning, match="with fractions"):
        clf.predict(X / 255 * 0.9 + 0.0001)
    assert len(copies) == 1
    Image.fromarray((rng.rand(8, 8) * 65535).astype(np.uint16)).save(tmp_path / "deep.png")
    conversions = []
    convert = Image.Image.convert
    monkeypatch.setattr(Image.Image, "convert", lambda img, mode=None, *a, **k: conversions.append(mode) or
                        convert(img, mode, *a, **k))
    assert read_image(tmp_path / "deep.png").shape == (1, 8, 8) and conversions == ["F"]


def test_a_file_pillow_fails_on_with_another_error_is_unreadable_and_skipped(files, monkeypatch):
    """A damaged file can make Pillow raise TypeError, IndexError or ZeroDivisionError at load: such an error
    escaped skip_bad_images and ended the fit."""
    from PIL import ImageFile
    clf = ConvImageClassifier(**CONV).fit(files["good"], files["labels"])
    load = ImageFile.ImageFile.load

    def damaged(img):
        if img.fp is not None and getattr(img.fp, "name", "").endswith("img0.png"):
            raise ZeroDivisionError("division by zero")
        return load(img)
    monkeypatch.setattr(ImageFile.ImageFile, "load", damaged)
    with pytest.raises(ValueError, match=r"img0\.png': Pillow fails on it, a damaged file\? \(ZeroDivisionError: "
                                         r"division by zero\)"):
        clf.predict(files["good"][:1])
    with pytest.warns(UserWarning, match=r"img0\.png.*ZeroDivisionError.*skipped"):
        ConvImageClassifier(skip_bad_images=True, **CONV).fit(files["good"], files["labels"])


def test_a_scipy_dok_matrix_is_refused_as_sparse_input_not_as_a_dict():
    """scipy's dok format is a dict: it was refused as a dict, naming list(X.values()), not as sparse input."""
    sparse = pytest.importorskip("scipy.sparse")
    rows = np.random.RandomState(0).rand(4, 64)
    for dok in (sparse.dok_array(rows), sparse.dok_matrix(rows)):
        with pytest.raises(TypeError, match=r"Sparse data was passed for X, but dense data is required"):
            ConvImageClassifier(**CONV).fit(dok, [0, 1] * 2)


def test_masks_for_a_model_of_0_255_pixels_and_a_training_set_of_two_scales_are_refused():
    """bool masks given to a model of 0-255 float pixels were read as black images (every mask one answer); a
    training set half divided by 255 trained without a word, and predict then refused those same images."""
    rng = np.random.RandomState(0)
    X = np.round(rng.rand(8, 8, 8) * 255).astype(np.float32)
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 4)
    with pytest.raises(ValueError, match=r"X is bool \(masks, read as 0 and 1\), but ConvImageClassifier was fitted "
                                         r"on pixel values up to 255.*X \* 255\.0"):
        clf.predict(X > 127)
    assert clf.predict((X > 127) * 255.0).shape == (8,)
    assert ConvImageClassifier(**CONV).fit(X > 127, [0, 1] * 4).predict(X > 127).shape == (8,)  # masks both times
    with pytest.raises(ValueError, match=r"uint8 with pixel values of 0 and 1 only: binary images\?.*X \* 255\.0"):
        clf.predict((X > 127).astype(np.uint8))  # (it said to pass them as bool, which is refused)
    noisy = X.copy()
    noisy[0] = 0.0
    noisy[0, 0, 0] = 1e-7  # a black frame with float noise: no image divided by 255
    ConvImageClassifier(**CONV).fit(noisy, [0, 1] * 4)
    mixed = X.copy()
    mixed[:4] /= 255
    with pytest.raises(ValueError, match=r"X mixes two scales: images 0, 1, 2 and 1 more of X reach only 1, levels "
                                         r"divided by 255 \(or 65,535\), while others reach 25\d"):
        ConvImageClassifier(**CONV).fit(mixed, [0, 1] * 4)


def test_an_unreadable_training_file_is_named_before_any_training(files):
    """fit read every file's header and skipped the ones it could not open, so a text file among the images was
    named only when its batch was read: after up to an epoch of training (50 batches in the probe)."""
    class Counted(Callback):
        batches = 0

        def on_batch_end(self, net, **kwargs):
            Counted.batches += 1

    with pytest.raises(ValueError, match=r"not_an_image\.png.*Fix or remove it, or pass skip_bad_images=True"):
        ConvImageClassifier(**dict(CONV, batch_size=2), shuffle=False, callbacks=[Counted()]).fit(
            files["good"] + [files["bad"]], files["labels"] + [0])
    assert Counted.batches == 0


# -- images on another scale or in another layout than fit's, judged at predict ---------------------------------
def test_centred_images_for_a_model_of_0_255_pixels_are_refused_image_by_image():
    rng = np.random.RandomState(0)
    X8 = (rng.rand(8, 8, 8, 3) * 255).astype(np.uint8)
    clf = ConvImageClassifier(**CONV).fit(X8.astype(np.float32), [0, 1] * 4)
    standardised = (X8 / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]  # -2.1 to 2.6: not below -63.75
    for bad in (standardised, X8 / 127.5 - 1):
        with pytest.raises(ValueError, match=r"pixel values from -\d.* in image 1 of X \(each judged alone\).*had "
                                             r"none below 0 \(0 to 25\d\): standardised or centred"):
            clf.predict(np.stack([X8[0].astype(np.float64), bad[1]]))
    overshoot = np.clip(X8 * 1.04 - 5.0, -5, 260)  # a 0-255 image resampled a little beyond its range: read
    assert clf.predict(overshoot).shape == (8,)
    night = np.zeros((2, 8, 8, 3))
    night[:, 2:5, 2:5] = 4.0  # a dark frame whose resampling or noise dips a little below 0 (-0.47 beside 4.9): read
    night[:, 1, 2:5], night[1, 5, 5] = -0.47, -0.9
    assert clf.predict(night).shape == (2,)
    assert clf.predict(X8[:1].astype(np.float64)).shape == (1,)  # each image alone: its answer stands


def test_uint16_images_of_12_bit_levels_are_refused_by_a_model_not_fitted_on_uint16():
    rng = np.random.RandomState(0)
    X8, y = (rng.rand(8, 8, 8) * 255).astype(np.uint8), [0, 1] * 4
    twelve = X8.astype(np.uint16) * 16  # 12-bit levels, 0 to 4,080
    unit = ConvImageClassifier(**CONV).fit(X8, y)
    with pytest.raises(ValueError, match=r"uint16 with pixel values up to \d+ only: 12-bit levels\? \(image 1 of X, "
                                         r"each judged alone\).*X / 4095.*\(X >> 4\)\.astype\(np\.uint8\)"):
        unit.predict(np.stack([X8[0].astype(np.uint16) * 257, twelve[1]]))
    np.testing.assert_allclose(unit.predict_proba(twelve / 4095), unit.predict_proba((twelve >> 4).astype(np.uint8)),
                               atol=0.02)  # both fixes read them as the uint8 images they hold
    levels = ConvImageClassifier(**CONV).fit(X8.astype(np.float32), y)  # 0-255 floats
    with pytest.raises(ValueError, match=r"12-bit levels\?.*as floats on the training images' scale \(0 to 25\d\), "
                                         r"X \* \(255 / 4095\)"):
        levels.predict(twelve)
    assert levels.predict(twelve * (255 / 4095)).shape == (8,)
    with pytest.raises(ValueError, match=r"8-bit levels\?.*X\.astype\(np\.float32\)"):  # not uint8: refused there
        levels.predict(X8.astype(np.uint16))
    assert levels.predict(X8.astype(np.uint16).astype(np.float32)).shape == (8,)
    with pytest.warns(UserWarning, match="12 bits"):
        deep = ConvImageClassifier(**CONV).fit(twelve, y)  # fitted on uint16: read as fit read its own
    assert deep.predict(twelve).shape == (8,)
    divided = ConvImageClassifier(**CONV).fit(twelve / 65535.0, y)  # fitted on them divided by 65,535 as floats
    np.testing.assert_array_equal(divided.predict_proba(twelve), divided.predict_proba(twelve / 65535.0))


def test_whole_levels_as_floats_for_a_model_of_unit_pixels_are_refused_image_by_image():
    rng = np.random.RandomState(0)
    X8, y = (rng.rand(8, 8, 8) * 255).astype(np.uint8), [0, 1] * 4
    dim = X8 // 6  # a dim exposure: 8-bit levels 0 to 42, below the 50-times rule
    clf = ConvImageClassifier(**CONV).fit(X8, y)
    for levels in (dim.astype(np.float32), dim.astype(np.int64)):
        with pytest.raises(ValueError, match=r"whole numbers up to \d+ in image 1 of X \(each judged alone\).*reach "
                                             r"0\.99\d*: 8-bit levels given as floats.*X / 255"):
            clf.predict(np.stack([X8[0] / 255.0, levels[1]]))
    np.testing.assert_allclose(clf.predict_proba(dim / 255.0), clf.predict_proba(dim), rtol=1e-5)  # the fix
    masks = (X8 > 127).astype(np.float32)  # whole numbers 0 and 1: a model of binary masks reads them
    assert ConvImageClassifier(**CONV).fit(masks, y).predict(masks).shape == (8,)


@pytest.mark.parametrize("family", ["conv", "vgg"])
def test_an_ambiguous_layout_after_fit_names_a_fix_that_works_after_fit(family):
    rng = np.random.RandomState(0)
    # Z: 3 channels of 12x4 (fit's images, channels first), or 4 channels of 3x12?
    X, y, Z = rng.rand(8, 12, 4, 3), [0, 1] * 4, rng.rand(2, 3, 12, 4)
    make = ((lambda **kw: ConvImageClassifier(**CONV, **kw).fit(X, y)) if family == "conv" else
            (lambda **kw: VGGFeatureExtractor(**VGG, **kw).fit(X)))
    est = make()
    out = est.predict if family == "conv" else est.transform
    with pytest.raises(ValueError, match=r"shape \(2, 3, 12, 4\).*fitted with data_format='auto' \(set after fit, "
                                         r"data_format changes nothing.*Refit with data_format=.*np\.moveaxis"):
        out(Z)
    est.set_params(data_format="channels_first")  # what the message said before: changes nothing after fit
    with pytest.raises(ValueError, match=r"Refit with data_format"):
        out(Z)
    if family == "vgg":  # the advice: refit naming the training images' layout, give Z in it
        assert make(data_format="channels_last").transform(np.moveaxis(Z, 1, -1)).shape[0] == 2
    else:  # images whose neither reading is fit's (3, 12, 4): the size is wrong in any layout, and said so
        with pytest.raises(ValueError, match=r"shape \(channels, height, width\) \(3, 4, 4\), but "
                                             r"ConvImageClassifier was fitted on \(3, 12, 4\): resize them to 12x4"):
            out(rng.rand(2, 4, 4, 3))


def test_images_in_the_layout_other_than_fit_s_are_named_swapped_with_np_moveaxis():
    rng = np.random.RandomState(0)
    X, y = rng.rand(8, 12, 12, 3), [0, 1] * 4
    vgg = VGGFeatureExtractor(**VGG, data_format="channels_last").fit(X)
    for channels in (3, 1):
        first = rng.rand(2, channels, 12, 12)
        with pytest.raises(ValueError, match=rf"shape \({channels}, 12, 12\), read with data_format='channels_last'.*"
                                             r"look channels first.*np\.moveaxis\(X, 1, -1\)"):
            vgg.transform(first)
        assert vgg.transform(np.moveaxis(first, 1, -1)).shape[0] == 2
    clf = ConvImageClassifier(**CONV, data_format="channels_first").fit(np.moveaxis(X, -1, 1), y)
    with pytest.raises(ValueError, match=r"look channels last.*np\.moveaxis\(X, -1, 1\)"):
        clf.predict(X)
    assert clf.predict(np.moveaxis(X, -1, 1)).shape == (8,)


def test_a_channel_or_size_mismatch_names_a_fix_that_works():
    rng = np.random.RandomState(0)
    rgb, y = (rng.rand(8, 8, 8, 3) * 255).astype(np.uint8), [0, 1] * 4
    grey = ConvImageClassifier(**CONV).fit(rgb[..., 0], y)
    for X, fix in ((rgb, "X.mean(axis=-1).astype(np.uint8)"),
                   (np.moveaxis(rgb, -1, 1), "X.mean(axis=1).astype(np.uint8)"),
                   (np.concatenate([rgb, rgb[..., :1]], -1), "X[..., :3].mean(axis=-1).astype(np.uint8)")):
        with pytest.raises(ValueError, match=rf"fitted on \(1, 8, 8\): make them grey first, {re.escape(fix)}\."):
            grey.predict(X)
        assert grey.predict(eval(fix)).shape == (8,)  # the fix, as the message writes it
    with pytest.raises(ValueError, match=re.escape("[img.convert('L') for img in X]")):
        grey.predict([Image.fromarray(x) for x in rgb])
    colour = ConvImageClassifier(**CONV).fit(rgb, y)
    X = rgb[..., 0]
    with pytest.raises(ValueError, match=re.escape("np.repeat(X[..., None], 3, axis=-1)")):
        colour.predict(X)
    assert colour.predict(np.repeat(X[..., None], 3, axis=-1)).shape == (8,)
    for channels in (2, 5):  # no end of the array holds 1, 3 or 4: no layout to refit with, another channel count
        odd = np.concatenate([rgb, rgb, rgb], -1)[..., :channels]
        with pytest.raises(ValueError, match=rf"shape \(8, 8, 8, {channels}\), with neither 1, 3 nor 4 channels at "
                                             r"either end, but ConvImageClassifier was fitted on 3-channel images"):
            colour.predict(odd)
    first = ConvImageClassifier(**CONV, data_format="channels_first").fit(np.moveaxis(rgb, -1, 1), y)
    with pytest.raises(ValueError, match=re.escape("np.repeat(X[:, None], 3, axis=1)")):  # in fit's layout
        first.predict(X)
    assert first.predict(np.repeat(X[:, None], 3, axis=1)).shape == (8,)
    with pytest.raises(ValueError, match=r"fitted on \(3, 8, 8\): resize them to 8x8 \(height x width\) first.*"
                                         r"image files too: fit with image_size"):
        colour.predict(np.zeros((2, 10, 10, 3), np.uint8))
    sized = ConvImageClassifier(**CONV, image_size=8).fit(rgb, y)
    with pytest.raises(ValueError, match=r"resize them to 8x8.*image files are resized to image_size for you"):
        sized.predict(np.zeros((2, 10, 10, 3), np.uint8))


def test_fractional_levels_beyond_white_are_refused_for_a_model_of_unit_pixels():
    """8-bit levels made fractional (a resize, a brightness change) were read at up to 50 times the training scale
    of a model fitted on uint8, with confident nonsense; twice white or more is refused, image by image, and a
    little beyond white is read."""
    rng = np.random.RandomState(0)
    u8 = (rng.rand(8, 8, 8, 3) * 255).astype(np.uint8)
    clf = ConvImageClassifier(**CONV).fit(u8, [0, 1] * 4)
    for batch in ((u8[:2] * 0.15).astype(np.float32), np.stack([u8[0] / 255, u8[1] * 0.15])):
        with pytest.raises(ValueError, match=r"reach 3\d\.\d* in images? .*each judged alone\), but "
                                             r"ConvImageClassifier was fitted on uint8 images.*X / 255 as floats"):
            clf.predict(batch)
    assert clf.predict(np.clip(u8 / 255 * 1.3, 0, 1.9)).shape == (8,)  # brightened a little: read as it is
    floats = ConvImageClassifier(**CONV).fit(u8 / 255, [0, 1] * 4)  # floats of their own scale (a MinMaxScaler's
    assert floats.predict(u8[:2] / 255 * 2.5).shape == (2,)  # beyond the range it learned): read as they are


def test_fractional_levels_beyond_white_are_refused_for_a_model_fitted_on_image_files(tmp_path):
    """Files are integer levels scaled to [0, 1] as uint8 arrays are, but a model fitted on them read fractional
    0-255 pixels (resized, darkened) at up to 50 times its training scale, without a word."""
    rng = np.random.RandomState(0)
    u8 = (rng.rand(8, 8, 8) * 255).astype(np.uint8)
    paths = [str(tmp_path / f"{i}.png") for i in range(8)]
    for image, path in zip(u8, paths):
        Image.fromarray(image).save(path)
    clf = ConvImageClassifier(**CONV).fit(paths, [0, 1] * 4)
    assert clf.pixel_depth_ == "files"
    with pytest.raises(ValueError, match=r"reach 3\d\.\d* in images 0, 1 .*fitted on 8- or 16-bit images, scaled "
                                         r"to \[0, 1\] for you.*X / 255 \(or X / 65535\) as floats"):
        clf.predict((u8[:2] * 0.15).astype(np.float32))
    np.testing.assert_allclose(clf.predict_proba(u8 / 255), clf.predict_proba(paths), atol=1e-6)
    assert clf.predict(np.clip(u8 / 255 * 1.3, 0, 1.9)).shape == (8,)  # brightened a little: read as it is


def test_most_training_images_on_a_unit_scale_beside_a_0_255_one_are_warned_of_at_fit():
    rng = np.random.RandomState(0)
    unit = rng.rand(10, 8, 8) * 0.9  # [0, 1] images resized: fractions off the 8-bit grid
    mixed = unit.copy()
    mixed[0] *= 255
    with pytest.warns(UserWarning, match=r"9 of the 10 training images of X lie within \[-1, 1\].*two scales"):
        ConvImageClassifier(**CONV).fit(mixed, [0, 1] * 5)
    dark_frames = np.round(rng.rand(10, 8, 8) * 255)
    dark_frames[:2] = unit[:2]  # two dark frames among bright ones: no scale of their own
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        ConvImageClassifier(**CONV).fit(dark_frames, [0, 1] * 5)


@pytest.mark.parametrize("family", ["conv", "vgg"])
def test_a_one_dimensional_or_scalar_x_is_named_with_the_reshape_that_makes_one_image(family):
    X = np.random.RandomState(0).rand(4, 8, 8)
    est = (ConvImageClassifier(**CONV).fit(X, [0, 1] * 2) if family == "conv" else VGGFeatureExtractor(**VGG).fit(X))
    out = est.predict if family == "conv" else est.transform
    with pytest.raises(ValueError, match=r"X is one-dimensional \(shape \(64,\)\).*X\.reshape\(1, -1\)"):
        out(X[0].ravel())
    with pytest.raises(ValueError, match=r"X is one number \(3\.0\)"):
        out(3.0)


def test_a_sparse_torch_tensor_is_refused_by_name():
    torch = pytest.importorskip("torch")
    X = np.random.RandomState(0).rand(4, 64)
    clf = ConvImageClassifier(**CONV).fit(X, [0, 1] * 2)
    with pytest.raises(TypeError, match=r"X is a torch tensor of layout sparse_coo.*X\.to_dense\(\)"):
        clf.predict(torch.from_numpy(X).to_sparse())
    with pytest.raises(TypeError, match=r"y is a torch tensor of layout sparse_coo.*y\.to_dense\(\)"):
        ConvImageClassifier(**CONV).fit(X, torch.tensor([0, 1] * 2).to_sparse())


def test_grey_beside_colour_images_of_one_size_in_a_list_is_named_as_such():
    rng = np.random.RandomState(0)
    with pytest.raises(ValueError, match=r"X\[1\] is a grey image of shape \(8, 8\) but X\[0\] has channels, shape "
                                         r"\(8, 8, 3\).*np\.repeat"):
        ConvImageClassifier(**CONV).fit([rng.rand(8, 8, 3), rng.rand(8, 8)], [0, 1])


def test_transfer_s_default_batch_gives_no_warning_on_fewer_images():
    X = np.random.RandomState(0).rand(10, 8, 8, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = TransferVGGClassifier(**VGG, head_layers=(4,), max_iter=1).fit(X, [0, 1] * 5)
    assert clf.net_.batch_size == 10 and clf.get_params()["batch_size"] == "auto"
    with pytest.warns(UserWarning, match=r"batch_size=32 larger than the 10 training samples"):
        TransferVGGClassifier(**VGG, head_layers=(4,), max_iter=1, batch_size=32).fit(X, [0, 1] * 5)


def test_masks_among_the_training_images_are_read_later_as_fit_read_them():
    """A model fitted on 0-255 images beside images of 0 and 1 only (binarised pages) refused those same images at
    predict, score, partial_fit and in validation_data."""
    rng = np.random.RandomState(0)
    X, y = np.round(rng.rand(8, 8, 8) * 255), [0, 1] * 4
    X[:3] = rng.rand(3, 8, 8) < 0.5
    clf = ConvImageClassifier(**CONV).fit(X, y)
    assert clf.pixel_dark_seen_ and clf.predict(X).shape == (8,) and clf.partial_fit(X, y).score(X, y) >= 0
    ConvImageClassifier(**CONV).fit(X[2:], y[2:], validation_data=(X[:2], y[:2]))


def test_a_one_value_kernel_or_stride_is_read_as_square_and_bool_counts_are_refused():
    X, y = np.random.RandomState(0).rand(6, 8, 8), [0, 1] * 3
    small = dict(CONV, conv_filters=(4,))
    square = ConvImageClassifier(**small, kernel_size=3, strides=2).fit(X, y)
    one = ConvImageClassifier(**small, kernel_size=(3,), strides=(2,)).fit(X, y)  # (an IndexError inside sknn)
    np.testing.assert_allclose(one.predict_proba(X), square.predict_proba(X))
    for name in ("pool_size", "convs_per_block"):  # (True passed the constraints; pool_size failed inside torch)
        with pytest.raises(ValueError, match=rf"{name}=True: pass a whole number"):
            ConvImageClassifier(**small, **{name: True}).fit(X, y)
    with pytest.raises(ValueError, match=r"fine_tune_blocks=True: pass a number of blocks, or 'all'"):
        TransferVGGClassifier(**VGG, fine_tune_blocks=True).fit(np.random.RandomState(0).rand(6, 8, 8, 3), y)


def test_images_whose_axes_moved_are_told_the_move_not_a_resize():
    """Transposed images were told to be resized (which distorts them), images stacked on the last axis or with the
    images' axis second were said to have 'neither 1, 3 nor 4 channels', and the VGG estimators, which resize any
    size, read grey images stacked as (height, width, n) as 'height' images of another size without a word."""
    rng = np.random.RandomState(0)
    grey, colour, y = rng.rand(8, 6, 10), rng.rand(8, 8, 12, 3), np.arange(8) % 2
    on_grey, on_colour = ConvImageClassifier(**CONV).fit(grey, y), ConvImageClassifier(**CONV).fit(colour, y)
    for model, X, fix in [(on_grey, grey.transpose(0, 2, 1), r"look transposed \(10x6 where fit's are 6x10: height "
                           r"and width swapped\): X\.transpose\(0, 2, 1\); if they are other images, resize them "
                           r"to 6x10"),
                          (on_grey, grey.transpose(1, 2, 0), r"X looks like 8 grey images of 6x10 stacked on its last "
                           r"axis \(height, width, n\): put the images first, np\.moveaxis\(X, -1, 0\); if they "
                           r"are other"),
                          (on_colour, colour.transpose(0, 2, 1, 3), r"X\.transpose\(0, 2, 1, 3\); if they are"),
                          (on_colour, colour.transpose(3, 0, 1, 2), r"^X has shape \(3, 8, 8, 12\), 8 images with "
                           r"their axis second \(channels, n, height, width\): put it first, np\.moveaxis\(X, 1, 0\)"),
                          (on_colour, colour.transpose(1, 2, 3, 0), r"8 images with their axis last: put it first, "
                           r"np\.moveaxis\(X, -1, 0\)")]:
        with pytest.raises(ValueError, match=fix):
            model.predict(X)
    with pytest.raises(ValueError, match=r"resize them to 6x10"):  # another size: resized, as before
        on_grey.predict(rng.rand(3, 7, 9))
    stacked = rng.rand(20, 12, 20)  # 20 grey images of 12x20
    extractor = VGGFeatureExtractor(backbone=[4, "M"], weights=None, image_size=8).fit(stacked)
    with pytest.warns(UserWarning, match=r"X looks like 20 grey images of 12x20 stacked on its last axis"):
        assert extractor.transform(stacked.transpose(1, 2, 0)).shape == (12, 4)  # read as it is, but told
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        extractor.transform(rng.rand(5, 30, 30))  # images of another size: resized in silence
        extractor.transform(stacked.transpose(0, 2, 1))  # portrait beside landscape: resized, as photos are


@pytest.mark.parametrize("Model", [ConvImageClassifier, TransferVGGClassifier])
def test_a_quantity_given_to_an_image_classifier_is_told_the_image_regression_sknn_has(Model):
    """The fix named DenseRegressor, which takes no images."""
    params = CONV if Model is ConvImageClassifier else dict(backbone=[4, "M"], weights=None, image_size=8, max_iter=1)
    with pytest.raises(ValueError, match=r"Unknown label type: .*a quantity: sknn's image networks classify; .*"
                                         r"make_pipeline\(VGGFeatureExtractor\(\), DenseRegressor\(\)\)"):
        Model(**params).fit(np.random.RandomState(0).rand(8, 8, 8), np.linspace(0.5, 3.7, 8))


def test_images_prepared_otherwise_than_fit_s_are_told_at_predict(tmp_path):
    """Each was answered without a word: [0, 1] images for a model of centred [-1, 1] ones; colour images for a VGG
    classifier fitted on grey ones; an image_size arrays do not take."""
    rng = np.random.RandomState(0)
    X, y = rng.randint(0, 256, (12, 8, 8, 3)).astype(np.uint8), [0, 1] * 6
    centred = ConvImageClassifier(**CONV).fit(X / 127.5 - 1, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        centred.predict(X / 127.5 - 1)
    with pytest.warns(UserWarning, match=r"Images 0, 1, 2 and 9 more of X have no pixel below 0, but "
                                         r"ConvImageClassifier was fitted on centred or standardised images"):
        assert centred.predict(X / 255.0).shape == (12,)
    colour = rng.rand(8, 8, 8, 3).astype(np.float32)
    on_grey = TransferVGGClassifier(**VGG, max_iter=1).fit(colour[..., 0], y[:8])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # grey images stored with three equal channels are grey
        on_grey.predict(np.repeat(colour[:2, ..., :1], 3, axis=-1))
    with pytest.warns(UserWarning, match=r"X holds colour images, but TransferVGGClassifier was fitted on grey "
                                         r"ones.*X\.mean\(axis=-1\)"):
        on_grey.predict(colour[:2])
    on_colour = TransferVGGClassifier(**VGG, max_iter=1).fit(colour, y[:8])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # grey images for a model of 3 channels: those may have been grey too
        on_colour.predict(colour[:2, ..., 0])
    with pytest.warns(UserWarning, match=r"image_size=\(16, 16\) resizes image files; X's arrays are 8x8 images, "
                                         r"taken at their own size"):
        assert ConvImageClassifier(**CONV, image_size=(16, 16)).fit(X, y).image_shape_ == (3, 8, 8)


def test_a_path_column_beside_others_a_skipped_file_layer_and_ax_and_weights_are_named(tmp_path):
    from PIL import Image

    paths = []
    for i in range(4):
        Image.fromarray(np.full((8, 8), 60 * i, np.uint8)).save(tmp_path / f"{i}.png")
        paths.append(str(tmp_path / f"{i}.png"))
    frame = pd.DataFrame({"path": paths * 2, "z": 1})
    with pytest.raises(ValueError, match=r"X's column 'path' holds image file paths, beside 1 other column\(s\): "
                                         r"pass the paths alone \(X\['path'\]\)"):  # (numpy's float conversion)
        ConvImageClassifier(**CONV).fit(frame, [0, 1] * 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = ConvImageClassifier(**dict(CONV, max_iter=3), skip_bad_images=True).fit(
            paths * 2 + [str(tmp_path / "gone.png")], [0, 1] * 4 + [0])
    assert sum("gone.png" in str(w.message) for w in caught) == 1  # (once a pass: three times)
    for layer in (1.5, -1, 1, True):
        with pytest.raises(ValueError, match=rf"layer={layer!r}: pass the number of a convolution, a whole number "
                                             r"from 0 to 0 \(the network has 1\)"):
            model.feature_maps(paths[:1], layer=layer)
    assert model.feature_maps(paths[:1], layer=0).shape == (2, 8, 8)
    pytest.importorskip("matplotlib")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        model.plot_filters(ax="x")
    with pytest.raises(ValueError, match=r"weights='IMAGENET': no such file \(ImageNet's weights: weights='imagenet'"):
        TransferVGGClassifier(weights="IMAGENET").fit(np.zeros((2, 8, 8)), [0, 1])


def test_block_counts_and_sizes_are_read_as_given_or_refused():
    """A set of filters was built in its hashes' order, a dict as its keys; ConvNet cut a short count list (zip), read
    any string as 'auto' and 0 as no convolution; a Series of counts failed at partial_fit; a network with no
    convolution failed inside next(); module= dropped the convolution parameters without a word."""
    import torch

    from sknn.conv import ConvNet

    X, y = np.random.RandomState(0).rand(8, 12, 12), [0, 1] * 4
    for bad in (dict(conv_filters={8, 4}), dict(conv_filters=(4, 8), convs_per_block={2, 1}),
                dict(conv_filters=(4, 8), convs_per_block={1: 2})):
        with pytest.raises(InvalidParameterError, match=r"is not valid: .* must be .*a sequence of positive ints"):
            ConvImageClassifier(**{**CONV, **bad}).fit(X, y)
    assert ConvImageClassifier(**{**CONV, "conv_filters": (4, 8), "convs_per_block": np.array(2)}).fit(X, y)
    for counts, said in (((1, 2), r"\(3 of them\)"), ("bogus", "pass 'auto', a whole number or one per block"),
                         (0, "convs_per_block=0 is not valid")):
        with pytest.raises(ValueError, match=said):
            ConvNet(1, (12, 12), 3, conv_filters=(4, 8, 16), convs_per_block=counts)
    with pytest.raises(ValueError, match=r"too small for a 3x3 kernel with padding='valid' \(block 2, convolution 0\); "
                                         r"use padding='same', fewer blocks or convolutions \(convs_per_block=1\)"):
        ConvImageClassifier(**{**CONV, "conv_filters": (4, 8, 8), "padding": "valid"}).fit(X, y)
    series = ConvImageClassifier(**{**CONV, "conv_filters": (4, 8), "convs_per_block": pd.Series([1, 2])}).fit(X, y)
    assert series.architecture_["convs_per_block"] == (1, 2) and series.partial_fit(X, y).n_iter_ == 2
    with pytest.raises(ValueError, match="The network has no convolution"):
        ConvImageClassifier(**{**CONV, "conv_filters": ()}).fit(X, y).first_layer_filters()

    class Flat(torch.nn.Module):
        def __init__(self, c, size, n):
            super().__init__()
            self.linear = torch.nn.Linear(c * size[0] * size[1], n)

        def forward(self, x):
            return self.linear(x.flatten(1))

    with pytest.warns(UserWarning, match=r"module= replaces sknn's network, so conv_filters=\(4, 8\), "
                                         r"convs_per_block=\(1, 2\), dense_layers=\(4,\) are not applied"):
        ConvImageClassifier(**{**CONV, "module": Flat, "conv_filters": (4, 8), "convs_per_block": (1, 2)}).fit(X, y)


def test_files_read_darker_or_in_part_are_warned_of_at_predict_too(tmp_path):
    """Fit warned of 16-bit files of 8-bit levels (read all but black) and of transparency; predict on such files,
    after a fit on ordinary ones, answered without a word. An animation was read as its first frame unwarned."""
    rng = np.random.RandomState(0)
    plain, deep, transparent = [], [], []
    for i in range(8):
        levels = (rng.rand(8, 8) * 255).astype(np.uint8)
        for kind, image in ((plain, Image.fromarray(levels)), (deep, Image.fromarray(levels.astype(np.uint16))),
                            (transparent, Image.fromarray(np.dstack([levels] * 3 + [levels * 0]), "RGBA"))):
            kind.append(str(tmp_path / f"{len(kind)}-{id(kind)}.png"))
            image.save(kind[-1])
    clf = ConvImageClassifier(**CONV).fit(plain, [0, 1] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf.predict(plain)
    with pytest.warns(UserWarning, match="The 16-bit image files .* hold levels up to 25[0-9] only, at most 8 bits"):
        clf.predict(deep)
    vgg = VGGFeatureExtractor(**VGG).fit(plain)
    with pytest.warns(UserWarning, match="have transparent pixels"):
        vgg.transform(transparent)
    frames = [Image.new("L", (8, 8), level) for level in (0, 255)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    for call in (lambda: clf.predict([str(tmp_path / "anim.gif")]),
                 lambda: ConvImageClassifier(**CONV).fit([str(tmp_path / "anim.gif")] + plain[1:], [0, 1] * 4)):
        with pytest.warns(UserWarning, match=r"such as '.*anim\.gif' \(2 frames\) hold several frames.*only the "
                                             "first frame of each is read"):
            call()


def test_image_folder_names_class_folders_that_spell_one_label_and_leaves_out_system_folders(tmp_path):
    """Folders 'dog' and 'dog ' (or 'café' composed and not) were two classes, refused only at fit with a fix for a
    pandas y; 'Cat' and 'cat' two classes without a word; a NAS's @eaDir thumbnails trained as images."""
    from sknn.datasets import image_folder

    def make(root, names):
        for name in names:
            os.makedirs(root / name)
            Image.new("L", (8, 8)).save(root / name / "0.png")

    make(tmp_path / "spaced", ["dog", "dog ", "cat"])
    with pytest.raises(ValueError, match=r"class folders 'dog' and 'dog ', whose names differ only by white space"):
        image_folder(tmp_path / "spaced")
    make(tmp_path / "forms", ["caf\u00e9", "cafe\u0301"])
    with pytest.raises(ValueError, match="differ only by white space, Unicode form"):
        image_folder(tmp_path / "forms")
    make(tmp_path / "three", ["Cat", "cat", "cat "])  # (the pair named is the one that spells one label)
    with pytest.raises(ValueError, match=r"class folders 'cat' and 'cat ', whose names differ only by white space"):
        image_folder(tmp_path / "three")
    make(tmp_path / "empty", ["dog", "cat"])
    os.makedirs(tmp_path / "empty" / "dog ")  # an empty twin is left out (with a warning), not refused
    with pytest.warns(UserWarning, match="hold no image file"):
        assert image_folder(tmp_path / "empty")[1].tolist() == ["cat", "dog"]
    make(tmp_path / "case", ["Cat", "cat", "dog"])
    with pytest.warns(UserWarning, match="class folders 'Cat' and 'cat', whose names differ only by case"):
        assert image_folder(tmp_path / "case")[1].tolist() == ["Cat", "cat", "dog"]
    make(tmp_path / "nas", ["a", "b", "a/@eaDir/0.png", "a/inner"])
    paths, labels = image_folder(tmp_path / "nas")
    assert sorted(os.path.relpath(p, tmp_path / "nas") for p in paths) == ["a/0.png", "a/inner/0.png", "b/0.png"]
