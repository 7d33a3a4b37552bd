"""Numbers float64 or float32 cannot hold: refused, naming the input and the fix, whatever the container."""

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from sknn import DenseClassifier, DenseRegressor, compare
from sknn._numbers import check_exact_in_float64, check_float32_columns
from sknn._tabular import TabularPreprocessor
from sknn.cli import main

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 3))
Y = (X[:, 0] > 0).astype(int)
TINY = dict(hidden_layer_sizes=(4,), max_iter=1, random_state=0, n_jobs=1, device="cpu")
RAW = dict(TINY, preprocessing=None, numeric_embedding=None)


def _timestamps(n=200, seed=0):
    """1e9 + 10 * noise: float32's step there is 64, so its values become one or two."""
    return 1e9 + 10 * np.random.RandomState(seed).normal(size=n)


# -- 1. a sparse X gets the float32 checks of a dense X ---------------------------------------------
@pytest.mark.parametrize("scale, match", [(1e-50, "Column 0 holds values within .* too close for float32"),
                                          (1e39, "Column 0 of X holds values beyond float32's range")])
def test_a_sparse_x_is_refused_as_the_same_dense_x(scale, match):
    Z = X * [scale, 1, 1]
    for container in (np.asarray, sp.csr_matrix):
        with pytest.raises(ValueError, match=match):
            TabularPreprocessor().fit(container(Z))


def test_a_sparse_x_with_nan_is_told_a_fix_that_works_with_either_preprocessing():
    """preprocessing=None advised preprocessing='auto', which refused the same sparse X without a fix."""
    Z = X.copy()
    Z[Z < 0] = 0
    Z[3, 2] = np.nan
    y = (X[:, 0] > 0).astype(int)
    for preprocessing in (None, "auto"):
        with pytest.raises(ValueError, match=r"in its stored values: a sparse X must hold (finite )?numbers; impute "
                                             r".* or pass X\.toarray\(\)"):
            DenseClassifier(**TINY, preprocessing=preprocessing).fit(sp.csr_matrix(Z), y)
    assert DenseClassifier(**TINY).fit(sp.csr_matrix(Z).toarray(), y).predict(Z).shape == (len(Z),)  # the fix


@pytest.mark.parametrize("Z, params, fix", [
    (X * 1e38, {"preprocessing": None}, r"MaxAbsScaler\(\), estimator\), which keeps a sparse X sparse"),
    (np.c_[np.r_[np.zeros(20), _timestamps(20)], X[:, 1:]], {}, r"zeros mark missing values, pass X\.toarray\(\) "
                                                                r"with them as NaN")])
def test_a_sparse_x_is_told_fixes_that_work_on_a_sparse_x(Z, params, fix):
    """The fixes named for a dense X (StandardScaler, zeros made NaN) fail on a sparse one: StandardScaler refuses to
    centre it, a stored NaN is refused (the parts of complex numbers: test_hostile_workflow)."""
    kw = {**TINY, **params}
    with pytest.raises(ValueError, match=fix):
        DenseClassifier(**kw).fit(sp.csr_matrix(Z), Y)
    with pytest.raises(ValueError) as dense:  # the same values in a dense X: the dense fix
        DenseClassifier(**kw).fit(Z, Y)
    assert "sparse" not in str(dense.value) and "toarray" not in str(dense.value)


def test_a_sparse_x_at_predict_beyond_float32_is_refused_with_its_column():
    pre = TabularPreprocessor().fit(sp.csr_matrix(X))
    Z = X.copy()
    Z[3, 2] = -1e39
    with pytest.raises(ValueError, match="Column 2 of X holds values beyond float32's range"):
        pre.transform(sp.csr_matrix(Z))


def test_a_sparse_column_that_needs_an_offset_is_refused_unless_float32_holds_it():
    T = np.c_[_timestamps(), RNG.normal(size=200)]
    assert TabularPreprocessor().fit(T).offset_[0] != 0  # dense: its median subtracted in float64
    with pytest.raises(ValueError, match=r"Column 0 of the sparse X holds 200 distinct values .*X\.toarray\(\)"):
        TabularPreprocessor().fit(sp.csr_matrix(T))
    exact = np.c_[1e9 + 128 * np.arange(40.0), X[:, 1]]  # multiples of float32's step: nothing to lose
    pre = TabularPreprocessor().fit(sp.csr_matrix(exact))
    assert not pre.offset_.any() and np.unique(pre.transform(sp.csr_matrix(exact)).toarray()[:, 0]).size == 40


