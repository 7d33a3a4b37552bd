"""Convolutional networks on images: ConvImageClassifier.

1. scikit-learn's digits (8x8) as flat rows after a scaler, in a pipeline.
2. The same images as arrays, with training-time augmentation.
3. What the network learned: its first-layer filters and one image's feature maps.
4. With --data DIR (or $SKNN_DATA): Fashion-MNIST, 60,000 28x28 images.

    python examples/conv_images.py             # about a minute on 2 cores
    python examples/conv_images.py --quick     # 11 s on 2 quiet cores, start-up included (2026-12-01)
"""

import argparse
import os

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import ConvImageClassifier
from sknn.datasets import load_fashion_mnist


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few epochs, to check the script runs")
    parser.add_argument("--data", default=os.environ.get("SKNN_DATA", "../shared/data"),
                        help="folder with fashion_mnist/ (default $SKNN_DATA or ../shared/data)")
    args = parser.parse_args(argv)
    epochs = 3 if args.quick else 30

    # 1. Flat rows, as a scikit-learn transformer leaves them: image_shape says how to fold them.
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    pipe = make_pipeline(MinMaxScaler(), ConvImageClassifier(image_shape=(8, 8), max_iter=epochs, random_state=0))
    pipe.fit(X_train, y_train)
    print(f"digits, flat rows after MinMaxScaler: test accuracy {pipe.score(X_test, y_test):.4f}")

    # 2. Arrays of images (n, 8, 8), shifted, rotated and zoomed a little at each epoch.
    images_train, images_test = X_train.reshape(-1, 8, 8) / 16, X_test.reshape(-1, 8, 8) / 16
    clf = ConvImageClassifier(augment={"shift": 0.1, "rotation": 10, "zoom": 0.1}, max_iter=2 * epochs,
                              random_state=0).fit(images_train, y_train)
    print(f"digits, arrays with augmentation: test accuracy {clf.score(images_test, y_test):.4f}")

    # 3. Inside the network.
    filters = clf.first_layer_filters()
    maps = clf.feature_maps(images_test[:1], layer=0)
    print(f"first layer: {filters.shape[0]} filters of {filters.shape[2]}x{filters.shape[3]}; "
          f"feature maps of one image: {maps.shape}")

    # 4. Fashion-MNIST, when the data is at hand.
    folder = os.path.join(args.data, "fashion_mnist")
    if args.quick or not os.path.isdir(folder):
        print(f"Fashion-MNIST: skipped ({'--quick' if args.quick else 'no folder ' + folder})")
        return
    X_train, y_train, X_test, y_test = load_fashion_mnist(folder)  # uint8 images: scaled to [0, 1]
    # the defaults: 10 epochs, about 6 minutes on 2 cores of a recent CPU (benchmarks/RESULTS.md)
    clf = ConvImageClassifier(verbose=1, random_state=0).fit(X_train, y_train)
    print(f"Fashion-MNIST, the defaults: test accuracy {clf.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
