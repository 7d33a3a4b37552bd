"""Tables with numbers, strings, categoricals and missing values, straight into the dense networks."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch

from skorch.callbacks import Callback

import sknn
from sknn import DenseClassifier, DenseRegressor
from sknn._training import SmoothedCrossEntropyLoss
from sknn._layers import Ensemble, FrontScale, LearnableActivation, ScaledLinear, TabularInput, smooth_clip
from sknn._tabular import TabularPreprocessor, robust_statistics
from sknn.dense import forward_numpy

SMALL = dict(hidden_layer_sizes=(16,), max_iter=40, random_state=0, n_jobs=1)


def _table(n=240, seed=0):
    """A table of every kind of column; the target depends on a number, a string and a missing value."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    city = rng.choice(["Oslo", "Lima", "Pune"], n)
    shop = pd.Categorical(rng.choice([f"s{i}" for i in range(30)], n))  # many categories: an embedding
    income = np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(size=n))
    frame = pd.DataFrame({"x": x, "city": city, "shop": shop, "income": income,
                          "member": rng.random(n) < 0.5, "constant": 7.0, "empty": np.nan})
    y = (x + 2.0 * (city == "Lima") - 2.0 * np.isnan(income) > 0).astype(int)
    return frame, np.where(y == 1, "yes", "no")


# -- the preprocessor ---------------------------------------------------------------------------
def test_columns_are_typed_and_encoded():
    frame, _ = _table()
    pre = TabularPreprocessor().fit(frame)
    assert frame.columns[pre.numeric_columns_].tolist() == ["x", "income", "member", "constant", "empty"]
    assert frame.columns[pre.categorical_columns_].tolist() == ["city", "shop"]
    assert pre.categories_[0].tolist() == ["Lima", "Oslo", "Pune"]
    assert pre.has_missing_.tolist() == [False, True, False, False, True]
    out = pre.transform(frame)
    assert out.dtype == np.float32 and out.shape == (len(frame), 7)
    np.testing.assert_array_equal(out[:, 0], frame["x"].to_numpy(np.float32))  # numbers pass as they are
    assert np.isnan(out[:, 1]).sum() == frame["income"].isna().sum()  # missing stays missing (NaN)
    codes = out[:, 5]
    np.testing.assert_array_equal(pre.categories_[0][codes.astype(int) - 1], frame["city"])  # codes 1..K
    np.testing.assert_array_equal(pre.feature_names_in_, frame.columns)


def test_constant_and_all_missing_columns_carry_no_information():
    frame, _ = _table()
    pre = TabularPreprocessor().fit(frame)
    constant, empty = 3, 4  # positions among the numeric columns
    assert pre.scale_[constant] == 0 and pre.scale_[empty] == 0 and pre.center_[empty] == 0
    layer = TabularInput(5, center=pre.center_, scale=pre.scale_, has_missing=pre.has_missing_)
    numbers = layer(torch.from_numpy(pre.transform(frame)[:, :5]))
    assert torch.isfinite(numbers).all()
    assert (numbers[:, constant] == 0).all() and (numbers[:, empty] == 0).all()


def test_robust_statistics_and_smooth_clipping_tame_outliers():
    X = np.c_[np.arange(100.0), np.r_[np.zeros(95), [1, 2, 3, 4, 1e9]]]
    center, scale = robust_statistics(X)
    np.testing.assert_allclose(center, [49.5, 0.0])
    np.testing.assert_allclose(scale[0], 1 / 49.5)  # 1 / interquartile range
    np.testing.assert_allclose(scale[1], 2 / 1e9)  # quartiles equal: 2 / range
    clipped = smooth_clip(torch.tensor([-3e38, -1e9, -1.0, 0.0, 0.5, 1e9, 3e38]))
    assert clipped.abs().max() <= 3 and abs(float(clipped[4]) - 0.5) < 0.01  # bounded, the identity near 0
    assert clipped[0] < -2.99 and clipped[-1] > 2.99  # huge values do not overflow to 0


def test_unknown_and_missing_categories_share_code_zero():
    frame, y = _table()
    pre = TabularPreprocessor().fit(frame)
    new = frame.head(3).copy()
    new["city"] = ["Rome", None, "Oslo"]
    codes = pre.transform(new)[:, 5]
    assert codes.tolist() == [0.0, 0.0, 2.0]


def test_a_column_that_changes_kind_between_fit_and_predict_is_refused():
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=2)).fit(frame, y)
    bad = frame.head(4).astype({"x": object})
    bad.loc[1, "x"] = "twelve"
    with pytest.raises(ValueError, match="'x' held numbers in fit but holds the string 'twelve'"):
        clf.predict(bad)
    bad = frame.head(4).copy()
    bad["city"] = [1, 2, 3, 4]  # (an int column: read as float64, said '1.0' as 'float values')
    with pytest.raises(ValueError, match=r"'city' held strings in fit .* holds numbers now \(such as 1\)"):
        clf.predict(bad)
    bad["city"] = [frame["city"].iloc[0], 7, frame["city"].iloc[1], None]  # one number among strings: was unseen
    with pytest.raises(ValueError, match=r"'city' held strings in fit .* holds numbers now \(such as 7\)"):
        clf.predict(bad)
    streamed = DenseClassifier(**dict(SMALL, max_iter=2)).partial_fit(frame, y, classes=np.unique(y))
    with warnings.catch_warnings():  # a later partial_fit warned that the numbers 'train as missing values', then
        warnings.simplefilter("error")  # refused them
        with pytest.raises(ValueError, match=r"'city' held strings in fit .* holds numbers now"):
            streamed.partial_fit(bad.iloc[:3], y[:3])


@pytest.mark.parametrize("column, message", [
    (pd.to_datetime(["2020-01-01"] * 10), "'when' holds dates"),
    ([{"a": 1}] * 10, "the argument must be a string or a number"),
    (np.arange(10) + 1j, "'when' holds complex numbers"),
    (np.array([1.0, 2j] * 5, dtype=object), "holds a value of type complex"),
    # a categorical of dates: categories a saved model could not hold (save failed, naming no column)
    (pd.Categorical(pd.to_datetime(["2020-01-01", "2021-01-01"] * 5)), "'when' holds categories of type Timestamp"),
])
def test_unsupported_columns_are_named(column, message):
    frame = pd.DataFrame({"when": column, "x": np.arange(10.0)})
    with pytest.raises(TypeError, match=message):
        DenseClassifier(**SMALL).fit(frame, np.arange(10) % 2)


@pytest.mark.parametrize("preprocessing", ["auto", None])
@pytest.mark.parametrize("y", [np.array(["low", "high"] * 10), np.array([1.5, "high"] * 10, dtype=object),
                               pd.Series(["low", "high"] * 10, dtype="category")])
def test_a_regressor_names_a_string_target(y, preprocessing):
    X = np.arange(40.0).reshape(20, 2)
    with pytest.raises(ValueError, match="DenseRegressor predicts numbers, but y holds the string '(low|high)'"):
        DenseRegressor(preprocessing=preprocessing, **SMALL).fit(X, y)


@pytest.mark.parametrize("y, match", [(pd.Series(pd.date_range("2020", periods=20)), "y holds dates"),
                                      (pd.Series(pd.to_timedelta(np.arange(20), unit="h")), "y holds durations"),
                                      (np.arange(20) + 1j, "y holds complex numbers")])
def test_a_regressor_refuses_dates_durations_and_complex_targets(y, match):
    """They were fitted as nanoseconds (predictions such as 1.579e15) or lost their imaginary part."""
    with pytest.raises(ValueError, match=match):
        DenseRegressor(**SMALL).fit(np.arange(40.0).reshape(20, 2), y)


def test_numbers_with_placeholder_cells_are_refused_not_read_as_categories():
    """A CSV column of numbers with a few '?' cells arrives as text: as categories, every number would be a
    category of its own and new rows all unseen (0.96 training accuracy fell to 0.575). Refused, naming the
    column, the cells and both fixes; a few codes among few numbers stay categories."""
    rng = np.random.RandomState(0)
    x = rng.normal(size=80)
    y = (x > 0).astype(int)
    numbers = pd.Series(x.round(3)).astype(str).astype(object)
    numbers[[3, 7]] = "?"
    numbers[9] = " n.a. "
    for column in (numbers, numbers.astype("string"), pd.Series([*x[:76], "?", "?", "-", "-"], dtype=object)):
        with pytest.raises(ValueError, match=r"Column 'x' holds numbers but for 2 cells '\?', \d cells? '(n\.a\.|-)'"
                                             r".*pd.to_numeric\(X\['x'\], errors='coerce'\).*astype\('category'\)"):
            DenseClassifier(**SMALL).fit(pd.DataFrame({"x": column}), y)
    with pytest.raises(ValueError, match="Column 0 holds numbers but for"):
        DenseClassifier(**SMALL).fit(numbers.to_numpy()[:, None], y)
    # the fixes: numbers with missing cells, or categories on purpose
    DenseClassifier(**SMALL).fit(pd.DataFrame({"x": pd.to_numeric(numbers, errors="coerce")}), y)
    DenseClassifier(**SMALL).fit(pd.DataFrame({"x": numbers.astype("category")}), y)
    # not placeholders: codes among few numbers, all-text, numbers given as text throughout (zip codes)
    for column in (["1", "2", "3", "none"] * 20, ["a", "b"] * 40, [f"{10000 + i:05d}" for i in range(80)]):
        clf = DenseClassifier(**SMALL).fit(pd.DataFrame({"x": column}), y)
        assert clf.preprocessor_.categorical_columns_ == [0]


def test_every_refused_column_is_named_in_one_error():
    """medicaldata's opt: 30 columns of numbers with '.' cells took 30 fits to find, one column an error."""
    rng = np.random.RandomState(0)
    x = pd.Series(rng.normal(size=80).round(3)).astype(str).astype(object)
    x[[3, 7]] = "."
    days = pd.date_range("2020-01-01", periods=80).astype(str)
    frame = pd.DataFrame({f"c{i}": x for i in range(14)} | {"ok": rng.normal(size=80), "day": days})
    with pytest.raises(ValueError, match=r"^Column 'c0' holds numbers but for 2 cells '\.'.*astype\('category'\)\)\. "
                                         r"14 more columns are refused too, for this reason or another: 'c1', 'c2', "
                                         r"'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10' and 4 more\.$"):
        DenseClassifier(**SMALL).fit(frame, (np.arange(80) % 2))  # (the 14th: 'day', dates written as text)
    with pytest.raises(ValueError, match=r"1 more column is refused too, for this reason or another: 1\.$"):
        DenseClassifier(**SMALL).fit(frame[["c0", "c1"]].to_numpy(), (np.arange(80) % 2))
    with pytest.raises(ValueError, match=r"'\.'.*\.astype\('category'\)\)\.$"):  # one column: its message alone
        DenseClassifier(**SMALL).fit(frame[["c0", "ok"]], (np.arange(80) % 2))


