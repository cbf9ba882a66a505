"""Training through the shared loop on a small made-up corpus: the card (splits, vocabulary, BLEU of the exported
numpy files), `mlplay eval` reproducing it without TensorFlow, `mlplay translate` on the result; the numpy networks
agreeing with Keras; batches by length."""

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from mlplay.translate import data as tatoeba

SUBJECTS = [("I", "Je", "vois", "veux"), ("We", "Nous", "voyons", "voulons"), ("They", "Ils", "voient", "veulent"),
            ("You", "Tu", "vois", "veux"), ("He", "Il", "voit", "veut"), ("She", "Elle", "voit", "veut")]
THINGS = [("the cat", "le chat"), ("the dog", "le chien"), ("the station", "la gare"), ("a book", "un livre"),
          ("the house", "la maison"), ("a car", "une voiture"), ("the sea", "la mer"), ("a bird", "un oiseau"),
          ("the train", "le train"), ("a tree", "un arbre"), ("the moon", "la lune"), ("a horse", "un cheval")]


def made_up_pairs(path: Path) -> Path:
    lines = []
    for (en, fr, see, want), (thing, chose), end in itertools.product(SUBJECTS, THINGS, (".", "!")):
        third = en in ("He", "She")
        lines.append(f"{en} see{'s' if third else ''} {thing}{end}\t{fr} {see} {chose} {end}".replace(" .", "."))
        lines.append(f"{en} want{'s' if third else ''} {thing}{end}\t{fr} {want} {chose} {end}".replace(" .", "."))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_train_quick_then_eval_and_translate(mlplay, tmp_path):
    (tmp_path / "datasets").mkdir()
    pairs = made_up_pairs(tmp_path / "datasets" / "pairs.tsv")  # under $MLPLAY_DATA: the card names it there
    env = {"MLPLAY_MODELS": tmp_path / "models"}
    done = mlplay("train", "translate", "--quick", "--data", pairs, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    folder = tmp_path / "models" / "translate-quick"  # a --quick run never replaces models/translate
    assert sorted(p.name for p in folder.iterdir()) == ["card.json", "network.json", "vocabulary.json", "weights.npz"]
    card = json.loads((folder / "card.json").read_text())
    sizes = card["data"]["sentences"]
    assert sizes["test"]["sentences"] > 0 and sum(s["pairs"] for s in sizes.values()) == card["data"]["pairs"]
    assert card["data"]["sha256"] == tatoeba.read_pairs(pairs).sha256
    for key in ("test_bleu", "test_chrf", "test_bleu_beam4", "baseline_test_bleu", "validation_bleu"):
        assert 0 <= card["metrics"][key] <= 100
    assert card["metrics"]["unk_written"] == 0 and card["headline"] == "test_bleu_beam4"
    assert set(card["sha256"]) == {"card.json", "network.json", "vocabulary.json", "weights.npz"} - {"card.json"}

    assert card["data"]["file"] == "$MLPLAY_DATA/pairs.tsv"
    done = mlplay("eval", "translate-quick", env=env)
    assert done.returncode == 0 and "NO" not in done.stdout, done.stdout + done.stderr
    done = mlplay("translate", "--model", "translate-quick", "--jsonl", stdin="She wants the moon!\n", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["source"] == "She wants the moon!"
    done = mlplay("eval", "translate-quick", "--data", made_up_pairs(tmp_path / "other.tsv"), env=env)
    assert done.returncode == 0  # the same content under another name is the same data
    (tmp_path / "other.tsv").write_text(pairs.read_text() + "You see me.\tTu me vois.\n")
    done = mlplay("eval", "translate-quick", "--data", tmp_path / "other.tsv", env=env)
    assert done.returncode == 1 and "SHA-256 differs" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gru_attention", "transformer"])
def test_the_numpy_networks_compute_what_keras_computes(tmp_path, kind):
    from mlplay.console import tensorflow

    tensorflow()
    from mlplay.translate import layers, translator
    from mlplay.translate.subwords import learn

    vocabulary = learn(["the cat is here"] * 3 + ["le chat est ici"] * 3, 40)
    v = len(vocabulary)
    if kind == "gru_attention":
        model, network = layers.gru_attention(v, 9, 16, 12, 0.0), {"source_length": 9}
    else:
        model, network = layers.transformer(v, 9, 16, 4, 32, 2, 0.0, 30), {"source_length": 9, "layers": 2}
    rng = np.random.default_rng(0)
    for w in model.weights:  # float16 values, so that the exported weights are exactly these
        w.assign(rng.normal(0, 0.3, w.shape).astype(np.float16).astype(np.float32))
    source, target = [5, 7, 9, 11], [2, 8, 10, 12, 6]
    packed = np.zeros((2, 9 + 8), np.int32)
    packed[0, :4], packed[0, 9 : 9 + 5] = source, target
    packed[1, :7], packed[1, 9 : 9 + 8] = [5, 6, 7, 8, 9, 10, 11], [2, 8, 10, 12, 6, 7, 8, 9]  # longer: row 0 padded
    expected = np.asarray(model(packed[:1], training=False))
    beside_longer = np.asarray(model(packed, training=False))
    np.testing.assert_allclose(beside_longer[0, :5], expected[0], atol=1e-5)  # padding changes nothing
    translator.export(model, tmp_path, network, vocabulary, set())
    net = translator.Translator(tmp_path).net
    memory, state = net.start(np.array(source))
    got = []
    for token in target:
        logits, state, attention = net.step(np.array([token]), state, memory)
        got.append(logits[0])
        np.testing.assert_allclose(attention.sum(), 1.0, rtol=1e-5)
    np.testing.assert_allclose(np.array(got), expected[0], atol=2e-4)


def test_batches_group_similar_lengths_and_change_every_epoch():
    from mlplay.translate.batches import LengthBatches

    rng = np.random.default_rng(0)
    n, source_length = 1000, 6
    x = np.zeros((n, source_length + 12), np.int32)
    y = np.zeros((n, 12), np.int32)
    lengths = rng.integers(1, 12, n)
    for i, t in enumerate(lengths):
        x[i, :3] = 5
        y[i, :t] = 7
    batches = LengthBatches({"train": (x, y)}, source_length)
    one = batches.order("train", 50, np.random.default_rng(1))
    two = batches.order("train", 50, np.random.default_rng(2))
    assert sorted(np.concatenate(one).tolist()) == list(range(n))  # every pair once
    assert max(np.ptp(lengths[b]) for b in one) <= 3  # similar lengths together
    assert [b.tolist() for b in one] != [b.tolist() for b in two]
    assert batches.order("train", 50, None)[0].tolist() == batches.order("train", 50, None)[0].tolist()
