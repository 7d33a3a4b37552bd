"""Dense networks on real tabular data: DenseClassifier and DenseRegressor.

1. Classify tumours (scikit-learn's breast_cancer) with a pipeline and early stopping,
   and read the training history.
2. Search the architecture with GridSearchCV.
3. Export the trained network to plain numpy and run it without torch.
4. Regress disease progression (scikit-learn's diabetes) with a standardised target.

    python examples/dense_networks.py            # about a minute on 2 cores
    python examples/dense_networks.py --quick    # a few seconds
"""

import argparse

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import DenseClassifier, DenseRegressor
from sknn.dense import forward_numpy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few epochs, to check the script runs")
    args = parser.parse_args(argv)
    epochs = 20 if args.quick else 300

    # 1. A classifier in a pipeline; a DataFrame in, its column names kept.
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    labels = np.array(["malignant", "benign"])[y]  # string labels work as they are
    X_train, X_test, y_train, y_test = train_test_split(X, labels, stratify=labels, random_state=0)
    clf = make_pipeline(StandardScaler(), DenseClassifier(
        hidden_layer_sizes=(64, 32), dropout=0.2, batch_norm=True, early_stopping=True, max_iter=epochs,
        random_state=0))
    clf.fit(X_train, y_train)
    net = clf[-1]
    print(f"breast_cancer: test accuracy {clf.score(X_test, y_test):.4f} after {net.n_iter_} epochs; the weights "
          f"of the lowest validation loss were restored (validation accuracy {net.best_validation_score_:.4f})")
    print(net.history_[["epoch", "train_loss", "valid_loss", "valid_score"]].tail(3).to_string(index=False))

    # 2. The architecture, searched like any scikit-learn hyperparameter.
    search = GridSearchCV(clf, {"denseclassifier__hidden_layer_sizes": [(32,), (64, 32)],
                                "denseclassifier__alpha": [1e-4, 1e-2]}, cv=3)
    search.fit(X_train, y_train)
    print(f"grid search: best {search.best_params_}, cross-validated accuracy {search.best_score_:.4f}")

    # 3. Weights out: plain numpy arrays, and a forward pass with numpy alone.
    network = net.export_network()
    scaled = clf[0].transform(X_test)
    proba = forward_numpy(network, scaled)
    print(f"numpy forward pass matches predict_proba: "
          f"{np.allclose(proba, clf.predict_proba(X_test), atol=1e-5)}; layers "
          f"{[layer['type'] for layer in network['layers']][:5]}...")

    # 4. Regression: the network learns a standardised target, the pipeline scales X. With
    #    331 training rows, a small network and a strong L2 penalty (alpha) keep it honest.
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    reg = make_pipeline(StandardScaler(), TransformedTargetRegressor(
        DenseRegressor(hidden_layer_sizes=(16,), alpha=10.0, max_iter=min(epochs, 200), random_state=0),
        transformer=StandardScaler()))
    reg.fit(X_train, y_train)
    linear = make_pipeline(StandardScaler(), LinearRegression()).fit(X_train, y_train)
    print(f"diabetes: test R^2 {reg.score(X_test, y_test):.3f} (LinearRegression {linear.score(X_test, y_test):.3f})")


if __name__ == "__main__":
    main()
