"""word2vec's own update, compiled: each (input, target) pair of a batch takes its SGD step in turn.

word2vec.c and gensim train word vectors with plain SGD on one pair at a time: the score
of an input vector against a target's output vector, its logistic loss, then both vectors
moved at once by the current rate. A batched tensor step (:class:`sknn._w2v_core.SkipGramNegative`
under autograd) sums the updates of a whole batch instead, which is what a GPU needs but
costs per-step overhead on the CPU and quality when a frequent word gets many summed
updates at once. These loops, compiled by numba with the interpreter lock released, make
the per-pair steps on the CPU: threads training at once (``workers``) run them in
parallel, as gensim's Cython loops do.

numba is a dependency of sknn; where it cannot be imported (a Python numba does not yet
support), :func:`compiled_step` returns None and the batched torch step trains instead.

Both loops read a batch of :class:`sknn._w2v_core.CorpusBatches` (centres with their
windows), draw the negatives of each prediction themselves, update the tables in place and
write each centre's loss, measured before its own updates, into ``losses``.
"""

import math
from typing import NamedTuple

import numpy as np

_LOOPS = ("_pair", "_noise_word", "_predict", "_skip_gram", "_cbow", "_stack", "_alias_columns")
_jit = {"done": False, "available": False}


def _compile():
    """Put numba's compiled versions of this module's loops in place of the Python ones, once; False
    without numba. numba is imported here, at the first fit, so that importing sknn stays light; the
    machine code is cached on disk (``cache=True``), so a later process loads it instead of compiling."""
    if not _jit["done"]:
        try:
            import numba
        except ImportError:  # pragma: no cover - numba installs with sknn; the torch step covers its absence
            numba = None
        if numba is not None:
            # fastmath for the sums (reassociated into vector lanes), but NaN and infinity kept: vectors that
            # overflow make the loss NaN, which stops the fit with an error instead of NaN vectors
            options = dict(nogil=True, fastmath={"reassoc", "contract", "arcp", "nsz"}, error_model="numpy")
            jit = numba.njit(cache=True, **options)
            scope = globals()
            for name in _LOOPS:  # callees first: a loop compiled later calls the compiled one
                try:
                    scope[name] = jit(scope[name])
                except RuntimeError:  # no folder to cache in (a read-only install, no writable home: a container's,
                    jit = numba.njit(**options)  # a serverless function's): compiled for this process alone
                    scope[name] = jit(scope[name])
        _jit.update(done=True, available=numba is not None)
    return _jit["available"]


_LIMIT = 30.0  # scores are clipped here: the logistic is 1 to float32's precision beyond
# gensim's MAX_EXP: beyond it CBOW's pairs take no step (word2vec.c's table of the logistic ends there; gensim skips the
# pair where word2vec.c steps by the table's end). Since 2026-12-06, CBOW only: its analogies +0.07 point on 36 seeds;
# skip-gram's -0.06 on 18, so its pairs all step (RESULTS.md, "Word embeddings")
_SATURATED = 6.0
_TINY = 1e-250  # a product of probabilities is turned into its logarithm before it gets smaller


def _pair(output, target, hidden, error, label, rate, saturated):
    """One (input, target) pair: the target's output row moves, the input's step is added to ``error``;
    returns the probability the scores gave to ``label`` (before the step). A pair scored beyond
    +-``saturated`` takes no step (CBOW's :data:`_SATURATED`, as in gensim's loops), unless its score reaches
    +-``_LIMIT``: a pair the vectors predict to float32's precision (its step is nothing), or vectors that a rate too
    large blew up, whose steps go on until the loss is NaN, which stops the fit with an error."""
    row = output[target]
    score = np.float32(0.0)
    for c in range(hidden.shape[0]):
        score += hidden[c] * row[c]
    if score > _LIMIT:  # comparisons, not min/max: a NaN score stays NaN, and so does the loss
        score = np.float32(_LIMIT)
    elif score < -_LIMIT:
        score = np.float32(-_LIMIT)
    p = 1.0 / (1.0 + math.exp(-score))
    if not saturated <= abs(score) < _LIMIT:  # (blown-up scores step: the vectors overflow to a NaN loss, an error)
        step = np.float32((label - p) * rate)
        for c in range(hidden.shape[0]):
            error[c] += step * row[c]
            row[c] += step * hidden[c]
    return p if label > 0 else 1.0 - p


def _noise_word(accept, alias, state):
    """A word drawn from the noise distribution (Walker's alias table) and the generator's next state
    (xorshift64*): one uniform picks a column, its other bits accept it or take its alias."""
    state ^= state >> np.uint64(12)
    state ^= state << np.uint64(25)
    state ^= state >> np.uint64(27)
    bits = state * np.uint64(2685821657736338717)
    column = np.int64(((bits >> np.uint64(32)) * np.uint64(len(accept))) >> np.uint64(32))
    if (bits & np.uint64(0xFFFFFFFF)) * (1.0 / 4294967296.0) < accept[column]:
        return column, state
    return np.int64(alias[column]), state


