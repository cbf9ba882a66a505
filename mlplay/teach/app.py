"""The `mlplay camera teach` window as a pure state machine on the camera shell's app protocol
(process(frame, t) → picture, key(name, t), running, timings(), summary()): no cv2 window calls, so tests drive it
with made-up frames and keys.

- Holding a number key records frames for that label: each press (a held key repeats) keeps recording for HOLD
  seconds more; every recorded frame is written at once (Recorder), so nothing recorded is lost whatever happens next.
- `t` trains a head on the examples' features (computed once, when a frame is recorded) in a fraction of a second;
  from the next frame on, the probability bars are live. Recording more after that marks the model out of date
  until `t` again.
- `s` saves the model (models/NAME/, its card); `h` shows the keys; q/Esc quit (the shell's quit policy).
Problems (a label with no examples, nothing to save) are one line in the window's status and on the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.rps import view as rps_view
from mlplay.shell.window import ACCENT, DIM, FG, blank, fit_scale, text
from mlplay.teach.data import Examples

HOLD = 0.3  # seconds a press of a number key records for (a held key repeats faster than this)
RED, YELLOW = (60, 60, 230), (0, 215, 255)
HELP = ["hold 1-9: record that label", "t: train (seconds)", "s: save the model", "h: hide these keys",
        "q / Esc: quit"]


class TeachApp:
    """features: .prepare(bgr) → the square RGB picture the backbone sees, .of_rgb(rgb) → its feature vector.
    recorder: .save(label, rgb) → (path, the picture as saved). train(examples) → (head, report);
    save(head, report) → where it went."""

    def __init__(self, name: str, examples: Examples, features, recorder, train: Callable, save: Callable,
                 log: Callable[[str], None] = print):
        self.name, self.examples, self.features, self.recorder = name, examples, features, recorder
        self.train_fn, self.save_fn, self.log = train, save, log
        self.labels = examples.labels
        self.running = True
        self.recording: str | None = None
        self.until = 0.0
        self.head = None
        self.report: dict | None = None
        self.probabilities: np.ndarray | None = None
        self.stale = False  # examples were recorded after the head was trained
        self.saved_version = self.version = 0
        self.recorded = dict.fromkeys(self.labels, 0)  # this session's frames
        self.message, self.message_colour = "hold a number key to record its label", FG
        self.show_help = True
        self.seconds = {"features": 0.0, "save frames": 0.0, "train": 0.0}
        self.trained_at: float | None = None  # when `t` trained (stream time): the bench's start

    # -- the camera shell's protocol ---------------------------------------------------------------------------
    def process(self, frame: np.ndarray, t: float) -> np.ndarray:
        rgb = self.features.prepare(frame)
        if self.recording is not None and t > self.until:
            self._stop_recording()
        vector = None
        if self.recording is not None:
            began = time.perf_counter()
            path, rgb = self.recorder.save(self.recording, rgb)  # learn from the frame as it is kept
            self.seconds["save frames"] += time.perf_counter() - began
        if self.recording is not None or self.head is not None:
            began = time.perf_counter()
            vector = self.features.of_rgb(rgb)
            self.seconds["features"] += time.perf_counter() - began
        if self.recording is not None:
            self.examples.files[self.recording].append(path)
            self.examples.features[self.recording].append(vector)
            self.recorded[self.recording] += 1
            self.version += 1
            self.stale = self.head is not None
        self.probabilities = self.head.probabilities(vector) if self.head is not None else None
        return self.draw(frame)

    def key(self, name: str, t: float) -> None:
        if name.isdigit() and 1 <= int(name) <= len(self.labels):
            label = self.labels[int(name) - 1]
            if self.recording != label:
                self.recording = label
                self._say(f"recording {label} (keep {name} held)", RED)
            self.until = t + HOLD
        elif name == "t":
            self.train(t)
        elif name == "s":
            self.save()
        elif name == "h":
            self.show_help = not self.show_help

    def timings(self) -> dict[str, float]:
        return dict(self.seconds)

    def summary(self) -> str:
        made = ", ".join(f"{label} {n}" for label, n in self.recorded.items())
        unsaved = self.version != self.saved_version
        return (f"recorded this session: {made} (kept under the examples folder)"
                + ("; the model was not saved since the last change (s saves)" if unsaved and self.head is not None
                   else ""))

    # -- actions -----------------------------------------------------------------------------------------------
    def _stop_recording(self) -> None:
        label = self.recording
        self.recording = None
        total = len(self.examples.features[label])
        self._say(f"{label}: {total} examples" + (" (t: train again)" if self.stale else " (t: train)"), FG)

    def train(self, t: float | None = None) -> None:
        if self.recording is not None:
            self._stop_recording()
        began = time.perf_counter()
        try:
            self.head, self.report = self.train_fn(self.examples)
        except MlplayError as e:
            self._say(str(e), RED)
            return
        self.seconds["train"] += time.perf_counter() - began
        self.stale, self.trained_at = False, t
        accuracy = self.report["held_out_accuracy"]
        self._say(f"trained: held-out accuracy {accuracy:.0%} ({self.report['held_out']} frames)", ACCENT)

    def save(self) -> None:
        if self.head is None:
            self._say("nothing to save yet: t trains first", RED)
            return
        if self.stale:
            self._say("new examples since training: t first, then s", RED)
            return
        try:
            where = self.save_fn(self.head, self.report)
        except MlplayError as e:
            self._say(str(e), RED)
            return
        self.saved_version = self.version
        self._say(f"saved {where}", ACCENT)

    def _say(self, message: str, colour) -> None:
        self.message, self.message_colour = message, colour
        self.log(message)

    # -- the picture -------------------------------------------------------------------------------------------
    def draw(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        side = min(h, w)
        box = ((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)
        colour = RED if self.recording else (ACCENT if self.head is not None else DIM)
        return rps_view.compose(frame, self.panel, rps_view.box_overlay(box, colour))[0]

    def panel(self, height: int) -> np.ndarray:
        img = blank(height, rps_view.PANEL_WIDTH)
        inner = rps_view.INNER
        text(img, f"teach {self.name}", (14, 28), fit_scale(f"teach {self.name}", inner, 0.6), FG)
        counts = self.examples.counts()
        top, row = 52, min(44, max(30, (height - 260) // len(self.labels)))
        best = int(np.argmax(self.probabilities)) if self.probabilities is not None else -1
        for i, label in enumerate(self.labels):
            y = top + row * i
            recording = label == self.recording
            name_colour = RED if recording else (ACCENT if i == best else FG)
            text(img, f"{i + 1}", (14, y + 14), 0.55, DIM)
            text(img, label, (34, y + 14), fit_scale(label, 150, 0.55), name_colour, 2 if recording or i == best else 1)
            count = f"{counts[label]} ex."
            text(img, count, (inner + 14 - cv2.getTextSize(count, cv2.FONT_HERSHEY_SIMPLEX, 0.45, 1)[0][0], y + 14),
                 0.45, RED if recording else DIM)
            if self.probabilities is not None:
                p = float(self.probabilities[i])
                bar = ACCENT if i == best else DIM
                cv2.rectangle(img, (34, y + 19), (34 + int((inner - 70) * p), y + row - 10), bar, -1)
                text(img, f"{p:4.0%}", (inner - 26, y + row - 11), 0.4, DIM)
        y = top + row * len(self.labels) + 14
        if self.head is not None:
            state = "out of date: t trains again" if self.stale else "live"
            text(img, f"model: {state}", (14, y), 0.45, YELLOW if self.stale else DIM)
            y += 22
        for line in rps_view.wrap(self.message, inner, 0.5)[:4]:
            text(img, line, (14, y), 0.5, self.message_colour)
            y += 20
        if self.show_help:
            rps_view.lines_block(img, HELP, height - 14)
        else:
            text(img, "h: keys", (14, height - 14), 0.45, DIM)
        return img
