"""sknn's quick start: a neural network beside scikit-learn's usual models.

DenseClassifier, LogisticRegression, RandomForest and HistGradientBoosting on
scikit-learn's digits (1,797 8x8 images, 10 classes), each scored by the same 5-fold
cross-validation. Prints a table of mean accuracy, its standard deviation and the mean
fit time.

    python examples/quickstart.py
"""

import argparse
import time
import warnings

import pandas as pd
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import DenseClassifier


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    models = {
        "DenseClassifier (sknn)": make_pipeline(StandardScaler(), DenseClassifier(random_state=0)),
        "LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "RandomForest": RandomForestClassifier(random_state=0),
        "HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
    }
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=0)  # identical folds for every model
    rows = []
    for name, model in models.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = cross_validate(model, X, y, cv=cv, scoring="accuracy")
        rows.append({"model": name, "accuracy": res["test_score"].mean(), "std": res["test_score"].std(),
                     "fit time (s)": res["fit_time"].mean(), "total (s)": time.perf_counter() - start})
        print(f"  {name}: done", flush=True)
    table = pd.DataFrame(rows).set_index("model").sort_values("accuracy", ascending=False)
    print(f"\nDigits, {args.cv}-fold stratified cross-validation (shuffled, random_state=0)\n")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    return table


if __name__ == "__main__":
    main()
