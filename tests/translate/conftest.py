"""Fixtures for the translation tests (helpers in translatehelpers.py)."""

import pytest

from translatehelpers import PAIRS, random_translator


@pytest.fixture
def tiny(tmp_path):
    """(models folder, model name) of a random tiny translator."""
    random_translator(tmp_path / "models")
    return tmp_path / "models", "tiny"


@pytest.fixture
def pairs_file(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{e}\t{f}\n" for e, f in PAIRS) * 3, encoding="utf-8")
    return path
