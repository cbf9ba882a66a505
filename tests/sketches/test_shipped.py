"""The shipped sketch models: cards meet the goals on held-out generated doodles and on held-out real Quick, Draw!
drawings, `mlplay eval` reproduces them, real bitmaps saved as PNG and pictures of sketches are recognised."""

import json

import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.paths import REPO
from mlplay.sketches import data as sketch_data, doodles

from helpers import SHARED

REAL = sketch_data.REAL_CLASSES  # the real classes shipped (../shared's sample: the first 2,000 of each file)
LABELS = doodles.CLASSES + [c for c in REAL if c not in doodles.CLASSES]  # the two diamonds are one label
# held-out test accuracy a source, judged against all 21 labels; the goal for real drawings is 92 %, met by
# the CNN (the default model); the MLP, with no convolutions, is held to what it reaches (see docs/sketches.md)
GOALS = {"sketch-mlp": {"doodles": 0.95, "quickdraw": 0.90}, "sketch-cnn": {"doodles": 0.97, "quickdraw": 0.92}}


def real_sample():
    sample = SHARED / "quickdraw-sample"
    if not sample.is_dir():
        pytest.skip("needs the real QuickDraw sample in ../shared/data/quickdraw-sample")
    return sample


def test_predict_names_real_quickdraw_bitmaps_saved_as_png(tmp_path, mlplay):
    """Every held-out real drawing (rows 6, 13, 20, … of the first 2,000 of each file, never trained on), saved as
    the PNG a user would have, through `mlplay predict` (LiteRT): the card's real-drawing figure again."""
    sample, paths, truth = real_sample(), [], []
    for name in REAL:
        bitmaps = np.load(sample / f"{name}.npy", mmap_mode="r")
        for row in range(6, 2000, 7):
            path = tmp_path / f"{name}-{row}.png"
            cv2.imwrite(str(path), bitmaps[row].reshape(28, 28))
            paths.append(str(path))
            truth.append(name)
    run = mlplay("predict", "sketch-cnn", *paths, "--jsonl")
    assert run.returncode == 0, run.stderr
    guesses = np.array([json.loads(line)["label"] for line in run.stdout.splitlines()])
    right = guesses == np.array(truth)
    card = store.open("sketch-cnn").card.raw
    assert len(right) == card["test_by_source"]["quickdraw"]["drawings"] == 1710
    assert abs(right.mean() - card["metrics"]["test_accuracy_quickdraw"]) <= 3 / 1710  # LiteRT vs Keras
    for name in REAL:  # each class named for most of its drawings
        assert right[np.array(truth) == name].mean() >= 0.85, name


def test_predict_recognises_a_star_drawn_dark_on_paper(tmp_path, mlplay):
    paper = np.full((300, 400), 255, np.uint8)
    star = np.array([(200, 30), (270, 260), (80, 110), (320, 110), (130, 260), (200, 30)], np.int32)
    cv2.polylines(paper, [star], False, 0, 6, cv2.LINE_AA)
    cv2.imwrite(str(tmp_path / "star.png"), paper)
    run = mlplay("predict", "sketch-cnn", tmp_path / "star.png", "--jsonl", "--top", "4")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["label"] == "star" and len(result["top"]) == 4, result


@pytest.mark.parametrize("name", sorted(GOALS))
def test_eval_reproduces_the_card_which_meets_the_goals_on_held_out_doodles_and_real_drawings(name, tmp_path, mlplay):
    """The data the card names, obtained as a user would: the doodles generated (cached in the repo's datasets/),
    the real classes fetched by `mlplay data fetch quickdraw` from a local copy of the official files."""
    sample = real_sample()
    (REPO / "datasets" / "doodles").mkdir(parents=True, exist_ok=True)
    (tmp_path / "doodles").symlink_to(REPO / "datasets" / "doodles")  # generated once, then reused
    env = {"MLPLAY_DATA": tmp_path, "MLPLAY_QUICKDRAW_URL": sample.as_uri()}
    fetch = mlplay("data", "fetch", "quickdraw", "--classes", ",".join(REAL), "--per-class", "2000", env=env)
    assert fetch.returncode == 0, fetch.stderr
    result = mlplay("eval", name, timeout=900, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_accuracy_quickdraw" in result.stdout and "yes" in result.stdout and "NO" not in result.stdout
    card = store.open(name).card.raw  # the figures eval has just reproduced
    for source, goal in GOALS[name].items():
        assert card["metrics"][f"test_accuracy_{source}"] >= goal, (source, card["metrics"])
    assert card["labels"] == LABELS and not card["training"]["quick"]
    assert card["data"]["reload"] == sketch_data.DEFAULT_SPEC == f"doodles,quickdraw[{','.join(REAL)}]"
    assert card["data"]["splits"] == {"train": 23664, "validation": 2626, "test": 9710}
    assert card["test_by_source"]["quickdraw"]["drawings"] == 6 * 285  # every 7th of the first 2,000 a class
    assert card["data"]["source"].startswith(f"generated doodles v{doodles.VERSION} ")  # made by this generator
    assert "Quick, Draw!" in card["data"]["source"] and "CC BY 4.0" in card["data"]["source"]
    assert (store.model_path(name) / store.LITERT_FILE).exists()