def test_values_far_from_zero_beside_zeros_are_refused_in_auto_preprocessing():
    t = _timestamps()
    t[::3] = 0  # the median, taken with the zeros, sets no offset: float32 would merge the other values
    with pytest.raises(ValueError, match=r"Column 't' of X holds \d+ distinct values .* make them NaN"):
        TabularPreprocessor().fit(pd.DataFrame({"t": t}))
    assert TabularPreprocessor().fit(pd.DataFrame({"t": np.where(t == 0, np.nan, t)})).offset_[0] != 0


# -- 2. whole numbers beyond 2**53: the same refusal in any container ---------------------------------
def test_whole_numbers_float64_merges_are_refused_in_object_columns_and_lists():
    big = [2**62 + i for i in range(40)]
    for table in (pd.DataFrame({"a": X[:, 0], "c": pd.Series(big, dtype=object)}),
                  [[float(X[i, 0]), big[i], "x"] for i in range(40)],  # typed column by column
                  [[float(X[i, 0]), big[i]] for i in range(40)]):  # numpy would make them floats at once
        with pytest.raises(ValueError, match="whole numbers as large as 46116860184273879.., which differ"):
            TabularPreprocessor().fit(table)
    exact = pd.Series([2**62 + 1024 * i for i in range(40)], dtype=object)  # float64 holds each: kept
    assert TabularPreprocessor().fit(pd.DataFrame({"c": exact})).scale_[0] > 0
    with pytest.raises(ValueError, match="y holds whole numbers as large as .* subtract an offset"):
        DenseRegressor(**TINY).fit(X, pd.Series([2**60 + i for i in range(40)], dtype=object))


def test_whole_numbers_are_checked_in_object_arrays_and_reported_with_their_sign():
    check_exact_in_float64(np.array([2**53 + 2, 1.5, "a", None], dtype=object), "v", "fix")  # exact: accepted
    with pytest.raises(ValueError, match=r"as large in magnitude as -9223372036854775808, which differ"):
        check_exact_in_float64(np.iinfo(np.int64).min + np.arange(3), "v", "fix")  # (abs() of it wraps in int64)
    with pytest.raises(ValueError, match=r"v holds whole numbers as large as 2\*\*62|4611686018427387905"):
        check_exact_in_float64([Decimal(2**62), 2**62 + 1], "v", "fix")


# -- 3. preprocessing=None: columns float32 would lose ------------------------------------------------
@pytest.mark.parametrize("column, match", [
    (X[:, 0] * 1e-50, r"Column 0 of X holds no value larger than .* below float32's smallest normal"),
    (_timestamps(40), r"Column 0 of X holds 40 distinct values .* which float32, .* makes [12] "),
])
def test_preprocessing_none_refuses_a_column_float32_would_lose(column, match):
    with pytest.raises(ValueError, match=match + r".*StandardScaler"):
        DenseClassifier(**RAW).fit(np.c_[column, X[:, 1:]], Y)


def test_preprocessing_none_names_a_frame_column_and_keeps_ordinary_data():
    with pytest.raises(ValueError, match="Column 't' of X holds 40 distinct values"):
        DenseClassifier(**RAW).fit(pd.DataFrame({"t": _timestamps(40), "a": X[:, 1]}), Y)
    ordinary = np.c_[X[:, :2], np.zeros(40), np.where(Y == 1, 0.1 * 3, 0.3)]  # zeros; rounding noise alone
    model = DenseClassifier(**RAW).fit(ordinary, Y)
    model.predict(np.array([[1.0, 1.0, 0, 0.3], [1.0 + 1e-10, 1e-50, 0, 0.3]]))  # a batch at predict: its own


# -- 4. cells float64 cannot hold ---------------------------------------------------------------------
CELLS = [(10**400, "a whole number of 401 digits .* beyond float64's range"),
         (Fraction(10**400), "beyond float64's range"), (Decimal("-1e400"), "beyond float64's range"),
         (Decimal("sNaN"), "a signaling NaN")]


