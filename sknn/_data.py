"""Data adapters: what the engine iterates over.

A *batch source* (the contract is :class:`sknn._family.BatchSource`) has ``__len__``,
``subset(indices)`` and ``batches(batch_size, shuffle, generator, device)``, which yields
``(X, y, w)`` triples (``y`` and ``w`` may be None); targets and sample weights are given
when it is built. The engine asks for nothing else, so each estimator family brings the
source that fits its data (rows of a matrix here; images or sequences elsewhere) and
shares one training loop.
"""

import numpy as np
import scipy.sparse as sp
import torch

__all__ = ["ArrayBatches"]


def _take(a, index):
    """Rows ``index`` (a 1-D int64 tensor on the CPU) of a tensor or a sparse matrix."""
    if a is None:
        return None
    if sp.issparse(a):
        return a[index.numpy()]
    return a[index.to(a.device)]


def _to_device(a, device):
    if a is None:
        return None
    if sp.issparse(a):
        a = torch.from_numpy(a.toarray())
    return a.to(device, non_blocking=True)


class ArrayBatches:
    """Rows of a matrix, with optional targets and sample weights, served in batches.

    Shuffling permutes the whole arrays once per epoch, then batches are contiguous
    slices (views): no row-by-row gathering or collation. A scipy sparse ``X`` stays
    sparse in memory and is densified one batch at a time.

    Parameters
    ----------
    X : torch.Tensor or scipy.sparse CSR matrix of shape (n_samples, ...)
    y : torch.Tensor of shape (n_samples, ...) or None
    sample_weight : torch.Tensor of shape (n_samples,) or None
    """

    def __init__(self, X, y=None, sample_weight=None):
        self.X = X
        self.y = y
        self.sample_weight = sample_weight

    def __len__(self):
        return self.X.shape[0]

    def subset(self, indices):
        index = torch.as_tensor(np.asarray(indices), dtype=torch.int64)
        return ArrayBatches(_take(self.X, index), _take(self.y, index), _take(self.sample_weight, index))

    def to(self, device):
        """Keep the dense arrays on ``device`` across epochs (sparse ones stay on the host)."""
        move = lambda a: a if a is None or sp.issparse(a) else a.to(device)  # noqa: E731
        return ArrayBatches(move(self.X), move(self.y), move(self.sample_weight))

    def pin_memory(self):
        """Page-locked copies of the dense arrays, so batches copy to a GPU without blocking.

        Shuffled epochs gather into page-locked buffers allocated once.
        """
        pin = lambda a: a if a is None or sp.issparse(a) else a.pin_memory()  # noqa: E731
        return ArrayBatches(pin(self.X), pin(self.y), pin(self.sample_weight))

    def nbytes(self):
        dense = [a for a in (self.X, self.y, self.sample_weight) if isinstance(a, torch.Tensor)]
        return sum(a.numel() * a.element_size() for a in dense)

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        X, y, w = self.X, self.y, self.sample_weight
        n = len(self)
        if shuffle:
            perm = torch.randperm(n, generator=generator)
            if isinstance(X, torch.Tensor) and X.is_pinned():
                X, y, w = self._gather_pinned(perm)
            else:
                X, y, w = _take(X, perm), _take(y, perm), _take(w, perm)
        stops = list(range(batch_size, n, batch_size)) + [n]
        if len(stops) > 1 and stops[-1] - stops[-2] == 1:
            del stops[-2]  # a lone last row joins the batch before it (batch norm needs 2 rows)
        start = 0
        for stop in stops:  # non_blocking: from pinned memory the copy overlaps the computation
            yield (
                _to_device(X[start:stop], device),
                _to_device(None if y is None else y[start:stop], device),
                _to_device(None if w is None else w[start:stop], device),
            )
            start = stop

    def _gather_pinned(self, perm):
        """Rows ``perm`` of the pinned arrays, into pinned buffers reused from epoch to epoch.

        The engine synchronises at the end of every epoch, so no copy of the previous
        epoch is still reading a buffer when it is refilled.
        """
        buffers = getattr(self, "_pinned_buffers", None)
        arrays = (self.X, self.y, self.sample_weight)
        if buffers is None:
            buffers = self._pinned_buffers = [None if a is None else torch.empty_like(a).pin_memory()
                                              for a in arrays]
        return [None if a is None else torch.index_select(a, 0, perm, out=buf) for a, buf in zip(arrays, buffers)]
