"""Multi-worker training: TF_CONFIG parsing, and two worker processes on loopback ports training one model."""

import json
import re
import socket

import pytest

from mlplay.errors import MlplayError
from mlplay.training.distribute import Role, role


def tf_config(workers: list[str], index: int, kind: str = "worker", chief: list[str] | None = None) -> dict:
    cluster = {"worker": workers, **({"chief": chief} if chief else {})}
    return {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": kind, "index": index}})}


def test_role_reads_the_cluster_and_who_is_chief():
    hosts = ["a:1", "b:1", "c:1"]
    assert role("default", {}) == Role(1, True, "worker 0")
    assert role("multiworker", tf_config(hosts, 0)) == Role(3, True, "worker 0")
    assert role("multiworker", tf_config(hosts, 2)) == Role(3, False, "worker 2")
    assert role("multiworker", tf_config(hosts, 0, chief=["z:1"])).chief is False  # a chief task is the chief
    assert role("multiworker", tf_config(hosts, 0, "chief", chief=["z:1"])) == Role(4, True, "chief 0")


@pytest.mark.parametrize("env, words", [
    ({}, "needs TF_CONFIG"),
    ({"TF_CONFIG": "{not json"}, "not a usable cluster"),
    ({"TF_CONFIG": json.dumps({"cluster": {"worker": ["a:1"]}})}, "not a usable cluster"),
    (tf_config(["a:1", "b:1"], 2), "not in the cluster"),
    (tf_config(["a:1"], 0, kind="ps"), "not in the cluster"),
])
def test_role_refuses_a_missing_or_broken_tf_config(env, words):
    with pytest.raises(MlplayError, match=words):
        role("multiworker", env)


def test_unknown_strategy_is_refused_by_the_command_line():
    from typer.testing import CliRunner

    from mlplay.cli import app

    result = CliRunner().invoke(app, ["train", "digits-cnn", "--strategy", "parameter-server"])
    assert result.exit_code == 2 and "parameter-server" in result.output


def test_multiworker_without_tf_config_is_a_one_line_error(tiny_mnist, tmp_path, mlplay):
    result = mlplay("train", "digits-mlp", "--quick", "--strategy", "multiworker", "--data", tiny_mnist,
                    "--models-dir", tmp_path, env={"TF_CONFIG": None})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "needs TF_CONFIG" in result.stderr and "docs/training.md" in result.stderr


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.mark.slow
def test_two_workers_on_loopback_train_one_model_and_only_the_chief_saves(tiny_mnist, tmp_path, mlplay):
    hosts = [f"127.0.0.1:{port}" for port in free_ports(2)]
    procs = []
    for index in range(2):
        temp = tmp_path / f"tmp{index}"
        temp.mkdir()
        procs.append(mlplay.popen("train", "digits-mlp", "--quick", "--epochs", "2", "--batch-size", "64",
                                  "--strategy", "multiworker", "--data", tiny_mnist,
                                  "--models-dir", tmp_path / f"models{index}",
                                  env={**tf_config(hosts, index), "TMPDIR": temp}))
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-3000:]
        outputs.append(out)
    chief, worker = outputs
    assert "global batch 128 = 64 × 2 workers" in chief and "(chief)" in chief
    assert "worker 1: training done" in worker

    # one synchronous training: both processes saw the same metrics after every epoch
    def epochs(out):
        return [re.sub(r"\s+[\d.]+s$", "", line) for line in out.splitlines() if line.startswith("epoch ")]
    assert len(epochs(chief)) == 2 and epochs(chief) == epochs(worker)

    card = json.loads((tmp_path / "models0" / "digits-mlp-quick" / "card.json").read_text())
    assert card["training"]["strategy"] == "multiworker" and card["training"]["workers"] == 2
    assert card["training"]["batch_size"] == 64 and card["training"]["epochs_run"] == 2
    assert 0 <= card["metrics"]["test_accuracy"] <= 1
    assert not (tmp_path / "models1").exists()  # only the chief writes models/
    assert not list((tmp_path / "tmp1").iterdir())  # the worker's checkpoints are gone
    (run,) = (tmp_path / "runs" / "train" / "digits-mlp").iterdir()  # only the chief keeps a run folder
    assert (run / "best.weights.h5").exists()