@pytest.mark.parametrize("cell, match", CELLS, ids=["int", "fraction", "decimal", "snan"])
def test_cells_float64_cannot_hold_are_refused_in_x_at_fit_and_predict(cell, match):
    size = pd.Series(list(X[:, 1]), dtype=object)
    size[5] = cell
    with pytest.raises(ValueError, match=f"Column 'size' of X holds .*{match}"):
        TabularPreprocessor().fit(pd.DataFrame({"a": X[:, 0], "size": size}))
    pre = TabularPreprocessor().fit(pd.DataFrame({"a": X[:, 0], "size": X[:, 1]}))
    with pytest.raises(ValueError, match=f"Column 'size' of X holds .*{match}"):
        pre.transform(pd.DataFrame({"a": X[:, 0], "size": size}))
    with pytest.raises(ValueError, match=f"X holds .*{match}"):
        DenseClassifier(**RAW).fit(np.c_[X[:, :1], size.to_numpy()], Y)


@pytest.mark.parametrize("cell, match", CELLS + [(Decimal("1e400"), r"Decimal\('1E\+400'\) .* beyond")],
                         ids=["int", "fraction", "decimal", "snan", "finite-decimal"])
def test_cells_float64_cannot_hold_are_refused_in_a_regression_target(cell, match):
    with pytest.raises(ValueError, match=f"y holds .*{match}") as caught:
        DenseRegressor(**TINY).fit(X, pd.Series([cell] + [1] * 39, dtype=object))
    assert "NaN or infinity" not in str(caught.value)


