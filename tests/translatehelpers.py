"""Helpers for the translation tests: a tiny translation model made of random weights in numpy (no TensorFlow), in
the files and store layout a trained one has; where the real pairs are."""

import json
from pathlib import Path

import numpy as np
import pytest

from mlplay.download import sha256_file
from mlplay.translate import translator
from mlplay.translate.subwords import learn

from helpers import SHARED

SHARED_PAIRS = SHARED / "tatoeba-fra-eng" / "fra-eng.tsv"
needs_pairs = pytest.mark.skipif(not SHARED_PAIRS.is_file(),
                                 reason=f"needs the Tatoeba pairs at {SHARED_PAIRS} "
                                        "(../shared beside the clone, or MLPLAY_SHARED)")

PAIRS = [("I am hungry.", "J'ai faim."), ("I am tired.", "Je suis fatigué."), ("You are tired.", "Tu es fatigué."),
         ("Where is the station?", "Où est la gare ?"), ("Where is the cat?", "Où est le chat ?"),
         ("The cat is here.", "Le chat est ici."), ("Run!", "Cours !"), ("Run!", "Courez !"),
         ("I see the station.", "Je vois la gare."), ("We are here.", "Nous sommes ici.")]


def random_translator(folder: Path, name: str = "tiny", seed: int = 0, units: int = 8, embed: int = 12) -> Path:
    """models/<name>/ holding a GRU-attention translator with random weights and a card that hashes its files."""
    folder = Path(folder) / name
    folder.mkdir(parents=True)
    texts = [e for e, _ in PAIRS] + [f for _, f in PAIRS]
    vocabulary = learn(texts * 3, 120)
    v, rng = len(vocabulary), np.random.default_rng(seed)

    def r(*shape):
        return rng.normal(0, 0.5, shape).astype(np.float16)

    weights = {"embedding/embeddings": r(v, embed), "embedding/bias": r(v),
               "bridge/kernel": r(2 * units, 2 * units), "bridge/bias": r(2 * units),
               "decoder/gru_cell/kernel": r(embed, 6 * units),
               "decoder/gru_cell/recurrent_kernel": r(2 * units, 6 * units),
               "decoder/gru_cell/bias": r(2, 6 * units), "combine/kernel": r(4 * units, embed),
               "combine/bias": r(embed)}
    for side in ("forward", "backward"):
        weights.update({f"encoder/{side}_gru/gru_cell/kernel": r(embed, 3 * units),
                        f"encoder/{side}_gru/gru_cell/recurrent_kernel": r(units, 3 * units),
                        f"encoder/{side}_gru/gru_cell/bias": r(2, 3 * units)})
    with open(folder / translator.WEIGHTS_FILE, "wb") as f:
        np.savez(f, **weights)
    (folder / translator.NETWORK_FILE).write_text(json.dumps(
        {"kind": "gru_attention", "vocabulary": v, "source_length": 12, "embed": embed, "units": units}))
    (folder / translator.VOCABULARY_FILE).write_text(json.dumps(
        {**vocabulary.to_json(), "english_words": sorted({w.lower() for e, _ in PAIRS for w in e[:-1].split()})}))
    card = {"name": name, "family": "translate", "experiment": "translate", "task": "translation", "metrics": {},
            "command": f"mlplay train translate --name {name}",
            "sha256": {p.name: sha256_file(p) for p in folder.iterdir()}}
    (folder / "card.json").write_text(json.dumps(card))
    return folder
