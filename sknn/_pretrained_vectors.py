"""The pretrained word vectors of the sequence family (``pretrained_embeddings``): read and checked from what a user
gives (a dict, keyed vectors, a fitted Word2VecTransformer, a DataFrame of a vector per row), and laid into the
initial embedding matrix of a vocabulary.
"""

import numpy as np
import pandas as pd
import torch

from ._numbers import check_float32_vectors
from ._sequence_input import PAD
from ._validation import detached

__all__ = ["pretrained_matrix", "read_pretrained"]


def read_pretrained(vectors, embedding_dim):
    """(vectors, words) of the parameter ``pretrained_embeddings``, checked against ``embedding_dim``; or None."""
    if vectors is None:
        return None
    vectors = getattr(vectors, "wv_", vectors)  # a fitted Word2VecTransformer gives its keyed vectors
    if isinstance(vectors, pd.DataFrame):  # a vector per row, by word (GloVe read with index_col=0): its rows
        words_as_columns = all(isinstance(c, str) for c in vectors.columns) and not all(
            isinstance(w, str) for w in vectors.index)  # (pd.DataFrame(dict_of_vectors): numbered rows)
        if not vectors.index.is_unique or words_as_columns:
            raise ValueError("pretrained_embeddings is a DataFrame read as a vector per row, by the word of its index, "
                             "and its " + ("index repeats words" if not vectors.index.is_unique else "columns are "
                                           "words: pass df.T") + " (a GloVe file: index_col=0, keep_default_na=False).")
        vectors = dict(zip(vectors.index, vectors.to_numpy()))
    if isinstance(vectors, (dict, pd.Series)):  # tensors (that require grad, of bfloat16...): their values
        vectors = {k: detached(v, f"pretrained_embeddings[{k!r}]") for k, v in vectors.items()}
    if hasattr(vectors, "key_to_index"):  # keyed vectors, sknn's or gensim's
        words = list(vectors.key_to_index)
    elif hasattr(vectors, "items"):  # a dict, or a pandas Series word -> vector (whose iteration gives values)
        words = list(vectors.keys())
    elif hasattr(vectors, "fit") and hasattr(vectors, "get_params"):  # an estimator, unfitted
        raise TypeError(f"pretrained_embeddings is an unfitted {type(vectors).__name__}. Fit it first; under "
                        "cross_val_score, GridSearchCV or clone (which give copies of parameters unfitted), pass "
                        "its vectors instead: pretrained_embeddings=w2v.wv_.")
    else:  # (a path: the loader's; a gensim Word2Vec model: its keyed vectors)
        hint = ("; for a file, sknn.KeyedVectors.load_word2vec_format(path)" if hasattr(vectors, "__fspath__") or
                isinstance(vectors, str) else "; pass its keyed vectors, model.wv" if hasattr(vectors, "wv") else "")
        raise TypeError("pretrained_embeddings must be a dict word -> vector, keyed vectors, or a fitted "
                        f"Word2VecTransformer; got {type(vectors).__name__}{hint}.")
    if not words:
        raise ValueError("pretrained_embeddings holds no word.")
    other = next((w for w in words if not isinstance(w, str)), None)
    if other is not None:  # no token could ever match it
        raise TypeError(f"pretrained_embeddings has the key {other!r} of type {type(other).__name__}: its keys must "
                        "be the words (str), as the tokens are; map ids to their words first.")
    first = np.asarray(vectors[words[0]])
    if first.ndim != 1 or first.dtype.kind not in "biuf":
        raise TypeError(f"pretrained_embeddings[{words[0]!r}] is {vectors[words[0]]!r:.40}, not a vector of numbers.")
    dim = len(first)
    if dim != embedding_dim:
        raise ValueError(f"The pretrained vectors have {dim} dimensions but embedding_dim={embedding_dim}; "
                         f"pass embedding_dim={dim}.")
    table = getattr(vectors, "vectors", None)
    if isinstance(table, np.ndarray):  # keyed vectors: one matrix
        if not np.isfinite(table).all():
            raise ValueError("pretrained_embeddings holds NaN or infinity; pretrained vectors must be finite.")
        check_float32_vectors(table, "pretrained_embeddings")
    else:  # a dict: one vector per word
        for w in words:
            try:
                row = np.asarray(vectors[w])
                if row.dtype.kind not in "biuf":  # (complex: the imaginary parts dropped; text read as numbers)
                    raise TypeError
            except (TypeError, ValueError):
                raise TypeError(f"pretrained_embeddings[{w!r}] is {vectors[w]!r:.40}, not a vector of real "
                                "numbers.") from None
            row = row.astype(np.float64)
            if row.shape != (dim,):
                raise ValueError(f"pretrained_embeddings[{w!r}] has shape {row.shape}; every pretrained vector "
                                 f"must hold {dim} numbers (embedding_dim).")
            if not np.isfinite(row).all():
                raise ValueError(f"pretrained_embeddings[{w!r}] holds NaN or infinity; pretrained vectors must "
                                 "be finite.")
            check_float32_vectors(row, f"pretrained_embeddings[{w!r}]")
    return vectors, words


def _pretrained_word_of(words, vocabulary, lowercase):
    """Which pretrained word gives its vector to each key of ``vocabulary`` (a key -> word dict; keys without one
    and the padding symbol left out). With ``lowercase``, several casings meet on one key: the word that is the key
    itself ('may' for 'May', 'MAY' and 'may') wins, otherwise the first casing in the vectors' order."""
    chosen = {}
    for w in words:
        key = w.lower() if lowercase else w
        if key not in chosen or w == key:
            chosen[key] = w
    return {key: w for key, w in chosen.items() if vocabulary.get(key, PAD) != PAD}  # (the padding row stays zero)


def pretrained_matrix(vectors, words, vocabulary, lowercase, embedding_dim):
    """The initial embedding matrix of ``vocabulary``: the pretrained ``vectors`` of ``words`` where there are some
    (:func:`_pretrained_word_of` says whose), small random values (from torch's global generator) elsewhere; and
    the rows that hold a pretrained vector (an int64 tensor)."""
    matrix = torch.randn(len(vocabulary), embedding_dim) * 0.1  # seeded by the fit
    matrix[PAD] = 0
    chosen = _pretrained_word_of(words, vocabulary, lowercase)
    rows = torch.tensor([vocabulary[key] for key in chosen], dtype=torch.int64)
    if chosen:  # one copy for all the words
        matrix[rows] = torch.from_numpy(np.stack([np.asarray(vectors[w], dtype=np.float32) for w in chosen.values()]))
    return matrix, rows
