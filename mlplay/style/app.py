"""`mlplay camera style` as a camera-shell app: each frame goes to the painter beside the loop (worker.py), and the
window shows the newest painted frame with the style's name, a thumbnail of the painting, the strength and how many
frames a second get painted.

Keys: n / p next or previous style, + / - strength, space freezes the picture (the styles can still be flipped
through on it), s saves a snapshot, h shows the keys; q / Esc and the close button are the shell's.

Pure of any window or capture: the shell feeds frames and keys and shows what `process` returns, so tests drive it
with generated frames and the Inline painter.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from mlplay.shell.window import ACCENT, FG, fit_scale, help_overlay, text

STEP = 0.1  # strength change a key press
HELP = ["n / p: next / previous style", "+ / -: stronger / weaker style", "space: freeze / unfreeze the picture",
        "s: save a snapshot", "h: hide this help", "q / Esc: quit"]
MESSAGE_SECONDS = 2.0


@dataclass(frozen=True)
class Job:
    """What a frame is painted with: the style's index and the strength."""

    style: int
    strength: float


class StyleApp:
    """styles: (title, thumbnail BGR) a style; painter: Worker or Inline, painting (frame, Job);
    snapshot: painted image → the path it was saved to."""

    def __init__(self, styles: list[tuple[str, np.ndarray]], painter, strength: float = 1.0,
                 snapshot: Callable[[np.ndarray], Path] | None = None):
        if not styles:
            raise ValueError("no styles")
        self.styles, self.painter, self.snapshot = styles, painter, snapshot
        self.index, self.strength = 0, round(min(1.0, max(0.0, strength)), 2)
        self.frozen, self.help, self.running = False, False, True
        self.frozen_frame = None
        self.message, self.message_until = "", 0.0
        self.frames, self.compose_seconds, self.snapshots = 0, 0.0, 0
        self.shown: dict[str, int] = {}  # style title → painted frames shown in it
        self._thumbs: dict[tuple[int, int], np.ndarray] = {}
        self._last_number = 0

    def job(self) -> Job:
        return Job(self.index, self.strength)

    # -- the app protocol ----------------------------------------------------------------------------------------
    def process(self, frame: np.ndarray, t: float) -> np.ndarray:
        if not self.frozen:
            self.painter.submit(frame, self.job())
        painted = self.painter.latest()
        began = time.perf_counter()
        shown = self.compose(frame, painted, t)
        self.compose_seconds += time.perf_counter() - began
        self.frames += 1
        if painted is not None and painted.number != self._last_number:
            self._last_number = painted.number
            title = self.styles[painted.job.style][0]
            self.shown[title] = self.shown.get(title, 0) + 1
        return shown

    def key(self, name: str, t: float) -> None:
        if name in ("n", "p"):
            self.index = (self.index + (1 if name == "n" else -1)) % len(self.styles)
            self._repaint_frozen()
        elif name in ("+", "=", "-", "_"):
            change = STEP if name in ("+", "=") else -STEP
            self.strength = round(min(1.0, max(0.0, self.strength + change)), 2)
            self._repaint_frozen()
        elif name == "space":
            self.frozen = not self.frozen
            painted = self.painter.latest()
            self.frozen_frame = painted.source if self.frozen and painted is not None else None
            self._say("frozen: n / p and + / - repaint this picture" if self.frozen else "live", t)
        elif name == "s":
            self._save(t)
        elif name == "h":
            self.help = not self.help

    def timings(self) -> dict[str, float]:
        return {"compose": self.compose_seconds}

    def summary(self) -> str:
        count = getattr(self.painter, "count", 0)
        busy = getattr(self.painter, "busy_seconds", 0.0)
        each = f", {1000 * busy / count:.0f} ms each" if count else ""
        styles = ", ".join(f"{title.split(',')[0]} ×{n}" for title, n in self.shown.items()) or "none"
        return f"painted {count} frames{each}; shown: {styles}; snapshots: {self.snapshots}"

    # -- keys ----------------------------------------------------------------------------------------------------
    def _repaint_frozen(self) -> None:
        if self.frozen and self.frozen_frame is not None:
            self.painter.submit(self.frozen_frame, self.job())

    def _save(self, t: float) -> None:
        painted = self.painter.latest()
        if painted is None:
            self._say("nothing painted yet", t)
        elif self.snapshot is None:
            self._say("snapshots are off", t)
        else:
            try:
                path = self.snapshot(painted.image)
            except Exception as e:  # noqa: BLE001 - a full disk must not end the session: say it on screen
                self._say(f"cannot save: {e}", t)
                return
            self.snapshots += 1
            self._say(f"saved {path.name}", t)

    def _say(self, message: str, t: float) -> None:
        self.message, self.message_until = message, t + MESSAGE_SECONDS

    # -- drawing -------------------------------------------------------------------------------------------------
    def compose(self, frame: np.ndarray, painted, t: float) -> np.ndarray:
        height, width = frame.shape[:2]
        if painted is None:
            shown = (frame * 0.4).astype(np.uint8)
            text(shown, "painting the first frame...", (14, height // 2), 0.8, FG, 2)
            index, strength = self.index, self.strength
        else:
            image = painted.image
            shown = image.copy() if image.shape[:2] == (height, width) else cv2.resize(image, (width, height))
            index, strength = painted.job.style, painted.job.strength
        title, _ = self.styles[index]
        rate = self.painter.per_second()
        line2 = f"strength {strength:.1f}   painted {rate:.1f} frames/s" + ("   FROZEN" if self.frozen else "")
        band_width = width - 90  # the shell's frame rate sits at the top right
        scale = fit_scale(title, band_width - 24, 0.6)
        band = shown[:54, :band_width]
        band[:] = (band * 0.35).astype(np.uint8)
        text(shown, title, (10, 22), scale, FG)
        text(shown, line2, (10, 44), fit_scale(line2, band_width - 24, 0.5), ACCENT if self.frozen else FG)
        self._thumbnail(shown, index)
        if t < self.message_until:
            text(shown, self.message, (10, height - 34), fit_scale(self.message, width // 2, 0.55), ACCENT, 1)
        cv2.rectangle(shown, (4, height - 28), (76, height - 4), (0, 0, 0), -1)
        text(shown, "h: keys", (10, height - 11), 0.45, FG)
        if self.help:
            help_overlay(shown, HELP)
        return shown

    def _thumbnail(self, shown: np.ndarray, index: int) -> None:
        """The painting in the bottom right corner, a fifth of the frame's height, with a thin border."""
        height, width = shown.shape[:2]
        key = (index, height)
        if key not in self._thumbs:
            painting = self.styles[index][1]
            h = max(24, height // 5)
            w = max(1, min(width // 3, round(painting.shape[1] * h / painting.shape[0])))
            self._thumbs[key] = cv2.resize(painting, (w, h), interpolation=cv2.INTER_AREA)
        thumb = self._thumbs[key]
        h, w = thumb.shape[:2]
        top, left = height - h - 8, width - w - 8
        shown[top:top + h, left:left + w] = thumb
        cv2.rectangle(shown, (left - 1, top - 1), (left + w, top + h), (235, 235, 235), 1)
