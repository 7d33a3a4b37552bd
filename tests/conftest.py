import numpy as np
import pytest
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
