"""The ONNX graph of the sequence tagger: its part of the family contract.

The graph takes padded sequences, ``words`` int64 (B, T) or ``features`` float32
(B, T, n_features), their ``lengths`` int64 (B,) and with character features ``chars``
int64 (B, T, W), and gives ``probabilities`` (B, T, n_classes), zero past each
sequence's length. Recurrent layers become ONNX recurrent nodes through
:mod:`sknn.export`'s custom op, so the sequence length stays dynamic.
"""

import numpy as np
import torch
from torch import nn

from ._sequence_input import MAX_WORD_CHARS, PAD, UNK, SequenceBatches
from .export import OnnxGraph, proba_output

__all__ = ["TaggerGraph", "tagger_onnx_feed", "tagger_onnx_graph"]


class TaggerGraph(nn.Module):
    """Padded sequences -> per-token probabilities (B, T, n_classes), zero past each sequence's length.

    The same pieces as SequenceNet.forward, on padded tensors end to end (SequenceNet
    keeps the real tokens only, a data-dependent shape). Character ids come per token
    (B, T, W), 0-padded; a word's character count is its number of non-zero ids (unknown
    characters are 1, never 0).
    """

    def __init__(self, network, words):
        super().__init__()
        self.network = network
        self.words = words

    def forward(self, x, lengths, chars=None):
        net = self.network
        parts = net.word_vectors(x) if self.words else [x]
        if chars is not None:
            b, t, w = chars.shape
            flat = chars.reshape(b * t, w)
            n_chars = (flat != 0).sum(dim=1).clamp(min=1)  # padding tokens: one (padding) character
            parts.append(net.chars(flat, n_chars).reshape(b, t, -1))
        h = torch.cat(parts, dim=2) if len(parts) > 1 else parts[0]
        probs = torch.softmax(net.output(net.rnn(h, lengths)), dim=2)
        mask = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
        return probs * mask[:, :, None].to(probs.dtype)


def _char_list(char_vocabulary):
    chars = [None] * len(char_vocabulary)
    for c, i in char_vocabulary.items():
        chars[i] = c
    return chars


def tagger_onnx_graph(estimator, network):
    """The :class:`~sknn.export.OnnxGraph` of a fitted LSTMSequenceTagger, ``network`` its evaluation copy."""
    words = estimator.input_kind_ == "tokens"
    gen = torch.Generator().manual_seed(0)  # example inputs, without touching the global generator
    batch, time = torch.export.Dim("batch"), torch.export.Dim("time")
    lengths = torch.tensor([7, 4, 2])
    mask = torch.arange(7)[None, :] < lengths[:, None]
    if words:
        x = torch.randint(2, len(estimator.vocabulary_), (3, 7), generator=gen) * mask
        inputs = [{"name": "words", "dtype": "int64", "shape": ["batch", "time"],
                   "description": "word ids (metadata 'vocabulary'), 0-padded at the end"}]
    else:
        n = int(estimator.n_features_in_)
        x = torch.rand(3, 7, n, generator=gen) * mask[:, :, None]
        inputs = [{"name": "features", "dtype": "float32", "shape": ["batch", "time", n],
                   "description": "feature vectors of each step, 0-padded at the end"}]
    inputs.append({"name": "lengths", "dtype": "int64", "shape": ["batch"],
                   "description": "the number of real tokens of each sequence"})
    args, dynamic = [x, lengths], [{0: batch, 1: time}, {0: batch}]
    chars = words and estimator.char_vocabulary_ is not None
    if chars:
        args.append(torch.randint(1, len(estimator.char_vocabulary_), (3, 7, 5), generator=gen) * mask[:, :, None])
        dynamic.append({0: batch, 1: time, 2: torch.export.Dim("chars")})
        inputs.append({"name": "chars", "dtype": "int64", "shape": ["batch", "time", "chars"],
                       "description": "character ids of each token (metadata 'char_vocabulary'), 0-padded; "
                                      "padding tokens are all 0"})
    prep = {"input_kind": estimator.input_kind_, "padding": "each sequence 0-padded at the end to the longest of "
            "the batch, its number of tokens in 'lengths'",
            "steps_in_graph": ["padding mask", "recurrent network", "softmax"]}
    metadata = {}
    if words:
        prep.update({"lowercase": bool(estimator.architecture_["lowercase"]), "pad_id": PAD, "unknown_id": UNK,
                     "steps_outside_graph": [("word -> id with 'vocabulary' (its index; lower-cased first when "
                                             "lowercase is true); unknown words -> unknown_id")]})
        metadata["vocabulary"] = list(estimator._words_array())
        if chars:
            prep.update({"max_word_chars": MAX_WORD_CHARS})
            prep["steps_outside_graph"].append(
                f"each token's characters -> ids with 'char_vocabulary' (case kept; unknown -> {UNK}); a token "
                f"longer than {MAX_WORD_CHARS} characters keeps its first and last {MAX_WORD_CHARS // 2}")
            metadata["char_vocabulary"] = _char_list(estimator.char_vocabulary_)
    else:
        prep["steps_outside_graph"] = ["each sequence as a float32 array (length, n_features)"]
    output = proba_output(["batch", "time", len(estimator.classes_)])
    output["description"] += "; rows past a sequence's length are 0"
    return OnnxGraph(TaggerGraph(network, words), tuple(args), inputs, tuple(dynamic), output, prep, metadata)


def tagger_onnx_feed(estimator, X):
    """The feed of the tagger's graph: the sequences of X in their order, 0-padded to the longest."""
    inputs, lengths, table = estimator._check_X(X, reset=False)
    batch, _, _ = SequenceBatches(inputs, lengths, char_table=table).batch(torch.arange(len(lengths)))
    feed = {"words": batch["words"]} if "words" in batch else {"features": batch["features"]}
    feed["lengths"] = lengths
    if table is not None:
        mask = torch.arange(batch["char_index"].shape[1])[None, :] < lengths[:, None]
        feed["chars"] = batch["chars"][batch["char_index"]] * mask[:, :, None]
    return {k: np.ascontiguousarray(v.numpy()) for k, v in feed.items()}
