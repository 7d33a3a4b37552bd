"""From search to deployment: a grid search on a Dask cluster, a safe saved model, an ONNX model.

1. GridSearchCV over DenseClassifier on a local Dask cluster of 2 worker processes,
   through joblib's Dask backend (the same code runs on a real cluster: pass the
   scheduler's address to ``Client``).
2. The best model saved with ``est.save`` and loaded with ``sknn.load``: safetensors and
   JSON, nothing unpickled.
3. The same model exported to ONNX and run by onnxruntime, against ``predict_proba``.

    python examples/production.py            # 16 candidates, about a minute on 2 cores
    python examples/production.py --quick    # 4 candidates, 28 s on 2 quiet cores, start-up included (2026-12-01)

Needs the ``dask`` and ``onnx`` extras (``pip install -e ".[dask,onnx]"``); a step whose
packages are missing says so and is left out.
"""

import argparse
import importlib.util
import os
import tempfile
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

import sknn
from sknn import DenseClassifier

warnings.simplefilter("ignore", ConvergenceWarning)


def search(X, y, quick):
    grid = {"hidden_layer_sizes": [(64,), (256,)], "learning_rate_init": [1e-3, 1e-2]}
    if not quick:
        grid.update(alpha=[1e-4, 1e-2], batch_size=[64, 200])
    est = DenseClassifier(max_iter=5 if quick else 30, n_iter_no_change=None, random_state=0)
    gs = GridSearchCV(est, grid, cv=3, n_jobs=-1)
    if importlib.util.find_spec("distributed") is None:
        print("distributed is not installed (pip install 'sknn[dask]'): searching with joblib's local processes")
        return gs.fit(X, y)
    import joblib
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        with joblib.parallel_backend("dask"):
            gs.fit(X, y)
        workers = len(client.scheduler_info()["workers"])
    n = len(gs.cv_results_["params"])
    print(f"searched {n} candidates x 3 folds on a Dask cluster of {workers} workers in "
          f"{time.perf_counter() - start:.1f} s")
    return gs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.25, random_state=0, stratify=y)
    gs = search(X_train, y_train, args.quick)
    best = gs.best_estimator_
    print(f"best parameters {gs.best_params_}, CV accuracy {gs.best_score_:.4f}, "
          f"test accuracy {best.score(X_test, y_test):.4f}")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "digits.safetensors")
        best.save(path)
        loaded = sknn.load(path)
        same = np.array_equal(loaded.predict_proba(X_test), best.predict_proba(X_test))
        print(f"saved to {os.path.basename(path)} ({os.path.getsize(path) / 1024:.0f} KiB); loaded without "
              f"unpickling, identical predictions: {same}")

        if not all(importlib.util.find_spec(m) for m in ("onnx", "onnxruntime", "onnxscript")):
            print("onnx/onnxruntime are not installed (pip install 'sknn[onnx]'): no ONNX export")
            return
        import onnxruntime as ort

        from sknn.export import onnx_inputs, onnx_metadata, to_onnx

        onnx_path = to_onnx(best, os.path.join(tmp, "digits.onnx"))
        session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
        (proba,) = session.run(["probabilities"], onnx_inputs(best, X_test))
        labels = np.asarray(onnx_metadata(onnx_path)["classes"])[proba.argmax(axis=1)]
        print(f"ONNX model ({os.path.getsize(onnx_path) / 1024:.0f} KiB): largest difference to predict_proba "
              f"{np.abs(proba - best.predict_proba(X_test)).max():.1e}, "
              f"same labels as predict: {np.array_equal(labels, best.predict(X_test))}")


if __name__ == "__main__":
    main()