def test_categories_and_labels_that_print_alike_are_named():
    """'caf\xe9' and 'cafe\u0301' (one word, two Unicode forms), 'Oslo' and 'Oslo\u200b' were two categories and two
    classes without a word; '1' and '1.0' two classes."""
    y = np.arange(60) % 2
    frame = pd.DataFrame({"city": ["caf\u00e9", "cafe\u0301", "tea"] * 20, "x": np.arange(60.0)})
    with pytest.warns(UserWarning, match=r"^Column 'city' holds categories that differ only by their Unicode form or "
                                         r"invisible characters, which print alike \('caf\\xe9' and 'cafe\\u0301' in "
                                         r"'city'\).*X\[column\]\.str\.normalize\('NFC'\)"):
        DenseClassifier(**SMALL).fit(frame, y)
    fix = re.search(r"X\[column\](\.str\.normalize.*\))\)\.$", str(_warned_of(frame, y))).group(1)
    assert eval(f"frame['city']{fix}", {"frame": frame}).nunique() == 2  # the fix makes them one
    X = np.arange(60.0).reshape(-1, 1)
    for labels, said in ((["1", "1.0", "2"], r"spell one number two ways: '1' and '1\.0'"),
                         (["Oslo", "Oslo\u200b", "Rome"], r"differ only by their Unicode form or invisible characters"
                                                         r".*'Oslo\\u200b' would be 2 classes")):
        with pytest.raises(ValueError, match=r"^y holds labels that " + said):
            DenseClassifier(**SMALL).fit(X, labels * 20)
    for labels in (["1", "2", "3"], ["007", "7", "x"], ["1.0", "2.0", "x"], ["caf\u00e9", "the", "tea"],
                   ["3.1", "3.10", "4"], ["1.5", "1.50", "2"],  # versions or sections: labels of their own
                   ["\U0001f468\u200d\U0001f469", "\U0001f468\U0001f469", "x"]):  # a joiner shows (emoji, Persian)
        DenseClassifier(**SMALL).fit(X, labels * 20)


def _warned_of(frame, y):
    with pytest.warns(UserWarning) as record:
        DenseClassifier(**SMALL).fit(frame, y)
    return next(str(w.message) for w in record if "Unicode" in str(w.message))


def test_categories_that_differ_by_spaces_and_cells_of_spaces_are_warned_of_once_for_all_columns():
    """medicaldata's opt: 'No' and 'No ' two categories, '   ' a category in 22 columns, silently."""
    y = np.arange(60) % 2
    frame = pd.DataFrame({"smoked in pregnancy": ["No", "No ", "Yes"] * 20, "c0": ["a", "", "b"] * 20,
                          **{f"c{i}": ["a", "   ", "b"] * 20 for i in range(1, 7)},
                          "clean": ["a b", "c", "d"] * 20, "kind": pd.Categorical([" x", "x", "y"] * 20)})
    with pytest.warns(UserWarning) as record:
        DenseClassifier(**SMALL).fit(frame, y)
    messages = [str(w.message) for w in record if "spaces" in str(w.message)]
    assert messages == [  # (a name holding ' in ' was cut at it)
        "Columns 'smoked in pregnancy', 'kind' hold categories that differ only by the spaces around them ('No' and "
        "'No ' in 'smoked in pregnancy'; ' x' and 'x' in 'kind'): each is a category of its own; if they mean the "
        "same, strip them first (X[column].str.strip()).",
        "Columns 'c0', 'c1', 'c2', 'c3', 'c4' and 2 more hold empty cells or cells of spaces only (''): a category "
        r"of their own; if they mark missing values, make them missing first (X = X.replace(r'^\s*$', np.nan, "
        "regex=True))."]
    with pytest.warns(UserWarning, match=r"^Column 1 holds empty cells or cells of spaces only \(' '\)"):  # array
        DenseClassifier(**SMALL).fit(np.array([["a", "b", "a"] * 20, ["c", " ", "d"] * 20], dtype=object).T, y)
    numpy_strings = pd.DataFrame({"s": list(np.array(["No", "No ", "Yes"] * 20))})  # numpy's str_ (not warned of)
    with pytest.warns(UserWarning, match=r"^Column 's' holds categories .* \('No' and 'No ' in 's'\)"):
        DenseClassifier(**SMALL).fit(numpy_strings, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # words with spaces inside, and predict: nothing to say
        DenseClassifier(**SMALL).fit(frame[["clean"]], y).predict(frame[["clean"]])


def test_every_column_holding_text_where_fit_saw_numbers_is_named_at_predict():
    frame = pd.DataFrame({"a": np.arange(40.0), "b": np.arange(40.0), "c": np.arange(40.0)})
    clf = DenseClassifier(**SMALL).fit(frame, np.arange(40) % 2)
    with pytest.raises(ValueError, match=r"^Column 'a' held numbers in fit but holds the string 'x' now: .*as in "
                                         r"fit \(pd.to_numeric.*\)\. 1 more column is refused too, for this reason or "
                                         r"another: 'c'\.$"):
        clf.predict(frame.assign(a=list(np.array(["x"] * 40)), c="y"))  # (numpy's str_ shown as a string)


@pytest.mark.parametrize("cells", [
    [f"2020-01-{d % 28 + 1:02d}T{d % 24:02d}:00:00{'Z' if d % 2 else '+02:00'}" for d in range(30)],  # time zones
    [f"{d % 28 + 1:02d} January 2020" if d % 2 else f"March {d % 28 + 1:02d}, 2021" for d in range(30)],  # mixed
    [f"2020-01-05 {d % 24:02d}:{d % 60:02d}" for d in range(30)],  # within one day
])
def test_the_fix_for_dates_written_as_text_runs_and_tells_the_rows_apart(cells):
    cells = cells[:-2] + ["?", "2020-31-31"]  # a marker of a missing cell and a typo: the fix reads them as missing
    """The fix said (pd.to_datetime(X[c]) - pd.Timestamp(...)).dt.days: a TypeError on dates with a time zone, a
    ValueError on two forms of dates, and one value for the timestamps of one day."""
    X = pd.DataFrame({"when": cells})
    with pytest.raises(ValueError, match="holds dates or times written as text") as caught:
        DenseRegressor(**SMALL).fit(X, np.arange(len(cells), dtype=float))
    message = str(caught.value)
    namespace = {"pd": pd, "X": X}
    exec(re.search(r"(t = pd\.to_datetime\(.*?\)), then", message).group(1), namespace)
    days = eval(re.search(r"the days since a date, (.*? / 86400)", message).group(1), namespace)
    assert days.nunique() == len(set(cells)) - 2 and namespace["t"].dt.year.notna().sum() == len(cells) - 2


def test_times_of_day_beside_a_typo_are_refused_as_times_not_read_as_categories():
    """R's Stat2Data/Hawks: 'CaptureTime' holds 307 times such as '13:30' and one typo, '9.12': one category per
    time, without a word (a clean column of times was refused with the fix)."""
    times = [f"{h}:{m:02d}" for h in range(8, 18) for m in (0, 15, 30, 45)] + ["9.12"]
    X = pd.DataFrame({"time": times, "x": np.arange(len(times), dtype=float)})
    with pytest.raises(ValueError, match=r"Column 'time' holds times written as text, without a date \(such as "
                                         r"'8:00'\).*errors='coerce'.*; the cell '9\.12' is not written as the "
                                         r"others \(a typo\?\)") as caught:
        DenseRegressor(**SMALL).fit(X, np.arange(len(times), dtype=float))
    fix = re.search(r"pd\.to_timedelta\(.*?\)\.dt\.total_seconds\(\)", str(caught.value)).group(0)
    seconds = eval(fix, {"pd": pd, "X": X})
    assert seconds.iloc[:-1].tolist() == [h * 3600 + m * 60 for h in range(8, 18) for m in (0, 15, 30, 45)]
    many = pd.DataFrame({"time": times[:-1] + ["9.12", "n/a", "10h", "late", "soon"]})  # text with some times: kept
    kept = DenseRegressor(**SMALL).fit(many, np.arange(len(many), dtype=float))
    assert list(kept.preprocessor_.categorical_columns_) == [0]


@pytest.mark.parametrize("cells, kind", [
    ([f"{v:,}" for v in range(1000, 400000, 9000)], "formatted numbers"),  # thousands separators
    ([f"${v / 100:.2f}" for v in range(1000, 5000, 100)], "formatted numbers"),
    ([f"{v % 100}%" for v in range(40)], "formatted numbers"),
    ([f"{v:,}".replace(",", "'") for v in range(1000, 400000, 9000)], "formatted numbers"),  # Swiss thousands
    ([f"{v / 100:.2f}€" for v in range(1000, 5000, 100)], "formatted numbers"),
    ([f"{v * 0.37:.2f}".replace(".", ",") for v in range(40)], "numbers with a decimal comma"),  # read without
    (["1.234,5", "-0,25"] + [f"{v},5" for v in range(38)], "numbers with a decimal comma"),  # decimal=','
    ([f"{v * 0.37:.2f}" for v in range(40)], "numbers"),  # a CSV read with dtype=str
    ([f"2020-{v % 12 + 1:02d}-{v % 28 + 1:02d}" for v in range(40)], "dates or times"),
    (pd.period_range("2020-01", periods=40, freq="M").astype(str).tolist(), "dates or times"),  # as to_csv writes
    (pd.date_range("2001-01-01", periods=40, freq="MS").strftime("%b-%Y").tolist(), "dates or times"),  # month names
    (pd.date_range("2009-08-01", periods=40, freq="D").strftime("%d-%b-%y").tolist(), "dates or times"),
    (pd.to_timedelta(np.arange(40) * 37, "s").astype(str).tolist(), "durations"),  # them: '0 days 00:00:37'
    ([f"PT{v}M" for v in range(40)], "durations"),  # ISO 8601
])
def test_numbers_and_dates_written_as_text_are_refused_not_read_as_one_category_per_row(cells, kind):
    """'355,792', '$12.50', '45%', '2020-01-05': as categories, every value is a category of its own and
    new rows all unseen; refused at fit, naming the column and the fix, as a DataFrame, an object array
    or a string array. Codes with few values and digit-only codes (zip codes) stay categories."""
    y = np.arange(len(cells)) % 2
    for X in (pd.DataFrame({"income": cells}), pd.DataFrame({"income": pd.Series(cells, dtype="string")})):
        with pytest.raises(ValueError, match=f"Column 'income' holds {kind} written as text .*(pd.to_numeric|"
                                             r"pd.to_datetime|pd.to_timedelta).*astype\('category'\)"):
            DenseClassifier(**SMALL).fit(X, y)
    for X in (np.array(cells, dtype=object)[:, None], np.array(cells)[:, None]):
        with pytest.raises(ValueError, match=f"Column 0 holds {kind} written as text"):
            DenseClassifier(**SMALL).fit(X, y)
    clf = DenseClassifier(**SMALL).fit(pd.DataFrame({"income": pd.Series(cells).astype("category")}), y)
    assert clf.preprocessor_.categorical_columns_ == [0]  # categories on purpose
    few = pd.DataFrame({"income": cells[:4] * 10})
    if kind == "formatted numbers":  # percent, currency, thousands: amounts however few
        with pytest.raises(ValueError, match="formatted numbers written as text"):
            DenseClassifier(**SMALL).fit(few, y[:40])
    else:  # few plain values: codes
        assert DenseClassifier(**SMALL).fit(few, y[:40]).preprocessor_.categorical_columns_ == [0]


def test_duplicate_column_names_and_missing_pandas_labels_are_refused():
    frame = pd.DataFrame(np.c_[np.arange(6.0), np.arange(6.0)], columns=["a", "a"])
    for preprocessing in ("auto", None):
        with pytest.raises(ValueError, match="X has several columns named 'a'; give each column its own name"):
            DenseClassifier(preprocessing=preprocessing, **SMALL).fit(frame, [0, 1] * 3)
    X = pd.DataFrame({"a": np.arange(6.0)})
    for y in (pd.Series(["x", "y", pd.NA, "x", "y", "x"], dtype="string"), pd.Series([1, 2, None] * 2, dtype="Int64")):
        with pytest.raises(ValueError, match=r"y\[2\] is <NA>: a label cannot be missing"):
            DenseClassifier(**SMALL).fit(X, y)


def test_number_labels_in_an_object_column_are_classes_of_their_own_type():
    frame, y = _table()
    codes = (y == "yes").astype(int)
    clf = DenseClassifier(**SMALL).fit(frame, pd.Series(codes).astype(object))
    assert clf.classes_.dtype.kind == "i" and set(clf.predict(frame)) <= {0, 1}


def test_whole_numbers_float64_would_merge_are_refused():
    """Identifiers such as 2**62 + i became one value in float64 (a constant column), without a word."""
    ids = 2**62 + np.arange(40)
    for X in (ids[:, None], pd.DataFrame({"id": ids}), pd.DataFrame({"id": pd.array(ids, dtype="Int64")}),
              pd.DataFrame({"id": ids.astype(np.uint64)})):
        with pytest.raises(ValueError, match=r"holds whole numbers as large as 46116860184273879\d\d, which differ "
                                             "by less than float64 can tell apart"):
            DenseRegressor(**SMALL).fit(X, np.arange(40.0))
    DenseRegressor(**SMALL).fit(pd.DataFrame({"id": 2**62 + 1024 * np.arange(40)}), np.arange(40.0))  # exact: kept


def test_infinity_is_refused_with_its_column():
    frame, y = _table()
    frame.loc[3, "x"] = np.inf
    with pytest.raises(ValueError, match="Column 'x' of X contains infinity"):
        DenseClassifier(**SMALL).fit(frame, y)


# -- the networks on raw tables -----------------------------------------------------------------
def test_a_raw_table_trains_without_a_column_transformer():
    frame, y = _table(600)
    clf = DenseClassifier(**dict(SMALL, max_iter=60)).fit(frame[:400], y[:400])
    # the target needs the number, the string and the missingness of income: all three reach the network
    assert clf.score(frame[400:], y[400:]) > 0.8
    layer = clf.net_.module_.layers[0]
    assert isinstance(layer, TabularInput)
    assert layer.one_hot_columns == [0] and layer.embedded_columns == [1]  # city one-hot, 30 shops embedded
    assert len(layer.missing_columns) == 2  # income and the empty column get indicators
    proba = clf.predict_proba(frame[400:])
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)  # to float64 precision


