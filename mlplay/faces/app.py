"""`mlplay camera emotion` as a camera-shell app: faces found in each frame, each with its box, its expression and a
small bar chart of the 7 probabilities, and a side panel with the probabilities of the largest face.

Pure of any window or capture (mlplay/shell/camera.py feeds the frames and shows what `process` returns), so tests
drive it with frames made in memory and stand-in models.

The probabilities are smoothed: each face is followed from frame to frame (the box that overlaps it most, IoU above
FOLLOW_IOU) and shows the mean of its last SMOOTH readings, so that the label does not flicker.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field

import cv2
import numpy as np

from mlplay.faces.expressions import LABELS
from mlplay.faces.reading import Reading, read_picture
from mlplay.shell.window import DIM, FG, bars, blank, fit_scale, text

SMOOTH = 5  # readings averaged per face
FOLLOW_IOU = 0.3
PANEL_WIDTH = 280
MIN_HEIGHT, MAX_HEIGHT = 480, 720  # the frame is shown scaled into this range of heights
COLOURS = {"angry": (60, 60, 230), "disgust": (60, 160, 60), "fear": (180, 90, 200), "happy": (0, 215, 255),
           "sad": (200, 130, 60), "surprise": (0, 150, 255), "neutral": (200, 200, 200)}  # BGR
NONE_COLOUR = (140, 140, 140)


def box_iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass
class Track:
    """A face followed from frame to frame: its latest reading and its last SMOOTH probability vectors."""

    reading: Reading
    history: deque = field(default_factory=lambda: deque(maxlen=SMOOTH))

    def update(self, reading: Reading) -> None:
        self.reading = reading
        if reading.probabilities is not None:
            self.history.append(reading.probabilities)

    @property
    def probabilities(self) -> np.ndarray | None:
        """The mean of the last readings; None when this frame's face is too small to read."""
        if self.reading.probabilities is None or not self.history:
            return None
        return np.mean(self.history, axis=0)


def follow(tracks: list[Track], readings: list[Reading]) -> list[Track]:
    """This frame's faces, each continuing the previous frame's track it overlaps most (largest faces choose first);
    a face that overlaps none starts a new track, a track that finds no face ends."""
    left, result = list(tracks), []
    for reading in readings:
        scored = [(box_iou(t.reading.box, reading.box), t) for t in left]
        overlap, track = max(scored, key=lambda st: st[0], default=(0.0, None))
        if track is None or overlap < FOLLOW_IOU:
            track = Track(reading)
        else:
            left.remove(track)
        track.update(reading)
        result.append(track)
    return result


def display_scale(height: int) -> float:
    return MIN_HEIGHT / height if height < MIN_HEIGHT else MAX_HEIGHT / height if height > MAX_HEIGHT else 1.0


def mini_bars(img: np.ndarray, probabilities: np.ndarray, x: int, y: int, width: int = 60, row: int = 6) -> None:
    """The 7 probabilities as thin bars in the expressions' colours, on a dark backing, top-left at (x, y)."""
    h = row * len(LABELS) + 4
    x = min(max(0, x), img.shape[1] - width - 4)
    y = min(max(0, y), img.shape[0] - h)
    cv2.rectangle(img, (x, y), (x + width + 4, y + h), (0, 0, 0), -1)
    for i, (label, p) in enumerate(zip(LABELS, probabilities)):
        top = y + 2 + i * row
        cv2.rectangle(img, (x + 2, top), (x + 2 + max(1, int(width * float(p))), top + row - 2), COLOURS[label], -1)


def draw_face(img: np.ndarray, track: Track, scale: float) -> None:
    """A face's box, its expression (or why there is none) and its bar chart, on the displayed frame."""
    x0, y0, x1, y1 = (int(round(v * scale)) for v in track.reading.box)
    p = track.probabilities
    label, colour = ("?", NONE_COLOUR) if p is None else (LABELS[int(np.argmax(p))], COLOURS[LABELS[int(np.argmax(p))]])
    cv2.rectangle(img, (x0, y0), (x1, y1), colour, 2, cv2.LINE_AA)
    caption = "too small" if p is None else f"{label} {float(p.max()):.0%}"
    scale_text = 0.6
    (w, h), _ = cv2.getTextSize(caption, cv2.FONT_HERSHEY_SIMPLEX, scale_text, 2)
    ty = y0 - 8 if y0 - h - 12 >= 0 else y1 + h + 8
    cv2.rectangle(img, (x0, ty - h - 5), (x0 + w + 8, ty + 5), (0, 0, 0), -1)
    text(img, caption, (x0 + 4, ty), scale_text, colour, 2)
    if p is not None:
        mini_bars(img, p, x1 + 6, y0)


