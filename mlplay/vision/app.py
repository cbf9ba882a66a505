"""Live detection as a camera app: each frame → detector → boxes drawn, one JSON line per frame.

Pure of any window or capture: the camera shell feeds frames and shows what `process` returns,
so tests drive it with generated frames and a stand-in detector.
"""

import json
import time
from collections.abc import Callable

import numpy as np

from mlplay.vision.boxes import Detection, draw

DetectFn = Callable[[np.ndarray, float, "set[str] | None"], list[Detection]]


class DetectApp:
    def __init__(self, detector: DetectFn, score: float = 0.4, only: set[str] | None = None,
                 emit: Callable[[str], None] | None = None):
        self.detector, self.score, self.only, self.emit = detector, score, only, emit
        self.frames = 0
        self.model_seconds = 0.0
        self.counts: dict[str, int] = {}
        self.running = True

    def process(self, frame: np.ndarray, t: float) -> np.ndarray:
        start = time.perf_counter()
        found = self.detector(frame, self.score, self.only)
        self.model_seconds += time.perf_counter() - start
        self.frames += 1
        for d in found:
            self.counts[d.label] = self.counts.get(d.label, 0) + 1
        if self.emit:
            height, width = frame.shape[:2]
            self.emit(json.dumps({"frame": self.frames - 1, "t": round(t, 3), "detections": [
                {"label": d.label, "score": round(d.score, 4), "box": d.pixels(width, height)} for d in found]}))
        return draw(frame, found)

    def key(self, name: str, t: float) -> None:
        """No keys of its own: q/Esc and closing the window are the shell's."""

    def timings(self) -> dict[str, float]:
        """Total seconds per stage, for the shell's speed summary."""
        return {"model": self.model_seconds}

    def summary(self) -> str:
        seen = ", ".join(f"{label} ×{n}" for label, n in sorted(self.counts.items(), key=lambda kv: -kv[1]))
        return f"{self.frames} frames; detections: {seen or 'none'}"
