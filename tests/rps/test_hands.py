"""The hand pipeline (rotated crops, tracking; its anchors, decoding and weighted NMS: test_ssd.py) and the gesture
features, on constructed inputs and on real photos from ../shared/data (skipped without it)."""

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.rps import gestures, hands

from helpers import SHARED, needs_shared

REAL, CGI_TEST = SHARED / "rps-real", SHARED / "rps-cgi" / "test"
needs_real = needs_shared("rps-real")


def photos(folder: Path, move: str, n: int, step: int = 37) -> list[Path]:
    files = sorted((folder / move).iterdir())
    return files[::step][:n]


def test_a_rotated_region_maps_crop_pixels_to_the_frame_and_back():
    roi = hands.Roi(300.0, 200.0, 150.0, 0.7)
    crop_points = np.array([[0.0, 0.0], [224.0, 224.0], [112.0, 10.0], [50.0, 170.0]])
    frame_points = roi.to_frame(crop_points)
    back = (roi.matrix() @ np.c_[frame_points, np.ones(4)].T).T
    assert np.allclose(back, crop_points, atol=1e-3)
    assert np.allclose(roi.to_frame(np.array([[112.0, 112.0]])), [[300, 200]])
    assert np.linalg.norm(frame_points[0] - frame_points[1]) == pytest.approx(150 * math.sqrt(2), rel=1e-4)


def test_the_hand_region_turns_the_fingers_up_and_moves_towards_them():
    palm = np.array([100.0, 100.0, 40.0, 40.0])
    up = hands.roi_from_palm(palm, np.array([[100, 120], [0, 0], [100, 80]] + [[0, 0]] * 4))
    assert up.angle == pytest.approx(0.0) and up.size == pytest.approx(104) and up.cy == pytest.approx(80)
    right = hands.roi_from_palm(palm, np.array([[80, 100], [0, 0], [120, 100]] + [[0, 0]] * 4))
    assert right.angle == pytest.approx(math.pi / 2)
    assert right.cx == pytest.approx(120) and right.cy == pytest.approx(100)


def hand_points(seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1, 1, (21, 3))
    points[0, :2], points[9, :2] = [0, 0], [0, -1]
    return points


def test_features_do_not_depend_on_position_size_rotation_or_which_hand():
    points = hand_points()
    base = gestures.features(points)
    turn = 2.1
    rot = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    moved = points.copy()
    moved[:, :2] = (points[:, :2] @ rot.T) * 3.5 + [400, 250]
    moved[:, 2] *= 3.5
    assert np.allclose(gestures.features(moved), base, atol=1e-5)
    mirrored = moved.copy()
    mirrored[:, 0] = -mirrored[:, 0]
    assert np.allclose(gestures.features(mirrored, right=False), base, atol=1e-5)
    assert not np.allclose(gestures.features(mirrored, right=True), base, atol=1e-2)
    with pytest.raises(ValueError):
        gestures.features(np.zeros((21, 3)))


def test_the_held_gesture_is_the_mean_of_the_last_frames_and_none_when_no_hand():
    held = gestures.Held(seconds=0.3)
    rock, paper = {"rock": 0.9, "paper": 0.05, "scissors": 0.05}, {"rock": 0.1, "paper": 0.8, "scissors": 0.1}
    for i, reading in enumerate([paper] * 5 + [rock, rock, rock, None]):
        held.add(i / 10, reading)
    vote = held.at(0.8)  # frames at 0.5 … 0.8: three rocks, one frame without a hand
    assert max(vote, key=vote.get) == "rock" and vote["none"] == pytest.approx(0.25)
    assert gestures.vote([]) == {"rock": 0, "paper": 0, "scissors": 0, "none": 1.0}
    assert max(gestures.vote([None, None, paper]).items(), key=lambda kv: kv[1])[0] == "none"


@pytest.fixture(scope="module")
def tracker():
    return hands.HandTracker(track=False)


@needs_real
@pytest.mark.parametrize("move", gestures.MOVES)
def test_real_photos_give_a_hand_and_the_finger_rule_reads_it(tracker, move):
    right = 0
    for path in photos(REAL, move, 8):
        image = cv2.imread(str(path))
        hand = tracker(image, [hands.whole_picture(image.shape[1], image.shape[0])])
        assert hand is not None, path
        assert hand.landmarks.shape == (21, 3) and hand.presence >= hands.MIN_PRESENCE
        assert (hand.landmarks[:, 0] > -30).all() and (hand.landmarks[:, 0] < image.shape[1] + 30).all()
        right += gestures.finger_rule(hand.landmarks, hand.right >= 0.5) == move
    assert right >= 7


@needs_real
def test_a_hand_at_the_edge_is_found_with_the_padded_second_pass(tracker):
    image = cv2.imread(str(photos(REAL, "rock", 1)[0]))
    h, w = image.shape[:2]
    hand = tracker(image)
    assert hand is not None
    x = int(hand.landmarks[:, 0].mean())
    cut = image[:, max(0, x - w // 2):x + w // 6]  # the hand's middle now near the right edge
    assert tracker(np.ascontiguousarray(cut)) is not None


@needs_real
def test_tracking_follows_the_hand_without_the_palm_detector():
    image = cv2.imread(str(photos(REAL, "paper", 1)[0]))
    tracker = hands.HandTracker(track=True)
    first = tracker(image)
    palm_seconds = tracker.seconds["palm"]
    for dx in (3, 6, 9):  # the hand moves a little
        frame = cv2.warpAffine(image, np.float32([[1, 0, dx], [0, 1, 0]]), image.shape[1::-1],
                               borderMode=cv2.BORDER_REPLICATE)
        hand = tracker(frame)
        assert hand is not None and not hand.detected
    assert tracker.seconds["palm"] == palm_seconds  # no detection while tracking
    assert np.abs(hand.landmarks[:, 0].mean() - first.landmarks[:, 0].mean() - 9) < 4
    blank = np.full_like(image, 90)
    assert tracker(blank) is None and tracker.previous is None  # lost: detect again next frame


@pytest.mark.parametrize("shape", [(1, 1, 3), (10, 12, 3), (2000, 3000, 3)])
def test_tiny_and_huge_frames_have_a_defined_outcome(tracker, shape):
    frame = np.full(shape, 120, np.uint8)
    assert tracker(frame, [hands.whole_picture(shape[1], shape[0])]) is None


def test_a_damaged_hand_model_is_a_one_line_error(tmp_path):
    for name in (hands.PALM_FILE, hands.LANDMARK_FILE):
        (tmp_path / name).write_bytes((hands.hands_dir() / name).read_bytes())
    (tmp_path / hands.PALM_FILE).write_bytes(b"not a model" * 100)
    with pytest.raises(MlplayError) as e:
        hands.HandTracker(tmp_path)
    assert "cannot load" in str(e.value) and "mlplay data fetch hands" in str(e.value)
    (tmp_path / hands.PALM_FILE).unlink()
    with pytest.raises(MlplayError, match="missing"):
        hands.HandTracker(tmp_path)
