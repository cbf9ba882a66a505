"""digits-gen through the shared training loop (a tiny quick run on synthetic digits), `mlplay eval`, the pictures
it writes and its one-line errors; the GAN's training step on its own."""

import json

import numpy as np
import pytest
from conftest import Processes

from mlplay import store

QUICK = "digits-gen-quick"  # where a --quick run goes: it never replaces the real model


def run(*args, env=None):
    """mlplay in a new process, shared by the module's tests (the mlplay fixture is one test's)."""
    return Processes()(*args, env=env, timeout=600)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_mnist):
    """digits-gen trained by `mlplay train --quick` on the synthetic digits (judged by the shipped digits-cnn)."""
    root = tmp_path_factory.mktemp("models")
    runs = tmp_path_factory.mktemp("runs")
    result = run("train", "digits-gen", "--quick", "--data", tiny_mnist, "--models-dir", root,
                 env={"MLPLAY_RUNS": str(runs)})
    assert result.returncode == 0, result.stdout + result.stderr
    return root, runs, result.stdout


@pytest.mark.slow
def test_the_loop_saves_the_generator_with_its_measures(trained):
    root, runs, out = trained
    card = store.open(QUICK, root).card.raw
    assert card["headline"] == "conditional_accuracy" and card["task"] == "conditional image generation"
    assert card["architecture"]["model"] == "average_generator"  # the generator, not the pair that trained
    assert set(card["sha256"]) == {"model.keras", "model.tflite", "card.json", "labels.txt",
                                   "first_epoch.weights.h5"} - {"card.json"}
    metrics = card["metrics"]
    for key in ("conditional_accuracy", "frechet_distance", "frechet_floor", "frechet_first_epoch",
                "diversity_min", "diversity_mean", "conditional_accuracy_first_epoch"):
        assert np.isfinite(metrics[key]), key
    assert 0 <= metrics["conditional_accuracy"] <= 1 and metrics["frechet_floor"] > 0
    assert len(card["measures"]["per_digit"]["diversity"]) == 10
    sampling = card["sampling"]  # the spread ψ, chosen on the validation digits by the rule it states
    assert set(sampling["validation"]) == {"0.5", "0.6", "0.7", "0.8", "0.9", "1.0"}
    assert sampling["spread"] in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0) and "validation digits" in sampling["rule"]
    assert len(sampling["tone"]) == 256 and sampling["tone"] == sorted(sampling["tone"])
    assert f"ψ = {sampling['spread']}" in card["measures"]["samples"]
    assert card["validation"] == {"kept": "the last epoch", "epoch": 2}
    history = (next((runs / "train" / "digits-gen").iterdir()) / "history.csv").read_text().splitlines()
    header = history[0].split(",")
    assert {"d_loss", "g_loss", "val_conditional_accuracy", "val_frechet_distance", "val_diversity_min"} <= set(header)
    assert len(history) == 3  # one row an epoch: the measures over training, for the learning-curve picture
    assert "val_conditional_accuracy" in out


@pytest.mark.slow
def test_eval_recomputes_the_card(trained, tiny_mnist):
    root, _, _ = trained
    result = run("eval", QUICK, "--data", tiny_mnist, "--models-dir", root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conditional_accuracy" in result.stdout and "NO" not in result.stdout


@pytest.mark.slow
def test_the_litert_export_draws_what_keras_draws(trained):
    from mlplay.dream.dreamer import Dreamer
    from mlplay.dream.tracking import generate

    root, _, _ = trained
    dreamer = Dreamer(QUICK, root)
    z = np.random.default_rng(0).standard_normal((100, dreamer.latent)).astype(np.float32)
    digits = np.arange(100) % 10
    lite = dreamer.draw(z, digits)
    keras_pictures = dreamer.tone[generate(store.open(QUICK, root).keras(), dreamer.spread * z, digits)]
    step = max(1, int(np.diff(dreamer.tone.astype(int)).max()))  # one level apart before the tone curve
    assert np.abs(lite.astype(int) - keras_pictures).max() <= step


@pytest.mark.slow
def test_pictures_from_the_cli_and_a_damaged_generator(trained, tmp_path):
    root, _, _ = trained
    out = tmp_path / "sevens"
    first = run("dream", "digits", "--digit", "7", "--count", "12", "--out", out, "--seed", "4", "--jsonl",
                "--models-dir", root, "--model", QUICK)
    assert first.returncode == 0, first.stderr
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(lines) == 12 and {line["digit"] for line in lines} == {7}
    before = [(out / f"7-{i:04d}.png").read_bytes() for i in range(12)]
    again = run("dream", "digits", "--digit", "7", "--count", "12", "--out", out, "--seed", "4", "--models-dir", root,
                "--model", QUICK)
    assert again.returncode == 0 and "wrote 12 pictures of 7" in again.stdout
    assert before == [(out / f"7-{i:04d}.png").read_bytes() for i in range(12)]  # same seed, same pictures
    tflite = root / QUICK / "model.tflite"
    good = tflite.read_bytes()
    try:
        tflite.write_bytes(good[: len(good) // 2])
        damaged = run("dream", "digits", "--out", tmp_path / "x", "--models-dir", root, "--model", QUICK)
    finally:
        tflite.write_bytes(good)
    assert damaged.returncode == 1
    assert damaged.stderr.startswith(f"Error: model '{QUICK}' is damaged") and len(damaged.stderr.splitlines()) == 1


def test_bad_options_are_one_line_each(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    for args, message in ((["--digit", "12"], "--digit 12: not a digit"),
                          (["--count", "0", "--out", tmp_path / "o"], "--count 0: out of range"),
                          (["--out", blocker], "is a file, not a folder"),
                          (["--count", "3"], "--count is for writing pictures"),
                          (["--seed", "-1", "--out", tmp_path / "o"], "--seed -1")):
        result = run("dream", "digits", *args)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.startswith("Error: ") and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("options", [dict(conditioning="concat", ema=0.0),
                                     dict(classify=1.0, reconstruct=10.0, latent=16)])
def test_a_training_step_moves_both_networks_and_the_average_follows(options):
    from mlplay.console import tensorflow

    tensorflow()
    import keras

    from mlplay.dream.gan import ConditionalGAN

    keras.utils.set_random_seed(0)
    gan = ConditionalGAN(width=8, **options)
    gan.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-4, 100)))
    x = np.random.default_rng(0).integers(0, 255, (32, 28, 28, 1)).astype(np.float32)
    y = np.arange(32) % 10
    before = [w.copy() for w in gan.generator.get_weights()], [w.copy() for w in gan.discriminator.get_weights()]
    average_before = [w.copy() for w in gan.sampler.get_weights()]
    logs = gan.fit(x, y, batch_size=16, epochs=1, verbose=0).history
    assert set(logs) == {"d_loss", "g_loss", "real_accuracy"}
    moved = lambda a, b: any(not np.allclose(p, q) for p, q in zip(a, b))  # noqa: E731
    assert moved(before[0], gan.generator.get_weights()) and moved(before[1], gan.discriminator.get_weights())
    assert moved(average_before, gan.sampler.get_weights())
    if options.get("ema") == 0.0:  # no averaging: the kept generator is the trained one
        assert not moved(gan.sampler.get_weights(), gan.generator.get_weights())
    else:
        assert moved(gan.sampler.get_weights(), gan.generator.get_weights())