def _predict(output, centre, hidden, error, rate, accept, alias, negative, state, saturated):
    """``hidden`` predicts ``centre`` and ``negative`` noise words drawn for it: each pair steps in turn (but
    those scored beyond +-``saturated``). Returns the prediction's loss and the generator's state."""
    loss = 0.0
    likelihood = _pair(output, centre, hidden, error, 1.0, rate, saturated)
    for _ in range(negative):
        target, state = _noise_word(accept, alias, state)
        if target != centre:
            likelihood *= _pair(output, target, hidden, error, 0.0, rate, saturated)
            if likelihood < _TINY:  # one logarithm per prediction, unless the product would underflow
                loss -= math.log(likelihood)
                likelihood = 1.0
    return loss - math.log(likelihood), state


def _skip_gram(inputs, output, tokens, context_mask, centres, rate, losses, accept, alias, negative, seed):
    """Skip-gram: each neighbour of a centre in turn predicts the centre and negatives of its own
    (``negative`` of them, as word2vec.c and gensim draw them), drawn from the alias table
    ``accept``, ``alias`` by a generator started at ``seed``."""
    n, width = context_mask.shape
    error = np.empty(inputs.shape[1], np.float32)
    state = np.uint64(seed)
    for i in range(n):
        loss = 0.0
        centre = centres[i]
        for j in range(width):
            if not context_mask[i, j]:
                continue
            hidden = inputs[tokens[i + j]]
            error[:] = 0.0
            pair_loss, state = _predict(output, centre, hidden, error, rate, accept, alias, negative, state, math.inf)
            loss += pair_loss
            for c in range(hidden.shape[0]):
                hidden[c] += error[c]
        losses[i] = loss


def _cbow(inputs, output, tokens, context_mask, centres, rate, losses, accept, alias, negative, seed):
    """CBOW: the mean of a centre's window predicts the centre and negatives drawn for it as in
    :func:`_skip_gram`; every neighbour receives the whole error (gensim's cbow_mean=1). As in gensim, a pair
    scored beyond +-6 takes no step (:data:`_SATURATED`)."""
    n, width = context_mask.shape
    d = inputs.shape[1]
    error = np.empty(d, np.float32)
    hidden = np.empty(d, np.float32)
    state = np.uint64(seed)
    for i in range(n):
        count = 0
        hidden[:] = 0.0
        for j in range(width):
            if context_mask[i, j]:
                count += 1
                row = inputs[tokens[i + j]]
                for c in range(d):
                    hidden[c] += row[c]
        loss = 0.0
        if count:
            centre = centres[i]
            scale = np.float32(1.0 / count)
            for c in range(d):
                hidden[c] *= scale
            error[:] = 0.0
            loss, state = _predict(output, centre, hidden, error, rate, accept, alias, negative, state, _SATURATED)
            for j in range(width):
                if context_mask[i, j]:
                    row = inputs[tokens[i + j]]
                    for c in range(d):
                        row[c] += error[c]
        losses[i] = loss


def _stack(column, scaled, stacks, sizes):
    """Push ``column`` on the stack of under-full columns (its share below 1) or of full ones."""
    full = 1 if scaled[column] >= 1.0 else 0
    stacks[full, sizes[full]] = column
    sizes[full] += 1


def _alias_columns(probabilities):
    """Walker's alias table of a distribution (Vose's construction): column ``i`` keeps ``i`` with
    probability ``accept[i]`` and gives ``alias[i]`` otherwise."""
    n = len(probabilities)
    scaled = probabilities * (n / probabilities.sum())
    accept = np.ones(n)
    alias = np.arange(n)
    stacks = np.empty((2, n), np.int64)  # columns under-full (0) and full (1)
    sizes = np.zeros(2, np.int64)
    for i in range(n):
        _stack(i, scaled, stacks, sizes)
    while sizes[0] and sizes[1]:
        sizes -= 1
        lo, hi = stacks[0, sizes[0]], stacks[1, sizes[1]]
        accept[lo] = scaled[lo]
        alias[lo] = hi
        scaled[hi] -= 1.0 - scaled[lo]
        _stack(hi, scaled, stacks, sizes)
    return accept, alias


class Noise(NamedTuple):
    """The noise distribution of the compiled steps: Walker's alias table, and the draws per prediction."""

    accept: np.ndarray
    alias: np.ndarray
    negative: int


def noise_sampler(probabilities, negative):
    """The :class:`Noise` of the compiled steps (``negative`` words per prediction), or None without numba."""
    if not _compile():
        return None
    return Noise(*_alias_columns(np.asarray(probabilities, dtype=np.float64)), int(negative))


def compiled_step(sg):
    """The compiled per-pair step for skip-gram (``sg``) or CBOW, or None without numba:
    ``step(inputs, output, tokens, context_mask, centres, rate, losses, accept, alias, negative, seed)``."""
    if not _compile():
        return None
    return _skip_gram if sg else _cbow
