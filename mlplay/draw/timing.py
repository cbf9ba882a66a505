"""How long a drawing window takes to answer once a stroke ends: the app's whole path from the mouse button's
release to the emitted guess (the strokes re-rendered as the model's input, the model, the reading), timed on a
drawing of several strokes. The digits and sketches benches report it (goal: ≤ 30 ms)."""

import statistics
import time

import numpy as np

from mlplay.draw.app import DrawApp, DrawTask


def draw(app: DrawApp, stroke) -> None:
    app.mouse("down", *stroke[0])
    for point in stroke[1:]:
        app.mouse("move", *point)


def after_stroke_ms(task: DrawTask, name: str, predictor, strokes: list, repeats: int = 100) -> dict:
    """Median and 95th-percentile milliseconds from the last stroke's release to its guess; every repeat draws the
    whole drawing again on a cleared canvas (only the release is timed)."""
    app = DrawApp(task, [name], lambda _: predictor, lambda result: None)
    times = []
    for _ in range(repeats):
        app.key("c")
        for stroke in strokes[:-1]:
            draw(app, stroke)
            app.mouse("up", *stroke[-1])
        draw(app, strokes[-1])
        started = time.perf_counter()
        app.mouse("up", *strokes[-1][-1])
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "p95_ms": float(np.percentile(times, 95)),
            "points": sum(len(s) for s in strokes), "strokes": len(strokes)}


class KerasPredict:
    """The naive way, for comparison: `model.predict` on a batch of one, per guess."""

    def __init__(self, keras_model, labels):
        self.model, self.labels = keras_model, labels

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict(np.asarray(x, np.float32)[None], verbose=0)[0]