def test_unknown_category_at_predict_is_predicted_as_missing():
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5)).fit(frame, y)
    unseen, missing = frame.head(5).copy(), frame.head(5).copy()
    unseen["city"], missing["city"] = "Rome", None
    np.testing.assert_array_equal(clf.predict_proba(unseen), clf.predict_proba(missing))
    # one row served from a dict, a number missing as None: an object column of None only, read as missing
    row = frame.iloc[0].to_dict()
    with_nan, with_none = pd.DataFrame([{**row, "income": np.nan}]), pd.DataFrame([{**row, "income": None}])
    assert with_none["income"].dtype == object
    np.testing.assert_array_equal(clf.predict_proba(with_none), clf.predict_proba(with_nan))


def _group_table(n_groups, seed, n=600):
    rng = np.random.default_rng(seed)
    group, x = rng.integers(0, n_groups, n), rng.normal(size=n)
    effect = rng.normal(size=n_groups)
    frame = pd.DataFrame({"x": x, "g": pd.Categorical([f"g{c}" for c in group])})
    return frame, effect[group] + x + 0.1 * rng.normal(size=n), group, effect


@pytest.mark.parametrize("n_groups", [6, 20])  # a one-hot column, an embedded one
def test_a_category_never_trained_reads_as_the_average_category(n_groups):
    """A category unseen in fit (or missing) in a column without missing values in fit read as all-zero one-hot
    slots or an embedding row that never trained (random): its predictions moved by up to 1.3 (the categories'
    effects have a standard deviation of 1). It now reads as the categories' encodings weighted by their shares
    among the training rows, and so does a category only validation rows held (it never trained either)."""
    frame, y, group, effect = _group_table(n_groups, seed=2)
    seen = group < n_groups - n_groups // 4
    reg = DenseRegressor(random_state=2).fit(frame[seen], y[seen])
    average = np.bincount(group[seen], minlength=n_groups) @ effect / seen.sum()
    gap = reg.predict(frame[~seen]) - frame["x"][~seen] - average
    assert abs(gap.mean()) < 0.15, gap.mean()  # 1.27 (20 groups) and 0.27 (6) before
    layer = reg.net_.module_.layers[0]
    counts = layer.category_counts.numpy()  # the training batches' codes: code 0 never, each category some
    assert counts[0] == 0 and (counts[1:] > 0).all()
    shares = counts[1:] / counts[1:].sum()
    codes = torch.zeros(len(counts), 2)
    codes[:, 1] = torch.arange(len(counts))  # code 0, then each category
    with torch.no_grad():
        encoded = layer(codes)[:, 1:].double()  # (the number column aside)
    np.testing.assert_allclose(encoded[0], torch.as_tensor(shares) @ encoded[1:], atol=1e-6)
    # a category whose only row the validation split holds: never trained, read as code 0
    lone = pd.concat([frame[seen], frame[seen].head(1).assign(g="lone")])
    lone["g"] = lone["g"].astype("category")
    for seed in range(20):
        fitted = DenseRegressor(random_state=seed, max_iter=2).fit(lone, np.r_[y[seen], 0.0])
        code = list(fitted.preprocessor_.categories_[0]).index("lone") + 1
        if fitted.net_.module_.layers[0].category_counts[code] == 0:
            break
    else:
        pytest.fail("no seed set the lone row aside")
    probe = lone.tail(1)
    np.testing.assert_array_equal(fitted.predict(probe), fitted.predict(probe.assign(g=np.nan)))


