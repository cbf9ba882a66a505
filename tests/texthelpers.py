"""A tiny random character model written straight to disk (numpy only, no training, no TensorFlow)."""

import json
from pathlib import Path

import numpy as np

VOCAB = list("\n !',.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def random_text_model(root: Path, name: str = "tiny", units: int = 16, embed: int = 8, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    v = len(VOCAB)
    arrays = {
        "embed/0": rng.normal(0, 0.5, (v, embed)),
        "gru/0": rng.normal(0, 0.3, (embed, 3 * units)),
        "gru/1": rng.normal(0, 0.3, (units, 3 * units)),
        "gru/2": rng.normal(0, 0.1, (2, 3 * units)),
        "next_char/0": rng.normal(0, 1.0, (units, v)),
        "next_char/1": rng.normal(0, 0.1, (v,)),
    }
    folder = Path(root) / name
    folder.mkdir(parents=True)
    np.savez(folder / "weights.npz", **{k: a.astype(np.float32) for k, a in arrays.items()})
    card = {"name": name, "family": "text", "task": "character-level text generation", "vocabulary": VOCAB,
            "headline": "test_bits_per_char",
            "metrics": {"test_bits_per_char": 9.9}, "data": {"source": "random weights (test)"}}
    (folder / "card.json").write_text(json.dumps(card))
    return folder


def sample_text(n_chars: int = 6000, seed: int = 0) -> str:
    """Learnable text: a few repeated phrases in random order."""
    rng = np.random.default_rng(seed)
    phrases = ["the cat sat on the mat. ", "a dog ran far away! ", "shall I compare thee? ", "to be or not to be.\n"]
    out = []
    while sum(map(len, out)) < n_chars:
        out.append(phrases[rng.integers(len(phrases))])
    return "".join(out)[:n_chars]


def cache_tiny_shakespeare() -> Path | None:
    """tiny-shakespeare cached as the default corpus (in the test's MLPLAY_DATA) from the shared copy, checked by
    SHA-256 as `mlplay data fetch shakespeare --data input.txt` does; None when there is no shared copy."""
    from mlplay.text import data as corpora

    from helpers import shared_data

    shared = shared_data()
    copy = shared / "tinyshakespeare" / "input.txt" if shared else None
    if copy is None or not copy.exists():
        return None
    return corpora.fetch_shakespeare(data=copy, log=lambda *a: None)
