"""The sknn command: fast start, one-line errors for every bad input, several data sets, the report in a browser."""

import gzip
import os
import re
import shlex
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, load_wine

from sknn.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "sknn", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env=ENV)


@pytest.fixture
def csvs(tmp_path):
    iris = load_iris(as_frame=True)
    frame = iris.data.assign(species=np.array(["setosa", "versicolor", "virginica"])[iris.target])
    frame.to_csv(tmp_path / "iris.csv", index=False)
    pd.DataFrame({"x": np.arange(20), "kind": ["a"] * 20, "label": np.arange(20) % 2}).to_csv(
        tmp_path / "small.csv", index=False)
    pd.DataFrame({"x": np.arange(20.0), "y": ["p", "q"] * 10}).to_csv(tmp_path / "strings.csv", index=False)
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "latin1.csv").write_bytes("a,b\ncaf\xe9,1\nth\xe9,0\n".encode("latin-1"))
    (tmp_path / "latin1_cr.csv").write_bytes("a,b\rcafe,1\rth\xe9,0\r".encode("latin-1"))  # (Excel for Mac's CSV)
    (tmp_path / "utf16.csv").write_bytes("a,b\n1,2\n3,4\n".encode("utf-16"))  # with its byte-order mark
    (tmp_path / "header.csv").write_text("a,b,c\n")
    (tmp_path / "one_column.csv").write_text("a\n1\n2\n3\n")
    pd.DataFrame({"x": np.arange(20.0), "y": [np.nan] * 20}).to_csv(tmp_path / "no_target.csv", index=False)
    (tmp_path / "nul.csv").write_text("a,b\n1,x\n2,\x00y\n")
    (tmp_path / "utf16_nomark.csv").write_bytes("a,b\n1,2\n3,4\n".encode("utf-16-le"))
    (tmp_path / "utf16be_nomark.csv").write_bytes("a,b\n1,2\n3,4\n".encode("utf-16-be"))  # (not 'utf-16le')
    (tmp_path / "utf32.csv").write_bytes("a,b\n1,2\n3,4\n".encode("utf-32"))  # (its mark begins as UTF-16's)
    (tmp_path / "utf32be_nomark.csv").write_bytes("a,b\n1,2\n3,4\n".encode("utf-32-be"))
    (tmp_path / "book.csv").write_bytes(b"PK\x03\x04" + bytes(200))  # an .xlsx renamed
    (tmp_path / "packed.csv").write_bytes(gzip.compress(b"a,b\n1,2\n"))  # compressed, not named .gz
    (tmp_path / "table.parquet").write_bytes(b"PAR1" + bytes(100) + b"PAR1")  # Parquet's marks, first and last
    (tmp_path / "table.json").write_text('{"a":{"0":1,"1":2},"b":{"0":0,"1":1}}')  # one line: 'no rows' before
    (tmp_path / "table.json.gz").write_bytes(gzip.compress(b'[{"a": 1, "b": 0}]'))
    (tmp_path / "blank.csv").write_text("\n \n\n")
    (tmp_path / "records.csv").write_text('[\n  {\n    "a": 1,\n    "b": 0\n  }\n]\n')  # JSON under .csv
    (tmp_path / "lines.csv").write_text('{"a":1,"b":0}\n{"a":2,"b":1}\n')
    (tmp_path / "euro.csv").write_bytes("a,b\n5 \u20ac,1\n3 \u20ac,0\n".encode("cp1252"))
    (tmp_path / "titled.csv").write_text("Sales of 2024\na,b,c\n1,2,3\n4,5,6\n")
    (tmp_path / "excel_sep.csv").write_text("sep=,\na,b,c\n1,2,3\n4,5,6\n")
    frame = pd.DataFrame({"x": np.arange(6.0), "y": list("pqpqpq")})
    (tmp_path / "joined.csv").write_text(frame.to_csv(index=False) + frame.to_csv(index=False))
    (tmp_path / "empty_folder").mkdir()
    (tmp_path / "a_file").write_text("not a folder")
    return tmp_path


BAD = [
    (["compare", "--models", ","], "--models names nothing"),
    (["compare", "--data", ","], "--data names nothing; give comma-separated names, e.g. --data iris,wine"),
    (["compare", "--models", "trees"],  # the options, not the Python API's
     "Unknown model 'trees'; choose among baseline, boosting, catboost, dummy, forest, lightgbm, linear, network, "
     "xgboost."),
    (["compare", "--report", "{tmp}/missing/dir/report.html"], "no such folder"),
    (["compare", "--report", "{tmp}"], "is a folder"),
    (["compare", "--plots", "{tmp}/a_file"], "is a file"),
    (["compare", "--plots", "{tmp}/a_file/sub"], "is a file, not a folder"),
    (["compare", "--report", "{tmp}/out.html/"], "ends with a slash, which names a folder"),
    (["compare", "--report", "/proc/report.html"], "--report /proc/report.html: cannot write there"),
    (["compare", "--plots", "/proc/plots"], "--plots /proc/plots: cannot write there"),
    (["compare", "--csv", "{tmp}/iris.csv", "--target", "species", "--report", "{tmp}/iris.csv"],
     "is the data file"),
    (["compare", "--data", "iris", "--scoring", "f1"], "has 3 classes; use f1_macro or f1_weighted"),
    (["compare", "--csv", "{tmp}/strings.csv", "--target", "y", "--task", "regression"],
     "needs numbers, but y holds labels such as 'p'"),
    (["compare", "--csv", "{tmp}/nope.csv", "--target", "y"], "no such file"),
    (["compare", "--csv", "{tmp}/iris.csv", "--target", "churned"], "no column 'churned'"),
    (["compare", "--csv", "{tmp}/iris.csv", "--target", "Species"], "did you mean 'species'"),
    (["compare", "--csv", "{tmp}/iris.csv"], "needs --target COLUMN"),
    (["compare", "--target", "y"], "--target goes with --csv"),
    (["compare", "--csv", "{tmp}/iris.csv", "--csv", "{tmp}/small.csv", "--target", "a", "--target", "b",
      "--target", "c"], "one --target per --csv"),
    (["compare", "--csv", "{tmp}/small.csv", "--target", "kind"], "single class"),
    (["compare", "--csv", "{tmp}/binary.csv", "--target", "y"], "cannot read"),
    (["compare", "--csv", "{tmp}/empty.csv", "--target", "y"], "empty.csv as CSV: the file is empty (no header"),
    (["compare", "--csv", "{tmp}/blank.csv", "--target", "y"], "the file is empty but for blank lines"),
    (["compare", "--csv", "{tmp}/records.csv", "--target", "b"], "records.csv as CSV: it holds JSON text, not CSV"),
    (["compare", "--csv", "{tmp}/lines.csv", "--target", "b"], "lines.csv as CSV: it holds JSON text, not CSV"),
    (["compare", "--csv", "{tmp}/latin1.csv", "--target", "b"], "it is not UTF-8: save it as UTF-8"),
    # (pandas named 'position 3' of a chunk of its own; the bad byte is on line 2)
    (["compare", "--csv", "{tmp}/latin1.csv", "--target", "b"], "latin1.csv as CSV: line 2 is not UTF-8 text"),
    (["compare", "--csv", "{tmp}/latin1_cr.csv", "--target", "b"], "latin1_cr.csv as CSV: line 3 is not UTF-8"),
    (["compare", "--csv", "{tmp}/utf16.csv", "--target", "b"], "iconv -f utf-16 -t utf-8"),
    (["compare", "--csv", "{tmp}/header.csv", "--target", "a"], "no rows"),
    (["compare", "--csv", "{tmp}/one_column.csv", "--target", "a"], "1 column(s)"),
    (["compare", "--csv", "{tmp}/no_target.csv", "--target", "y"], "Every value of the target column 'y' is missing"),
    (["compare", "--csv", "{tmp}/empty_folder"], "no .csv, .tsv or .tab file"),
    (["compare", "--csv", "{tmp}/nul.csv", "--target", "b"], "line 3 holds a NUL byte"),
    (["compare", "--csv", "{tmp}/utf16_nomark.csv", "--target", "b"], "it is UTF-16 text (without a byte-order mark)"),
    (["compare", "--csv", "{tmp}/utf16be_nomark.csv", "--target", "b"], "iconv -f utf-16be -t utf-8"),
    (["compare", "--csv", "{tmp}/utf32.csv", "--target", "b"], "UTF-32 text, not UTF-8: save it as UTF-8 (e.g. iconv "
                                                              "-f utf-32 -t"),
    (["compare", "--csv", "{tmp}/utf32be_nomark.csv", "--target", "b"], "UTF-32 text (without a byte-order mark): "
                                                                       "save it as UTF-8 (e.g. iconv -f utf-32be"),
    (["compare", "--csv", "{tmp}/book.csv", "--target", "b"], "an Excel workbook (.xlsx) or a zip archive"),
    (["compare", "--csv", "{tmp}/packed.csv", "--target", "b"], "gzip-compressed, not CSV text: name it ... .csv.gz"),
    (["compare", "--csv", "{tmp}/table.parquet", "--target", "b"], "it is a Parquet file"),
    (["compare", "--csv", "{tmp}/table.json", "--target", "b"], "its extension .json is that of a JSON file"),
    (["compare", "--csv", "{tmp}/table.json.gz", "--target", "b"], "its extension .json is that of a JSON file"),
    (["compare", "--csv", "{tmp}/euro.csv", "--target", "b"], "iconv -f cp1252 -t utf-8"),
    (["compare", "--csv", "{tmp}/titled.csv", "--target", "c"], "line 1 of {tmp}/titled.csv has one field ('Sales of"),
    (["compare", "--csv", "{tmp}/excel_sep.csv", "--target", "c"], "is Excel's 'sep=,' line, not the header"),
    (["compare", "--csv", "{tmp}/joined.csv", "--target", "y"], "line 8 of {tmp}/joined.csv repeats the header"),
    (["compare", "--report", ""], "--report is given an empty path"),
    (["compare", "--plots", " "], "--plots is given an empty path"),
    (["compare", "--task", "regression", "--task", "auto"], "--task is given twice; give it once"),
    (["compare", "--na-values", "?", "--na-values", "-"], "--na-values is given twice"),  # (the first was dropped)
    (["compare", "--sort", " "], "--sort names nothing; give one metric, e.g. --sort accuracy"),
    (["compare", "--plots", "{tmp}/fig.png"], "--plots {tmp}/fig.png names a file, but --plots takes a folder"),
    (["compare", "--report", "{tmp}/same", "--plots", "{tmp}/same"], "--report and --plots are both {tmp}/same"),
    (["compare", "--rope", "0.5"], "--rope sets the Bayesian test's region of practical equivalence"),
    (["compare", "--csv", "{tmp}", "--target", "y"], "cannot read"),  # a folder: its binary.csv
    (["compare", "--csv", "{tmp}/iris.csv", "--target", "species", "--csv", "{tmp}/small.csv", "--target",
      "kind"], "small.csv: The target has a single class"),  # the second data set, before any fit
    (["compare", "--csv", "{tmp}/small.csv", "--target", "label", "--cv", "30"], ": --cv 30 folds need"),
    (["compare", "--cv", "1"], "--cv must be at least 2"),
    (["compare", "--cv", "five"], "--cv must be a whole number"),
    (["compare", "--repeats", "0"], "--repeats must be at least 1"),
    (["compare", "--time-budget", "-1"], "--time-budget must be a number above 0"),
    (["compare", "--time-budget", "nan"], "--time-budget must be a number above 0"),
    (["compare", "--n-jobs", "0"], "--n-jobs must not be 0"),
    (["compare", "--threads", "0"], "--threads must be at least 1"),
    (["compare", "--alpha", "1.5"], "--alpha must be a number above 0 and below 1"),
    (["compare", "--rope", "-0.1"], "--rope must be a number >= 0"),
    (["compare", "--scoring", "acc"], "Unknown metric 'acc'"),
    (["compare", "--scoring", ",,"], "--scoring names nothing"),
    (["compare", "--scoring", "rmse"], "is for regression but the task is classification"),
    (["compare", "--sort", "nonsense"], "Unknown metric 'nonsense'"),
    (["compare", "--data", "mnist"], "unknown data set 'mnist'"),
    (["compare", "--data", "diabetes", "--scoring", "accuracy"], "is for classification but the task is regression"),
    (["compare", "--test", "z-test"], "invalid choice: 'z-test'"),
    (["compare", "--frobnicate"],
     "sknn compare: error: unrecognized arguments: --frobnicate (see sknn compare --help)"),
    (["compare", "{tmp}/iris.csv", "--target", "species"],
     "unrecognized arguments: {tmp}/iris.csv; a CSV file or folder is given as --csv {tmp}/iris.csv"),
    (["compare", "--random-state", "x"], "--random-state must be a whole number"),
    (["compare", "--random-state", "-1"], "--random-state must be at least 0"),
    ([], "the following arguments are required"),
    (["fit"], "invalid choice: 'fit'"),
]


