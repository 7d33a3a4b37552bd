"""Numbers with a unit and a decimal comma, scale-suffix typos among whole numbers, and half steps of ';' files:
columns of numbers that were read as one category per value without a word."""

import re

import numpy as np
import pandas as pd
import pytest

from sknn._tabular import TabularPreprocessor
from sknn._tabular_text import describe_numbers_as_text, file_fix, numbers_as_text, placeholder_cells
from sknn.cli import CommandError, _load

RNG = np.random.RandomState(29)
_HOURS = RNG.uniform(1, 25, 40).round(1)


def _cells(values):
    return np.array(values, dtype=object)


def _comma(value):
    return f"{value}".replace(".", ",")


_KM = np.random.RandomState(0).randint(500, 50000, 50)


# -- 1. numbers with a unit or a sign and a decimal comma ---------------------------------------------------------
@pytest.mark.parametrize("cells, kind", [
    ([f"{_comma(h)}h" for h in _HOURS], "numbers with a decimal comma and units or marks"),
    ([f"{_comma(h)} kg" for h in _HOURS], "numbers with a decimal comma and units or marks"),
    ([f"~{_comma(h)}" for h in _HOURS], "numbers with a decimal comma and units or marks"),
    ([f"1.{100 + i:03d},{i % 10} kg" if i % 3 else f"{_comma(h)} kg" for i, h in enumerate(_HOURS)],
     "numbers with a decimal comma and units or marks"),  # a thousands dot
    ([f"{_comma(h)} %" for h in _HOURS], "formatted numbers with a decimal comma"),
    ([f"€ {_comma(h)}0" for h in _HOURS], "formatted numbers with a decimal comma"),
    (["2,5 %", "5 %", "7,5 %"] * 10, "formatted numbers with a decimal comma"),  # however few, as '5%' is
])
def test_numbers_with_a_unit_or_a_sign_and_a_decimal_comma_are_numbers_written_as_text(cells, kind):
    """'7,6h', '9,4 kg' and '12,5 %' were read as one category per value without a word, while '7.6h', '9.4 kg' and
    '12.5 %' were refused as numbers written as text: the decimal comma is read where numbers_as_text reads it."""
    found = numbers_as_text(_cells(cells))
    assert found == (kind, cells[0])
    with pytest.raises(ValueError, match=f"Column 'w' holds {kind} written as text"):
        TabularPreprocessor().fit(pd.DataFrame({"w": cells}))


def test_the_fix_named_for_numbers_with_a_unit_and_a_decimal_comma_works():
    hours = [f"{_comma(h)}h" for h in _HOURS]
    message = describe_numbers_as_text(numbers_as_text(_cells(hours)), "'w'")
    code = re.search(r"pd\.to_numeric\((X\['w'\].*)\); a unit", message)[1]
    cells = pd.Series(hours + ["1.234,5 kg", "1 234,5 kg", "12 kg", "-0,5 %", "€ 12,50", "~3,5", "12,5±0,1"])
    fixed = pd.to_numeric(eval(code, {"X": {"w": cells}, "pd": pd}))  # noqa: S307 (the fix as it is written)
    np.testing.assert_allclose(fixed, np.r_[_HOURS, 1234.5, 1234.5, 12, -0.5, 12.5, 3.5, 12.5])
    found = numbers_as_text(_cells([f"{_comma(h)}K" for h in _HOURS]))
    assert "times 1000 where a suffix K" in describe_numbers_as_text(found, "'w'")
    assert "12.3K is 12300" in file_fix(*found) and "decimal point" in file_fix(*found)


@pytest.mark.parametrize("sep", [",", ";"])
def test_the_command_names_numbers_with_a_unit_and_a_decimal_comma(tmp_path, sep):
    frame = pd.DataFrame({"w": [f"{_comma(h)} kg" for h in _HOURS], "y": np.arange(40.0)})
    frame.to_csv(tmp_path / "t.csv", index=False, sep=sep)
    with pytest.raises(CommandError, match=r"the column 'w' of .* holds numbers with a decimal comma and units or "
                                           r"marks written as text \(such as '.*kg'\).*with a decimal point"):
        _load("csv", str(tmp_path / "t.csv"), "y")


