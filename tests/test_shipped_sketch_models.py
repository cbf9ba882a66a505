"""The shipped sketch models: cards meet the goals, `mlplay eval` reproduces them, pictures are recognised."""

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.sketches import doodles
from mlplay.paths import REPO, models_dir

GOALS = {"sketch-mlp": 0.95, "sketch-cnn": 0.97}


@pytest.mark.parametrize("name", sorted(GOALS))
def test_card_meets_goal_on_held_out_generated_doodles(name):
    card = store.load_card(name)
    assert card["metrics"]["test_accuracy"] >= GOALS[name]
    per_class_test = doodles.TEST_PER_CLASS * len(doodles.CLASSES)
    assert card["data"]["splits"] == {"train": 43200, "validation": 4800, "test": per_class_test}
    assert card["data"]["source"].startswith(f"generated doodles v{doodles.VERSION} ")  # made by this generator
    assert card["labels"] == doodles.CLASSES and not card["training"]["quick"]
    assert (store.model_path(name) / store.LITERT_FILE).exists()


def test_models_folder_stays_small():
    total = sum(f.stat().st_size for f in models_dir().rglob("*") if f.is_file())
    assert total < 60e6, f"models/ holds {total / 1e6:.1f} MB"  # the project's limit: the whole folder < ~60 MB


def test_predict_recognises_a_star_drawn_dark_on_paper(tmp_path):
    paper = np.full((300, 400), 255, np.uint8)
    star = np.array([(200, 30), (270, 260), (80, 110), (320, 110), (130, 260), (200, 30)], np.int32)
    cv2.polylines(paper, [star], False, 0, 6, cv2.LINE_AA)
    cv2.imwrite(str(tmp_path / "star.png"), paper)
    run = subprocess.run([sys.executable, "-m", "mlplay", "predict", "sketch-cnn", str(tmp_path / "star.png"), "--jsonl",
                          "--top", "4"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["label"] == "star" and len(result["top"]) == 4, result


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GOALS))
def test_eval_reproduces_the_card(name):
    env = {**os.environ, "MLPLAY_DATA": str(REPO / "datasets")}  # the doodles are generated once, then cached
    result = subprocess.run([sys.executable, "-m", "mlplay", "eval", name], capture_output=True, text=True,
                            timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "yes" in result.stdout and "NO" not in result.stdout
