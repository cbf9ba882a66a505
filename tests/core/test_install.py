"""`pip install .` (a wheel, not editable) into a fresh virtual environment outside the clone gives a working `mlplay`
that finds the shipped models, as `pip install git+URL` would for a user. Offline: the wheel is built with this
environment's setuptools, and the new environment borrows this one's dependencies (TensorFlow, OpenCV, …) instead of
downloading them."""

import json
import shutil
import site
import subprocess

import cv2
import numpy as np

from mlplay.paths import REPO

SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "mlplay", "models")


def test_an_installed_mlplay_outside_the_clone_lists_and_runs_the_shipped_models(tmp_path, mlplay):
    source = tmp_path / "source"  # a copy: building in the clone would leave build/ and *.egg-info behind
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__", ".*")}
                                            if (REPO / name).is_dir() else {}))
    built = mlplay.python("-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation", "-w", tmp_path / "wheel",
                          timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("mlplay-*.whl")

    venv = tmp_path / "venv"
    made = mlplay.python("-m", "venv", "--without-pip", venv, timeout=120)
    assert made.returncode == 0, made.stderr
    installed = mlplay.python("-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", wheel,
                              timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    (packages,) = venv.glob("lib/python3*/site-packages")
    (packages / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")  # TensorFlow & co., not mlplay

    user = tmp_path / "user"  # a user's home and working folder, nowhere near the clone
    user.mkdir()
    env = {"HOME": user, "PYTHONPATH": None, "MLPLAY_MODELS": None, "MLPLAY_DATA": None, "MLPLAY_RUNS": None,
           "XDG_DATA_HOME": None, "XDG_CACHE_HOME": None, "COLUMNS": "200"}

    def run(*command):  # the installed environment's own programs
        done = subprocess.run(list(map(str, command)), capture_output=True, text=True, cwd=user, timeout=300,
                              env=mlplay.environment(env))
        return done.stdout, done.stderr

    where, _ = run(venv / "bin" / "python", "-c", "import json, mlplay.paths as p; print(json.dumps("
                   "[p.__file__, p.CHECKOUT, str(p.shipped_models_dir())]))")
    path, checkout, shipped = json.loads(where)
    assert path.startswith(str(packages)) and checkout is False and shipped.startswith(str(packages))

    listing, errors = run(venv / "bin" / "mlplay", "models")
    for name in ("digits-cnn", "sketch-cnn", "sum-3", "shakespeare", "coco-ssd-quant", "rps-hands"):
        assert any(line.startswith(name + " ") for line in listing.splitlines()), listing + errors
    seven = np.zeros((200, 200), np.uint8)
    cv2.putText(seven, "7", (50, 150), cv2.FONT_HERSHEY_SIMPLEX, 5, 255, 10)
    cv2.imwrite(str(user / "seven.png"), seven)
    predicted, errors = run(venv / "bin" / "mlplay", "predict", "digits-cnn", "seven.png", "--jsonl")
    assert json.loads(predicted)["label"] == "7", errors
    assert not (user / ".local" / "share" / "mlplay").exists()  # reading the shipped models copies nothing
