"""sknn.report's renderings of compare's tables: what they mark as best, how they print missing numbers, and the
data they are given."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

from sknn import compare, report


class _FailsOnOddRows(LinearRegression):
    """Fits on the splits of an even number of training rows only (a model whose fit fails on some splits)."""

    def fit(self, X, y, sample_weight=None):
        if len(X) % 2:
            raise RuntimeError("boom")
        return super().fit(X, y)


def test_a_model_scored_on_some_splits_only_is_not_marked_the_best_value():
    X, y = load_diabetes(return_X_y=True)
    table = compare(X, y, models={"ridge": Ridge(), "flaky": _FailsOnOddRows()}, cv=3, repeats=1, n_jobs=1,
                    verbose=False, scoring=["rmse", "r2"])
    assert table.loc["flaky", "failed_fits"] > 0
    page = report.html_report([{"name": "d", "table": table, "header": report.describe(table, "d"), "figures": {}}])
    rows = {re.search(r'data-model="([^"]+)"', row)[1]: row
            for row in re.findall(r'<tr class="model-row".*?</tr>', page, flags=re.S)}
    assert "best" not in rows["flaky"]  # its mean is over the splits it fitted on (it was shown best)
    assert "metric best" in rows["ridge"]


@pytest.mark.parametrize("missing", [None, float("nan"), np.float32("nan"), np.float64("nan"), pd.NA])
def test_missing_numbers_print_as_a_dash(missing):
    assert report.format_number(missing) == "-"  # (float32's NaN printed 'nan'; pd.NA raised)
    assert report.format_number(np.float32(0.5)) == "0.5000"


def test_figures_refuse_a_y_of_other_rows_than_compare_fitted():
    X, y = load_iris(return_X_y=True)
    y = pd.Series(np.array(["setosa", "versicolor", "virginica"], dtype=object)[y])
    y[[0, 60, 120]] = None  # compare leaves these rows out
    table, fitted = compare(X, y, models={"lr": LogisticRegression(max_iter=200)}, cv=2, repeats=1, n_jobs=1,
                            verbose=False, return_fitted=True, scoring=["accuracy"])
    with pytest.raises(ValueError, match=r"y holds 150 rows, but the table's models were fitted on 147 \(it left out "
                                         r"3 rows without a target\): pass the rows compare used"):
        report.figures(table, fitted, X, y)  # (failed sorting None beside strings, and read the wrong rows)
    kept = y.notna().to_numpy()
    assert "confusion_matrix" in report.figures(table, fitted, X[kept], y[kept])
    with pytest.raises(TypeError, match=r"fitted is NoneType: pass the second value of sknn.compare"):
        report.figures(table, None, X[kept], y[kept])


@pytest.mark.parametrize("call, match", [
    (lambda: report.text_table(None), r"report\.text_table shows the DataFrame returned by sknn\.compare; got None"),
    (lambda: report.describe(None, "x"), r"report\.describe reads the DataFrame .*; got NoneType"),
    (lambda: report.notes(None), r"report\.notes reads the DataFrame .*; got NoneType"),
    (lambda: report.significance_sentence({}), r"report\.significance_sentence reads the DataFrame .*; got dict"),
    (lambda: report.html_report(pd.DataFrame()), r"datasets is DataFrame: pass a list of dicts"),
    (lambda: report.html_report([{"name": "d", "header": "abc", "figures": {}}]), r"datasets\[0\] needs header"),
    (lambda: report.html_report([{"name": "d", "table": None, "header": ["d"], "figures": {}}]),
     r"datasets\[0\]\['table'\] must be the DataFrame returned by sknn\.compare"),
])
def test_the_renderings_name_an_argument_of_another_kind(call, match):
    """They failed inside ('NoneType' object has no attribute 'attrs', KeyError: 'vs_best'), or, for a header given
    as a string, rendered its first character as the heading and each other one as a fact."""
    with pytest.raises((TypeError, ValueError), match=match):
        call()