@pytest.mark.parametrize("cells", [
    [f"{1 + i % 20},{2 + i % 7},{i % 5}" for i in range(60)],  # lists of numbers
    [f"{i},{i + 1}{'ABC'[i % 3]}" for i in range(60)],  # codes with commas and letters
    [f"{_comma(h)}h" if i % 2 else f"{h}h" for i, h in enumerate(_HOURS)],  # two decimal marks: not told
    [f"{1 + i},250 km" for i in range(40)],  # thousands commas or decimals: not told
    [f"Room {i % 9},{i % 7}" for i in range(60)],  # text with a pair of digits
    [f"{v:,} km" for v in _KM] + ["12,5 km"],  # thousands commas beside a decimal comma: either reading, not told
    ["12,5 km"] + [f"{v:,} km" for v in _KM],
    [f"{_comma(h)} %" for h in _HOURS] + ["1,250 %"],
])
def test_look_alikes_of_numbers_with_a_unit_and_a_decimal_comma_stay_as_they_were(cells):
    assert numbers_as_text(_cells(cells)) is None


def test_numbers_with_thousands_and_decimal_commas_are_not_named_by_a_thousands_comma():
    """One cell '12,5 km' among '47,663 km' made the column decimal commas, named by '47,663 km', and its fix read
    47,663 km as 47.663: where a comma may be either mark, no reading is named, and no example contradicts its kind."""
    cells = _cells([f"{v:,} km" for v in _KM] + ["12,5 km"])
    assert numbers_as_text(cells) is None
    assert TabularPreprocessor().fit(pd.DataFrame({"d": cells})).categorical_columns_.tolist() == [0]
    assert numbers_as_text(_cells([f"{v:,}" for v in _KM] + ["12,5"])) == ("numbers with a decimal comma", "12,5")


# -- 2. a scale suffix among whole numbers ------------------------------------------------------------------------
_PRICES = [str(v) for v in RNG.randint(100, 5001, 60)]
_MILLIONS = [str(v) for v in np.random.RandomState(3).randint(500_000, 2_000_001, 60)]


@pytest.mark.parametrize("typo, numbers", [("5k", _PRICES), ("4K", _PRICES), ("2 k", _PRICES), ("3M", _MILLIONS)])
def test_a_scale_suffix_typo_among_whole_numbers_is_named_not_read_as_categories(typo, numbers, tmp_path):
    """'5k' among prices 100..5000 made every price a category of its own, without a word ('5k' among prices with
    cents was named): a number with a scale suffix of the numbers' size is a typo among whole numbers too."""
    cells = _cells(numbers[:30] + [typo] + numbers[30:])
    assert placeholder_cells(cells) == {typo: 1}
    with pytest.raises(ValueError, match=f"Column 'p' holds numbers but for 1 cell {re.escape(repr(typo))}: if those "
                                         "are typos, correct them"):
        TabularPreprocessor().fit(pd.DataFrame({"p": cells}))
    pd.DataFrame({"p": cells, "y": np.arange(61.0)}).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(CommandError, match=f"holds numbers but for 1 cell '{typo}': if those are typos, correct them "
                                           "in the file"):
        _load("csv", str(tmp_path / "t.csv"), "y")


def test_a_scale_suffix_on_more_than_3_cells_is_a_way_of_writing_numbers_not_a_typo():
    cells = _cells(_PRICES + ["5k", "6k", "7k", "8k"])
    assert placeholder_cells(cells) is None and numbers_as_text(cells) == ("numbers with units or marks", "5k")


