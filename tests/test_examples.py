"""Every example script runs (on tiny settings), so none rots."""

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script):
    # the examples import the sknn of this checkout, not whichever one is installed
    root = str(pathlib.Path(__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    proc = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip(), "an example should print what it found"


def test_there_is_an_example_per_family():
    names = {p.name for p in EXAMPLES}
    assert {"quickstart.py", "dense_networks.py", "conv_images.py", "sequence_tagging.py",
            "transfer_learning.py", "word_embeddings.py", "production.py"} <= names
