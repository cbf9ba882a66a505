"""The training loop on tiny synthetic data: card, logs, eval, Ctrl-C, resume, tf.distribute."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

MLPLAY = [sys.executable, "-m", "mlplay"]


def mlplay(*args, **kw):
    return subprocess.run([*MLPLAY, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)


def run_folder(runs: Path, name: str) -> Path:
    (folder,) = (runs / "train" / name).iterdir()
    return folder


@pytest.mark.slow
def test_quick_training_writes_model_card_logs_and_eval_matches(tiny_mnist, tmp_path):
    models = tmp_path / "models"
    result = mlplay("train", "digits-mlp", "--quick", "--data", tiny_mnist, "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert "epoch 1/2" in result.stdout and "epoch 2/2" in result.stdout  # one plain line per epoch, no TTY

    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["data"]["splits"] == {"train": 270, "validation": 30, "test": 100}
    assert 0 <= card["metrics"]["test_accuracy"] <= 1 and card["training"]["epochs_run"] == 2
    assert card["labels"] == [str(d) for d in range(10)] and card["input"]["shape"] == [28, 28, 1]
    for key in ("architecture", "versions", "command", "date", "validation"):
        assert card[key]
    assert sorted(p.name for p in (models / "digits-mlp").iterdir()) == ["card.json", "labels.txt", "model.keras", "model.tflite"]
    assert not [p for p in models.iterdir() if p.name.startswith(".")]  # no temp folders left

    folder = run_folder(Path(os.environ["MLPLAY_RUNS"]), "digits-mlp")
    assert (folder / "learning_curves.png").stat().st_size > 1000
    assert len((folder / "history.csv").read_text().splitlines()) == 3
    assert any((folder / "tensorboard").rglob("events.out.tfevents.*"))

    result = mlplay("eval", "digits-mlp", "--data", tiny_mnist, "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert "NO" not in result.stdout and "yes" in result.stdout


@pytest.mark.slow
def test_ctrl_c_keeps_the_best_model_and_resume_continues(tiny_mnist, tmp_path):
    models, runs = tmp_path / "models", Path(os.environ["MLPLAY_RUNS"])
    proc = subprocess.Popen([*MLPLAY, "train", "digits-mlp", "--epochs", "1000", "--patience", "1000", "--data", str(tiny_mnist),
                             "--models-dir", str(models)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        states = list(runs.glob("train/digits-mlp/*/state.json"))
        if states and json.loads(states[0].read_text())["epoch"] >= 3:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "interrupted" in out
    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["training"]["interrupted"] is True
    stopped_at = card["training"]["epochs_run"]
    assert 3 <= stopped_at < 1000

    result = mlplay("train", "digits-mlp", "--resume", "--epochs", stopped_at + 2, "--data", tiny_mnist,
                    "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert f"resuming after epoch {stopped_at}" in result.stdout
    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["training"]["resumed"] and card["training"]["epochs_run"] == stopped_at + 2


def test_resume_without_a_run_says_how_to_start_one(tmp_path):
    result = mlplay("train", "digits-mlp", "--resume", "--models-dir", tmp_path)
    assert result.returncode == 1 and "mlplay train digits-mlp" in result.stderr


DISTRIBUTED = """
import json, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from pathlib import Path
from mlplay import experiments
from mlplay.distribute import make_strategy
from mlplay.train import TrainConfig, train
print("replicas", make_strategy("mirrored").num_replicas_in_sync)
card = train(experiments.get("digits-cnn"), TrainConfig(quick=True, epochs=1, strategy="mirrored",
             data=Path(sys.argv[1]), models_root=Path(sys.argv[2])))
print("strategy", card["training"]["strategy"])
"""


@pytest.mark.slow
def test_training_under_mirrored_strategy_on_two_logical_cpus(tiny_mnist, tmp_path):
    result = subprocess.run([sys.executable, "-c", DISTRIBUTED, str(tiny_mnist), str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "replicas 2" in result.stdout and "strategy mirrored" in result.stdout
    assert (tmp_path / "digits-cnn" / "model.keras").exists()


@pytest.mark.slow
def test_a_time_budget_stops_training_and_the_card_records_cpu_time_and_threads(tiny_mnist, tmp_path):
    models = tmp_path / "models"
    result = mlplay("train", "digits-mlp", "--epochs", 1000, "--patience", 1000, "--minutes", 0.1, "--data", tiny_mnist,
                    "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert "time budget 0.1 minutes" in result.stdout
    training = json.loads((models / "digits-mlp" / "card.json").read_text())["training"]
    assert training["minutes_budget"] == 0.1 and 1 <= training["epochs_run"] < 1000
    assert 6 <= training["seconds"] < 60 and training["cpu_seconds"] > 0
    assert training["threads"]["cpus"] == os.cpu_count() and "intra_op" in training["threads"]