def test_categories_read_alike_by_every_path_and_missing_values_learned_by_a_later_partial_fit(tmp_path):
    """The average category through forward_numpy, a JSON export, from_network, save/load, a pickle and ONNX, and
    a network from before the counts through the same paths; a first
    partial_fit without missing values, then later ones with them: code 0 trains (its count grows) and reads as
    what it learned, not the average (the reading that froze at the first call missed y + 3 by up to 0.9)."""
    import json

    from sknn.dense import forward_numpy

    frame, y, group, _ = _group_table(20, seed=0, n=800)
    frame["s"] = pd.Categorical(np.array(["a", "b", "c"])[group % 3])
    seen = group < 15
    reg = DenseRegressor(random_state=0, max_iter=5).fit(frame[seen], y[seen])
    test = frame[~seen].assign(s=lambda d: d["s"].cat.set_categories(["a", "b", "d"]))  # 'c': unseen now
    expected = reg.predict(test)
    exported = json.loads(json.dumps(reg.export_network(), default=lambda v: v.tolist()))
    np.testing.assert_allclose(forward_numpy(exported, test).ravel(), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(DenseRegressor.from_network(exported).predict(test), expected, rtol=1e-6)
    reg.save(tmp_path / "r.st")
    np.testing.assert_array_equal(sknn.load(tmp_path / "r.st").predict(test), expected)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(test), expected)
    try:
        import onnxruntime
    except ImportError:  # (the onnx extra)
        onnxruntime = None
    if onnxruntime is not None:
        from sknn.export import onnx_inputs, to_onnx

        to_onnx(reg, tmp_path / "r.onnx")
        run = onnxruntime.InferenceSession(str(tmp_path / "r.onnx")).run(None, onnx_inputs(reg, test))[0]
        np.testing.assert_allclose(run.ravel(), expected, rtol=1e-5, atol=1e-5)
    # a network from before the counts (count -1: every code read as it is) reads alike by every path too
    reg.net_.module_.layers[0].category_counts.fill_(-1)
    old = reg.export_network()
    np.testing.assert_allclose(forward_numpy(old, test).ravel(), reg.predict(test), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(DenseRegressor.from_network(old).predict(test), reg.predict(test))
    old["format"] = "sknn.dense/1"  # (an export of an older sknn, without the counts)
    del old["layers"][0]["category_counts"]
    np.testing.assert_allclose(forward_numpy(old, test).ravel(), reg.predict(test), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(DenseRegressor.from_network(old).predict(test), reg.predict(test))
    missing = frame["x"].to_numpy() > 0.5  # later: those rows' group missing, their target 3 higher
    frame = frame[["x", "g"]]  # (one categorical column: its code 0 counted first)
    later = frame.assign(g=frame["g"].where(~missing))
    stream = DenseRegressor(random_state=0, hidden_layer_sizes=(32,), learning_rate_init=0.01)
    stream.partial_fit(frame[~missing][:300], y[~missing][:300])
    assert stream.net_.module_.layers[0].category_counts[0] == 0
    for _ in range(15):
        stream.partial_fit(later, y + 3 * missing)
    assert stream.net_.module_.layers[0].category_counts[0] > 0
    gap = stream.predict(later[missing]) - (y + 3)[missing]
    assert abs(gap.mean()) < 0.3, gap.mean()
    # missing numbers where the first call had none train as the median, with no indicator: said so
    numbers = DenseRegressor(random_state=0, max_iter=1).partial_fit(frame[["x"]][:300], y[:300])
    with pytest.warns(UserWarning, match=r"Column 'x' holds missing values, which the first fit's rows did not"):
        numbers.partial_fit(frame[["x"]].assign(x=frame["x"].where(~missing)), y)
    with warnings.catch_warnings():  # the same rows of weight 0: they train nothing, so nothing to warn of
        warnings.simplefilter("error")
        numbers.partial_fit(frame[["x"]].assign(x=frame["x"].where(~missing)), y, sample_weight=(~missing) * 1.0)


def test_regressor_on_a_raw_table_and_its_standardised_target():
    frame, _ = _table(400)
    y = 1000.0 + 50.0 * frame["x"].to_numpy() + np.where(frame["city"] == "Lima", 200.0, 0.0)
    reg = DenseRegressor(**dict(SMALL, max_iter=80)).fit(frame[:300], y[:300])
    assert reg.y_mean_[0] == pytest.approx(y[:300].mean()) and reg.y_scale_[0] == pytest.approx(y[:300].std())
    assert reg.score(frame[300:], y[300:]) > 0.8


def test_arrays_prepared_by_the_user_skip_the_preprocessing(iris):
    X, y = iris
    clf = DenseClassifier(**dict(SMALL, preprocessing=None, numeric_embedding=None)).fit(X, y)
    assert not hasattr(clf, "preprocessor_") and isinstance(clf.net_.module_.layers[0], torch.nn.Module)
    assert not isinstance(clf.net_.module_.layers[0], TabularInput)
    with pytest.raises(ValueError, match=r"Input X contains text \('a'\): with preprocessing=None"):
        DenseClassifier(**dict(SMALL, preprocessing=None)).fit(np.array([["a", 1.0], ["b", 2.0]] * 5), [0, 1] * 5)


def test_the_preprocessing_survives_pickle_save_and_numpy_export(tmp_path):
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5)).fit(frame, y)
    expected = clf.predict_proba(frame)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(frame), expected)
    clf.save(tmp_path / "model.safetensors")
    again = sknn.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(again.predict_proba(frame), expected)
    assert again.preprocessor_.categories_[0].tolist() == ["Lima", "Oslo", "Pune"]
    network = clf.export_network()
    np.testing.assert_allclose(forward_numpy(network, frame), expected, atol=1e-5)
    np.testing.assert_allclose(DenseClassifier.from_network(network).predict_proba(frame), expected, atol=1e-5)


def test_a_fitted_model_describes_the_network_it_has(tmp_path):
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5, activation="selu")).fit(frame, y)
    expected = clf.predict_proba(frame)
    clf.set_params(activation="relu", hidden_layer_sizes=(4, 4), numeric_embedding=None, preprocessing=None)
    np.testing.assert_array_equal(clf.predict_proba(frame), expected)  # the trained network, as it was built
    assert {layer.get("name") for layer in clf.export_network()["layers"]} >= {"selu"}
    np.testing.assert_allclose(forward_numpy(clf.export_network(), frame), expected, atol=1e-5)
    clf.save(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(sknn.load(tmp_path / "model.safetensors").predict_proba(frame), expected)
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(4, 4\) now, but the network was built with "
                                         r"hidden_layer_sizes=\(16,\)"):
        clf.set_params(warm_start=True).fit(frame, y)
    clf.set_params(warm_start=False, preprocessing="auto").fit(frame, y)  # a new network follows the new parameters
    assert clf.architecture_["hidden_layer_sizes"] == (4, 4)


# -- the ingredients of the default network, each a parameter --------------------------------------
class _Steps(Callback):
    """Records, before each training step, the first group's learning rate, a dropout rate and torch's threads."""

    def initialize(self):
        self.lrs, self.dropouts, self.threads = [], [], []
        return self

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:  # the weight matrices' group (learning-rate factor 1)
            self.lrs.append(next(g["lr"] for g in net.optimizer_.param_groups if g["lr_factor"] == 1.0))
            self.dropouts.append(next(m.p for m in net.module_.modules() if isinstance(m, torch.nn.Dropout)))
            self.threads.append(torch.get_num_threads())


def _steps(est):
    return next(cb for _, cb in est.net_.callbacks_ if isinstance(cb, _Steps))


def test_schedules_follow_the_fit_step_by_step():
    X, y = _table(200)
    clf = DenseClassifier(**dict(SMALL, max_iter=10, batch_size=40, early_stopping=False, dropout=0.2,
                                 callbacks=[_Steps()])).fit(X, y)
    rec = _steps(clf)
    steps = 10 * 5
    t = np.arange(steps) / steps
    coslog = 0.5 * (1 - np.cos(2 * np.pi * np.log2(1 + 15 * t)))  # four cycles, longer and longer
    np.testing.assert_allclose(rec.lrs, 0.04 * coslog, atol=1e-9)
    flat_cosine = np.where(t <= 0.5, 1.0, 0.5 * (1 + np.cos(np.pi * (2 * t - 1))))
    np.testing.assert_allclose(rec.dropouts, 0.2 * flat_cosine, atol=1e-9)
    assert all(m.p == 0.2 for m in clf.net_.module_.modules() if isinstance(m, torch.nn.Dropout))  # restored
    constant = DenseClassifier(**dict(SMALL, max_iter=2, batch_size=40, early_stopping=False, dropout=0.2,
                                      learning_rate="constant", regularization_schedule=None,
                                      callbacks=[_Steps()])).fit(X, y)
    assert set(_steps(constant).lrs) == {0.04} and set(_steps(constant).dropouts) == {0.2}


def test_every_learning_rate_holds_beside_the_regularization_schedule():
    # the dropout and weight-decay schedule ('flat_cosine', the default) once reset the rate at every step, so
    # 'cosine', 'adaptive' and a scheduler of the user's trained at a constant rate without a word
    from skorch.callbacks import LRScheduler

    X, y = _table(200)
    common = dict(SMALL, max_iter=6, batch_size=40, early_stopping=False, n_iter_no_change=None, dropout=0.2,
                  regularization_schedule="flat_cosine")
    cosine = DenseClassifier(**dict(common, learning_rate="cosine", callbacks=[_Steps()])).fit(X, y)
    per_epoch = 0.04 * 0.5 * (1 + np.cos(np.pi * np.arange(6) / 6))  # one rate an epoch, as CosineAnnealingLR
    np.testing.assert_allclose(_steps(cosine).lrs, np.repeat(per_epoch, 5), rtol=1e-9)
    np.testing.assert_allclose(cosine.history_["event_lr"], per_epoch, rtol=1e-9)
    assert min(_steps(cosine).dropouts) < 0.2  # the regularization schedule runs beside it
    # a tolerance no epoch meets: the plateau rule divides the rate by 5 every other epoch, and it stays divided
    adaptive = DenseClassifier(**dict(common, learning_rate="adaptive", tol=1e9, callbacks=[_Steps()])).fit(X, y)
    epochs = np.asarray(_steps(adaptive).lrs)[::5]
    assert epochs[0] == pytest.approx(0.04) and epochs[-1] < 0.04 / 4 and np.all(np.diff(epochs) <= 0)
    halving = LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5)
    user = DenseClassifier(**dict(common, learning_rate="constant", callbacks=[halving, _Steps()])).fit(X, y)
    np.testing.assert_allclose(np.asarray(_steps(user).lrs)[::5], 0.04 * 0.5 ** np.arange(6), rtol=1e-9)


def test_each_ingredient_shapes_the_network():
    X, y = _table()
    full = DenseClassifier(**dict(SMALL, max_iter=3)).fit(X, y)
    layers = list(full.net_.module_.layers)
    assert isinstance(layers[0], TabularInput) and layers[0].periodic is not None
    assert isinstance(layers[1], FrontScale)
    assert all(isinstance(m, ScaledLinear) for m in layers if isinstance(m, torch.nn.Linear))
    assert any(isinstance(m, LearnableActivation) for m in layers)
    assert not torch.equal(layers[1].weight, torch.ones_like(layers[1].weight))  # learned, at its own rate
    plain = DenseClassifier(**dict(SMALL, max_iter=3, numeric_embedding=None, front_scale=False,
                                   parametrization="standard", learnable_activation=False)).fit(X, y)
    kinds = {type(m) for m in plain.net_.module_.layers}
    assert kinds.isdisjoint({FrontScale, ScaledLinear, LearnableActivation}) and plain.net_.module_.layers[0].periodic is None
    # the periodic embeddings give each number 4 values: the first Linear layer reads 3 more per number, but
    # for the columns of at most two values (member, constant, empty), which are read as they are
    assert full.preprocessor_.binary_.tolist() == [False, False, True, True, True]
    assert full.coefs_[0].shape[0] - plain.coefs_[0].shape[0] == 3 * 2


def test_label_smoothing_trains_on_softened_targets_but_validates_on_the_plain_loss():
    logits, target = torch.tensor([[4.0, -4.0], [0.0, 3.0]]), torch.tensor([0, 1])
    loss = SmoothedCrossEntropyLoss(0.1)
    plain = torch.nn.functional.cross_entropy(logits, target, reduction="none")
    assert (loss.train()(logits, target) > plain).all()
    torch.testing.assert_close(loss.eval()(logits, target), plain)


