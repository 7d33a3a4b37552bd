"""pytest configuration shared by the doctests of the package and the tests."""

import importlib.util

# sknn.export's docstring example exports a model and runs it with onnxruntime: it needs the
# optional ONNX packages (the "onnx" and "test" extras), so it is left out without them.
collect_ignore = [] if all(importlib.util.find_spec(m) for m in ("onnx", "onnxruntime", "onnxscript")) \
    else ["sknn/export.py"]
