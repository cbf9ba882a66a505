"""The shipped rps-cnn: its card (written by `mlplay train rps-cnn --data …/rps-cgi`) and its figures re-computed
through the runtime `mlplay camera rps` and `mlplay predict` use, on the official CGI test split and on the real
photos (../shared/data; skipped when absent)."""

import json

import pytest

from mlplay import store
from mlplay.rps import data as rps_data
from mlplay.rps.game import MOVES

from helpers import SHARED

CARD = store.open("rps-cnn").card.raw


@pytest.mark.parametrize("part, key", [("rps-cgi/test", "test_accuracy"), ("rps-real", "real_photos_accuracy")])
def test_mlplay_predict_reproduces_the_card_which_is_on_the_official_test_split(part, key, mlplay):
    """`mlplay predict rps-cnn` (LiteRT, the camera's preprocessing) on every picture of the card's test figures; the
    figures it reproduces are on the official test split (validation carved from train) and meet the goal."""
    if not (SHARED / part).is_dir():
        pytest.skip(f"no ../shared/data/{part} beside the clone")
    files = rps_data.class_files(SHARED / part)
    photos = [(move, path) for move in MOVES for path in files[move]]
    result = mlplay("predict", "rps-cnn", *(p for _, p in photos), "--jsonl")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["image"] for a in answers] == [str(p) for _, p in photos]
    right = sum(a["label"] == move for a, (move, _) in zip(answers, photos))
    assert abs(right / len(photos) - CARD["metrics"][key]) <= 2 / len(photos)  # LiteRT vs Keras: ≤ 2 pictures differ
    assert CARD["data"]["official_test_split"] is True and "goal ≥ 97%" in CARD["data"]["goal"]
    assert CARD["metrics"]["test_accuracy"] >= 0.97  # the goal, on the official test split
    assert CARD["data"]["splits"] == {"train": 2160, "validation": 360, "test": 372}
    assert set(CARD["data"]["validation_series"]) == set(MOVES)  # one whole rendered hand a class, from train/
    assert not CARD["training"]["quick"] and CARD["input"]["shape"] == [96, 96, 3]
    real = CARD["real_photos"]
    assert real["measured"] and real["images"] == 1336 and "CC-BY-SA 4.0" in real["source"]
    assert CARD["metrics"]["real_photos_accuracy"] == real["accuracy"]