@pytest.mark.parametrize("cells", [
    ["3", "5", "6", "8", "9", "10", "11", "12", "13", "14", "15", "15A", "17", "20", "23", "26", "27", "30", "36", "37",
     "50", "52", "57", "63", "65", "65A", "67", "69", "72", "74", "81", "83", "86", "90", "91"],  # DAAG's hotspots
    [str(i) for i in range(1, 59)] + ["12B", "5K"],  # house numbers: letters that are scales, of another size
    [str(i) for i in range(1, 59)] + ["1M"],
    _PRICES[:15] + ["5k"],  # too few numbers beside it
    _PRICES + ["5k", "15A"],  # a code that is no scaled number
    [str(100 + i % 30) for i in range(56)] + ["c1", "c2", "c3", "5k"],
    [str(300 + i % 40) for i in range(60)] + ["300K"],  # kelvins? 300,000 is far beyond the numbers
])
def test_codes_and_far_scales_among_whole_numbers_stay_categories(cells):
    assert placeholder_cells(_cells(cells)) is None
    assert TabularPreprocessor().fit(pd.DataFrame({"x": cells})).categorical_columns_.tolist() == [0]


# -- 3. half steps in a ';' or tab file ---------------------------------------------------------------------------
def _file(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return str(path)


@pytest.mark.parametrize("sep", [";", "\t"])
@pytest.mark.parametrize("values", [
    ["0,5", "1", "1,5", "2", "2,5", "3", "3,5", "4"],  # half steps from 0
    ["3", "4", "4,5", "5", "5,5", "6", "6,5"],  # '5,5', '6,5': no answers of options listed in order
    ["0,5", "1,5", "2,5"],
    ["0,5", "1", "1,5"],  # '0,5' without a lone '5'
])
def test_half_steps_of_a_semicolon_file_are_numbers_however_few(tmp_path, sep, values):
    """A column of half steps ('0,5', '1,5', '2,5') was read as text when no other column had other decimal commas
    (a target of them as classes): steps that no multiple-choice answer is show the comma to be a decimal mark."""
    rows = [f"{i}{sep}{values[i % len(values)]}" for i in range(40)]
    X, y, *_ = _load("csv", _file(tmp_path / "t.csv", f"x{sep}y", rows), "y")
    assert y.dtype.kind == "f"
    np.testing.assert_allclose(y[:len(values)], [float(v.replace(",", ".")) for v in values])
    rows = [f"{values[i % len(values)]}{sep}{i % 2}" for i in range(40)]
    X, *_ = _load("csv", _file(tmp_path / "t.csv", f"r{sep}y", rows), "y")
    assert X["r"].dtype.kind == "f"


@pytest.mark.parametrize("answers", [
    ["1,2", "2,3", "1,3", "2", "1"],  # multiple choice
    ["1,5", "2,5", "3,5", "4,5", "1", "2"],  # ascending pairs from 1: answers that all hold option 5, or ratings
    ["0,5"] + ["1", "2", "3"],  # one pair alone
    ["0,1", "0,2", "1,2", "2"],  # options numbered from 0: of several digits after the comma
    ["1,0", "2,0", "0,0", "3,0"],  # scores (the away side never scored): no half steps
    ["0", "1", "2", "5", "0,5", "2,5"],  # options numbered from 0: two pairs with option 5, '0,5' among them
])
def test_multiple_choice_answers_of_a_semicolon_file_stay_text_beside_half_steps(tmp_path, answers):
    rows = [f"{answers[i % len(answers)]};{['0,5', '1,5', '2,5'][i % 3]};{i % 2}" for i in range(40)]
    X, *_ = _load("csv", _file(tmp_path / "t.csv", "items;r;y", rows), "y")
    assert X["items"].tolist()[:len(answers)] == answers and X["r"].dtype.kind == "f"


def test_codes_shaped_like_a_month_of_a_year_outside_the_years_stay_categories():
    """'2020-01' is a month of a year (refused as dates); '4711-03' a code (no year before 1500 or after 2099)."""
    from sknn import DenseClassifier

    y = np.arange(40) % 2
    for cells in ([f"4711-{v % 12 + 1:02d}" for v in range(40)], [f"1600-{v % 9 + 1}" for v in range(40)],
                  [f"P{v % 20 + 1}{'MWD'[v % 3]}" for v in range(40)]):  # (P1M is no duration pd.to_timedelta reads)
        codes = pd.DataFrame({"part": cells})
        assert DenseClassifier(max_iter=1, random_state=0).fit(codes, y).preprocessor_.categorical_columns_ == [0]
