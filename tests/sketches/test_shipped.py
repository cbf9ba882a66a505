"""The shipped sketch models: their cards meet the goals on held-out real Quick, Draw! drawings of 37 classes (top-1,
top-3, every class, calibration), `mlplay predict` recomputes the real-drawing figures from PNG files, `mlplay eval`
reproduces the cards, and a weak guess reads "not sure"."""

import json

import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.paths import REPO, models_dir
from mlplay.sketches import data as sketch_data
from mlplay.sketches.models import SURE
from mlplay.sketches.stream import SPLITS, file_splits

from helpers import SHARED

REAL = sketch_data.REAL_CLASSES  # the 37 real classes shipped (../shared's sample: the first 700 or 2,000 of each file)
# held-out real drawings, judged against all labels (issue 21): the CNN ≥ 88 % top-1, ≥ 96 % top-3, every class
# ≥ 60 %; the MLP ≥ 75 % top-1; calibration error after scaling ≤ 3 %
GOALS = {"sketch-cnn": {"accuracy": 0.88, "top3_accuracy": 0.96, "lowest_class_accuracy": 0.60, "ece_after": 0.03},
         "sketch-mlp": {"accuracy": 0.75, "ece_after": 0.03}}


def real_sample():
    sample = SHARED / "quickdraw-sample"
    if not sample.is_dir():
        pytest.skip("needs the real QuickDraw sample in ../shared/data/quickdraw-sample")
    return sample


@pytest.mark.parametrize("name", sorted(GOALS))
def test_card_meets_goals_on_held_out_real_drawings(name):
    card = store.open(name).card.raw
    real = card["test_by_source"]["quickdraw"]
    for figure, goal in GOALS[name].items():
        assert (real[figure] <= goal) if figure == "ece_after" else (real[figure] >= goal), (figure, real[figure])
    assert real["ece_after"] < real["ece_before"] or real["ece_before"] <= 0.03
    assert card["calibration"]["temperature"] > 0 and card["metrics"]["test_ece"] <= 0.03
    assert set(REAL) <= set(card["labels"]) and not card["training"]["quick"]
    assert real["drawings"] == 17 * 285 + 20 * 100  # every 7th of the first 2,000 (17 classes) or 700 (20)
    assert card["data"]["reload"] == sketch_data.DEFAULT_SPEC
    assert "Quick, Draw!" in card["data"]["source"] and "CC BY 4.0" in card["data"]["source"]
    assert set(real["per_label_accuracy"]) == set(REAL)
    assert (store.model_path(name) / store.LITERT_FILE).exists()


def test_models_folder_stays_small():
    total = sum(f.stat().st_size for f in models_dir().rglob("*") if f.is_file())
    assert total < 90e6, f"models/ holds {total / 1e6:.1f} MB"  # the project's limit: the whole folder < ~90 MB


def held_out_pngs(tmp_path):
    """Every held-out real drawing (every 7th row of each class file, never trained on) as the PNG a user would have."""
    sample, paths, truth = real_sample(), [], []
    for name in REAL:
        bitmaps = np.load(sample / f"{name}.npy", mmap_mode="r")
        for row in np.flatnonzero(file_splits(np.arange(len(bitmaps))) == SPLITS["test"]):
            path = tmp_path / f"{name}-{row}.png"
            cv2.imwrite(str(path), bitmaps[row].reshape(28, 28))
            paths.append(str(path))
            truth.append(name)
    return paths, np.array(truth)


@pytest.mark.slow
def test_predict_recomputes_the_real_drawing_figures_from_png_files(tmp_path, mlplay):
    """The held-out real drawings through `mlplay predict --top 3 --jsonl` (LiteRT): top-1, top-3, every class and
    the share "not sure" as on the card (LiteRT vs Keras: a few drawings of 6,845 may differ)."""
    paths, truth = held_out_pngs(tmp_path)
    run = mlplay("predict", "sketch-cnn", *paths, "--jsonl", "--top", "3", timeout=600)
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    right = np.array([a["label"] for a in answers]) == truth
    top3 = np.array([t in [label for label, _ in a["top"]] for a, t in zip(answers, truth)])
    unsure = np.array([not a["sure"] for a in answers])
    card = store.open("sketch-cnn").card.raw
    real = card["test_by_source"]["quickdraw"]
    assert len(right) == real["drawings"]
    assert abs(right.mean() - real["accuracy"]) <= 5 / len(right)
    assert abs(top3.mean() - real["top3_accuracy"]) <= 5 / len(right)
    assert abs(unsure.mean() - real["not_sure"]) <= 5 / len(right)
    assert right[~unsure].mean() > right.mean()  # the sure answers are the better ones
    for name in REAL:
        assert right[truth == name].mean() >= real["per_label_accuracy"][name] - 0.03, name


def test_a_weak_guess_reads_not_sure_with_three_best_guesses(tmp_path, mlplay):
    """A scribble of no class: `mlplay predict` says "not sure" and names three guesses (JSON: sure false)."""
    paper = np.full((300, 300), 255, np.uint8)
    rng = np.random.default_rng(0)
    points = (rng.uniform(20, 280, (14, 2))).astype(np.int32)
    cv2.polylines(paper, [points], False, 0, 3, cv2.LINE_AA)
    cv2.imwrite(str(tmp_path / "scribble.png"), paper)
    plain = mlplay("predict", "sketch-cnn", tmp_path / "scribble.png")
    assert plain.returncode == 0, plain.stderr
    jsonl = mlplay("predict", "sketch-cnn", tmp_path / "scribble.png", "--jsonl")
    answer = json.loads(jsonl.stdout)
    assert answer["probability"] < SURE and answer["sure"] is False
    assert "not sure (best guesses " in plain.stdout and plain.stdout.count(" %") == 3


@pytest.mark.parametrize("name", sorted(GOALS))
def test_eval_reproduces_the_card(name, tmp_path, mlplay):
    """The data the card names, obtained as a user would: the real classes fetched by `mlplay data fetch quickdraw`
    from a local copy of the official files (and the doodles generated, when the card names them)."""
    sample = real_sample()
    (REPO / "datasets" / "doodles").mkdir(parents=True, exist_ok=True)
    (tmp_path / "doodles").symlink_to(REPO / "datasets" / "doodles")  # generated once, then reused
    env = {"MLPLAY_DATA": tmp_path, "MLPLAY_QUICKDRAW_URL": sample.as_uri()}
    fetch = mlplay("data", "fetch", "quickdraw", env=env)
    assert fetch.returncode == 0, fetch.stderr
    result = mlplay("eval", name, timeout=900, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    for metric in ("test_accuracy_quickdraw", "test_top3_accuracy_quickdraw", "test_ece"):
        assert metric in result.stdout
    assert "yes" in result.stdout and "NO" not in result.stdout