def test_the_command_line_names_a_csv_cell_beyond_float64(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    pd.DataFrame({"a": X[:, 0], "b": [10**400] + list(range(1, 40)), "y": Y}).to_csv(path, index=False)
    assert main(["compare", "--csv", str(path), "--target", "y", "--models", "linear", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "the column 'b' of" in err and "beyond float64's range" in err


# -- 5. a classifier's labels it cannot compare -------------------------------------------------------
@pytest.mark.parametrize("labels, match", [
    (np.array([1 + 1j, 2 + 0j]), r"Complex data not supported: y holds complex numbers; .*y\.astype\(str\)"),
    (np.array([2**70, 2**70 + 1], dtype=object), r"y holds whole numbers beyond 2\*\*53 .*y\.astype\(str\)"),
    ([-1, 2**63 + 1], r"y holds whole numbers beyond 2\*\*53 .*y\.astype\(str\)"),  # numpy: floats, one class
])
def test_a_classifier_names_labels_it_cannot_compare(labels, match):
    y = np.asarray(labels, dtype=object)[Y] if isinstance(labels, list) else labels[Y]
    with pytest.raises(ValueError, match=match) as caught:
        DenseClassifier(**TINY).fit(X, list(y) if isinstance(labels, list) else y)
    assert "\n" not in str(caught.value)
    DenseClassifier(**TINY).fit(X, np.array([2**64 - 1, 2**64 - 2], dtype=np.uint64)[Y])  # one integer type: fine


def test_whole_labels_beyond_2_53_beside_a_float_are_refused_not_merged():
    """2**60 and 2**60 + 1 beside 1.0 became one float class, silently (numpy makes the column float64)."""
    for y in ([2**60, 2**60 + 1, 1.0] * 10, pd.Series([2**60, 2**60 + 1, np.float32(1.0)] * 10, dtype=object)):
        with pytest.raises(ValueError, match=r"beyond 2\*\*53 beside floats \(such as (np\.float32\()?1\.0"):
            DenseClassifier(**TINY).fit(X[:30], y)
    DenseClassifier(**TINY).fit(X[:30], [2**52, 2**52 + 1, 1.0] * 10)  # float64 holds them apart: fine
    big = pd.Series([2**60, 2**60 + 1, 1.0] * 20, dtype=object)
    with pytest.raises(ValueError, match=r"beyond 2\*\*53 beside floats"):  # compare's classification too
        compare(np.r_[X, X][:60], big, models=["linear"], task="classification", cv=2, repeats=1, verbose=False)
    counts = pd.Series([2**54 + 2 * k if k % 2 else k + 0.5 for k in range(60)], dtype=object)
    table = compare(np.r_[X, X][:60], counts, models=["linear"], task="regression", cv=2, repeats=1,
                    verbose=False)  # (a target of numbers, not labels: read as floats, as before)
    assert table["failed_fits"].sum() == 0


def test_whole_numbers_beyond_2_53_are_refused_by_compare_and_in_a_sparse_x():
    """compare rounded an int64 target or an int64 array's column beyond 2**53 and scored its peers on what float64
    kept of it (16 values of 118), where a DataFrame was refused; a sparse int64 X read 60 such identifiers as one
    constant column."""
    from sknn import DenseRegressor

    rng = np.random.RandomState(0)
    features = rng.normal(size=(120, 3))
    target = np.int64(2**62) + (features @ [1000, 2000, -1000]).astype(np.int64)
    with pytest.raises(ValueError, match=r"^y holds whole numbers as large as 46\d+, which differ by less than "
                                         r"float64 can tell apart beyond 2\*\*53: subtract an offset first"):
        compare(features, target, models=["linear"], task="regression", cv=2, repeats=1, verbose=False)
    table = compare(features, target - target.min(), models=["linear"], task="regression", cv=2, repeats=1,
                    verbose=False)  # the fix
    assert table.loc["LinearRegression", "r2_mean"] > 0.99
    ids = np.c_[np.int64(2**62) + 10 * np.arange(120), rng.randint(0, 10, 120)]
    for X_ in (ids, sp.csr_matrix(ids)):
        with pytest.raises(ValueError, match=r"^Column 0 holds whole numbers as large as 46\d+, which differ by "
                                             r"less than float64 can tell apart"):
            compare(X_, features[:, 0], models=["linear"], task="regression", cv=2, repeats=1, verbose=False)
        with pytest.raises(ValueError, match=r"^Column 0 holds whole numbers as large as 46\d+, which differ"):
            DenseRegressor(**TINY).fit(X_[:60], features[:60, 0])
    kept = ids - [2**62, 0]  # within 2**53: fine everywhere
    assert compare(sp.csr_matrix(kept), features[:, 0], models=["linear"], task="regression", cv=2, repeats=1,
                   verbose=False)["failed_fits"].sum() == 0
    assert DenseRegressor(**TINY).fit(sp.csr_matrix(kept[:60]), features[:60, 0]).preprocessor_.scale_[0] > 0


# -- 6. messages that say what the values are ---------------------------------------------------------
def test_a_subnormal_spread_is_reported_as_it_is_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=r"Column 1 holds values within [1-9]\.\de-3\d\d of each other"):
            TabularPreprocessor().fit(np.c_[X[:, 0], X[:, 1] * 1e-310])


def test_check_float32_columns_counts_values_before_and_after_the_cast():
    check_float32_columns(np.c_[np.r_[np.zeros(20), np.ones(20)], X[:, 1]], "X", "fix")  # 0 and 1: exact
    check_float32_columns(np.c_[1e9 + 64 * np.arange(40.0)], "X", "fix")  # float32 holds each
    with pytest.raises(ValueError, match="Column 'b' of Z holds 40 distinct values .* makes 1 .* fix"):
        check_float32_columns(sp.csr_matrix(np.c_[X[:, 0], 1 + 1e-9 * np.arange(40)]), "Z", "fix", ["'a'", "'b'"])


# -- 7. scores at large offsets -------------------------------------------------------------------------
def test_a_regressor_s_score_is_scikit_learn_s_r2_at_an_offset_of_1e15():
    from sklearn.metrics import r2_score

    rng = np.random.RandomState(0)
    y = 1e15 + 10 * rng.randn(40)  # float64's step there is 0.125
    reg = DenseRegressor(**TINY).fit(X, y)
    # divided by y's largest magnitude (not a power of two), the R² was off in its fourth digit
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)), rel=1e-12, abs=1e-12)
    weights = rng.rand(40)
    assert reg.score(X, y, sample_weight=weights) == pytest.approx(
        r2_score(y, reg.predict(X), sample_weight=weights), rel=1e-12, abs=1e-12)
