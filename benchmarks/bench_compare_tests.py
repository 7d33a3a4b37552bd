"""compare's verdicts where the answer is known, and on small real tables: what its tests call worse or tied.

    python benchmarks/bench_compare_tests.py                      # this checkout
    python benchmarks/bench_compare_tests.py --checkout DIR       # another (git archive REV | tar -x -C DIR)

Four kinds of cases, every one deterministic (fixed seeds, one thread, no timing):

* a model at 0.999 balanced accuracy against the baseline at 0.5 and a weaker model, 1,000 rows, the
  default protocol (5 folds, 1 repeat): the baseline must be 'worse', below the weaker model;
  the baseline against logistic regression on iris, 3 folds;
* one row wrong in every fold of 101 rows (1/21 or 1/20 of a fold's accuracy), by hand with
  ``corrected_ttest``, on 1, 3 and 10 repeats: no evidence, whatever the repeats;
* iris, wine, breast cancer and diabetes, 100 and 300 rows drawn with seed 0, ``models=["linear",
  "forest"]``, 5 folds x 2 repeats: each model's verdict and p-value (run with ``--checkout`` on
  an older version to see what a change of the tests moves);
* four equally good models (``--draws`` data sets): how often each test calls one of them worse than the
  best, which is chosen after the fact (at alpha = 0.05, a family-wise error rate near 5% is the goal).

Prints Markdown tables for benchmarks/RESULTS.md. A check of the statistics, never a tuning set.
"""

import argparse
import datetime
import os
import sys
import warnings


def known_cases(compare, corrected_ttest):
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    y = (X[:, 0] > 0).astype(int)
    X = np.c_[X, X[:, 0] + rng.normal(size=1000) * 0.8]  # a noisy copy of the signal, for a weaker model
    weaker = make_pipeline(ColumnTransformer([("noisy", "passthrough", [3])]), LogisticRegression())
    rows = []
    table = compare(X, y, models={"stump": DecisionTreeClassifier(max_depth=1), "weaker": weaker}, verbose=False,
                    n_jobs=1, threads=1)
    for model in table.index:
        rows.append(("1,000 separable rows, 5 folds", model, table.loc[model, "balanced_accuracy_mean"],
                     table.loc[model, "vs_best"], table.loc[model, "p_value"]))
    table = compare(*load_iris(return_X_y=True), models=["linear"], cv=3, repeats=1, verbose=False, n_jobs=1,
                    threads=1)
    for model in table.index:
        rows.append(("iris, 3 folds", model, table.loc[model, "balanced_accuracy_mean"], table.loc[model, "vs_best"],
                     table.loc[model, "p_value"]))
    print("| case | model | balanced accuracy | vs best | p |\n|---|---|---|---|---|")
    for case, model, score, verdict, p in rows:
        print(f"| {case} | {model} | {score:.4f} | {verdict} | {p:.2g} |")
    wrong = np.array([20 / 21] + [19 / 20] * 4)
    print("\n| one row wrong in every fold of 101 rows | p (corrected t-test) |\n|---|---|")
    for repeats in (1, 3, 10):
        p = corrected_ttest(np.ones(5 * repeats), np.tile(wrong, repeats), 80.8, 20.2)[1]
        print(f"| {repeats} repeat(s), {5 * repeats} splits | {p:.3g} |")


def real_tables(compare):
    import numpy as np
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine

    print("\n| table | rows | model: verdict (p) |\n|---|---|---|")
    for name, loader in [("iris", load_iris), ("wine", load_wine), ("breast cancer", load_breast_cancer),
                         ("diabetes", load_diabetes)]:
        X, y = loader(return_X_y=True)
        for n in (100, 300):
            rows = np.random.RandomState(0).permutation(len(y))[:n]
            table = compare(X[rows], y[rows], models=["linear", "forest"], cv=5, repeats=2, verbose=False, n_jobs=1,
                            threads=1)
            shown = ", ".join(f"{m}: {table.loc[m, 'vs_best']}" + ("" if table.loc[m, "vs_best"] == "best" else
                                                                  f" ({table.loc[m, 'p_value']:.2g})")
                              for m in table.index)
            print(f"| {name} | {n} | {shown} |")


def equal_models(compare, draws, k=4, n=200):
    """How often each test calls one of ``k`` equally good models worse than the best: ``draws`` fresh data sets of
    ``n`` rows, model i a logistic regression on its own pair of features, the pairs equally informative, 5 folds x
    3 repeats, no baseline. The best is chosen after the fact, so the verdicts are a family of k - 1."""
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    def on_pair(i):
        return make_pipeline(ColumnTransformer([("pair", "passthrough", [2 * i, 2 * i + 1])]), LogisticRegression())

    print(f"\n| {k} equally good models, {n} rows, {draws} draws | runs with a model called worse | 'worse' verdicts |"
          "\n|---|---|---|")
    for test in ("t-test", "bayesian"):
        runs = verdicts = 0
        for draw in range(draws):
            rng = np.random.default_rng(1000 + draw)
            X = rng.normal(size=(n, 2 * k))
            y = (X[:, 0::2].sum(axis=1) * 0.5 + rng.normal(size=n) > 0).astype(int)
            table = compare(X, y, models={f"m{i}": on_pair(i) for i in range(k)}, cv=5, repeats=3, n_jobs=1,
                            threads=1, verbose=False, baseline=False, random_state=draw, test=test)
            worse = int((table["vs_best"] == "worse").sum())
            runs, verdicts = runs + (worse > 0), verdicts + worse
        print(f"| {test} | {runs} / {draws} ({runs / draws:.1%}) | {verdicts} / {draws * (k - 1)} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", help="the root of another sknn checkout to import (default: this one)")
    parser.add_argument("--draws", type=int, default=120, help="data sets of equally good models (0: none)")
    args = parser.parse_args(argv)
    root = args.checkout or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.abspath(root))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    warnings.simplefilter("ignore")
    import sknn
    from sknn.compare import compare, corrected_ttest

    print(f"# compare's tests, {datetime.date.today()}: sknn imported from {os.path.dirname(sknn.__file__)}\n")
    known_cases(compare, corrected_ttest)
    real_tables(compare)
    if args.draws:
        equal_models(compare, args.draws)
    return 0


if __name__ == "__main__":
    sys.exit(main())
