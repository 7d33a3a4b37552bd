"""Transfer learning with a VGG-style backbone: TransferVGGClassifier and VGGFeatureExtractor.

1. Pretrain a small VGG-style network on digits 0-4 and save its backbone's weights to a
   file (with ImageNet weights you would skip this: weights='imagenet' is the default).
2. Load the file into a TransferVGGClassifier for another task, digits 5-9, from a few
   labelled images per class: the frozen backbone's features are computed once, a new
   head is trained on them. Compare with the same model on a random backbone.
3. Fine-tune: unfreeze the last convolution block, continuing from the trained head.
4. The backbone as a scikit-learn transformer, before a LogisticRegression.

    python examples/transfer_learning.py             # about a minute on 2 cores
    python examples/transfer_learning.py --quick     # 8 s on 2 quiet cores, start-up included (2026-12-01)
"""

import argparse
import os
import tempfile
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import TransferVGGClassifier, VGGFeatureExtractor

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.filterwarnings("ignore", message="Got batch_size")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few epochs, to check the script runs")
    args = parser.parse_args(argv)
    backbone = [8, "M", 16, "M"] if args.quick else [16, "M", 32, "M"]
    common = dict(backbone=backbone, image_size=8 if args.quick else 16, channels_last=False, random_state=0)

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).reshape(-1, 8, 8)  # grey images in [0, 1]: resized and repeated to 3 channels
    first, second = y < 5, y >= 5

    # 1. A backbone learned on digits 0-4, saved as a standard state dict (features.0.weight, ...).
    pre = TransferVGGClassifier(weights=None, fine_tune_blocks="all", backbone_lr_ratio=1.0, head_layers=(),
                                dropout=0.0, learning_rate_init=3e-3, batch_size=64,
                                max_iter=3 if args.quick else 15, **common).fit(X[first], y[first])
    print(f"pretraining on digits 0-4: training accuracy {pre.score(X[first], y[first]):.4f}")
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "digits04_backbone.pth")
    torch.save(pre.backbone_state_dict(), path)

    # 2. Digits 5-9 from 10 labelled images per class; the rest is the test set.
    X2, y2 = X[second], y[second]
    rng = np.random.RandomState(0)
    few = np.concatenate([rng.choice(np.flatnonzero(y2 == c), 10, replace=False) for c in range(5, 10)])
    rest = np.setdiff1d(np.arange(len(y2)), few)
    head = dict(head_layers=(64,), dropout=0.0, learning_rate_init=3e-3, max_iter=20 if args.quick else 60, **common)
    clf = TransferVGGClassifier(weights=path, **head).fit(X2[few], y2[few])
    random = TransferVGGClassifier(weights=None, **head).fit(X2[few], y2[few])
    print(f"digits 5-9 from 50 labelled images: pretrained backbone {clf.score(X2[rest], y2[rest]):.4f}, "
          f"random backbone {random.score(X2[rest], y2[rest]):.4f}")

    # 3. Fine-tuning: the last block learns too, at a tenth of the head's learning rate.
    clf.set_params(warm_start=True, fine_tune_blocks=1, backbone_lr_ratio=0.1, max_iter=2 if args.quick else 20)
    clf.fit(X2[few], y2[few])
    print(f"after fine-tuning the last block: {clf.score(X2[rest], y2[rest]):.4f}")

    # 4. The backbone's features for any scikit-learn model.
    pipe = make_pipeline(VGGFeatureExtractor(weights=path, backbone=backbone, image_size=common["image_size"],
                                             pooling="flatten"), StandardScaler(), LogisticRegression(max_iter=500))
    pipe.fit(X2[few], y2[few])
    print(f"VGGFeatureExtractor + LogisticRegression: {pipe.score(X2[rest], y2[rest]):.4f} "
          f"({pipe[0].get_feature_names_out().shape[0]} features)")
    os.remove(path)
    os.rmdir(folder)


if __name__ == "__main__":
    main()
