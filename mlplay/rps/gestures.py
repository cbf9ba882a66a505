"""Gestures from hand landmarks, pure numpy: the normalised features the rps-hands model reads, the
finger-extension rule it is compared with, and the vote that decides a round from the last few frames.

Landmark numbering is MediaPipe's: 0 wrist; thumb 1-4; index 5-8; middle 9-12; ring 13-16; pinky 17-20
(each finger: knuckle, middle joint, last joint, tip).
"""

from __future__ import annotations

import math

import numpy as np

from mlplay.rps.game import MOVES, NONE  # the label order of every RPS model; what a picture without a hand is called

# each finger's knuckle, middle joint and tip among the 21 hand landmarks
FINGERS = {"index": (5, 6, 8), "middle": (9, 10, 12), "ring": (13, 14, 16), "pinky": (17, 18, 20)}
FEATURES = 21 * 3
EXTENDED = 1.15  # a finger is straight when its tip is this much farther from the wrist than its middle joint


def normalise(landmarks: np.ndarray, right: bool = True) -> np.ndarray:
    """(21, 3) landmarks → the same hand with the wrist at 0, wrist → middle knuckle pointing up (−y) at length 1.

    Left hands are mirrored into right ones, so the features do not depend on which hand plays, where it is in the
    picture, how big it is or how it is turned in the picture's plane.
    """
    p = np.asarray(landmarks, np.float64)[:, :3].copy()
    if p.shape != (21, 3) or not np.all(np.isfinite(p)):
        raise ValueError(f"expected 21 finite landmarks (x, y, z), got shape {p.shape}")
    if not right:
        p[:, 0] = -p[:, 0]
    p -= p[0]
    length = float(np.hypot(*p[9, :2]))
    if length < 1e-6:
        raise ValueError("degenerate hand: the wrist and the middle knuckle coincide")
    turn = -math.pi / 2 - math.atan2(p[9, 1], p[9, 0])
    c, s = math.cos(turn), math.sin(turn)
    x, y = p[:, 0].copy(), p[:, 1].copy()
    p[:, 0], p[:, 1] = c * x - s * y, s * x + c * y
    return p / length


def features(landmarks: np.ndarray, right: bool = True) -> np.ndarray:
    """The model's input: the normalised landmarks flattened, float32 (63,)."""
    return normalise(landmarks, right).reshape(-1).astype(np.float32)


def extended_fingers(normalised: np.ndarray) -> dict[str, bool]:
    """Which of the four fingers are straight (the thumb is ignored: it is unreliable from most angles)."""
    distance = np.linalg.norm(normalised[:, :2], axis=1)
    return {name: bool(distance[tip] > EXTENDED * distance[joint]) for name, (_, joint, tip) in FINGERS.items()}


def finger_rule(landmarks: np.ndarray, right: bool = True) -> str:
    """The baseline: index + middle straight, ring + pinky bent → scissors; 3+ straight → paper; else rock."""
    up = extended_fingers(normalise(landmarks, right))
    if up["index"] and up["middle"] and not up["ring"] and not up["pinky"]:
        return "scissors"
    return "paper" if sum(up.values()) >= 3 else "rock"


def vote(frames: list[dict[str, float] | None]) -> dict[str, float]:
    """The gesture held over some frames: the mean of their probabilities, a frame without a hand counting fully
    for `none`. Returns {rock, paper, scissors, none: share}; the largest is the move played."""
    total = dict.fromkeys((*MOVES, NONE), 0.0)
    for probabilities in frames:
        if probabilities is None:
            total[NONE] += 1.0
        else:
            for move in MOVES:
                total[move] += float(probabilities.get(move, 0.0))
    if not frames:
        return {**total, NONE: 1.0}
    return {k: v / len(frames) for k, v in total.items()}


class Held:
    """The last frames' readings with their stream time: `at(t)` votes over the frames of the last `seconds`
    (at least the newest one), so one bad frame at "shoot" does not decide a round."""

    def __init__(self, seconds: float = 0.35):
        self.seconds, self.frames = seconds, []

    def add(self, t: float, probabilities: dict[str, float] | None) -> None:
        self.frames.append((t, probabilities))
        self.frames = [(s, p) for s, p in self.frames if s >= t - self.seconds - 1.0]  # a little history, bounded

    def at(self, t: float) -> dict[str, float]:
        recent = [p for s, p in self.frames if t - self.seconds <= s <= t] or [p for _, p in self.frames[-1:]]
        return vote(recent)