@pytest.mark.parametrize("argv, message", BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_every_bad_input_gets_one_line_and_status_2_before_any_work(argv, message, csvs, capsys, monkeypatch):
    from sknn import _compare

    def no_work(*args, **kwargs):
        raise AssertionError("the comparison started before the input was checked")

    monkeypatch.setattr(_compare, "execute", no_work)
    argv = [a.replace("{tmp}", str(csvs)) for a in argv]
    code, out, err = _run(argv, capsys)
    assert code == 2, (argv, out, err)
    assert message.replace("{tmp}", str(csvs)) in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert not os.path.exists(csvs / "missing")


def test_the_command_never_prints_a_traceback(csvs):
    for argv in (["compare", "--cv", "0"], ["compare", "--csv", str(csvs / "binary.csv"), "--target", "y"],
                 ["compare", "--report", str(csvs / "nowhere" / "r.html")]):
        proc = _cli(*argv, timeout=120)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_help_and_version_start_without_the_heavy_libraries():
    code = ("import sys, time; t = time.perf_counter(); import sknn.cli as c; "
            "c.build_parser().parse_args(['compare', '--cv', '3', '--csv', 'a.csv', '--target', 'y']); "
            "print(time.perf_counter() - t); "
            "print(sorted(m for m in ('torch', 'sklearn', 'pandas', 'numpy', 'scipy', 'skorch') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    seconds, loaded = proc.stdout.strip().splitlines()
    assert loaded == "[]", loaded  # parsing imports none of them
    assert float(seconds) < 1.0
    proc = _cli("--version", timeout=60)
    assert proc.returncode == 0 and re.fullmatch(r"sknn \d+\.\d+\.\d+\S*", proc.stdout.strip())
    proc = _cli("compare", "--help", timeout=60)
    assert proc.returncode == 0
    for option in ("--data", "--csv", "--target", "--task", "--cv", "--repeats", "--scoring", "--sort", "--test",
                   "--alpha", "--rope", "--models", "--random-state", "--n-jobs", "--threads", "--time-budget",
                   "--report", "--plots", "--quiet"):
        # every option has help text: its line (or the next) says more than the metavar
        block = proc.stdout.split(option, 1)[1].split("\n  --", 1)[0]
        assert len(block.split()) > 3, option


def test_whole_number_targets_missing_targets_and_the_header(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 120
    x = rng.normal(size=(n, 3))
    price = np.round(50_000 + 20_000 * x[:, 0] + 5_000 * rng.normal(size=n), -2)  # whole numbers, many values
    frame = pd.DataFrame(x, columns=["a", "b", "c"]).assign(price=price)
    frame.loc[[3, 50, 99], "price"] = np.nan
    frame.to_csv(tmp_path / "houses.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "houses.csv"), "--target", "price", "--models",
                           "linear", "--cv", "3", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0, err
    assert "task: regression (" in out and "distinct whole numbers" in out and "--task classification" in out
    assert "rows: 3 of 120 have no target value and were left out (117 used)" in out
    assert "Dummy (baseline)" in out and "LinearRegression" in out
    assert "rmse (lower better)" in out


def test_placeholder_cells_are_named_and_na_values_reads_them_as_missing(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    frame = pd.DataFrame({"x": x.round(3).astype(str), "flag": x > 0.2, "y": (x > 0).astype(int),
                          "price": (100 * x).round(2).astype(str)})
    frame.loc[[3, 7], "x"] = "?"
    frame.loc[[5], "price"] = "-"
    frame.to_csv(tmp_path / "t.csv", index=False)
    base = ["compare", "--csv", str(tmp_path / "t.csv"), "--models", "linear,forest", "--cv", "2", "--repeats", "1",
            "--n-jobs", "1", "--quiet"]
    code, out, err = _run(base + ["--target", "y"], capsys)
    assert code == 2 and "the column 'x' of" in err and "holds numbers but for 2 cells '?'" in err, err
    assert "pass --na-values '?'" in err and len(err.strip().splitlines()) == 1
    code, out, err = _run(base + ["--target", "price", "--na-values", "?"], capsys)
    assert code == 2 and "the column 'price'" in err and "1 cell '-'" in err and "--na-values -" in err, err
    code, out, err = _run(base + ["--target", "y", "--na-values", "?,-"], capsys)
    assert code == 0, err
    assert "n/a" not in out and "fit failed" not in out  # the True/False column reaches every model
    assert "1 feature\n" not in out  # (x, flag and price are features)


def test_numbers_and_dates_written_as_text_are_named_with_the_fix(tmp_path, capsys):
    x = np.arange(40)
    base = ["compare", "--models", "linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"]
    for cells, said in (([f"{v * 12345:,}" for v in x], "formatted numbers written as text (such as '12,345')"),
                        ([f"2021-03-{v % 28 + 1:02d}" for v in x], "dates or times written as text")):
        pd.DataFrame({"income": cells, "y": x % 2}).to_csv(tmp_path / "t.csv", index=False)
        code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv"), "--target", "y"], capsys)
        assert code == 2 and f"the column 'income' of {tmp_path / 't.csv'} holds {said}" in err, err
        assert "in the file" in err and len(err.strip().splitlines()) == 1
    pd.DataFrame({"x": x, "day": [f"2021-03-{v % 28 + 1:02d}" for v in x]}).to_csv(tmp_path / "t.csv", index=False)
    for task in ([], ["--task", "regression"]):  # a date target: one fix, not 'pass --task' in a loop
        code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv"), "--target", "day", *task], capsys)
        assert code == 2 and "'day'" in err and "dates or times written as text" in err, err
        assert "choose another --target" in err


def test_labels_that_differ_only_by_spaces_are_named(tmp_path, capsys):
    x = np.arange(40)
    pd.DataFrame({"x": x, "t": ["yes", " yes", "no", "no "] * 10}).to_csv(tmp_path / "t.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "t.csv"), "--target", "t", "--models", "linear",
                           "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 2 and "differ only by surrounding white space" in err and "strip them in the file first" in err, err


def test_target_labels_that_print_or_read_alike_are_refused_naming_the_target_column(tmp_path, capsys):
    """'1' beside '1.0', 'caf\xe9' beside 'cafe\u0301' (macOS' form) and 'yes' beside 'yes\u200b' were two classes
    each, without a word; compare's messages called the file's target column 'y'."""
    x = np.arange(40)
    base = ["compare", "--models", "linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"]
    for labels, said in ((["1", "1.0", "cat", "cat"], r"spell one number two ways: '1' and '1\.0' would be two "
                                                       r"classes; write each number one way \(y\.replace"),
                         (["caf\u00e9", "cafe\u0301", "tea", "tea"], r"differ only by their Unicode form or invisible "
                          r"characters, which print alike: 'caf\\xe9' and 'cafe\\u0301' would be 2 classes; make "
                          r"them one form in the file first \(one Unicode form, NFC"),
                         (["yes", "yes\u200b", "no", "no"], r"differ only .*: 'yes' and 'yes\\u200b' would be 2 "
                                                             r"classes")):
        pd.DataFrame({"x": x, "churn": labels * 10}).to_csv(tmp_path / "t.csv", index=False)
        code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv"), "--target", "churn"], capsys)
        assert code == 2 and re.search(r"t\.csv: the target column 'churn' holds labels that " + said, err), err
    pd.DataFrame({"x": x, "churn": ["1", "2", "007", "7"] * 10}).to_csv(tmp_path / "t.csv", index=False)
    code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv"), "--target", "churn", "--task", "classification"],
                          capsys)  # whole numbers with leading zeros may be codes: read as numbers, and noted
    assert code == 0 and "leading zeros, read as numbers: 'churn' (such as '007')" in out, err
    pd.DataFrame({"x": [1, 2], "churn": ["yes", "no"]}).to_csv(tmp_path / "t.csv", index=False)
    code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv"), "--target", "churn"], capsys)
    assert code == 2 and "the target column 'churn' has 2 rows only, one of each class: too few to cross-val" in err


def test_one_field_past_the_csv_modules_limit_leaves_the_check_of_short_rows_on(tmp_path):
    """A field of 140,000 characters ended the check of rows that lack fields (the csv module's limit is 131,072):
    a row without its last field was read with a missing value, imputed, without a word."""
    from sknn.cli import CommandError, _load

    rows = ["t,a,y,b"] + [f"t{i},{i % 7},{'pq'[i % 2]},{i % 5}" for i in range(40)]
    rows[7] = rows[7].rsplit(",", 1)[0]
    rows[-1] = "x" * 140_000 + rows[-1]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(CommandError, match=r"line 8 of .* has 3 field\(s\) but the header names 4 columns"):
        _load("csv", str(tmp_path / "t.csv"), "y")
    import csv
    assert csv.field_size_limit() == 131_072  # (put back)


def test_a_data_set_given_twice_is_refused_as_the_ranks_would_count_it_twice(tmp_path, capsys):
    rng = np.random.RandomState(0)
    pd.DataFrame({"x": rng.rand(40), "y": [0, 1] * 20, "z": rng.rand(40)}).to_csv(tmp_path / "t.csv", index=False)
    base = ["compare", "--models", "linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"]
    for given, said in ((["--data", "iris,iris"], "--data iris is given twice"),
                        (["--csv", str(tmp_path / "t.csv"), "--csv", f"{tmp_path}/./t.csv", "--target", "y"],
                         "the file .*t.csv with --target y is given twice")):
        code, out, err = _run(base + given, capsys)
        assert code == 2 and re.search(said + ": give each data set once", err), err
    code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv"), "--csv", str(tmp_path / "t.csv"), "--target", "y",
                                  "--target", "z", "--task", "regression"], capsys)  # two targets: two data sets
    assert code == 0 and "t.csv #2" in out, err


def test_the_protocol_line_says_the_workers_and_threads_it_used(capsys):
    """--n-jobs 100 printed '4 worker(s) x 1 thread(s) per fit (2 core(s) for 100 worker(s))'; --threads 1000 on 2
    cores went without a word (fits 150x slower)."""
    from joblib import cpu_count

    base = ["compare", "--data", "iris", "--models", "dummy,linear", "--cv", "2", "--repeats", "1", "--quiet"]
    code, out, err = _run(base + ["--n-jobs", "100"], capsys)
    assert code == 0 and re.search(r"4 worker\(s\) x 1 thread\(s\) per fit \(\d+ core\(s\) for 100 worker\(s\) asked; "
                                   r"4 fits need 4\)", out), out
    code, out, err = _run(base + ["--n-jobs", "1", "--threads", str(cpu_count() + 1)], capsys)
    assert code == 0 and f"more than the {cpu_count()} cores, which makes fits slower" in out, out


def test_notes_speak_of_the_commands_options_not_the_python_arguments(tmp_path, capsys):
    frame = pd.DataFrame({"a": np.random.RandomState(0).rand(60), "y": ["p", "q"] * 30})
    frame.loc[[3, 7], "y"] = None
    frame.to_csv(tmp_path / "t.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "t.csv"), "--target", "y", "--models", "linear", "--cv",
                           "3", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0 and "2 row(s) without a target are left out: the rows compared are the 58 kept\n" in out, err
    assert "use 5 splits or more (--cv, --repeats)" in out and "cv_splits" not in out


def test_every_column_a_file_cannot_give_is_named_at_once(tmp_path):
    """R's Ecdat/breaches: three columns of dates took three runs to find, one refused each time."""
    from sknn.cli import CommandError, _load

    days = [f"2021-03-{v % 28 + 1:02d}" for v in range(40)]
    frame = pd.DataFrame({"posted": days, "x": range(40), "start": days[::-1], "price": [f"${v}.50" for v in range(40)],
                          "y": [0, 1] * 20})
    frame.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(CommandError, match=r"the column 'posted' .* holds dates or times written as text .*; 2 more "
                                           r"columns are refused too, for this reason or another: 'start', "
                                           r"'price'$"):
        _load("csv", str(tmp_path / "t.csv"), "y")


def test_thousands_dots_are_named_with_the_other_refused_columns(tmp_path):
    from sknn.cli import CommandError, _load

    rows = ["g;dt;y"] + [f"{'2.007' if i % 3 else '709'};2021-03-{i % 28 + 1:02d};{i % 2}" for i in range(40)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(CommandError, match=r"the column 'g' .* thousands separators .*; 1 more column is refused "
                                           r"too, for this reason or another: 'dt'$"):
        _load("csv", str(tmp_path / "t.csv"), "y")


def test_a_row_with_a_field_too_many_is_named_with_the_likely_causes(tmp_path):
    from sknn.cli import CommandError, _load

    rows = ["a,b,y"] + [f"{i},{i % 3},{'pq'[i % 2]}" for i in range(20)]
    rows[7] += ",extra"
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(CommandError, match=r"line 8 has 4 fields where the rows before it have 3; a field holding the "
                                           r"separator unquoted \(quote it: \"1,5\"\), or a stray separator"):
        _load("csv", str(tmp_path / "t.csv"), "y")


def test_a_row_index_written_by_pandas_or_r_is_left_out_not_a_feature(tmp_path, capsys):
    """df.to_csv(path) writes the index first, without a name: on a file sorted by class it told the models each
    row's class (a random forest scored 0.80 balanced accuracy on noise, 0.28 without it)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40).round(3), "y": ["p"] * 20 + ["q"] * 20})
    base = ["compare", "--target", "y", "--models", "forest", "--cv", "2", "--repeats", "1", "--n-jobs", "1"]
    for index in (frame.index, [f"row{i}" for i in frame.index]):
        frame.set_axis(index).to_csv(tmp_path / "t.csv")
        code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv")], capsys)
        assert code == 0 and "40 rows, 1 feature\n" in out and "left out the first column" in out, out + err
    frame.to_csv(tmp_path / "t.csv")  # an unnamed column of numbers that are not whole: a feature, kept
    with open(tmp_path / "t.csv") as f:
        text = f.read().replace("\n0,", "\n0.5,")
    (tmp_path / "t.csv").write_text(text)
    code, out, err = _run(base + ["--csv", str(tmp_path / "t.csv")], capsys)
    assert code == 0 and "2 features" in out and "left out the first column" not in out, out + err


def test_a_delimiter_at_the_end_of_every_row_moves_no_column_name(tmp_path):
    # pandas read the first field as the index and named every column after the next one: y was the values of a
    from sknn.cli import CommandError, _load

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=30).round(3), rng.normal(size=30).round(3)
    (tmp_path / "t.csv").write_text("y,a,b\n" + "".join(f"{3 * u},{u},{v},\n" for u, v in zip(a, b)))
    X, y, *_ = _load("csv", str(tmp_path / "t.csv"), "y")
    np.testing.assert_allclose(y, 3 * a)
    np.testing.assert_allclose(X["b"], b)
    (tmp_path / "t.csv").write_text("y,a,b\n" + "".join(f"{3 * u},{u},{v},7\n" for u, v in zip(a, b)))
    with pytest.raises(CommandError, match="more fields than its header has names .line 2 holds 7"):
        _load("csv", str(tmp_path / "t.csv"), "y")
    # every row with an unquoted decimal comma: the hint names it, as a line of one more field than the rest does
    (tmp_path / "t.csv").write_text("y,a,b\n" + "".join(f"{3 * u},{u},{str(v).replace('.', ',')}\n"
                                                         for u, v in zip(a, b)))
    with pytest.raises(CommandError, match="name every column in the header, or quote a field that holds the "
                                           "separator .a decimal comma: \"1,5\"."):
        _load("csv", str(tmp_path / "t.csv"), "y")


def test_semicolon_and_tab_separated_files_are_read(tmp_path):
    # Excel's CSV where the comma is the decimal mark, and a TSV file: refused or misread before
    from sknn.cli import _load

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"price": rng.normal(10, 2, 40).round(2), "city": ["Oslo, NO", "Lima"] * 20,
                          "y": rng.normal(size=40).round(3)})
    for name, options in (("excel.csv", dict(sep=";", decimal=",")), ("plain.csv", dict(sep=";")),
                          ("table.tsv", dict(sep="\t"))):
        frame.to_csv(tmp_path / name, index=False, **options)
        X, y, n_rows, n_features, _ = _load("csv", str(tmp_path / name), "y")
        assert n_rows == 40 and list(X.columns) == ["price", "city"]
        np.testing.assert_allclose(X["price"], frame["price"])
        np.testing.assert_allclose(y.astype(float), frame["y"])


def test_compressed_files_are_read_as_their_text_and_listed_in_a_folder(tmp_path):
    # the separator was guessed from the compressed bytes (a ';' file as .bz2 was refused), and a folder's
    # .csv.gz files were skipped without a word
    from sknn.cli import _load, _sources, build_parser

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"price": rng.normal(10, 2, 40).round(2), "y": rng.normal(size=40).round(3)})
    for name in ("semi.csv.bz2", "semi.csv.gz", "semi.csv.xz"):
        frame.to_csv(tmp_path / name, index=False, sep=";")
        X, y, n_rows, *_ = _load("csv", str(tmp_path / name), "y")
        assert n_rows == 40 and list(X.columns) == ["price"], name
        np.testing.assert_allclose(y.astype(float), frame["y"])
    args = build_parser().parse_args(["compare", "--csv", str(tmp_path)])
    assert sorted(name for name, *_ in _sources(args)) == ["semi.csv.bz2", "semi.csv.gz", "semi.csv.xz"]


def test_headers_that_only_look_like_another_format_or_a_title_are_read(tmp_path):
    from sknn.cli import _load

    rows = "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30))
    for name, header in (("par.csv", "PAR1,PAR2,y\n"), ("bzh.csv", "BZh,a,y\n"),  # not Parquet, not bzip2
                         ("broken.csv", '"Weight\n(kg)",a,y\n')):  # a header cell with a line break (Excel)
        (tmp_path / name).write_text(header + rows)
        X, y, n_rows, *_ = _load("csv", str(tmp_path / name), "y")
        assert n_rows == 30 and X.shape == (30, 2), name


def test_target_cells_read_as_missing_are_named_and_can_stay_values(tmp_path):
    # a control group named 'None': pandas reads it as missing, and a third of the rows left without a word
    from sknn.cli import _load

    frame = pd.DataFrame({"card": ["None", "Joke", "Ad"] * 20, "tip": [0, 1] * 30})
    frame.to_csv(tmp_path / "t.csv", index=False)
    X, y, *_, note = _load("csv", str(tmp_path / "t.csv"), "card")
    assert "target cells 'None' were read as missing; if they are values, pass --no-default-na" in note
    X, y, *_, note = _load("csv", str(tmp_path / "t.csv"), "card", default_na=False)
    assert sorted(set(y)) == ["Ad", "Joke", "None"] and not note


def test_several_data_sets_mean_ranks(tmp_path, capsys):
    folder = tmp_path / "tables"
    folder.mkdir()
    iris = load_iris(as_frame=True).frame
    wine = load_wine(as_frame=True).frame
    iris.to_csv(folder / "iris.csv", index=False)  # the target is the column named 'target'
    wine.to_csv(folder / "wine.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(folder), "--data", "breast_cancer", "--models", "linear,forest",
                           "--cv", "3", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0, err
    assert "target: the column 'target'" in out
    assert "Across 3 data sets" in out and "mean rank" in out and "Friedman test p =" in out
    assert "critical difference (Nemenyi" in out
    ranks = out.split("Across 3 data sets", 1)[1]
    for name in ("breast_cancer", "iris.csv", "wine.csv", "LogisticRegression", "RandomForest", "Dummy (baseline)"):
        assert name in ranks


def _small_network(X, task, random_state):
    """The network of the default line-up, trained for 30 epochs: the report's figures without the wait."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sknn import DenseClassifier

    return "DenseClassifier (sknn)", make_pipeline(StandardScaler(), DenseClassifier(max_iter=30, random_state=0))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The command run with two data sets and the default line-up's network (trained briefly): report and PNGs."""
    import contextlib
    import io

    from sknn import _compare_lineup

    tmp = tmp_path_factory.mktemp("report")
    iris = load_iris(as_frame=True)
    frame = iris.data.assign(species=np.array(["setosa", "versicolor", "virginica"])[iris.target])
    frame.loc[[0, 70], "species"] = None
    frame.to_csv(tmp / "iris.csv", index=False)
    path, plots = tmp / "report.html", tmp / "plots"
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setattr(_compare_lineup, "_network", _small_network)
        code = main(["compare", "--csv", str(tmp / "iris.csv"), "--target", "species", "--data", "wine", "--models",
                     "linear,network", "--cv", "3", "--repeats", "1", "--n-jobs", "1", "--quiet", "--report",
                     str(path), "--plots", str(plots)])
    assert code == 0, out.getvalue()
    return {"path": path, "plots": plots, "stdout": out.getvalue(), "tmp": tmp}


def test_the_command_writes_a_report_and_plots(tmp_path):
    """End to end in a fresh process, with the real default models (here the cheap ones)."""
    report, plots = tmp_path / "r.html", tmp_path / "plots"
    proc = _cli("compare", "--data", "iris,wine", "--models", "linear,forest", "--cv", "3", "--repeats", "1",
                "--n-jobs", "1", "--quiet", "--report", str(report), "--plots", str(plots))
    assert proc.returncode == 0, proc.stderr
    assert "Across 2 data sets" in proc.stdout and "report: " in proc.stdout
    page = report.read_text()
    assert page.count('<table class="comparison">') == 2 and 'data-kind="critical_difference"' in page
    assert sorted(p.name for p in plots.iterdir()) == [
        "critical_difference.png", "iris_confusion_matrix.png", "iris_scores.png", "iris_time_vs_score.png",
        "wine_confusion_matrix.png", "wine_scores.png", "wine_time_vs_score.png"]


def test_the_report_and_its_figures(report):
    page = report["path"].read_text()
    assert page.count('<table class="comparison">') == 2
    for model in ("LogisticRegression", "DenseClassifier (sknn)", "Dummy (baseline)"):
        assert f'data-model="{model}"' in page
    assert "The best, and the models not distinguishable from it" in page
    assert page.count('class="metric best"') >= 2 * 5  # the best of each metric, highlighted
    assert "2 of 150 have no target value" in page
    kinds = re.findall(r'<figure class="figure" data-kind="([a-z_]+)"', page)
    assert kinds.count("scores") == 2 and kinds.count("time_vs_score") == 2 and kinds.count("history") == 2
    assert kinds.count("confusion_matrix") == 2 and kinds.count("critical_difference") == 1
    assert "validation split" in page  # the network refitted with a validation curve
    from matplotlib.image import imread

    files = sorted(p.name for p in report["plots"].iterdir())
    assert "critical_difference.png" in files and "iris-csv_history.png" in files and len(files) == 9
    for name in files:
        image = imread(report["plots"] / name)
        assert image.shape[0] > 150 and image.shape[1] > 150 and image.std() > 0.05, name  # not blank


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_the_report_renders_in_headless_chromium(report, tmp_path):
    """Opens the page in a real browser: every figure decoded, the tables and groups in the DOM, a screenshot."""
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium); the report's HTML and PNGs are "
                    "checked by test_the_report_and_its_figures without a browser")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]
    url = report["path"].as_uri()
    dom = subprocess.run(flags + [f"--user-data-dir={tmp_path / 'profile1'}", "--virtual-time-budget=10000",
                                  "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    rendered = re.search(r'data-figures-rendered="(\d+)/(\d+)"', html)
    assert rendered, "the page's load script did not run"
    assert rendered.group(1) == rendered.group(2) == "9"
    sizes = [tuple(map(int, s)) for s in re.findall(r'data-rendered="(\d+)x(\d+)"', html)]
    assert len(sizes) == 9 and all(w > 150 and h > 150 for w, h in sizes)
    assert html.count('class="model-row"') == 6 and html.count('class="group-header"') >= 2
    assert 'id="ranks"' in html and "mean rank" in html
    shot = tmp_path / "report.png"
    proc = subprocess.run(flags + [f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1280,5000",
                                   f"--screenshot={shot}", url], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    from matplotlib.image import imread

    image = imread(shot)
    assert image.shape[:2] == (5000, 1280) and image.std() > 0.05
    artefacts = os.environ.get("SKNN_TEST_ARTIFACTS")
    if artefacts:  # CI keeps the screenshot
        os.makedirs(artefacts, exist_ok=True)
        shutil.copy(shot, os.path.join(artefacts, "compare_report.png"))
        shutil.copy(report["path"], os.path.join(artefacts, "compare_report.html"))


def test_a_repeated_header_an_infinite_feature_and_a_seed_past_the_end_stop_before_any_fit(tmp_path, capsys):
    rng = np.random.default_rng(0)
    price = rng.normal(size=20).round(3)
    lines = ["x,price,price"] + [f"{rng.normal():.3f},{p},{2 * p + 1}" for p in price]  # pandas: 'price', 'price.1'
    (tmp_path / "twice.csv").write_text("\n".join(lines) + "\n")
    frame = pd.DataFrame({"a": rng.normal(size=20), "t": np.arange(20) % 2})
    frame.loc[3, "a"] = np.inf
    frame.to_csv(tmp_path / "inf.csv", index=False)
    common = ["--models", "linear", "--cv", "2", "--repeats", "2", "--n-jobs", "1", "--quiet"]
    for argv, said in [(["--csv", str(tmp_path / "twice.csv"), "--target", "price"], "several columns named 'price'"),
                       (["--csv", str(tmp_path / "inf.csv"), "--target", "t"], "Column 'a' of X contains infinity"),
                       (["--data", "iris", "--random-state", str(2**32)],
                        "--random-state must be a whole number from 0 to 4294967295")]:
        code, out, err = _run(["compare", *argv, *common], capsys)
        assert code == 2 and said in err and "Traceback" not in err, err


def test_a_semicolon_file_with_old_mac_line_endings_is_read(tmp_path):
    from sknn.cli import _load

    rows = "".join(f"{i};{i % 3};'a, b';{i % 2}\r" for i in range(30))  # lines end with \r alone, a comma in a cell
    (tmp_path / "mac.csv").write_text("a;b;note;y\r" + rows, newline="")
    X, y, n_rows, *_ = _load("csv", str(tmp_path / "mac.csv"), "y")
    assert n_rows == 30 and list(X.columns) == ["a", "b", "note"]


def test_a_named_row_identifier_and_a_copy_of_the_target_are_said_before_the_verdict(tmp_path, capsys):
    rng = np.random.default_rng(0)
    churned = np.sort(rng.integers(0, 2, 60))  # the file is sorted by the target
    frame = pd.DataFrame({"id": np.arange(60), "noise": rng.normal(size=60), "churned": churned})
    frame.to_csv(tmp_path / "sorted.csv", index=False)
    common = ["--models", "linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"]
    code, out, err = _run(["compare", "--csv", str(tmp_path / "sorted.csv"), "--target", "churned", *common], capsys)
    assert code == 0, err
    assert "X's column 'id' holds a distinct value in every row: if it is a row identifier" in out, out
    frame.assign(label=churned).to_csv(tmp_path / "copy.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "copy.csv"), "--target", "churned", *common], capsys)
    assert code == 2 and "X's column 'label' equals the target y in every row" in err and "Traceback" not in err, err


def _frame_file(path, text):
    path.write_text(text)
    return str(path)


def test_a_column_named_auto_is_the_target_it_names(tmp_path):
    """'auto' was the marker of 'no --target': --target auto predicted the last column, 'price', instead."""
    from sknn.cli import _load, _sources, build_parser

    frame = pd.DataFrame({"auto": [0, 1] * 20, "x": range(40), "price": [1.5 * i for i in range(40)]})
    frame.to_csv(tmp_path / "auto.csv", index=False)
    X, y, *_, note = _load("csv", str(tmp_path / "auto.csv"), "auto")
    assert list(X.columns) == ["x", "price"] and list(y) == [0, 1] * 20 and not note
    args = build_parser().parse_args(["compare", "--csv", str(tmp_path)])  # a folder without --target
    (source,) = _sources(args)
    assert source[3] is None
    X, y, *_, note = _load("csv", source[2], source[3])
    assert list(X.columns) == ["auto", "x"] and "the column 'price' (the last one" in note
    (tmp_path / "auto.csv").write_text(frame.to_csv(index=False).replace("\n", ",\n", 1))  # the header ends with ','
    X, y, *_, note = _load("csv", source[2], source[3])
    assert list(X.columns) == ["auto", "x"] and "the column 'price' (the last one" in note


@pytest.mark.parametrize("sep", [";", "\t"])
def test_thousands_dots_of_a_semicolon_or_tab_file_are_refused_not_read_as_decimals(tmp_path, sep):
    """Excel's '#.##0' in much of Europe writes 2523 g as '2.523' beside '709': read as 2.523 without a word (an R^2
    of -37), or refused as 'numbers written as text' once another column had decimal commas."""
    from sknn.cli import CommandError, _load

    weights = ["709", "2.523", "3.100", "1.021.000", "-1.500"] * 8
    rows = "".join(f"{w}{sep}{i % 7}{sep}{i % 2}\n" for i, w in enumerate(weights))
    for name, header, cells in (("plain.csv", "weight{s}age{s}low", rows),
                                ("decimal_comma.csv", "weight{s}age{s}low{s}kg", rows.replace("\n", f"{sep}8,5\n"))):
        path = _frame_file(tmp_path / name, header.format(s=sep) + "\n" + cells)
        with pytest.raises(CommandError, match="the column 'weight' of .* holds whole numbers written with dots as "
                                               "thousands separators .such as '2.523'.*without thousands separators"):
            _load("csv", path, "low")
        with pytest.raises(CommandError, match="'weight'.*thousands separators.*choose another --target"):
            _load("csv", path, "weight")
    for cells in (["0.125", "1.5", "2.523"], ["0.125", "0.250", "1.000"], ["709", "2.52", "3.100"],
                  ["1709", "2.523"], ["3.9", "12.50"]):  # decimals: a leading 0, other digits, more than 3 before
        text = "weight{s}low\n".format(s=sep) + "".join(f"{cells[i % len(cells)]}{sep}{i % 2}\n" for i in range(40))
        X, *_ = _load("csv", _frame_file(tmp_path / "decimals.csv", text), "low")
        assert X["weight"].dtype.kind == "f", cells
    text = "weight,low\n" + "".join(f"{w},{i % 2}\n" for i, w in enumerate(["709", "2.523"] * 20))
    X, *_ = _load("csv", _frame_file(tmp_path / "comma.csv", text), "low")  # a comma file: dots are decimal points
    assert X["weight"].iloc[1] == 2.523


def test_a_comma_in_a_name_of_a_semicolon_files_header_does_not_make_it_comma_separated(tmp_path):
    """The separator came from the header alone: any comma there made the file ','-separated, and the refusal blamed
    the header."""
    from sknn.cli import _load

    rows = "".join(f"{i}.5;{i % 3};{i % 2}\n" for i in range(30))
    for header in ("Gewicht (kg, netto);age;y\n", '"Gewicht (kg, netto)";age;y\n'):
        X, y, n_rows, *_ = _load("csv", _frame_file(tmp_path / "semi.csv", header + rows), "y")
        assert n_rows == 30 and list(X.columns) == ["Gewicht (kg, netto)", "age"]
        assert X.iloc[3, 0] == 3.5
    rows = "".join(f"{i},5;{i % 2}\n" for i in range(30))  # two columns, one with a decimal comma in every row
    X, y, n_rows, *_ = _load("csv", _frame_file(tmp_path / "two.csv", "price;y\n" + rows), "y")
    assert list(X.columns) == ["price"] and X["price"].iloc[3] == 3.5


def test_a_row_with_fewer_fields_than_the_header_is_refused_naming_its_line(tmp_path):
    """Missing fields were read as empty cells and imputed without a word (a file cut off while being written)."""
    from sknn.cli import CommandError, _load

    rows = [f"{i},{i % 3},{i % 2}\n" for i in range(30)]
    cut = "a,b,y\n" + "".join(rows) + "30,1"  # cut off mid-write
    with pytest.raises(CommandError, match=r"line 32 of .* has 2 field\(s\) but the header names 3 columns .*cut off"):
        _load("csv", _frame_file(tmp_path / "cut.csv", cut), "y")
    lost = 'a,b,y\n"x\ny",1,0\n' + "".join(rows[:5]) + "7\n" + "".join(rows[5:])  # a cell with a line break
    with pytest.raises(CommandError, match=r"line 9 of .* has 1 field\(s\)"):
        _load("csv", _frame_file(tmp_path / "lost.csv", lost), "y")
    for fine in ("a,b,y\n" + "".join(r.replace(",0\n", ",\n") for r in rows),  # empty last fields written as nothing
                 "a,b,y,\n" + "".join(rows),  # a delimiter at the end of the header alone
                 "a,b,y\n" + "".join(r.replace("\n", ",\n") for r in rows),  # ... of every row alone
                 "a,b,y\n" + "\n".join(rows)):  # blank lines
        X, y, n_rows, *_ = _load("csv", _frame_file(tmp_path / "fine.csv", fine), "y")
        assert n_rows == 30 and list(X.columns) == ["a", "b"]


@pytest.mark.parametrize("form", ["%d-%b-%Y", "%B %d, %Y", "%d %B %Y", "%b %Y", "%a, %d %b %Y %H:%M"])
def test_dates_with_month_names_are_refused_as_other_dates_are(tmp_path, form):
    """'05-Jan-2020', 'January 05, 2020', '05 January 2020' passed as categories, one per day, without a note."""
    from sknn.cli import CommandError, _load

    days = pd.date_range("2020-01-05", periods=40, freq="10D").strftime(form)
    pd.DataFrame({"when": days, "x": range(40), "y": [0, 1] * 20}).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(CommandError, match=f"the column 'when' of .* holds dates or times written as text .such as "
                                           f"{re.escape(repr(days[0]))}"):
        _load("csv", str(tmp_path / "t.csv"), "y")
    months = ["January", "February", "March"] * 13 + ["May"]  # month names alone: categories
    pd.DataFrame({"when": months, "x": range(40), "y": [0, 1] * 20}).to_csv(tmp_path / "t.csv", index=False)
    X, *_ = _load("csv", str(tmp_path / "t.csv"), "y")
    assert X["when"].nunique() == 4


def test_numbers_written_with_leading_zeros_are_said_with_how_to_read_them_as_codes(tmp_path):
    """Zip codes '02139' were read by pandas as the number 2139, and used as a quantity without a word (read as
    numbers still: a leading zero is also a padded month '01' or time '0930')."""
    from sknn.cli import _load

    zips = ["02139", "02138", "10001", "60614", "94110", "01002"] * 5
    frame = pd.DataFrame({"zip": zips, "fips": ["007", "12", "5"] * 10, "count": range(30), "y": [0, 1] * 15})
    frame.loc[3, "zip"], frame.loc[4, "zip"] = None, "NA"  # (a missing cell, empty or a marker)
    frame.to_csv(tmp_path / "t.csv", index=False)
    X, y, n_rows, n_features, note = _load("csv", str(tmp_path / "t.csv"), "y")
    assert X["zip"].iloc[0] == 2139 and X["zip"].isna().sum() == 2  # (as pandas reads them)
    assert ("2 column(s) hold whole numbers written with leading zeros, read as numbers: 'zip' (such as '02139'), "
            "'fips' (such as '007'); if they are codes (zip codes, identifiers), have them read as categories by "
            "writing a letter before each in the file (z02139), or from Python: pd.read_csv(..., dtype={'zip': str})"
            ) in note
    frame.assign(zip=frame["zip"].str.lstrip("0"), fips=12).to_csv(tmp_path / "t.csv", index=False)
    assert _load("csv", str(tmp_path / "t.csv"), "y")[4] is None  # no leading zero: no note


def test_a_file_without_a_header_row_is_said_to_start_with_data(tmp_path):
    """It was refused as 'has several columns named '0'', or answered with a list of numbers as its columns."""
    from sknn.cli import CommandError, _load

    path = _frame_file(tmp_path / "t.csv", "".join(f"0,{i},{i % 3},2,{i % 2}\n" for i in range(30)))
    for target in ("low", "0"):
        with pytest.raises(CommandError, match="line 1 of .* looks like data, not a header .its names are numbers: 0, "
                                               "0, 0, 2, 0.: add a header row"):
            _load("csv", path, target)
    path = _frame_file(tmp_path / "t.csv", "".join(f"a,{i},{i % 3},2\n" for i in range(30)))
    with pytest.raises(CommandError, match="looks like data"):  # a text column: the repeated name is a number
        _load("csv", path, "y")
    path = _frame_file(tmp_path / "t.csv", "0,1,2\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30)))
    X, y, *_ = _load("csv", path, "2")  # numbers as names, each its own: a header (pandas' to_csv of an array)
    assert list(X.columns) == ["0", "1"]


def test_a_folder_reads_tsv_files_and_names_the_files_it_skips(tmp_path, capsys):
    """A folder's .tsv and .txt files were skipped without a word (one file alone is read whatever its name)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=30).round(3), "target": [0, 1] * 15})
    frame.to_csv(tmp_path / "one.csv", index=False)
    frame.to_csv(tmp_path / "two.tsv", index=False, sep="\t")
    (tmp_path / "notes.txt").write_text("where the data came from\n")
    (tmp_path / ".hidden").write_text("x")
    code, out, err = _run(["compare", "--csv", str(tmp_path), "--models", "linear", "--cv", "2", "--repeats", "1",
                           "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0, err
    assert "one.csv: 30 rows" in out and "two.tsv: 30 rows" in out
    assert f"not read (not .csv, .tsv or .tab files; to read one, give it with --csv PATH): {tmp_path / 'notes.txt'}" \
        in out
    assert ".hidden" not in out
    for name in ("one.csv", "two.tsv"):
        os.remove(tmp_path / name)
    code, out, err = _run(["compare", "--csv", str(tmp_path)], capsys)
    assert code == 2 and "no .csv, .tsv or .tab file in the folder" in err and "(it holds notes.txt)" in err, err


@pytest.mark.parametrize("sep", [";", "\t"])
def test_numbers_all_written_with_three_decimals_are_decimals_not_thousands_dots(tmp_path, sep):
    """Prices written with '%.3f' (12.345, 7.500) were refused as thousands dots: with no whole number beside them
    ('709' beside '2.523'), nothing shows the dots to be thousands separators. Two dots in a cell still do."""
    from sknn.cli import CommandError, _load

    prices = np.random.default_rng(0).uniform(1, 999, 40)
    frame = pd.DataFrame({"price": prices, "y": [0, 1] * 20})
    frame.to_csv(tmp_path / "prices.csv", sep=sep, index=False, float_format="%.3f")
    X, *_ = _load("csv", str(tmp_path / "prices.csv"), "y")
    np.testing.assert_allclose(X["price"], prices.round(3))
    text = "weight{s}low\n".format(s=sep) + "".join(f"{w}{sep}{i % 2}\n" for i, w in
                                                    enumerate(["1.021.000", "2.523", "12.345"] * 14))
    with pytest.raises(CommandError, match="the column 'weight' .* thousands separators .such as '1.021.000'"):
        _load("csv", _frame_file(tmp_path / "dotted.csv", text), "low")


def test_text_named_like_another_format_is_read_and_that_format_refused(tmp_path):
    """A tab-separated file named .xls (web sites' 'Export to Excel') was refused by its name, advising
    pd.read_excel, which cannot read it; files of the named format (by their content) are still refused."""
    from sknn.cli import CommandError, _load

    pd.DataFrame({"a": range(30), "y": [0, 1] * 15}).to_csv(tmp_path / "export.xls", sep="\t", index=False)
    X, y, n_rows, *_ = _load("csv", str(tmp_path / "export.xls"), "y")
    assert n_rows == 30 and list(X.columns) == ["a"]
    (tmp_path / "data.json").write_text("a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(30)))  # CSV, misnamed
    assert _load("csv", str(tmp_path / "data.json"), "y")[2] == 30
    for name, content, what in (("table.h5", b"\x89HDF\r\n\x1a\n" + bytes(200), "an HDF5 file"),
                                ("table.xls", b"\x01\x02" * 300 + b"a,y\n1,0\n", "an Excel 97-2003 workbook"),
                                ("page.html", b"  <!DOCTYPE html><table><tr><td>a</td></tr></table>\n", "a web page"),
                                ("lines.jsonl", b'{"a": 1, "y": 0}\n{"a": 2, "y": 1}\n', "a JSON lines file")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(CommandError, match=f"its extension .* is that of {what}, not of CSV text"):
            _load("csv", str(tmp_path / name), "y")


def test_rows_that_leave_out_trailing_fields_of_empty_columns_are_read(tmp_path):
    """Excel drops the trailing delimiters of rows after row 16: rows 'i,y' beside 'i,y,' under 'a,y,note' were
    refused as cut, though the column they lack is empty in every row. A row lacking a column that holds values
    elsewhere is still refused, naming the column."""
    from sknn.cli import CommandError, _load

    rows = "".join(f"{i},{i % 2},\n" if i < 16 else f"{i},{i % 2}\n" for i in range(40))
    X, y, n_rows, *_, note = _load("csv", _frame_file(tmp_path / "short.csv", "a,y,note\n" + rows), "y")
    assert n_rows == 40 and list(X.columns) == ["a"] and "left out 1 empty column(s): note" in note
    rows = "".join(f"{i},{i % 2},x{i}\n" if i < 16 else f"{i},{i % 2}\n" for i in range(40))
    with pytest.raises(CommandError, match=r"line 18 of .* has 2 field\(s\) but the header names 3 columns .*cut off"
                                           r".*and the column 'note' it lacks holds values in other rows: .*trailing "
                                           r"fields only of columns empty in every row"):
        _load("csv", _frame_file(tmp_path / "cut.csv", "a,y,note\n" + rows), "y")
    rows = "".join(f"{i},{i % 2},,\n" if i < 16 else f"{i},{i % 2},x\n" if i == 30 else f"{i},{i % 2}\n"
                   for i in range(40))  # 'note' empty, 'more' holds a value in line 32 only
    with pytest.raises(CommandError, match=r"line 18 of .* has 2 field\(s\) .* the column 'more' it lacks"):
        _load("csv", _frame_file(tmp_path / "cut.csv", "a,y,more,note\n" + rows), "y")


def test_codes_shaped_like_a_month_and_a_number_are_no_dates(tmp_path):
    """Ticket codes 'SEP-1000' ... 'SEP-1039' were refused as dates: a month's name and a year need a year a data
    set's dates are in (1800 to 2100)."""
    from sknn.cli import CommandError, _load

    for codes in ([f"SEP-{1000 + i}" for i in range(40)], [f"Jan {2101 + i}" for i in range(40)]):
        pd.DataFrame({"ticket": codes, "x": range(40), "y": [0, 1] * 20}).to_csv(tmp_path / "t.csv", index=False)
        X, *_ = _load("csv", str(tmp_path / "t.csv"), "y")
        assert X["ticket"].nunique() == 40
    months = [f"SEP-{1990 + i}" for i in range(40)]  # Mon-YYYY in plausible years: still dates
    pd.DataFrame({"when": months, "x": range(40), "y": [0, 1] * 20}).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(CommandError, match="the column 'when' .* holds dates or times written as text") as caught:
        _load("csv", str(tmp_path / "t.csv"), "y")
    assert "not written as the others" not in str(caught.value)  # (every cell a date: none named)
    months[3], months[9] = "SEP 199O", "?"  # a typo, and a mark of a missing cell (not named)
    pd.DataFrame({"when": months, "x": range(40), "y": [0, 1] * 20}).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(CommandError, match=r"holds dates or times written as text \(such as 'SEP-1990'\); the cell "
                                           r"'SEP 199O' is not written as the others \(a typo\?\), which would be "):
        _load("csv", str(tmp_path / "t.csv"), "y")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_commas_of_a_semicolon_or_tab_file_are_told_by_their_shape(tmp_path, sep):
    """A decimal-comma column of fewer than 10 values was read as categories (a decimal-comma target as classes),
    '0,189' was refused as a thousands comma, and the re-read with decimal=',' made '0.5' of another column text."""
    from sknn.cli import CommandError, _load

    def comma(v, decimals):
        return f"{v:.{decimals}f}".replace(".", ",")

    rng = np.random.default_rng(0)
    rating = rng.integers(0, 9, 40) / 2 + 0.5  # 0.5 .. 4.5: 9 values
    small = rng.uniform(-1, 1, 40).round(3)  # '0,189': three decimals
    share = rng.integers(0, 4, 40) / 2  # '0.5', '1.0': written with a point, read as numbers
    cents = rng.integers(100_000, 900_000, 40)  # '1.234,56': a thousands dot
    lines = [sep.join(["rating", "small", "share", "big", "y"])] + [
        sep.join([comma(r, 1), comma(v, 3), f"{p:.1f}", f"{c // 100_000}.{c // 100 % 1000:03d},{c % 100:02d}",
                  comma(r, 1)]) for r, v, p, c in zip(rating, small, share, cents)]
    X, y, *_ = _load("csv", _frame_file(tmp_path / "t.csv", "\n".join(lines) + "\n"), "y")
    assert {c: X[c].dtype.kind for c in X.columns} == {"rating": "f", "small": "f", "share": "f", "big": "f"}
    np.testing.assert_allclose(X["rating"], rating)
    np.testing.assert_allclose(X["small"], small)
    np.testing.assert_allclose(X["share"], share)
    np.testing.assert_allclose(X["big"], cents / 100)
    assert y.dtype.kind == "f"  # a quantity (regression), not 9 classes
    np.testing.assert_allclose(y, rating)
    lines[3] = lines[3].replace(comma(small[2], 3), "?")  # a marker among them: named, then read as missing
    path = _frame_file(tmp_path / "t.csv", "\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="the column 'small' of .* holds numbers but for 1 cell '.'"):
        _load("csv", path, "y")
    X, *_ = _load("csv", path, "y", na_values=["?"])
    assert X["small"].dtype.kind == "f" and X["small"].isna().sum() == 1


@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_commas_with_an_exponent_and_true_false_with_empty_cells_are_read(tmp_path, sep):
    """'5,382E-06' (a spreadsheet's small number) did not read as a decimal comma: a column of more than 3 of them
    stayed text, one category per value, silently; True/False with empty cells crashed the decimal-comma reading
    (pandas reads them as objects: '.str accessor with string values')."""
    from sknn.cli import _load

    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, 40) * 10.0 ** rng.integers(-6, 6, 40)
    flags = ["TRUE", "FALSE", ""] * 13 + ["TRUE"]
    lines = [sep.join(["a", "flag", "y"])] + [sep.join([f"{v:.3E}".replace(".", ","), f, str(i % 2)])
                                               for i, (v, f) in enumerate(zip(a, flags))]
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", "\n".join(lines) + "\n"), "y")
    assert X["a"].dtype.kind == "f"
    np.testing.assert_allclose(X["a"], a, rtol=1e-3)
    assert X["flag"].isna().sum() == 13 and set(X["flag"].dropna()) == {True, False}


@pytest.mark.parametrize("sep", [";", "\t"])
def test_two_decimal_marks_that_cannot_be_told_apart_are_refused_naming_the_columns(tmp_path, sep):
    from sknn.cli import CommandError, _load

    rows = "".join(f"{i},5{sep}{i % 7}.{i % 10}{sep}{i % 2}\n" for i in range(40))  # '12,5' and '-1.5': each clear
    X, *_ = _load("csv", _frame_file(tmp_path / "clear.csv", f"a{sep}b{sep}y\n" + rows), "y")
    assert X["a"].iloc[3] == 3.5 and X["b"].iloc[3] == 3.3
    rows = "".join(f"{i},5{sep}{1 + i % 9}.{100 + 17 * i}{sep}{i % 2}\n" for i in range(40))  # '2.117': thousands?
    with pytest.raises(CommandError, match=f"{re.escape(str(tmp_path / 'mixed.csv'))} mixes two decimal marks: the "
                                           "column 'a' has decimal commas .such as '0,5'., the column 'b' dots .such "
                                           "as '1.100'."):
        _load("csv", _frame_file(tmp_path / "mixed.csv", f"a{sep}b{sep}y\n" + rows), "y")
    rows = "".join(f"{i},5{sep}{i % 2}\n" if i % 3 else f"{i}.5{sep}{i % 2}\n" for i in range(40))
    with pytest.raises(CommandError, match="the column 'a' of .* mixes decimal commas .such as '1,5'. and decimal "
                                           "points .such as '0.5'."):
        _load("csv", _frame_file(tmp_path / "one.csv", f"a{sep}y\n" + rows), "y")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_thousands_commas_beside_decimal_points_are_refused_naming_the_columns(tmp_path, sep):
    """In a ';' or tab file whose column x has decimal points ('0.35'), the column z's '4,277' (a thousands comma)
    was read as the decimal 4.277 beside '709' read as 709: silently out of order."""
    from sknn.cli import CommandError, _load

    rows = "".join(f"0.{10 + i}{sep}{(i + 1) * 1037:,}{sep}{i % 2}\n" if i % 2 else f"0.{10 + i}{sep}{700 + i}{sep}"
                   f"{i % 2}\n" for i in range(40))
    with pytest.raises(CommandError, match="mixes two decimal marks: the column 'x' has decimal points .such as "
                                           "'0.10'., the column 'z' commas .such as '2,074'., which may be thousands"):
        _load("csv", _frame_file(tmp_path / "t.csv", f"x{sep}z{sep}y\n" + rows), "y")
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", f"x{sep}z{sep}y\n" + rows.replace(",", ",5")), "y")
    assert X["z"].iloc[1] == 2.5074  # ('2,5074': no thousands group, so a decimal comma beside the points)
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", f"z{sep}y\n" + "".join(
        line.split(sep, 1)[1] for line in rows.splitlines(keepends=True))), "y")
    assert X["z"].iloc[1] == 2.074  # (no decimal point in the file: ',' may be its decimal mark)


def test_cells_of_spaces_alone_are_missing_and_markers_are_quoted_for_the_shell(tmp_path, capsys):
    """A cell ' ' or a tab got 'pass --na-values ' (an empty value the option drops); 'not available' was suggested
    unquoted, as two words for the shell."""
    from sknn.cli import _load

    rng = np.random.default_rng(0)
    b = rng.normal(size=40).round(3)
    lines = ["a,b,c,y"] + [f"{i},{' ' if i == 3 else chr(9) if i == 5 else b[i]},{'x ' if i == 7 else 'p q'[i % 2]},"
                           f"{i % 2}" for i in range(40)]
    X, y, *_, note = _load("csv", _frame_file(tmp_path / "t.csv", "\n".join(lines) + "\n"), "y")
    assert X["b"].dtype.kind == "f" and X["b"].isna().sum() == 2 and not note
    np.testing.assert_allclose(X["b"].drop([3, 5]), np.delete(b, [3, 5]))
    common = ["--models", "linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"]
    for marker, option in (("not available", "--na-values 'not available'"), ("#N/A!", "--na-values '#N/A!'"),
                           ("-,?", None), (" ?", "--na-values '?'")):
        cells = [marker if i in (3, 9) else str(v) for i, v in enumerate(b)]
        if marker == "-,?":
            cells[3], cells[9] = "-", "?"
            option = "--na-values='-,?'"  # (argparse would take '-,?' for an option)
        pd.DataFrame({"b": cells, "y": np.arange(40) % 2}).to_csv(tmp_path / "m.csv", index=False)
        code, out, err = _run(["compare", "--csv", str(tmp_path / "m.csv"), "--target", "y", *common], capsys)
        assert code == 2 and f"pass {option};" in err, err
        argv = ["compare", "--csv", str(tmp_path / "m.csv"), "--target", "y", *common]
        code, out, err = _run(argv[:3] + shlex.split(option) + argv[3:], capsys)  # the option as the shell reads it
        assert code == 0, err


def test_a_title_with_commas_and_a_name_with_a_line_break_are_said_in_one_line(tmp_path, capsys):
    from sknn.cli import CommandError, _load

    rows = "".join(f"{i}.5,{i % 2}\n" for i in range(30))
    for title, header, fields in (("My data export, 2020", "a,b,y", "2 fields ('My data export, 2020')"),
                                  ("Title", "a,y", "one field ('Title')")):  # (one field above two: not refused before)
        width = header.count(",") + 1
        with pytest.raises(CommandError, match=f"line 1 of .* has {re.escape(fields)} but the next record has "
                                               f"{width}: a title above the header"):
            _load("csv", _frame_file(tmp_path / "t.csv", f"{title}\n{header}\n" + rows.replace(",", ",7," if
                                                                                               width == 3 else ",")),
                  "y")
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", "a,y\n" + rows.replace("\n", ",\n")), "y")  # no title:
    assert list(X.columns) == ["a"]  # a delimiter at the end of every row
    _frame_file(tmp_path / "t.csv", '"Weight\n(kg)",y\n' + rows)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "t.csv"), "--target", "z"], capsys)
    assert code == 2 and "its columns are: 'Weight\\n(kg)', y" in err and len(err.strip().splitlines()) == 1, err


def test_a_folder_names_its_subfolders_and_tab_files_among_what_it_reads(tmp_path, capsys):
    """A folder's subfolders were skipped without a word, and the note said 'not .csv or .tsv files' though .tab
    files are read."""
    pd.DataFrame({"a": np.arange(30.0), "target": [0, 1] * 15}).to_csv(tmp_path / "one.tab", index=False, sep="\t")
    (tmp_path / "more").mkdir()
    code, out, err = _run(["compare", "--csv", str(tmp_path), "--models", "linear", "--cv", "2", "--repeats", "1",
                           "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0 and "one.tab: 30 rows" in out, err
    assert f"not read (not .csv, .tsv or .tab files; to read one, give it with --csv PATH): {tmp_path / 'more'}/" in out
    os.remove(tmp_path / "one.tab")
    code, out, err = _run(["compare", "--csv", str(tmp_path)], capsys)
    assert code == 2 and "(it holds more/); give a file of another name (or a subfolder)" in err, err


def test_a_leading_zero_before_a_dot_is_a_decimal_point_not_a_thousands_dot(tmp_path):
    """'0.125' in a ';' file's column of decimal commas was read as 125 (a thousands dot after '0'): no thousands
    group begins with 0, so the column mixes two decimal marks and is refused."""
    from sknn.cli import CommandError, _load

    rows = "".join(f"{'0.125' if i == 4 else f'{i},5'};{i % 2}\n" for i in range(30))
    with pytest.raises(CommandError, match=r"the column 'w' of .* mixes decimal commas \(such as '0,5'\) and decimal "
                                           r"points \(such as '0.125'\)"):
        _load("csv", _frame_file(tmp_path / "t.csv", "w;y\n" + rows), "y")
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", "w;y\n" + rows.replace("0.125", "1.125,5")), "y")
    assert X["w"].dtype.kind == "f" and X["w"][4] == 1125.5  # (a thousands dot after 1)


@pytest.mark.parametrize("sep", [";", "\t"])
def test_pairs_of_digits_with_few_values_stay_text_unless_the_file_has_decimal_commas(tmp_path, sep):
    """Multiple-choice answers '1,2', '2,3' in a ';' or tab file were read as the numbers 1.2 and 2.3, however few
    values: with fewer than 10 distinct values they stay text, unless another column has decimal commas of other
    shapes ('12,50'), which shows ',' to be the file's decimal mark."""
    from sknn.cli import _load

    answers = ["1,2", "2,3", "1,3", "2", "1"]
    lines = [f"items{sep}x{sep}y"] + [f"{answers[i % 5]}{sep}{i}.5{sep}{i % 2}" for i in range(40)]
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", "\n".join(lines) + "\n"), "y")
    assert X["items"].tolist()[:3] == ["1,2", "2,3", "1,3"] and X["x"].dtype.kind == "f"
    lines = [f"items{sep}x{sep}y"] + [f"{answers[i % 5]}{sep}{i},25{sep}{i % 2}" for i in range(40)]
    X, *_ = _load("csv", _frame_file(tmp_path / "t.csv", "\n".join(lines) + "\n"), "y")
    assert X["items"].dtype.kind == "f" and X["items"].tolist()[:3] == [1.2, 2.3, 1.3] and X["x"][1] == 1.25


def test_na_values_suggestions_can_be_typed_as_they_are_written(tmp_path, capsys):
    """'--' got '--na-values=--', which argparse reads as no value; '*' and '[' were not quoted for the shell; a
    cell holding a comma got an option that splits it in two: the Python call is named instead."""
    rng = np.random.default_rng(0)
    b = rng.normal(size=40).round(3)
    common = ["--target", "y", "--models", "linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"]
    for marker, option in (("--", "--na-values=--,"), ("*", "--na-values '*'"), ("[x", "--na-values '[x'")):
        cells = [marker if i in (3, 9) else str(v) for i, v in enumerate(b)]
        pd.DataFrame({"b": cells, "y": np.arange(40) % 2}).to_csv(tmp_path / "m.csv", index=False)
        code, out, err = _run(["compare", "--csv", str(tmp_path / "m.csv"), *common], capsys)
        assert code == 2 and f"pass {option};" in err, err
        code, out, err = _run(["compare", "--csv", str(tmp_path / "m.csv"), *shlex.split(option), *common], capsys)
        assert code == 0, err
    cells = ["n,a" if i in (3, 9) else str(v) for i, v in enumerate(b)]
    pd.DataFrame({"b": cells, "y": np.arange(40) % 2}).to_csv(tmp_path / "m.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "m.csv"), *common], capsys)
    assert code == 2 and "pd.read_csv(..., na_values=['n,a']) (--na-values splits its value at commas" in err, err


def test_the_commands_notes_and_errors_say_options_and_file_edits_not_python(tmp_path, capsys):
    """A command-line user read task='regression', 'drop it (X.drop(columns='id'))', 'keep = ~X.assign(...);
    then X[keep], y[keep]' and 'y.str.strip()': code for the Python API, which a shell cannot run."""
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"id": np.arange(60), "x": rng.normal(size=60), "y": np.arange(60) % 2})
    rows.to_csv(tmp_path / "t.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "t.csv"), "--target", "y", "--models", "linear",
                           "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0 and "drop it (leave the column out of the file)" in out and "X.drop(" not in out, out + err
    code, out, err = _run(["compare", "--csv", str(tmp_path / "t.csv"), "--target", "y", "--models", "linear",
                           "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet", "--report",
                           str(tmp_path / "r.html")], capsys)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code == 0 and "leave the column out of the file" in page and "X.drop(" not in page
    copies = pd.concat([rows.drop(columns="id")] * 2)  # every row twice, exactly
    copies.to_csv(tmp_path / "c.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "c.csv"), "--target", "y", "--models", "linear",
                           "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0 and "keep the first copy (remove the others from the file)" in out, out + err
    assert "X[keep]" not in out and "(--groups COLUMN, a column naming each record)" in out
    pd.DataFrame({"x": np.arange(30), "y": ["a", "b", "c"] * 10}).to_csv(tmp_path / "s.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "s.csv"), "--target", "y", "--task", "regression",
                           "--models", "linear", "--cv", "2", "--quiet"], capsys)
    assert code == 2 and "use --task classification" in err and "task='" not in err, err


def test_an_empty_csv_path_and_a_closed_output_pipe_are_said_plainly(tmp_path):
    """--csv '' said 'no such file: ' (nothing after it); `sknn compare ... | head -1` said 'error: [Errno 32]
    Broken pipe' and exited 2, as if the input were wrong."""
    empty = _cli("compare", "--csv", "", "--target", "y")
    assert empty.returncode == 2 and "--csv is empty: give the path of a CSV file" in empty.stderr, empty.stderr
    pd.DataFrame({"x": np.arange(40), "y": [0, 1] * 20}).to_csv(tmp_path / "t.csv", index=False)
    command = (f"{shlex.quote(sys.executable)} -m sknn compare --csv {shlex.quote(str(tmp_path / 't.csv'))} --target y "
               "--models linear --cv 2 --repeats 1 --n-jobs 1 --quiet | true; echo ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=600)
    assert done.stdout.strip() in ("0", "1") and "Broken pipe" not in done.stderr, done.stdout + done.stderr


def test_an_ascii_terminal_and_a_file_name_that_is_not_utf8_get_their_results_and_report(tmp_path):
    """On an ASCII stream the result table's '±' failed the command after all its fits (no results, no report); a
    CSV whose name's bytes are not UTF-8 wrote a report of 0 bytes, its name being no UTF-8 text."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    csv = tmp_path / "d\udcff.csv"  # (the byte 0xff in the file's name)
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": (X[:, 0] > 0).astype(int)}).to_csv(csv, index=False)
    report = tmp_path / "r.html"
    proc = subprocess.run([sys.executable, "-m", "sknn", "compare", "--csv", str(csv), "--target", "y", "--models",
                           "dummy,linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet", "--report",
                           str(report)], capture_output=True, cwd=ROOT, timeout=600,
                          env={**ENV, "PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    assert b"+/- " in proc.stdout and b"report: " in proc.stdout
    assert report.stat().st_size > 10_000 and "d\\udcff" in report.read_text(encoding="utf-8")


def test_a_target_typed_in_another_unicode_form_than_the_header_is_that_column(tmp_path, capsys):
    """A macOS header in NFD ('cafe' + U+0301) was no column for the 'caf\\xe9' a keyboard types (NFC), and the
    'did you mean' list showed a name that printed as the one typed."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 2))
    pd.DataFrame({"x": X[:, 0], "z": X[:, 1], "cafe\u0301": (X[:, 0] > 0).astype(int)}).to_csv(tmp_path / "h.csv",
                                                                                               index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "h.csv"), "--target", "caf\u00e9", "--models",
                           "dummy,linear", "--cv", "2", "--repeats", "1", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0, err
    assert "h.csv: 40 rows, 2 features" in out and "LogisticRegression" in out


def test_a_label_the_font_lacks_draws_without_matplotlib_s_warning_on_the_command_s_output():
    """Each glyph missing from the font (an emoji class) printed matplotlib's UserWarning, naming sknn's line."""
    import matplotlib.pyplot as plt

    from sknn import report

    fig, ax = plt.subplots()
    ax.set_title("\U0001F44D thumbs up")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert report._png(fig)[:4] == b"\x89PNG"
    plt.close(fig)


def _grouped_csv(path, n_groups=12, per_group=5, missing=0):
    rng = np.random.RandomState(0)
    group = np.repeat(np.arange(n_groups), per_group)
    x = rng.normal(size=len(group)) + group * 0.1
    frame = pd.DataFrame({"patient": group.astype(float), "x": x, "y": (x > 0.5).astype(int)})
    frame.loc[:missing - 1, "patient"] = np.nan
    frame.to_csv(path, index=False)
    return path


def test_groups_keep_each_group_in_one_fold_and_out_of_the_features(tmp_path, capsys):
    """Rows of one patient on both sides of a fold score the models on rows they nearly saw: --groups makes each
    fold test whole groups (the API's cv takes the same splitter)."""
    from sknn._compare_splits import GroupedFolds

    csv = _grouped_csv(tmp_path / "visits.csv")
    argv = ["compare", "--csv", str(csv), "--target", "y", "--models", "dummy,linear", "--n-jobs", "1", "--quiet",
            "--repeats", "2"]
    code, out, err = _run([*argv, "--groups", "patient", "--cv", "3"], capsys)
    assert code == 0, err
    assert "visits.csv: 60 rows, 1 feature\n" in out
    assert "groups: the column 'patient', 12 groups of rows; each fold tests whole groups" in out
    assert "(6 splits, the same for every model)" in out
    groups = np.repeat(np.arange(12), 5)
    folds = list(GroupedFolds(3, groups, n_repeats=2, stratify=True, random_state=0).split(np.zeros((60, 1)),
                                                                                         groups % 2))
    assert len(folds) == 6 and all(not set(groups[tr]) & set(groups[te]) for tr, te in folds)
    assert {tuple(te) for _, te in folds[:3]} != {tuple(te) for _, te in folds[3:]}  # each repeat shuffles anew
    for extra, message in [(["--groups", "Patient "], "no such feature column in .*; did you mean 'patient'"),
                           (["--groups", "y"], "no such feature column in .*: it is the target"),
                           (["--groups", "age"], r"no such feature column in .*; its feature columns are: patient, x"),
                           (["--groups", "patient", "--cv", "20"], r"12 group\(s\), fewer than the 20 folds .*--cv 12"),
                           (["--groups", "patient", "--data", "iris"], "the built-in data set iris has none")]:
        capsys.readouterr()
        code, _, err = _run([*argv, *extra], capsys)
        assert code == 2 and re.search(message, err), err
    code, _, err = _run(["compare", "--csv", str(_grouped_csv(tmp_path / "holes.csv", missing=3)), "--target", "y",
                         "--groups", "patient", "--models", "dummy", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 2 and "--groups 'patient': 3 row(s) of" in err and "have no group" in err
    # review: rows without a target said, the header's Unicode form matched, the only feature refused, and the
    # default repeats as many as the groups give new folds for (6 groups in 5 folds: one)
    frame = pd.read_csv(csv).rename(columns={"patient": "patie\u0301nt"})
    frame.loc[:1, "y"] = np.nan
    frame.assign(**{"patie\u0301nt": frame["patie\u0301nt"] % 6}).to_csv(tmp_path / "nfd.csv", index=False)
    code, out, err = _run(["compare", "--csv", str(tmp_path / "nfd.csv"), "--target", "y", "--groups", "pati\u00e9nt",
                           "--models", "dummy,linear", "--n-jobs", "1", "--quiet"], capsys)
    assert code == 0, err
    assert "6 groups of rows; each fold tests whole groups (the column is no feature), 1 repeat(s) of the 3: the " \
           "groups give no more new folds; 2 row(s) without a target left out" in out
    frame[["patie\u0301nt", "y"]].to_csv(tmp_path / "only.csv", index=False)
    code, _, err = _run(["compare", "--csv", str(tmp_path / "only.csv"), "--target", "y", "--groups", "patie\u0301nt",
                         "--n-jobs", "1", "--quiet"], capsys)
    assert code == 2 and "is the only feature column of" in err


def test_main_called_from_python_leaves_the_caller_s_streams_as_they_were(capsys):
    """The ASCII-terminal fix switched the caller's sys.stdout and sys.stderr to backslashreplace for good."""
    before = sys.stdout.errors, sys.stderr.errors
    code, out, _ = _run(["compare", "--data", "iris", "--models", "dummy", "--cv", "2", "--repeats", "1", "--n-jobs",
                         "1", "--quiet"], capsys)
    assert code == 0 and "iris" in out
    assert (sys.stdout.errors, sys.stderr.errors) == before


def test_the_line_of_a_byte_that_is_not_utf8_counts_every_kind_of_line_end(tmp_path):
    """Review: a CR inside a CRLF line counted its line end as one more line."""
    from sknn._input_files import first_line_not_utf8

    for content, line in [(b"h1,h2\r\na\rb,1\r\nc,2\r\n\xff,3\r\n", 5), (b"a,b\r1,2\r\xff,3\r", 3),
                          (b"a,b\n1,2\n\xff,3\n", 3), (b"\xef\xbb\xbfa,b\r\n\xff,1\r\n", 2), (b"a,b\n1,2\n", None)]:
        (tmp_path / "f.csv").write_bytes(content)
        assert first_line_not_utf8(tmp_path / "f.csv") == line, content