def panel(height: int, largest: Track | None, count: int) -> np.ndarray:
    """The side panel: the largest face's expression and its 7 probabilities, how many faces, the keys."""
    img = blank(height, PANEL_WIDTH)
    inner = PANEL_WIDTH - 28
    text(img, "expressions", (14, 28), 0.6, FG)
    text(img, f"{count} face{'s' if count != 1 else ''} found", (14, 50), 0.45, DIM)
    p = None if largest is None else largest.probabilities
    if largest is None:
        text(img, "no face found", (14, 110), 0.7, FG, 2)
        text(img, "look at the camera", (14, 136), 0.5, DIM)
    elif p is None:
        text(img, "largest face:", (14, 84), 0.45, DIM)
        text(img, "too small to read", (14, 116), 0.7, FG, 2)
    else:
        label = LABELS[int(np.argmax(p))]
        text(img, "largest face:", (14, 84), 0.45, DIM)
        text(img, label, (14, 124), fit_scale(label, inner, 1.3, 3), COLOURS[label], 3)
        bars(img, list(LABELS), p, 146, 14, inner)
        for i, label in enumerate(LABELS):  # the colour key of the bar charts beside the faces
            cv2.rectangle(img, (4, 146 + i * 22 + 5), (9, 146 + i * 22 + 15), COLOURS[label], -1)
    text(img, f"smoothed over {SMOOTH} frames", (14, height - 36), 0.4, DIM)
    text(img, "q / Esc: quit", (14, height - 14), 0.45, DIM)
    return img


class EmotionApp:
    """Frames (BGR) → the annotated frame beside the panel; `emit`, when given, gets one JSON line per frame with
    faces."""

    def __init__(self, detector, reader, emit=None):
        self.detector, self.reader, self.emit = detector, reader, emit
        self.tracks: list[Track] = []
        self.frames, self.with_faces = 0, 0
        self.seen: dict[str, int] = {}
        self.running = True

    def process(self, frame: np.ndarray, t: float) -> np.ndarray:
        readings = read_picture(frame, self.detector, self.reader, whole=False)
        self.tracks = follow(self.tracks, readings)
        self.frames += 1
        if self.tracks:
            self.with_faces += 1
            largest = self.tracks[0].probabilities  # readings come largest first
            if largest is not None:
                label = LABELS[int(np.argmax(largest))]
                self.seen[label] = self.seen.get(label, 0) + 1
            if self.emit:
                self.emit(json.dumps({"frame": self.frames - 1, "t": round(t, 3), "faces": [
                    self.face_json(track) for track in self.tracks]}))
        return self.draw(frame)

    @staticmethod
    def face_json(track: Track) -> dict:
        p, r = track.probabilities, track.reading
        return {"box": r.box, "score": round(r.score, 4),
                "expression": None if p is None else LABELS[int(np.argmax(p))],
                "probability": None if p is None else round(float(p.max()), 4),
                "probabilities": None if p is None else {label: round(float(v), 4) for label, v in zip(LABELS, p)},
                "note": r.note or None}

    def draw(self, frame: np.ndarray) -> np.ndarray:
        s = display_scale(frame.shape[0])
        shown = frame if s == 1.0 else cv2.resize(frame, (max(1, round(frame.shape[1] * s)), round(frame.shape[0] * s)),
                                                  interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        shown = shown.copy() if shown is frame else shown
        for track in self.tracks:
            draw_face(shown, track, s)
        side = panel(shown.shape[0], self.tracks[0] if self.tracks else None, len(self.tracks))
        return np.hstack([shown, side])

    def key(self, name: str, t: float) -> None:
        """No keys of its own: q/Esc and closing the window are the shell's."""

    def timings(self) -> dict[str, float]:
        return {"face detection": self.detector.seconds, "expressions": self.reader.seconds}

    def summary(self) -> str:
        seen = ", ".join(f"{label} ×{n}" for label, n in sorted(self.seen.items(), key=lambda kv: -kv[1]))
        return f"{self.frames} frames, a face in {self.with_faces}; largest face's expression: {seen or 'none'}"

