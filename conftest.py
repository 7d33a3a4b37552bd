"""pytest configuration shared by the doctests of the package and the tests."""

import importlib.util

# sknn.export's docstring example exports a model and runs it with onnxruntime: it needs the
# optional ONNX packages (the "onnx" and "test" extras), so it is left out without them.
collect_ignore = [] if all(importlib.util.find_spec(m) for m in ("onnx", "onnxruntime", "onnxscript")) \
    else ["sknn/export.py"]


def pytest_configure(config):
    """Under pytest-xdist (``-n``) each worker process runs torch on one thread: workers already share the
    cores, and OpenMP threads of two processes spinning on the same cores make small steps many times slower."""
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):
        import torch

        torch.set_num_threads(1)
