"""Data helpers: labelled image folders, IDX files (MNIST, Fashion-MNIST)."""

import gzip
import os

import numpy as np

__all__ = ["image_folder", "read_idx", "load_fashion_mnist", "IMAGE_EXTENSIONS"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm")


def image_folder(root, extensions=IMAGE_EXTENSIONS):
    """List the images of a folder with one sub-folder per class, as Keras' flow_from_directory reads it.

    Parameters
    ----------
    root : str or path
        ``root/<label>/<image file>``; sub-folders are the labels, in sorted order.
    extensions : tuple of str
        File endings taken as images (case-insensitive).

    Returns
    -------
    paths : list of str
    labels : ndarray of str

    Examples
    --------
    >>> paths, labels = image_folder("photos/")          # doctest: +SKIP
    >>> ConvImageClassifier(image_size=64).fit(paths, labels)  # doctest: +SKIP
    """
    root = os.fspath(root)
    if not os.path.isdir(root):
        raise ValueError(f"No such folder: {root!r}.")
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    if not classes:
        raise ValueError(f"{root!r} has no sub-folders: put the images of each class in a folder of its own.")
    paths, labels = [], []
    for label in classes:
        for dirpath, _, files in sorted(os.walk(os.path.join(root, label))):
            for name in sorted(files):
                if name.lower().endswith(tuple(extensions)):
                    paths.append(os.path.join(dirpath, name))
                    labels.append(label)
    if not paths:
        raise ValueError(f"No image files ({', '.join(extensions)}) under {root!r}.")
    return paths, np.asarray(labels)


def read_idx(path):
    """Read an IDX file (the format of MNIST and Fashion-MNIST), gzipped or not, as a numpy array."""
    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise ValueError(f"{os.fspath(path)!r} is not an IDX file of unsigned bytes.")
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_fashion_mnist(folder):
    """Fashion-MNIST's standard split from ``folder`` (the four ``*-ubyte.gz`` files).

    Returns
    -------
    X_train : uint8 array (60000, 28, 28), y_train, X_test (10000, 28, 28), y_test
    """
    names = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz")
    missing = [n for n in names if not os.path.isfile(os.path.join(folder, n))]
    if missing:
        raise ValueError(f"Fashion-MNIST files missing from {os.fspath(folder)!r}: {missing}.")
    return tuple(read_idx(os.path.join(folder, n)) for n in names)
