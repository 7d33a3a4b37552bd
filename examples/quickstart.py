"""sknn's quick start: a neural network beside scikit-learn's usual models, from Python.

The same comparison as the command `sknn compare`: DenseClassifier, LogisticRegression,
RandomForest and HistGradientBoosting on scikit-learn's digits (1,797 8x8 images, 10
classes), each scored on the same 5 folds.

    python examples/quickstart.py            # about 30 s on 2 cores
    python examples/quickstart.py --quick    # a few seconds: fewer rows and folds
"""

import argparse

from sklearn.datasets import load_digits

from sknn import compare


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--quick", action="store_true", help="300 rows and 3 folds, to check the script runs")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    if args.quick:
        X, y, args.cv = X[:300], y[:300], 3
    # 'default' picks the four models; the linear model and the network see scaled pixels.
    table = compare(X, y, models="default", cv=args.cv, scoring=["accuracy", "f1_macro"])
    print(f"\nDigits, {args.cv}-fold stratified cross-validation (shuffled, random_state=0)\n")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    return table


if __name__ == "__main__":
    main()