def test_label_smoothing_spreads_by_the_classes_shares_and_evenly_for_balanced_classes():
    logits, target = torch.randn(6, 3, generator=torch.Generator().manual_seed(0)), torch.tensor([0, 1, 2, 0, 1, 2])
    torch.testing.assert_close(SmoothedCrossEntropyLoss(0.1, [1 / 3] * 3)(logits, target),
                               SmoothedCrossEntropyLoss(0.1)(logits, target))  # even shares: torch's smoothing
    prior = torch.tensor([0.9, 0.06, 0.04])
    expected = (0.9 * torch.nn.functional.cross_entropy(logits, target, reduction="none")
                - 0.1 * (prior * torch.log_softmax(logits, dim=1)).sum(dim=1))
    torch.testing.assert_close(SmoothedCrossEntropyLoss(0.1, prior)(logits, target), expected)
    members = logits.reshape(3, 2, 3)  # (n, members, classes): one loss per member
    each = SmoothedCrossEntropyLoss(0.1, prior)(members.reshape(6, 3), target[:3].repeat_interleave(2))
    torch.testing.assert_close(SmoothedCrossEntropyLoss(0.1, prior)(members, target[:3]), each.reshape(3, 2))
    X, y = _table()
    weights = np.where(y == y[0], 3.0, 1.0)
    clf = DenseClassifier(**dict(SMALL, max_iter=1, early_stopping=False)).fit(X, y, sample_weight=weights)
    shares = np.bincount(np.searchsorted(clf.classes_, y), weights=weights) / weights.sum()
    np.testing.assert_allclose(clf.class_prior_, shares)  # the weighted shares, the loss's
    np.testing.assert_allclose(clf.net_.criterion_.class_prior.numpy(), shares, rtol=1e-6)
    balanced = DenseClassifier(**dict(SMALL, max_iter=1), class_weight="balanced").fit(X, y)
    assert balanced.net_.criterion_.class_prior is None  # even shares: torch's own smoothing, exactly


def test_partial_fit_smooths_by_the_shares_of_every_call_so_far():
    X, y = _table()
    classes = np.unique(y)
    clf = DenseClassifier(**dict(SMALL, max_iter=1)).partial_fit(X[y == classes[0]][:20], y[y == classes[0]][:20],
                                                                 classes=classes)
    np.testing.assert_array_equal(clf.class_prior_, np.eye(len(classes))[0])  # a first chunk of one class
    clf.partial_fit(X, y)
    totals = np.bincount(np.searchsorted(classes, y), minlength=len(classes)) + 20 * np.eye(len(classes))[0]
    np.testing.assert_allclose(clf.class_prior_, totals / totals.sum())
    for loss in (clf.net_.criterion_, clf.net_._per_sample_criterion, clf.net_._mean_criterion):
        np.testing.assert_allclose(loss.class_prior.numpy(), totals / totals.sum(), rtol=1e-6)
    old = SmoothedCrossEntropyLoss(0.1)
    del old._buffers["class_prior"]  # a loss pickled before the shares: torch's smoothing, as it had
    torch.testing.assert_close(old(torch.ones(2, 3), torch.tensor([0, 1])),
                               SmoothedCrossEntropyLoss(0.1)(torch.ones(2, 3), torch.tensor([0, 1])))


def test_a_rare_separable_class_is_found_with_label_smoothing():
    # spread evenly, label smoothing trained the rare class's probability to 0.05 on every other row: the plain
    # validation loss then preferred the first epochs' network, which predicted no row of the rare class
    rng = np.random.RandomState(0)
    y = np.zeros(800, dtype=int)
    y[rng.choice(800, 6, replace=False)] = 1
    X = rng.randn(800, 3)
    X[y == 1, :2] += 4.0
    clf = DenseClassifier(random_state=0, max_iter=16, hidden_layer_sizes=(32, 32)).fit(X, y)
    assert clf.label_smoothing == 0.1 and (clf.predict(X[y == 1]) == 1).mean() >= 0.5
    assert clf.predict_proba(X[y == 0])[:, 1].mean() < 0.01


def test_an_ensemble_of_independent_members_averages_their_probabilities():
    X, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5, n_ensemble=3)).fit(X, y)
    net = clf.net_.module_
    ensemble = net.layers[1]
    assert isinstance(net.layers[0], TabularInput) and isinstance(ensemble, Ensemble) and len(ensemble.members) == 3
    first = [m for m in ensemble.members[0] if isinstance(m, torch.nn.Linear)][0]
    second = [m for m in ensemble.members[1] if isinstance(m, torch.nn.Linear)][0]
    assert not torch.equal(first.weight, second.weight)  # independent weights
    rows = torch.from_numpy(clf.preprocessor_.transform(X.head(6)))
    with torch.no_grad():
        net.eval()
        features = net.layers[0](rows)
        members = torch.stack([torch.softmax(m(features), dim=1) for m in ensemble.members], dim=1)
    np.testing.assert_allclose(clf.predict_proba(X.head(6)), members.mean(dim=1).numpy(), atol=1e-6)
    network = clf.export_network()
    np.testing.assert_allclose(forward_numpy(network, X), clf.predict_proba(X), atol=1e-5)
    rebuilt = DenseClassifier.from_network(network)
    assert rebuilt.n_ensemble == 3
    np.testing.assert_allclose(rebuilt.predict_proba(X), clf.predict_proba(X), atol=1e-6)


def test_an_ensemble_keeps_a_probability_every_member_rounds_to_zero_finite():
    # the log of the members' mean probability was -inf where each member's was 0 in float32, and the engine
    # refused the whole batch ('weights overflow') for one confidently classified row
    members = torch.nn.ModuleList([torch.nn.Linear(1, 2) for _ in range(2)])
    with torch.no_grad():
        for m in members:
            m.weight.copy_(torch.tensor([[-50.0], [50.0]]))
            m.bias.zero_()
    ensemble = Ensemble(members, output="softmax").eval()
    log_p = ensemble(torch.tensor([[100.0], [0.01]]))
    assert torch.isfinite(log_p).all()
    torch.testing.assert_close(log_p.exp(), torch.tensor([[0.0, 1.0], [0.2689, 0.7311]]), atol=1e-4, rtol=0)


def test_regression_predictions_stay_within_the_targets_seen():
    X, _ = _table(300)
    y = 10.0 + X["x"].to_numpy()
    reg = DenseRegressor(**dict(SMALL, max_iter=5)).fit(X, y)
    np.testing.assert_array_equal(reg.y_range_, [[y.min()], [y.max()]])
    free = DenseRegressor(**dict(SMALL, max_iter=5, clip_predictions=False)).fit(X, y)
    assert not hasattr(free, "y_range_")
    np.testing.assert_array_equal(reg.predict(X), np.clip(free.predict(X), y.min(), y.max()))  # same network
    reg.y_range_ = np.array([[10.0], [10.5]])
    assert reg.predict(X).min() >= 10.0 and reg.predict(X).max() <= 10.5


def test_threads_follow_the_work(monkeypatch):
    from sknn._dense_net import choose_threads

    monkeypatch.setattr(torch, "get_num_threads", lambda: 8)
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    monkeypatch.setattr("os.getloadavg", lambda: (0.5, 0.5, 0.5))
    assert choose_threads(10_000) == 1  # a small step: one thread
    assert choose_threads(10 ** 9) == 8  # a large one: torch's threads
    monkeypatch.setattr("os.getloadavg", lambda: (9.0, 9.0, 9.0))
    assert choose_threads(10 ** 9) == 1  # a busy machine: one thread


def test_the_thread_count_holds_during_the_fit_and_is_restored():
    X, y = _table()
    before = torch.get_num_threads()
    torch.set_num_threads(2)  # (the suite's workers run one thread: n_jobs=1 must change it, then restore it)
    try:
        clf = DenseClassifier(**dict(SMALL, max_iter=2, n_jobs=1, callbacks=[_Steps()])).fit(X, y)
        assert set(_steps(clf).threads) == {1} and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


# -- hostile tables: each class of silent damage refused or handled ------------------------------------------

def test_a_list_of_rows_mixing_numbers_and_strings_keeps_its_numeric_column():
    # numpy reads [[25, 'Oslo']] as all text: the ages would become categories, an unseen age "missing"
    pre = TabularPreprocessor().fit([[25, "Oslo"], [61, "Lima"], [40, "Oslo"]])
    assert pre.numeric_columns_.tolist() == [0] and pre.categorical_columns_.tolist() == [1]
    assert pre.transform([[90, "Lima"]]).tolist() == [[90.0, 1.0]]


def test_numpy_complex_durations_and_dates_in_an_object_column_are_not_numbers():
    for value in (np.complex128(1 + 2j), np.timedelta64(3, "s"), np.datetime64("2020-01-01")):
        with pytest.raises(TypeError, match=f"Column 0 holds a value of type {type(value).__name__}"):
            TabularPreprocessor().fit(np.array([[value], [value]], dtype=object))


def test_a_sparse_matrix_at_predict_is_refused_where_fit_had_categories():
    import scipy.sparse as sp
    pre = TabularPreprocessor().fit(np.array([["red"], ["blue"]], dtype=object))
    with pytest.raises(ValueError, match="X is a sparse matrix, but column 0 held categories in fit"):
        pre.transform(sp.csr_matrix(np.array([[0.5], [2.0]])))


def test_numbers_with_a_large_offset_keep_their_differences_and_too_small_ones_are_refused():
    X = pd.DataFrame({"t": 1e9 + np.arange(40.0)})  # timestamps a second apart: float32's step there is 64
    pre = TabularPreprocessor().fit(X)
    assert np.unique(pre.transform(X)).size == 40 and pre.offset_[0] == pre.center_[0]
    assert TabularPreprocessor().fit(X - 1e9).offset_[0] == 0  # ordinary columns reach the network as they are
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0, n_jobs=1).fit(X, np.arange(40) % 2)
    layer = next(m for m in clf.net_.module_.modules() if isinstance(m, TabularInput))
    assert float(layer.center[0]) == pytest.approx(pre.center_[0] - pre.offset_[0])
    with pytest.raises(ValueError, match="Column 'a' holds values within 1.0e-40 of each other, too close for float32"):
        TabularPreprocessor().fit(pd.DataFrame({"a": np.arange(3.0) * 1e-40}))


def test_a_regression_target_with_none_is_refused_before_training():
    y = pd.Series([1.0, None, 2.5] * 4, dtype=object)
    with pytest.raises(ValueError, match=r"y contains NaN or infinity \(a missing value, e.g. None\)"):
        DenseRegressor(hidden_layer_sizes=(4,), max_iter=1, n_jobs=1).fit(np.ones((12, 1)), y)


def test_values_that_spell_a_category_of_another_type_are_refused():
    X = pd.DataFrame({"size": np.array([1, 2, "XL"] * 20, dtype=object), "x": np.arange(60.0)})
    y = np.array(["a", "b", "c"] * 20)
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(X, y)
    as_text = X.assign(size=X["size"].astype(str))  # read back from a CSV: '1', '2', 'XL'
    with pytest.raises(ValueError, match=r"Column 'size' held the int category 1 in fit but holds the str '1' now"):
        clf.predict(as_text)
    with pytest.raises(ValueError, match=r"holds True/False beside the numbers 0/1.*one category would hold both"):
        TabularPreprocessor().fit(pd.DataFrame({"answer": np.array([True, 1, "maybe", False, 0], dtype=object)}))


