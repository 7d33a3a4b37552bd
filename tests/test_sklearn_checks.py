"""scikit-learn's own estimator checks, run on every sknn estimator."""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import (ConvImageClassifier, DenseClassifier, DenseRegressor, LSTMLanguageModel, LSTMSequenceTagger,
                  TransferVGGClassifier, VGGFeatureExtractor, Word2VecTransformer)

# check name -> why it cannot pass, per estimator class.
_SGD_WEIGHTS = (
    "Training is stochastic mini-batch descent: a row of weight 2 and the same row twice land in different "
    "batches, so the two optimisation paths differ (MLPClassifier passes this check only with its full-batch "
    "'lbfgs' solver); and the statistics fit learns of the data (medians, interquartile ranges, the target's "
    "mean and scale) are taken without the weights. Weight 0 = row removed and uniform weights = no weights "
    "do hold exactly, see "
    "tests/test_dense.py::test_sample_and_class_weights."
)
_DENSE = {
    "check_sample_weight_equivalence_on_dense_data": _SGD_WEIGHTS,
    "check_sample_weight_equivalence_on_sparse_data": _SGD_WEIGHTS,
}
EXPECTED_FAILURES = {"DenseClassifier": _DENSE, "DenseRegressor": _DENSE, "ConvImageClassifier": _DENSE,
                     "TransferVGGClassifier": _DENSE}


def _expected_failures(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


# Flat rows of any length are images for ConvImageClassifier (a square, or one line of
# pixels), so scikit-learn's feature-matrix checks apply to it unchanged. The VGG estimators
# take the same rows, resized to image_size; a tiny VGG-style backbone with random weights
# keeps their checks fast (the head trains on cached features of the frozen backbone).
_TINY_VGG = dict(backbone=[4, "M", 8], weights=None, image_size=4, channels_last=False)


@parametrize_with_checks([DenseClassifier(max_iter=32), DenseRegressor(max_iter=32), ConvImageClassifier(max_iter=30),
                          TransferVGGClassifier(**_TINY_VGG, head_layers=(32,), dropout=0.0, learning_rate_init=1e-2,
                                                max_iter=15),
                          VGGFeatureExtractor(**_TINY_VGG, random_state=0)],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# Word2VecTransformer takes text (tags: two_d_array=False, string=True). scikit-learn's
# checks feed 2-D numeric arrays, so parametrize_with_checks skips such an estimator
# entirely (as it does CountVectorizer); the checks below are those that do not need a
# feature matrix, run one by one. Fitting, transforming, pipelines, grid search, pickling
# and reproducibility on text are tested in tests/test_word2vec.py.
_TEXT_CHECKS = [
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
]


def test_text_transformer_is_skipped_by_sklearns_matrix_checks():
    tags = Word2VecTransformer().__sklearn_tags__()
    assert not tags.input_tags.two_d_array and tags.input_tags.string


@pytest.mark.parametrize("check", _TEXT_CHECKS)
def test_word2vec_api_checks(check):
    getattr(estimator_checks, check)("Word2VecTransformer", Word2VecTransformer())


def test_input_tags_say_what_each_estimator_takes():
    """The dense networks' string tag and the image networks' 3-D tag were False, though they take text columns
    and grey images (n, height, width)."""
    import numpy as np
    from sklearn.utils import get_tags

    rng = np.random.RandomState(0)
    text = np.array([["a", "b", "c"][i % 3] for i in range(30)], dtype=object)[:, None]
    assert get_tags(DenseClassifier()).input_tags.string
    DenseClassifier(max_iter=1, random_state=0).fit(np.c_[text, rng.rand(30)], [0, 1] * 15)
    assert not get_tags(DenseClassifier(preprocessing=None)).input_tags.string  # numbers only, then
    for estimator in (ConvImageClassifier(conv_filters=(2,), dense_layers=(4,), max_iter=1), VGGFeatureExtractor(
            backbone=[4, "M"], weights=None, image_size=8)):
        assert get_tags(estimator).input_tags.three_d_array and not get_tags(estimator).input_tags.sparse
        estimator.fit(rng.rand(8, 8, 8), [0, 1] * 4)


@pytest.mark.parametrize("check", _TEXT_CHECKS + ["check_param_validation"])
@pytest.mark.parametrize("Model", [LSTMSequenceTagger, LSTMLanguageModel])
def test_sequence_model_api_checks(Model, check):
    """The sequence models take lists of token lists, which parametrize_with_checks cannot feed: the checks that need
    no feature matrix, and the parameters' validation (a constraint of the base class for a parameter they lack,
    n_jobs, failed it)."""
    getattr(estimator_checks, check)(Model.__name__, Model())
