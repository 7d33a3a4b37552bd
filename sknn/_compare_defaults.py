"""How many times ``sknn compare`` repeats k-fold by default: light, so that parsing the command line stays fast."""

__all__ = ["DEFAULT_REPEATS", "SMALL_DATA", "default_repeats"]

#: Repeats of k-fold when ``repeats`` is not given: ``DEFAULT_REPEATS[0]`` below
#: ``SMALL_DATA`` rows (where one k-fold's scores are noisy and fits are quick), else
#: ``DEFAULT_REPEATS[1]``, so that the main job (``sknn compare``: digits, 1,797 rows,
#: 5 folds, every default model) stays under a minute on 2 CPU cores
#: (benchmarks/RESULTS.md, "compare").
DEFAULT_REPEATS = (3, 1)
SMALL_DATA = 1000


def default_repeats(n_samples):
    """How many times k-fold is repeated by default for a data set of ``n_samples`` rows."""
    return DEFAULT_REPEATS[0] if n_samples < SMALL_DATA else DEFAULT_REPEATS[1]