def test_time_columns_are_refused_without_preprocessing_too():
    X = pd.DataFrame({"wait": pd.to_timedelta(np.arange(40), unit="s")})
    y = np.arange(40) % 2
    for frame in (X, X.to_numpy()):  # as numbers they are counts of their unit: seconds or milliseconds
        with pytest.raises(TypeError, match=r"holds dates or durations: turn them into numbers first"):
            DenseClassifier(preprocessing=None, max_iter=1).fit(frame, y)


def test_whole_number_column_names_in_another_order_are_refused():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)))  # names 0, 1, 2: scikit-learn records string names only
    y = 10 * X[0] + X[2]
    for preprocessing in ("auto", None):
        reg = DenseRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0, preprocessing=preprocessing)
        reg.fit(X, y)
        assert reg.column_labels_in_.tolist() == [0, 1, 2]
        with pytest.raises(ValueError, match=r"columns are named 1, 0, 2: the names of fit's columns in another "
                                             r"order.*X\[\[0, 1, 2\]\]"):
            reg.predict(X[[1, 0, 2]])
        np.testing.assert_array_equal(reg.predict(X), reg.predict(X.to_numpy()))


def _periodic_embeddings(model):
    from sknn._layers import PeriodicEmbedding

    return [m for m in model.net_.module_.modules() if isinstance(m, PeriodicEmbedding)]


def _input_layer(model):
    from sknn._layers import TabularInput

    return next(m for m in model.net_.module_.modules() if isinstance(m, TabularInput))


def test_sparse_input_fits_as_the_same_dense_input_its_embeddings_computed_at_stored_numbers():
    # the periodic embeddings of a sparse X (mostly zeros: counts, TF-IDF) computed cosines at every zero of every
    # batch: an epoch took 16 times as long as without them; at its stored numbers only, the values are the same
    import scipy.sparse as sparse

    rng = np.random.RandomState(0)
    X = np.c_[rng.normal(size=80), rng.randint(0, 2, 80), np.where(rng.rand(80) < 0.3, 0.0, rng.uniform(1, 2, 80))]
    y = (X[:, 0] + X[:, 1] > 0.5).astype(int)
    kw = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    dense = DenseClassifier(**kw).fit(X, y)
    sparse_fit = DenseClassifier(**kw).fit(sparse.csr_matrix(X), y)
    assert sparse_fit.preprocessor_.binary_.tolist() == dense.preprocessor_.binary_.tolist() == [False, True, False]
    assert sparse_fit._periodic_columns().tolist() == dense._periodic_columns().tolist() == [0, 2]
    np.testing.assert_allclose(sparse_fit.predict_proba(sparse.csr_matrix(X)), dense.predict_proba(X), atol=1e-5)
    assert sparse_fit.architecture_["sparse_input"] and not dense.architecture_["sparse_input"]
    assert _periodic_embeddings(sparse_fit)[0].mostly_zeros and not _periodic_embeddings(dense)[0].mostly_zeros
    raw = DenseClassifier(preprocessing=None, **kw).fit(sparse.csr_matrix(X), y)
    assert _periodic_embeddings(raw)[0].mostly_zeros
    plain = DenseClassifier(preprocessing=None, **kw).fit(X, y)
    np.testing.assert_allclose(raw.predict_proba(X), plain.predict_proba(X), atol=1e-5)


def test_a_sparse_x_s_columns_of_median_zero_enter_without_periodic_embeddings(tmp_path):
    # counts and TF-IDF: there the embeddings cost an epoch several times one without them and, on sparse text
    # (benchmarks/bench_sparse_text.py), gained nothing; a sparse X's denser columns (numbers a ColumnTransformer
    # put beside them) keep theirs
    import scipy.sparse as sparse

    rng = np.random.RandomState(0)
    half, most = np.r_[np.zeros(40), rng.uniform(1, 2, 40)], np.r_[np.zeros(41), rng.uniform(1, 2, 39)]
    X = np.c_[rng.normal(size=80), half, most, rng.randint(0, 2, 80)]
    y = (X[:, 0] + X[:, 2] > 0.5).astype(int)
    kw = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    sparse_fit = DenseClassifier(**kw).fit(sparse.csc_matrix(X), y)
    assert sparse_fit._periodic_columns().tolist() == [0, 1]  # (the indicator has none either way)
    assert DenseClassifier(**kw).fit(X, y)._periodic_columns().tolist() == [0, 1, 2]
    layer = _input_layer(sparse_fit)
    assert layer.periodic_columns.tolist() == [0, 1] and layer.plain_columns.tolist() == [2, 3]
    sparse_fit.save(tmp_path / "sparse.sknn")  # the network as built, whatever copy of it trains on
    for model in (pickle.loads(pickle.dumps(sparse_fit)), sknn.load(tmp_path / "sparse.sknn"),
                  DenseClassifier.from_network(sparse_fit.export_network())):
        assert _periodic_embeddings(model)[0].mostly_zeros
        assert _input_layer(model).periodic_columns.tolist() == [0, 1]
        np.testing.assert_allclose(model.predict_proba(X), sparse_fit.predict_proba(X), atol=1e-6)


def test_periodic_embeddings_at_stored_numbers_are_those_at_every_number_and_so_are_their_gradients():
    from sknn._layers import PeriodicEmbedding

    torch.manual_seed(0)
    every, stored = PeriodicEmbedding(50), PeriodicEmbedding(50, mostly_zeros=True)
    stored.load_state_dict(every.state_dict())
    x = torch.randn(40, 50) * (torch.rand(40, 50) < 0.1)  # 90% zeros, and a row of zeros only
    x[3] = 0.0
    outputs = [module(x) for module in (every, stored)]
    assert torch.equal(outputs[1], stored._at_stored_values(x))  # (the path forward takes on the CPU)
    torch.testing.assert_close(outputs[1], outputs[0], atol=1e-6, rtol=1e-5)
    weights = torch.randn_like(outputs[0])
    for out in outputs:
        (out * weights).sum().backward()
    for a, b in zip(every.parameters(), stored.parameters()):
        torch.testing.assert_close(b.grad, a.grad, atol=1e-5, rtol=1e-4)
    assert stored(torch.zeros(2, 50)).shape == (2, 200)  # (no number stored at all)


def test_a_class_weight_of_zero_with_a_column_of_labels_leaves_the_rows_out():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 2)) + np.repeat([0.0, 0.0, 9.0], 30)[:, None]
    y = np.repeat(["a", "b", "c"], 30)
    kw = dict(hidden_layer_sizes=(8,), max_iter=2, random_state=0, class_weight={"a": 1, "b": 1, "c": 0})
    flat = DenseClassifier(**kw).fit(X, y)
    with pytest.warns(Warning, match="column-vector y"):
        column = DenseClassifier(**kw).fit(X, y[:, None])
    np.testing.assert_allclose(column.preprocessor_.center_, flat.preprocessor_.center_)
    np.testing.assert_allclose(column.predict_proba(X), flat.predict_proba(X))


def test_odd_cells_of_a_target_are_named_not_failed_on_inside_numpy():
    X = np.arange(20.0).reshape(-1, 1)
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1)
    for cell, message in ((pd.NA, r"y contains NaN or infinity .* The first: value 5 of y, <NA>"),
                          (pd.Timestamp("2020-01-01"), "y holds dates"), (pd.Timedelta(days=1), "y holds durations"),
                          (1 + 2j, "y holds complex numbers"), ([1.0], r"y holds a list \(\[1\.0\]\) in a cell")):
        y = np.arange(20.0).astype(object)
        y[5] = cell  # not the first cell: the checks read the first only
        with pytest.raises(ValueError, match=message):
            reg.fit(X, y)
    with pytest.raises(ValueError, match=r"The first: value 1 of y, <NA>\.$"):  # (numpy reads a nullable NA as NaN)
        reg.fit(X, pd.array([1, None] * 10, dtype="Int64"))
    frame = pd.DataFrame({"price": np.arange(20.0), "sold_on": pd.date_range("2020-01-01", periods=20)})
    with pytest.raises(ValueError, match=r"y's column 'sold_on' holds dates"):
        reg.fit(X, frame)


def test_a_missing_value_of_a_target_of_several_columns_is_named_by_row_and_column():
    X = np.arange(20.0).reshape(-1, 1)
    Y = pd.DataFrame({"price": np.arange(20.0), "rent": np.arange(20.0)})
    Y.loc[5, "rent"] = np.nan  # was 'value 11 of y', a position in the flattened target
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1)
    with pytest.raises(ValueError, match=r"The first: row 5, column 'rent' of y, nan\."):
        reg.fit(X, Y)
    with pytest.raises(ValueError, match=r"The first: row 5, column 1 of y, nan\."):
        reg.fit(X, Y.to_numpy())
    with pytest.raises(ValueError, match=r"The first: row 5, column 'rent' of y, None\."):
        reg.fit(X, Y.astype(object).where(Y.notna(), None))
    reg.fit(X, Y.fillna(0))
    with pytest.raises(ValueError, match=r"The first: row 5, column 'rent' of y, nan\."):
        reg.score(X, Y)


def test_a_target_without_columns_is_named_as_such():
    X = np.arange(20.0).reshape(-1, 1)
    for y in (np.empty((20, 0)), pd.DataFrame(index=range(20))):  # 'Found array with 0 feature(s)', X's words
        with pytest.raises(ValueError, match=r"y has no output columns \(shape \(20, 0\)\): DenseRegressor"):
            DenseRegressor(hidden_layer_sizes=(4,), max_iter=1).fit(X, y)


@pytest.mark.parametrize("label, match", [
    (("a", 1), r"y\[1\] is a tuple, \('a', 1\): a label is one value per row .* \(y = \['\|'\.join\(map\(str, "
               r"label\)\)"),
    (frozenset({"a"}), r"y\[1\] is a frozenset, frozenset\(\{'a'\}\): .*'\|'\.join\(sorted\(map\(str, label\)\)\)"),
], ids=["tuple", "frozenset"])
def test_a_label_of_several_values_is_named_with_how_to_join_it(label, match):
    X = np.arange(20.0).reshape(-1, 1)
    y = np.empty(20, dtype=object)
    y[:] = ["b", label] * 10  # the first such cell named
    for labels in (y, pd.Series(y)):  # scikit-learn's words: 'legacy multi-label data', 'Unknown label type'
        with pytest.raises(ValueError, match=match):
            DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, labels)


