"""Inputs of unusual shape: the time and peak memory of the paths a probe found to blow up (stop 51).

    python benchmarks/bench_inputs.py                   # every case, each in a fresh process (about 3 minutes)
    python benchmarks/bench_inputs.py --only lm_score   # one case: lm_score, wide_predict, text_predict, sparse_fit,
                                                        # sparse_epoch

Each case runs in a process of its own, so that its peak resident memory (``ru_maxrss``) is its own, with one torch
thread. The cases:

* lm_score: ``LSTMLanguageModel(hidden_size=64, embedding_dim=64, min_count=1, max_iter=1)`` on 300 sequences of
  100 tokens drawn from 20,000 words, then ``perplexity`` on them (scored over the whole vocabulary);
* wide_predict: ``DenseClassifier(max_iter=1)`` on 5,000 x 5,000 float32 numbers, then ``predict_proba``;
* text_predict: ``DenseClassifier(hidden_layer_sizes=(16,), max_iter=1)`` on 20,000 rows of 200 text columns (object
  dtype), then ``predict_proba``; beside it the same table as pandas categories;
* sparse_fit: the tabular preprocessing's fit (``TabularPreprocessor``) on a sparse 1,000 x 100,000 matrix of density
  0.002, beside ``LogisticRegression().fit`` on it;
* sparse_epoch: one epoch of ``DenseClassifier()`` on a sparse 2,000 x 20,000 matrix of density 0.005 (a bag of
  words' shape; after a first fit on 50 of its rows, which pays the process's one-time costs), the same with
  ``numeric_embedding=None``, and ``MLPClassifier((256, 256, 256), max_iter=1)``, scikit-learn's network of the same
  widths.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

CASES = {
    "lm_score": """
import numpy as np
from sknn import LSTMLanguageModel
rng = np.random.default_rng(0)
X = [[f"w{i}" for i in rng.integers(0, 20000, 100)] for _ in range(300)]
model = LSTMLanguageModel(hidden_size=64, embedding_dim=64, min_count=1, max_iter=1, random_state=0).fit(X)
mark("fit")
model.perplexity(X)
mark("perplexity")
""",
    "wide_predict": """
import numpy as np
from sknn import DenseClassifier
X = np.random.default_rng(0).normal(size=(5000, 5000)).astype(np.float32)
model = DenseClassifier(max_iter=1, random_state=0).fit(X, (X[:, 0] > 0).astype(int))
mark("fit")
model.predict_proba(X)
mark("predict_proba")
""",
    "text_predict": """
import numpy as np, pandas as pd
from sknn import DenseClassifier
rng = np.random.default_rng(0)
X = pd.DataFrame({f"c{j}": rng.choice([f"v{i}" for i in range(10)], 20000).astype(object) for j in range(200)})
y = rng.integers(0, 2, 20000)
model = DenseClassifier(hidden_layer_sizes=(16,), max_iter=1, random_state=0).fit(X, y)
mark("fit")
model.predict_proba(X)
mark("predict_proba (text)")
categories = X.astype("category")
model = DenseClassifier(hidden_layer_sizes=(16,), max_iter=1, random_state=0).fit(categories, y)
mark("fit (categories)")
model.predict_proba(categories)
mark("predict_proba (categories)")
""",
    "sparse_fit": """
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sknn._tabular import TabularPreprocessor
X = sp.random(1000, 100000, density=0.002, format="csr", random_state=0)
mark("imports and data")
TabularPreprocessor().fit(X)
mark("TabularPreprocessor.fit")
total = X.sum(axis=1).A.ravel()
LogisticRegression().fit(X, (total > np.median(total)).astype(int))
mark("LogisticRegression.fit")
""",
    "sparse_epoch": """
import numpy as np
import scipy.sparse as sp
from sklearn.neural_network import MLPClassifier
from sknn import DenseClassifier
X = sp.random(2000, 20000, density=0.005, format="csr", random_state=0)
total = X.sum(axis=1).A.ravel()
y = (total > np.median(total)).astype(int)
mark("imports and data")
DenseClassifier(max_iter=1, random_state=0).fit(X[:50], y[:50])
mark("a first fit's one-time costs (50 rows)")
DenseClassifier(max_iter=1, random_state=0).fit(X, y)
mark("DenseClassifier.fit, one epoch")
DenseClassifier(numeric_embedding=None, max_iter=1, random_state=0).fit(X, y)
mark("the same without periodic embeddings")
MLPClassifier((256, 256, 256), max_iter=1, batch_size=256, random_state=0).fit(X, y)
mark("MLPClassifier.fit, one epoch")
""",
}

PREAMBLE = """
import json, resource, time, warnings
warnings.simplefilter("ignore")
_last = time.perf_counter()
def mark(step):
    global _last
    now = time.perf_counter()
    print(json.dumps({"step": step, "s": round(now - _last, 2),
                      "peak_MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}), flush=True)
    _last = now
"""


def run(case):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", PREAMBLE + CASES[case]], env=env, capture_output=True, text=True)
    if out.returncode:
        return [{"step": "failed", "error": out.stderr.strip().splitlines()[-1:]}]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# bench_inputs {datetime.datetime.now():%Y-%m-%d %H:%M} | {platform.machine()} | "
          f"{os.cpu_count()} cores | load {load:.2f} | one torch thread, a process per case")
    print("| case | step | seconds | peak memory of the process so far (MB) |")
    print("|---|---|---|---|")
    for case in args.only or list(CASES):
        for row in run(case):
            print(f"| {case} | {row['step']} | {row.get('s', '')} | {row.get('peak_MB', row.get('error', ''))} |")


if __name__ == "__main__":
    main()
