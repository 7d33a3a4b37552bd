"""sknn's quick start: a neural network beside the models you already use, from Python.

The same comparison as the command `sknn compare`: DenseClassifier beside a baseline,
LogisticRegression, RandomForest, HistGradientBoosting (and LightGBM, XGBoost, CatBoost
when installed) on scikit-learn's digits (1,797 8x8 images, 10 classes), each scored on
the same 5 folds, and each tested against the best (corrected resampled t-test).

    python examples/quickstart.py            # under a minute on 2 cores (benchmarks/RESULTS.md, "compare")
    python examples/quickstart.py --quick    # 300 rows, 3 folds: checks that the script runs (22 s)
"""

import argparse

from sklearn.datasets import load_digits

from sknn import compare
from sknn.report import notes, text_table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of the k-fold split (default: compare's)")
    parser.add_argument("--quick", action="store_true", help="300 rows, 3 folds, one repeat, to check the script runs")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    if args.quick:
        X, y, args.cv, args.repeats = X[:300], y[:300], 3, 1
    # 'default' picks the line-up; the linear model sees scaled pixels, the network scales them itself.
    table = compare(X, y, models="default", cv=args.cv, repeats=args.repeats)
    a = table.attrs
    print(f"\nDigits: {a['cv']}-fold stratified cross-validation x {a['repeats']} repeat(s); task "
          f"{a['task']} ({a['task_reason']})\n")
    print(text_table(table))
    for line in notes(table):
        print("note:", line)
    return table


if __name__ == "__main__":
    main()