def test_score_names_missing_labels_as_fit_does():
    X, y = np.arange(20.0).reshape(-1, 1), np.array(["a", "b"] * 10, dtype=object)
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y)
    for missing in (y.copy(), pd.Series(y, dtype="string")):
        missing[3] = None
        with pytest.raises(ValueError, match=r"y\[3\] is (None|<NA>): a label cannot be missing"):
            clf.score(X, missing)


def test_numpy_string_dtype_is_text():
    StringDType = pytest.importorskip("numpy.dtypes").StringDType
    X = np.array([["Oslo"], ["Lima"]] * 10)
    y = np.array(["stays", "leaves"] * 10)
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)
    as_strings = DenseClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(
        X.astype(StringDType()), y.astype(StringDType()))
    np.testing.assert_array_equal(as_strings.predict(X.astype(StringDType())), clf.predict(X))


def test_the_one_hot_slots_are_those_of_each_column_s_code_in_memory_linear_in_the_columns():
    layer = TabularInput(1, cardinalities=[2, 3, 1, 20, 4])  # one-hot: sizes 3, 4, 2, 5 (codes 0..K); one embedded
    codes = torch.tensor([[0, 1, 0, 0, 4], [2, 3, 1, 20, 0], [1, 0, 1, 7, 2]], dtype=torch.float32)
    out = layer(torch.cat([torch.zeros(3, 1), codes], dim=1))
    columns = [0, 1, 2, 4]
    expected = torch.cat([torch.nn.functional.one_hot(codes[:, j].long(), k + 1)[:, 1:].float()
                          for j, k in zip(columns, [2, 3, 1, 4])], dim=1)  # the first slot (code 0) dropped
    torch.testing.assert_close(out[:, 1:1 + expected.shape[1]], expected)


# -- an encoding learned from a narrow first partial_fit ----------------------------------------------------------
def _partial_fit_table(n, seed):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.normal(size=n), "flag": rng.integers(0, 2, n).astype(float), "constant": 7.0,
                      "city": rng.choice(["Oslo", "Lima"], n)})
    return X, 2.0 * X["x"].to_numpy() + X["flag"].to_numpy()


def _narrow_encoding_warnings(record):
    return [str(w.message) for w in record if "first partial_fit" in str(w.message)]


def test_a_first_partial_fit_of_one_or_two_rows_is_warned_about_and_names_the_columns_it_cannot_read():
    """A first chunk of one row made every column constant (R² -0.01 after 10 full calls), of two rows every column
    binary (R² 0.53), silently: the encoding stays the first call's."""
    X, y = _partial_fit_table(60, 0)
    params = {"hidden_layer_sizes": (8,), "random_state": 0, "n_jobs": 1}
    with pytest.warns(UserWarning, match=r"The first partial_fit trained on 1 row \(of weight above 0\): .*give the "
                                         r"first partial_fit a chunk that holds the columns' range of values .* "
                                         r"preprocessing=None"):
        reg = DenseRegressor(**params).partial_fit(X.iloc[:1], y[:1])
    with pytest.warns(UserWarning, match=r"Columns 'x', 'flag' held a single value in the first fit or partial_fit, "
                                         r"and other values now: .*learns nothing") as record:
        reg.partial_fit(X, y)
    assert all(w.filename == __file__ for w in record)  # pointed at the call, not inside sknn or scikit-learn
    two = [0, int(np.argmax(X["flag"] != X["flag"][0]))]  # x: two values, flag: 0 and 1 as ever after
    reg = DenseRegressor(**params).partial_fit(X.iloc[two], y[two])
    with pytest.warns(UserWarning, match=r"^Column 'x' held two values in the first fit or partial_fit, and others "
                                         r"now: .*yes/no"):
        reg.partial_fit(X, y)
    with pytest.warns(UserWarning, match=r"Every numeric column of the 3 rows the first partial_fit trained on holds a "
                                         r"single"):
        DenseRegressor(**params).partial_fit(X.assign(x=1.0, flag=0.0).iloc[:3], y[:3])
    clf = DenseClassifier(**params, warm_start=True, early_stopping=False, max_iter=2).fit(X.iloc[two], ["a", "b"])
    with pytest.warns(UserWarning, match=r"^Column 'x' held two values in the first fit"):  # a warm start alike
        clf.fit(X, np.where(y > 0, "a", "b"))


def test_a_first_partial_fit_that_covers_the_values_is_not_warned_about():
    X, y = _partial_fit_table(200, 1)
    reg = DenseRegressor(hidden_layer_sizes=(8,), random_state=0, n_jobs=1)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        reg.partial_fit(X.iloc[:50], y[:50])  # a genuinely binary flag stays 0/1, a constant column constant
        reg.partial_fit(X.iloc[50:], y[50:])
        reg.partial_fit(*_partial_fit_table(100, 2))
    assert _narrow_encoding_warnings(record) == []


def test_the_preprocessor_names_numbers_beyond_its_first_fit_in_sparse_and_rebuilt_preprocessors():
    first = sp.csr_matrix(np.array([[0.0, 5.0, 1.0], [1.0, 5.0, 2.0], [0.0, 5.0, 3.0]]))
    pre = TabularPreprocessor().fit(first)
    assert pre.binary_.tolist() == [True, True, False]
    np.testing.assert_array_equal(pre.value_range_, [[0.0, 1.0], [5.0, 5.0], [1.0, 3.0]])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        pre.warn_unseen_categories(sp.csr_matrix(np.array([[1.0, 5.0, 9.0], [0.0, 5.0, -4.0]])))  # as in fit
    assert _narrow_encoding_warnings(record) == []
    later = sp.csr_matrix(np.array([[2.0, 5.0, 1.0], [0.0, 6.0, 1.0]]))
    with pytest.warns(UserWarning, match=r"Column 1 held a single value"), \
            pytest.warns(UserWarning, match=r"Column 0 held two values"):
        pre.warn_unseen_categories(later)
    del pre.value_range_  # as from_network rebuilds it: more distinct values than fit's are still named
    with pytest.warns(UserWarning, match=r"Column 1 held a single value"):
        pre.warn_unseen_categories(later)


def test_a_first_partial_fit_is_judged_by_its_rows_of_weight_above_0_and_its_kinds_of_columns():
    """Its 50 rows were counted, not the one of weight above 0 the encoding was learned from; a table of categories
    only was told of numeric columns."""
    X, y = _partial_fit_table(50, 3)
    params = {"hidden_layer_sizes": (4,), "max_iter": 1, "random_state": 0, "n_jobs": 1}
    one = np.r_[1.0, np.zeros(49)]
    with pytest.warns(UserWarning, match=r"The first partial_fit trained on 1 row \(of weight above 0\)"):
        DenseRegressor(**params).partial_fit(X, y, sample_weight=one)
    alike = np.where(X["flag"] == X["flag"][0], 0.0, 1.0)  # rows of one flag, their x constant too
    with pytest.warns(UserWarning, match=rf"Every numeric column of the {int(alike.sum())} rows the first "):
        DenseRegressor(**params).partial_fit(X.assign(x=1.5), y, sample_weight=alike)
    with pytest.warns(UserWarning, match=r"trained on 1 row .*, so each categorical column knows one category") as rec:
        DenseRegressor(**params).partial_fit(X[["city"]].iloc[:1], y[:1])
    assert "numeric" not in str(rec[0].message)
    with warnings.catch_warnings(record=True) as record:  # the rows of weight above 0 vary: nothing to say
        warnings.simplefilter("always")
        DenseRegressor(**params).partial_fit(X, y, sample_weight=np.r_[np.zeros(10), np.ones(40)])
        DenseRegressor(**params).partial_fit(X[["city"]], y)
    assert _narrow_encoding_warnings(record) == []


def test_validation_data_beyond_the_first_fit_s_values_is_not_warned_about_as_training_data():
    """fit(validation_data=) told of 'data trained on later' (a 2 in a 0/1 column, an unseen category) pointing
    inside scikit-learn: validation data does not train, and predict reads such values silently as well."""
    X, y = _partial_fit_table(60, 4)
    X_val = X.assign(flag=np.r_[2.0, X["flag"][1:]], city=["Rome"] + X["city"].tolist()[1:])
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0, n_jobs=1, warm_start=True)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        reg.fit(X, y, validation_data=(X_val, y))
        reg.fit(X, y, validation_data=(X_val, y))  # a warm start: its training data are as the first fit's
        reg.predict(X_val)
        reg.score(X_val, y)
    assert [str(w.message) for w in record if "first fit" in str(w.message)] == []
    with pytest.warns(UserWarning, match=r"Column 'flag' held two values") as record:  # training data still are
        reg.fit(X_val, y, validation_data=(X, y))
    assert all(w.filename == __file__ for w in record)


def test_a_network_rebuilt_from_an_export_without_binary_or_value_range_trains_on():
    """An export without binary_ (made before it, or by hand) failed every partial_fit and warm start with an
    AttributeError; value_range_ is exported now, and read back (from lists, as from JSON)."""
    X, y = _partial_fit_table(40, 5)
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1, random_state=0, early_stopping=False, n_jobs=1,
                         numeric_embedding=None)  # (binary_ chooses the columns of periodic embeddings)
    network = reg.fit(X, y).export_network()
    np.testing.assert_array_equal(network["preprocessor"]["value_range_"], reg.preprocessor_.value_range_)
    as_lists = {**network, "preprocessor": {k: v.tolist() if isinstance(v, np.ndarray) else v
                                            for k, v in network["preprocessor"].items()}}
    rebuilt = DenseRegressor.from_network(as_lists)
    np.testing.assert_array_equal(rebuilt.preprocessor_.value_range_, reg.preprocessor_.value_range_)
    with pytest.warns(UserWarning, match=r"Column 'flag' held two values"):
        rebuilt.partial_fit(X.assign(flag=0.5), y)  # between its two values: beyond what fit saw
    for missing in (["binary_", "value_range_"], ["value_range_"]):
        old = {**network, "preprocessor": {k: v for k, v in network["preprocessor"].items() if k not in missing}}
        rebuilt = DenseRegressor.from_network(old)
        with pytest.warns(UserWarning, match=r"Column 'constant' held a single value"):  # (known by its scale 0)
            rebuilt.partial_fit(X.assign(constant=np.arange(40.0)), y)
        DenseRegressor.from_network(old).set_params(warm_start=True).fit(X, y)


