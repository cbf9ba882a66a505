import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ log noise (e.g. cuInit on CPU-only machines)


@pytest.fixture(autouse=True)
def isolated_homes(tmp_path, monkeypatch):
    """Every test gets its own data and runs folders; models default to the shipped ones."""
    monkeypatch.setenv("MLPLAY_DATA", str(tmp_path / "datasets"))
    monkeypatch.setenv("MLPLAY_RUNS", str(tmp_path / "runs"))


@pytest.fixture(scope="session")
def tiny_mnist(tmp_path_factory):
    from helpers import synthetic_mnist, write_npz

    return write_npz(tmp_path_factory.mktemp("data") / "tiny.npz", synthetic_mnist())
