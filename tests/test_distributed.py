"""Hyperparameter search on a Dask cluster through joblib's Dask backend.

A real ``distributed.LocalCluster`` with two worker processes on loopback: the search
must run its fits on the workers, find what a local ``n_jobs=1`` search finds, and each
worker's torch must keep to the thread the worker gives a task.
"""

import re

import joblib
import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from sknn import DenseClassifier

distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed: pip install 'sknn[dask]'")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=50)
    with cluster, distributed.Client(cluster) as client:
        yield client


def _search():
    grid = {"hidden_layer_sizes": [(16,), (64,)], "learning_rate_init": [0.001, 0.01]}
    est = DenseClassifier(max_iter=5, device="auto", random_state=0)
    return GridSearchCV(est, grid, cv=2, n_jobs=-1)


def test_grid_search_on_a_local_cluster_finds_what_a_local_search_finds(client):
    X, y = load_digits(return_X_y=True)
    X, y = (X[:600] / 16).astype(np.float32), y[:600]
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        remote = _search().fit(X, y)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the workers' setting, so that both sides compute the same sums
    try:
        local = _search().set_params(n_jobs=1).fit(X, y)
    finally:
        torch.set_num_threads(threads)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    # the 8 fits (4 candidates x 2 folds) ran on the workers, both of them, not here
    fits = [t for t in tasks.data if "_fit_and_score_" in t["key"]]
    n_fits = sum(int(re.search(r"_fit_and_score_(\d+)_calls", t["key"]).group(1)) for t in fits)
    assert n_fits == 8 and len({t["worker"] for t in fits}) == 2


def test_workers_do_not_oversubscribe_the_cores(client):
    def threads(dask_worker):
        import sknn  # noqa: F401  (what a search task imports)

        return dask_worker.state.nthreads, torch.get_num_threads()

    for nthreads, torch_threads in client.run(threads).values():
        assert torch_threads <= nthreads  # one torch thread per task slot: 2 workers x 1 on 2 cores


def test_auto_device_inside_a_worker_takes_the_workers_own_gpu(client):
    def fitted_device():
        X = np.random.default_rng(0).random((40, 3)).astype(np.float32)
        y = (X[:, 0] > 0.5).astype(int)
        est = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, device="auto").fit(X, y)
        return distributed.get_worker().name, str(est.device_)

    for worker in client.scheduler_info()["workers"]:
        name, device = client.submit(fitted_device, pure=False, workers=[worker]).result()
        count = torch.cuda.device_count()
        assert device == (f"cuda:{int(name) % count}" if count else "cpu")


def test_randomized_search_on_the_cluster_matches_the_local_one(client):
    from scipy.stats import loguniform
    from sklearn.model_selection import RandomizedSearchCV

    X, y = load_digits(return_X_y=True)
    X, y = (X[:400] / 16).astype(np.float32), y[:400]

    def search(n_jobs):
        est = DenseClassifier(hidden_layer_sizes=(32,), max_iter=4, random_state=0)
        return RandomizedSearchCV(est, {"alpha": loguniform(1e-5, 1e-1), "learning_rate_init": loguniform(1e-3, 3e-2)},
                                  n_iter=4, cv=2, random_state=0, n_jobs=n_jobs)

    with joblib.parallel_backend("dask"):
        remote = search(-1).fit(X, y)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        local = search(1).fit(X, y)
    finally:
        torch.set_num_threads(threads)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])
