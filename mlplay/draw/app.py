"""The drawing window's logic as a pure state machine: mouse/key events in, frames and predictions out.

The cv2 shell (`mlplay/shell/window.py`) only forwards events and shows frames, so tests drive this headless.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np

from mlplay.draw.canvas import Canvas
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.paths import check_label
from mlplay.shell.window import help_overlay, text

HELP = ["draw with the left mouse button", "c  clear", "m  switch model", "s  save the drawing (PNG + label)",
        "h  this help", "q / Esc  quit"]


@dataclass
class DrawTask:
    """What the window needs from an experiment."""

    title: str
    prepare: Callable[[Canvas], np.ndarray]  # canvas -> model input (H, W, 1), 0–255
    panel: Callable  # (height, width, labels, probabilities, model input, model name) -> image (mlplay.draw.panels)
    save_dir: Path  # drawings saved under save_dir/<label>/
    canvas_size: int = 400
    thickness: int = 22
    panel_width: int = 280
    live_interval: float = 0.05  # seconds between live predictions while drawing
    strip: Callable[[], Callable[[str | None, int], np.ndarray]] | None = None  # () -> (guess, width) -> a strip
    # (or None: nothing lends one) shown under the window with g (digits: what the generator draws for the guess,
    # lent by mlplay/dream)


class DrawApp:
    def __init__(self, task: DrawTask, models: list[str], load: Callable[[str], Callable], emit: Callable[[dict], None],
                 record_label: str | None = None, clock: Callable[[], float] = time.monotonic):
        self.task, self.models, self.load, self.emit, self.clock = task, models, load, emit, clock
        self.record_label = None if record_label is None else check_label(record_label)
        self.canvas = Canvas(task.canvas_size, task.thickness)
        self.model_index = 0
        self.predictor = load(models[0])
        self.probabilities = self.model_input = None
        self.predicted_version, self.last_live = -1, -1.0
        self.show_help, self.status, self.status_until = False, "", 0.0
        self.strip = None  # made on the first g
        self.guesses = self.saved = 0
        self.running = True

    @property
    def model(self) -> str:
        return self.models[self.model_index]

    # events -------------------------------------------------------------------------------
    def mouse(self, event: str, x: int, y: int) -> None:
        if event == "down" and x < self.task.canvas_size:
            self.canvas.begin(x, y)
        elif event == "move":
            self.canvas.extend(x, y)
        elif event == "up" and self.canvas.end():
            self.predict()
            self.emit_guess()

    def key(self, key: str, t: float | None = None) -> None:
        """The window's keys (q/Esc are the shell's)."""
        if key == "c":
            self.canvas.clear()
            self.probabilities = self.model_input = None
        elif key == "m":
            self.model_index = (self.model_index + 1) % len(self.models)
            self.predictor = self.load(self.model)
            self.say(f"model: {self.model}")
            if not self.canvas.empty:
                self.predict()
                self.emit_guess()
        elif key == "s":
            self.save()
        elif key == "h":
            self.show_help = not self.show_help
        elif key == "g" and self.task.strip:
            self.strip = None if self.strip else self.task.strip()

    def process(self, frame, t: float) -> np.ndarray:
        """The window loop's step: no source frame here, the app draws its own picture."""
        self.tick()
        return self.render()

    def summary(self) -> str:
        return f"{self.guesses} guesses, {self.saved} drawings saved"

    def tick(self) -> None:
        """Live prediction while drawing, at most every `live_interval` seconds."""
        now = self.clock()
        changed = self.canvas.version != self.predicted_version
        if self.canvas.drawing and changed and now - self.last_live >= self.task.live_interval:
            self.last_live = now
            self.predict()

    # model ---------------------------------------------------------------------------------
    def predict(self) -> None:
        if self.canvas.empty:
            return
        self.model_input = self.task.prepare(self.canvas)
        self.probabilities = self.predictor(self.model_input)
        self.predicted_version = self.canvas.version

    def emit_guess(self) -> None:
        self.guesses += 1
        self.emit(self.result())

    def result(self) -> dict:
        labels = self.predictor.labels
        order = np.argsort(self.probabilities)[::-1]
        return {"event": "prediction", "model": self.model, "label": labels[order[0]],
                "probability": round(float(self.probabilities[order[0]]), 4),
                "top": [[labels[i], round(float(self.probabilities[i]), 4)] for i in order[:4]],
                "strokes": len(self.canvas.strokes)}

    def save(self) -> None:
        if self.canvas.empty:
            self.say("nothing to save")
            return
        self.predict()
        try:
            label = check_label(self.record_label or self.result()["label"])  # a model's label names a folder too
        except MlplayError as e:
            self.say(f"not saved: {e.message}")
            return
        stem = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.task.save_dir / label
        paths = []
        for suffix, img in (("", self.model_input), ("-full", self.canvas.image)):
            path = folder / f"{stem}{suffix}.png"
            with atomic_path(path) as tmp:
                tmp.write_bytes(cv2.imencode(".png", np.squeeze(img).clip(0, 255).astype(np.uint8))[1].tobytes())
            paths.append(str(path))
        self.saved += 1
        self.say(f"saved as '{label}'")
        self.emit({"event": "saved", "label": label, "path": paths[0], "full": paths[1]})

    # view ----------------------------------------------------------------------------------
    def say(self, message: str, seconds: float = 2.0) -> None:
        self.status, self.status_until = message, self.clock() + seconds

    def render(self) -> np.ndarray:
        size = self.task.canvas_size
        left = cv2.cvtColor(self.canvas.image, cv2.COLOR_GRAY2BGR)
        cv2.rectangle(left, (0, 0), (size - 1, size - 1), (90, 90, 90), 1)
        idle = (f"s saves as '{self.record_label}'   c clear   q quit" if self.record_label
                else "h help   c clear   q quit")
        message = self.status if self.clock() < self.status_until else idle
        text(left, message, (10, size - 12), 0.45, (150, 150, 150))
        panel = self.task.panel(size, self.task.panel_width, self.predictor.labels, self.probabilities,
                                        self.model_input, self.model)
        img = np.hstack([left, panel])
        if self.strip:
            guess = None if self.probabilities is None else self.predictor.labels[int(np.argmax(self.probabilities))]
            img = np.vstack([img, self.strip(guess, img.shape[1])])
        if self.show_help:
            help_overlay(img, HELP + (["g  what the generator draws for the guess"] if self.task.strip else []))
        return img


