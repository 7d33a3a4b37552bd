import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float64), y


@pytest.fixture(scope="session")
def blobs():
    X, y = make_classification(n_samples=300, n_features=8, n_informative=5, n_classes=3,
                               random_state=0)
    return X, y


@pytest.fixture(scope="session")
def regression():
    X, y = make_regression(n_samples=300, n_features=6, n_targets=2, noise=0.5, random_state=0)
    return X, y / 100.0


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    """CI has no network: a test that would download weights fails here, clearly, instead of hanging."""
    def refuse(url, *args, **kwargs):
        raise AssertionError(f"a test tried to download {url}; patch torch.hub or pass weights=None / a file")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)
    monkeypatch.setattr(torch.hub, "download_url_to_file", refuse)
