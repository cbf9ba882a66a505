"""The training loop on tiny synthetic data: card, logs, eval, Ctrl-C, resume, tf.distribute."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from mlplay import store


def run_folder(runs: Path, name: str) -> Path:
    (folder,) = (runs / "train" / name).iterdir()
    return folder


@pytest.mark.slow
def test_quick_training_writes_model_card_logs_and_eval_matches(tiny_mnist, tmp_path, mlplay):
    models = tmp_path / "models"
    result = mlplay("train", "digits-mlp", "--quick", "--data", tiny_mnist, "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert "epoch 1/2" in result.stdout and "epoch 2/2" in result.stdout  # one plain line per epoch, no TTY

    card = json.loads((models / "digits-mlp-quick" / "card.json").read_text())  # a --quick run never replaces
    splits = card["data"]["splits"]  # the 300 tiny digits and generated non-digits; the test set is the 100 digits
    assert splits["test"] == 100 and splits["train"] > 270 and 0 < splits["validation"] < splits["train"] / 5
    assert card["metrics"]["test_accuracy"] >= 0.5 and card["training"]["epochs_run"] == 2  # chance is 0.1
    assert card["labels"] == [*(str(d) for d in range(10)), "not a digit"] and card["input"]["shape"] == [28, 28, 1]
    for key in ("architecture", "versions", "command", "date", "validation"):
        assert card[key]
    assert card["run"]["folder"].startswith("$MLPLAY_RUNS/train/digits-mlp/")  # no machine-specific absolute path
    files = sorted(p.name for p in (models / "digits-mlp-quick").iterdir())
    assert files == ["card.json", "labels.txt", "model.keras", "model.tflite"]
    assert not [p for p in models.iterdir() if p.name.startswith(".")]  # no temp folders left

    folder = run_folder(Path(os.environ["MLPLAY_RUNS"]), "digits-mlp")
    assert (folder / "learning_curves.png").stat().st_size > 1000
    assert len((folder / "history.csv").read_text().splitlines()) == 3
    assert any((folder / "tensorboard").rglob("events.out.tfevents.*"))

    result = mlplay("eval", "digits-mlp-quick", "--data", tiny_mnist, "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert "NO" not in result.stdout and "yes" in result.stdout


def start_training(mlplay, tiny_mnist, models, log: Path):
    """`mlplay train digits-mlp … | tee log` in a process group of its own, as a shell runs a pipeline: returns
    (trainer, tee). SIGINT is reset to its default in both (a test runner started in the background ignores it)."""
    def own_group(leader=0):
        os.setpgid(0, leader)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    trainer = mlplay.popen("train", "digits-mlp", "--epochs", "1000", "--patience", "1000", "--data", tiny_mnist,
                           "--models-dir", models, stderr=subprocess.STDOUT, text=False, preexec_fn=own_group)
    tee = subprocess.Popen(["tee", str(log)], stdin=trainer.stdout, stdout=subprocess.DEVNULL,
                           preexec_fn=lambda: own_group(trainer.pid))
    trainer.stdout.close()  # tee holds the only read end: when tee dies, the pipe is broken
    return trainer, tee


@pytest.fixture
def pipelines():
    """Started pipelines, killed at the end whatever happened (a failed wait must not leave a trainer running)."""
    started = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


def training_after(mlplay, epochs: int, tiny_mnist, tmp_path, pipelines, timeout=600):
    """A `train digits-mlp … | tee log` pipeline into tmp_path (models/, log) once `epochs` epochs are done:
    (models folder, run folder, trainer, tee)."""
    models, runs = tmp_path / "models", Path(os.environ["MLPLAY_RUNS"])
    trainer, tee = start_training(mlplay, tiny_mnist, models, tmp_path / "log")
    pipelines += [trainer, tee]
    deadline = time.time() + timeout
    while time.time() < deadline:
        states = list(runs.glob("train/digits-mlp/*/state.json"))
        if states and json.loads(states[0].read_text())["epoch"] >= epochs:
            return models, states[0].parent, trainer, tee
        time.sleep(0.2)
    raise AssertionError(f"digits-mlp did not finish {epochs} epochs in {timeout} s")


@pytest.mark.slow
def test_ctrl_c_through_a_pipe_that_dies_too_keeps_the_best_model_and_resume_continues(tiny_mnist, tmp_path, pipelines,
                                                                                        mlplay):
    models, _, trainer, tee = training_after(mlplay, 3, tiny_mnist, tmp_path, pipelines)
    os.killpg(trainer.pid, signal.SIGINT)  # Ctrl-C reaches the whole pipeline: tee dies as well
    assert trainer.wait(timeout=180) == 130 and tee.wait(timeout=10) == -signal.SIGINT
    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["training"]["interrupted"] is True
    stopped_at = card["training"]["epochs_run"]
    assert 3 <= stopped_at < 1000 and "epoch 3/1000" in (tmp_path / "log").read_text()
    assert store.open("digits-mlp", models).damaged() == []

    result = mlplay("train", "digits-mlp", "--resume", "--epochs", stopped_at + 2, "--data", tiny_mnist,
                    "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert f"resuming after epoch {stopped_at}" in result.stdout
    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["training"]["resumed"] and card["training"]["epochs_run"] == stopped_at + 2


@pytest.mark.slow
def test_sigterm_keeps_the_best_model_and_exits_143(tiny_mnist, tmp_path, pipelines, mlplay):
    models, _, trainer, tee = training_after(mlplay, 2, tiny_mnist, tmp_path, pipelines)
    trainer.send_signal(signal.SIGTERM)
    assert trainer.wait(timeout=180) == 128 + signal.SIGTERM and tee.wait(timeout=10) == 0
    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["training"]["interrupted"] is True and card["training"]["epochs_run"] >= 2
    assert "interrupted: saving the best model" in (tmp_path / "log").read_text()


def dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


@pytest.mark.slow
def test_a_killed_run_is_finalised_by_resume_and_its_temp_files_are_removed(tiny_mnist, tmp_path, pipelines, mlplay):
    models, folder, trainer, tee = training_after(mlplay, 2, tiny_mnist, tmp_path, pipelines)
    trainer.kill()
    trainer.wait(timeout=60)
    tee.wait(timeout=10)
    assert not (models / "digits-mlp").exists()
    done = json.loads((folder / "state.json").read_text())["epoch"]
    pid = dead_pid()  # what a writer killed mid-save leaves: a half-written model folder and checkpoint
    half_model = models / f".digits-mlp.{pid}.k2j4_x.tmp"
    half_model.mkdir(parents=True)
    (half_model / "model.keras").write_bytes(b"half")
    half_checkpoint = folder / f".last.keras.{pid}.a8b9c0.tmp.keras"
    half_checkpoint.write_bytes(b"half")
    live = models / f".other.{os.getpid()}.zz9.tmp"  # a live writer's temp file stays
    live.write_bytes(b"in progress")

    result = mlplay("train", "digits-mlp", "--resume", "--epochs", done, "--data", tiny_mnist, "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert f"already did {done} epochs: saving its best model" in result.stdout
    card = json.loads((models / "digits-mlp" / "card.json").read_text())
    assert card["training"]["epochs_run"] == done and card["training"]["resumed"] is True
    assert not half_model.exists() and not half_checkpoint.exists() and live.exists()
    assert sorted(p.name for p in models.iterdir()) == [live.name, "digits-mlp"]


@pytest.mark.slow
def test_same_seed_gives_the_same_model_and_another_seed_does_not(tiny_mnist, tmp_path):
    import keras

    from mlplay import registry
    from mlplay.training.loop import TrainConfig, train

    def weights(seed, where):
        train(registry.experiment("digits-mlp"), TrainConfig(epochs=1, seed=seed, data=tiny_mnist, models_root=where),
              log=lambda *_: None)
        return keras.models.load_model(where / "digits-mlp" / "model.keras").get_weights()

    first, again, other = weights(7, tmp_path / "a"), weights(7, tmp_path / "b"), weights(8, tmp_path / "c")
    assert all((a == b).all() for a, b in zip(first, again))
    assert not all((a == b).all() for a, b in zip(first, other))


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path, monkeypatch):
    from mlplay.training import loop as train

    monkeypatch.setenv("MLPLAY_RUNS", str(tmp_path))
    folders = [train._run_folder("digits-mlp", resume=False) for _ in range(3)]
    assert len(set(folders)) == 3 and all(f.is_dir() for f in folders)  # a clock this fast gives one stamp or two
    assert folders[0].parent == tmp_path / "train" / "digits-mlp"


def test_resume_without_a_run_says_how_to_start_one(tmp_path, mlplay):
    result = mlplay("train", "digits-mlp", "--resume", "--models-dir", tmp_path)
    assert result.returncode == 1 and "mlplay train digits-mlp" in result.stderr


DISTRIBUTED = """
import json, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from pathlib import Path
from mlplay import registry
from mlplay.training.distribute import make_strategy
from mlplay.training.loop import TrainConfig, train
print("replicas", make_strategy("mirrored").num_replicas_in_sync)
card = train(registry.experiment("digits-cnn"), TrainConfig(quick=True, epochs=1, strategy="mirrored",
             data=Path(sys.argv[1]), models_root=Path(sys.argv[2])))
print("strategy", card["training"]["strategy"])
"""


@pytest.mark.slow
def test_training_under_mirrored_strategy_on_two_logical_cpus(tiny_mnist, tmp_path, mlplay):
    result = mlplay.python("-c", DISTRIBUTED, tiny_mnist, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "replicas 2" in result.stdout and "strategy mirrored" in result.stdout
    assert (tmp_path / "digits-cnn-quick" / "model.keras").exists()


@pytest.mark.slow
def test_a_time_budget_stops_training_and_the_card_records_cpu_time_and_threads(tiny_mnist, tmp_path, mlplay):
    models = tmp_path / "models"
    result = mlplay("train", "digits-mlp", "--epochs", 1000, "--patience", 1000, "--minutes", 0.1, "--data", tiny_mnist,
                    "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert "time budget 0.1 minutes" in result.stdout
    training = json.loads((models / "digits-mlp" / "card.json").read_text())["training"]
    assert training["minutes_budget"] == 0.1 and 1 <= training["epochs_run"] < 1000
    assert 6 <= training["seconds"] < 60 and training["cpu_seconds"] > 0
    assert training["threads"]["cpus"] == os.cpu_count() and "intra_op" in training["threads"]