def test_numbers_beyond_the_first_fit_of_a_wide_sparse_matrix_are_found_as_in_the_dense_one():
    """The check read each binary column of a sparse matrix in a Python loop (0.7 s a partial_fit of 1000 x 20000):
    one pass now, stored zeros, implicit zeros and the columns found the same as the dense matrix's."""
    first = sp.random(60, 3000, density=0.01, random_state=0, format="csr")
    first.data[:] = np.round(first.data * 2)  # stored zeros beside implicit ones
    later = sp.random(60, 3000, density=0.01, random_state=1, format="csr")
    later.data[:] = np.round(later.data * 3)
    found = {}
    for kind, (fit_on, check) in {"sparse": (first, later), "dense": (first.toarray(), later.toarray())}.items():
        pre = TabularPreprocessor().fit(fit_on)
        for value_range in (pre.value_range_, None):
            pre.value_range_ = value_range
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                pre.warn_unseen_categories(check)
            found[kind, value_range is None] = [str(w.message)[:60] for w in record]
    assert found["sparse", False] == found["dense", False] and found["sparse", True] == found["dense", True]
    assert len(found["sparse", False]) == 2


def test_a_sparse_x_s_statistics_are_its_dense_copy_s_without_making_it_dense(monkeypatch):
    """The medians and scales of a sparse X came from X.toarray(): 200,000 TF-IDF columns of 3,000 rows, 4.5 GB for a
    matrix of a few hundred KB. Column by column, its zeros counted, they are the dense copy's to the bit."""
    from sknn._tabular_numbers import robust_statistics

    rng = np.random.RandomState(0)
    dense = rng.normal(size=(60, 7)) * (rng.rand(60, 7) < 0.3)
    dense[:, 2] = np.round(dense[:, 2] * 4)  # ties at the quartiles
    dense[rng.rand(60, 7) < 0.05] = np.nan  # (missing values left out, as by np.nanquantile)
    dense[:, 5] = 0.0  # a column of zeros: scale 0
    want = robust_statistics(dense)
    for kind in (sp.csr_matrix, sp.csc_matrix):
        def refuse(*args, **kwargs):
            raise AssertionError("made dense")
        with monkeypatch.context() as m:
            m.setattr(sp.csr_matrix, "toarray", refuse)
            m.setattr(sp.csc_matrix, "toarray", refuse)
            got = robust_statistics(kind(dense))
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)


def test_a_sparse_x_with_an_entry_stored_twice_is_read_as_its_sum():
    """Stored twice (a CSR matrix built from its arrays), an entry's two parts were counted as two values and the
    column's zeros as one fewer: statistics that were not those of what the network reads (their sum)."""
    twice = sp.csr_matrix((np.array([1.0, 1.0, 5.0, 3.0]), np.array([0, 0, 1, 0]), np.array([0, 2, 3, 3, 4])),
                          shape=(4, 2))
    dense = twice.toarray()  # [[2, 0], [0, 5], [0, 0], [3, 0]]
    pre, want = TabularPreprocessor().fit(twice), TabularPreprocessor().fit(dense)
    for name in ("center_", "scale_", "value_range_", "binary_"):
        np.testing.assert_array_equal(getattr(pre, name), getattr(want, name))
    assert len(twice.data) == 4  # the caller's matrix as it was


def test_a_sparse_x_given_to_a_dense_fit_is_offset_and_checked_as_the_same_dense_x():
    """A dense fit's offsets (numbers such as 1e9 + i, which float32 cannot tell apart) and True/False columns were
    skipped for a sparse X at predict: every row of ids read as the largest, a 5 accepted as a flag."""
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"id": 1e9 + rng.randint(0, 1000, 40), "flag": rng.rand(40) > 0.5, "x": rng.normal(size=40)})
    y = (X["id"] - 1e9) / 100 + X["x"]
    reg = DenseRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0).fit(X, y)
    assert reg.preprocessor_.offset_[0] > 0 and reg.preprocessor_.boolean_.tolist() == [False, True, False]
    numbers = X.to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (no feature names: X was a DataFrame in fit)
        np.testing.assert_array_equal(reg.predict(sp.csr_matrix(numbers)), reg.predict(X))
        numbers[0, 1] = 5.0
        with pytest.raises(ValueError, match=r"Column 'flag' held True/False in fit but holds 5 now"):
            reg.predict(sp.csr_matrix(numbers))


@pytest.mark.parametrize("fmt", ["coo", "dia", "bsr", "lil", "dok"])
def test_a_fit_continues_on_every_sparse_format_after_a_column_entirely_missing(fmt):
    """Continuing a fit that ignored a column entirely missing read that column of X by slicing it: a TypeError of
    scipy's on coo and dia matrices, a bare NotImplementedError on bsr."""
    X = np.c_[np.arange(40.0), np.full(40, np.nan)]
    with pytest.warns(UserWarning, match="entirely missing"):
        reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1, random_state=0).partial_fit(X, np.arange(40.0))
    Z = sp.csr_matrix(np.c_[np.arange(40.0), np.r_[np.zeros(39), 1.0]]).asformat(fmt)
    with pytest.warns(UserWarning, match="holds values now, but was entirely missing in the first fit"):
        reg.partial_fit(Z, np.arange(40.0))
    assert reg.predict(Z).shape == (40,)


def test_a_sparse_x_is_refused_for_categories_fit_learned_not_for_a_column_fit_ignored():
    """A column of categories entirely missing in fit is ignored (read as missing whatever it holds): a sparse X was
    refused as if the column held categories to pass."""
    X = pd.DataFrame({"x": np.arange(40.0), "note": pd.Series([None] * 40, dtype=object), "c": ["a", "b"] * 20})
    kw = dict(hidden_layer_sizes=(4,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (the column entirely missing; no feature names at predict)
        reg = DenseRegressor(**kw).fit(X[["x", "note"]], np.arange(40.0))
        numbers = sp.csr_matrix(np.c_[np.arange(40.0), np.zeros(40)])
        np.testing.assert_array_equal(reg.predict(numbers), reg.predict(X[["x", "note"]]))
        reg = DenseRegressor(**kw).fit(X, np.arange(40.0))
        with pytest.raises(ValueError, match=r"X is a sparse matrix, but column 'c' held categories in fit"):
            reg.predict(sp.hstack([numbers, np.zeros((40, 1))]))


def test_predictions_on_a_wide_x_are_made_in_batches_of_a_bounded_size():
    rng = np.random.RandomState(0)
    X = sp.random(40, 20_000, density=0.001, format="csr", random_state=0)
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, rng.randint(0, 2, 40))
    assert clf._predict_batch_size() * 20_000 <= 2 ** 25  # (4,096 rows of 200,000 columns made dense: 3 GB)
    in_slices = np.vstack([clf.predict_proba(X[i:i + 7]) for i in range(0, 40, 7)])
    np.testing.assert_allclose(clf.predict_proba(X), in_slices, rtol=1e-6)


def test_a_warm_start_moves_to_the_device_asked_for_and_refuses_one_it_cannot_use():
    """A warm start trained on the network's old device whatever device said, 'cuda' on a machine without one or
    'nonsense' included, without a word (partial_fit's message sends users to it to change the device)."""
    X, y = np.random.RandomState(0).rand(40, 3), np.arange(40) % 2
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"device='nonsense' is not a device torch knows"):
        clf.set_params(device="nonsense").fit(X, y)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"device='cuda' was requested but CUDA is not available"):
            clf.set_params(device="cuda").fit(X, y)
    assert clf.set_params(device="cpu:0").fit(X, y).device_ == torch.device("cpu:0") and clf.n_iter_ == 2


def test_a_warm_start_refused_after_its_device_was_read_leaves_the_network_where_it_was(monkeypatch):
    """The warm start moved the network before its last refusals: refused, the model's weights sat on the new device
    while it said the old one (every predict failed). ('meta' stands in for a second device.)"""
    import sknn._base

    X, y = np.random.RandomState(0).rand(60, 3), np.arange(60) % 2
    clf = DenseClassifier(hidden_layer_sizes=(8,), batch_norm=True, max_iter=2, early_stopping=False,
                          warm_start=True, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    real = sknn._base.resolve_device
    monkeypatch.setattr(sknn._base, "resolve_device", lambda d: torch.device("meta") if d == "other" else real(d))
    with pytest.raises(ValueError, match=r"batch"):  # one row: batch norm cannot train on it
        clf.set_params(device="other").fit(X[:1], y[:1])
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_a_column_of_text_alone_is_told_apart_without_a_python_loop_over_its_cells(monkeypatch):
    """Each cell of an object column was typed in Python at every predict (about 1 microsecond a cell: 16 s for
    20,000 rows x 800 columns); a column of text alone is found by pandas' scan, and a cell of another kind among
    the text still goes through the rules (a number among strings: refused at predict, as before)."""
    import sknn._tabular as tabular

    frame = pd.DataFrame({"city": np.array(["Oslo", "Lima", "Rome"] * 20, dtype=object), "x": np.arange(60.0)})
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(frame, np.arange(60) % 2)
    monkeypatch.setattr(tabular, "_is_number", lambda v: pytest.fail("a cell typed in Python"))
    assert len(clf.predict(frame)) == 60
    monkeypatch.undo()
    with pytest.raises(ValueError, match=r"'city' held strings in fit .* holds numbers now \(such as 7\)"):
        clf.predict(frame.assign(city=["Oslo", 7, "Lima"] * 20))


def test_a_sparse_x_s_columns_are_read_at_once_as_its_dense_copy_s():
    """A sparse X's statistics, two-value columns and ranges were found column by column in Python (3.2 s for
    100,000 columns of 1,000 rows); all at once, they are its dense copy's, zeros stored or not."""
    rng = np.random.RandomState(1)
    dense = np.round(rng.normal(size=(40, 30)) * 2) * (rng.rand(40, 30) < 0.4)
    dense[:, 3], dense[:5, 4], dense[:, 6] = 0.0, 7.0, -2.0  # all zeros; zeros and one value; one value, no zero
    stored = (dense != 0) | (rng.rand(40, 30) < 0.1)  # (zeros a matrix stores, as one built from its arrays may)
    rows, cols = np.nonzero(stored)
    matrix = sp.csc_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)
    assert (matrix.data == 0).any()
    read, want = TabularPreprocessor().fit(matrix), TabularPreprocessor().fit(dense)
    for name in ("center_", "scale_", "binary_", "value_range_"):
        np.testing.assert_array_equal(getattr(read, name), getattr(want, name), err_msg=name)