def format_line(result: dict) -> str:
    """The plain one-line form of an emitted event."""
    if result["event"] == "saved":
        return f"saved {result['label']} {result['path']}"
    others = ", ".join(f"{label} {p:.2f}" for label, p in result["top"][1:])
    return f"{result['label']} {result['probability']:.3f} ({result['model']}; then {others})"


def run(task: DrawTask, model: str, choices: list[str], label: str | None, jsonl: bool, models_dir: Path | None,
        label_option: str = "--label") -> None:
    """`mlplay draw digits|sketches`: the window on `model`; m switches to the other trained ones of `choices`."""
    import json

    from mlplay import store
    from mlplay.runtime import Predictor
    from mlplay.shell import window

    if label is not None:
        check_label(label, label_option)  # before anything else: it names a folder
    if model not in choices:
        raise MlplayError(f"{model} is not a model for this window", "choose " + " or ".join(choices))
    window.require_display()
    opened = {model: store.open(model, models_dir)}  # a clear error before any window opens
    others = [m for m in choices if m != model and store.exists(m, models_dir)]
    loaded = {}

    def load(name):
        if name not in loaded:
            loaded[name] = Predictor(opened.get(name) or store.open(name, models_dir))
        return loaded[name]

    def emit(result: dict) -> None:
        print(json.dumps(result) if jsonl else format_line(result), flush=True)

    stats = window.run(DrawApp(task, [model, *others], load, emit, record_label=label), task.title)
    if stats.reason == "interrupted":
        raise KeyboardInterrupt  # the command exits 130, as Ctrl-C should
