"""`mlplay train text` through the shared loop (a quick config), then used by `mlplay write`, `eval` and `models`."""

import json

from texthelpers import sample_text


def test_train_text_on_any_file_then_write_with_it(tmp_path, mlplay):
    data = tmp_path / "book.txt"
    data.write_text(sample_text(20_000), encoding="utf-8")
    models = tmp_path / "models"
    result = mlplay("train", "text", "--data", data, "--name", "book", "--quick", "--models-dir", models, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    card = json.loads((models / "book-quick" / "card.json").read_text())  # a --quick run: saved apart
    metrics = card["metrics"]
    assert metrics["test_bits_per_char"] > 0 and metrics["ngram_test_bits_per_char"] > 0
    assert card["baseline"]["order"] >= 1 and card["vocabulary"] == sorted(set(sample_text(20_000)[:16_000]))
    assert card["data"]["blocks"] == {"train": 16_000, "validation": 2_000, "test": 2_000}
    assert card["input"]["dtype"] == "int32"
    # a text model ships only its numpy weights: `mlplay eval` rebuilds the Keras model from the card's size
    assert sorted(f.name for f in (models / "book-quick").iterdir()) == ["card.json", "weights.npz"]
    assert card["architecture"]["gru_layers"] == 1 and card["data"]["window"] == 32
    assert card["generation"]["chars_per_s"] > 0 and card["generation"]["ghost_ms"] > 0
    out = mlplay("write", "--model", "book-quick", "--models-dir", models, "--prompt", "the cat", "--length", 50,
                 "--seed", 3)
    assert out.returncode == 0 and out.stdout.startswith("the cat") and len(out.stdout) == 7 + 51
    # its card names the file by SHA-256
    evaluated = mlplay("eval", "book-quick", "--models-dir", models, "--data", data)
    assert evaluated.returncode == 0 and "NO" not in evaluated.stdout, evaluated.stdout + evaluated.stderr[-2000:]
    listing = mlplay("models", "--models-dir", models)
    assert "book-quick" in listing.stdout and "n-gram" in listing.stdout and "QUICK" in listing.stdout



def test_weights_trained_elsewhere_are_scored_and_saved_with_their_card(tmp_path, mlplay):
    """python -m mlplay.training.anywhere (plain Keras, any backend) writes weights and a history; `mlplay train
    --weights` scores them on the test block, records where they were trained, and saves only the numpy weights."""
    data = tmp_path / "plays.txt"
    data.write_text(sample_text(20_000), encoding="utf-8")
    out, models = tmp_path / "run", tmp_path / "models"
    trained = mlplay.python("-m", "mlplay.training.anywhere", "shakespeare", "--size", "gru512", "--minutes", "0.02",
                            "--data", data, "--out", out, timeout=600)
    assert trained.returncode == 0, trained.stderr[-2000:]
    history = json.loads((out / "history.json").read_text())
    assert history["options"] == {"size": "gru512"} and history["epochs"]
    result = mlplay("train", "shakespeare", "--size", "gru512", "--weights", out, "--data", data,
                    "--models-dir", models, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(f.name for f in (models / "shakespeare").iterdir()) == ["card.json", "weights.npz"]
    card = json.loads((models / "shakespeare" / "card.json").read_text())
    assert card["architecture"]["units"] == 512 and card["architecture"]["gru_layers"] == 1
    assert card["metrics"]["test_nats_per_char"] > 0 and card["validation"]["nats_per_char"] > 0
    assert card["data"]["chars"] == 20_000 and card["training"]["trained_elsewhere"]["options"] == {"size": "gru512"}
    # the Keras model is rebuilt from the card and weights.npz, and scores what the card says
    evaluated = mlplay("eval", "shakespeare", "--models-dir", models, "--data", data, timeout=600)
    assert evaluated.returncode == 0 and "NO" not in evaluated.stdout, evaluated.stdout + evaluated.stderr[-2000:]

def test_train_text_needs_a_name_and_data(tmp_path, mlplay):
    result = mlplay("train", "text", "--models-dir", tmp_path)
    assert result.returncode == 1 and "--name" in result.stderr and "Traceback" not in result.stderr
    result = mlplay("train", "text", "--name", "x", "--models-dir", tmp_path)
    assert result.returncode == 1 and "--data" in result.stderr
