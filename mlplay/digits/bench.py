"""`make bench` figures for the digits models: one prediction (LiteRT vs tf.function vs model.predict),
`mlplay predict` cold start vs loading the .keras model with TensorFlow, and training speed (mlplay/digits/speed.py)."""

import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from rich.table import Table

from mlplay import store
from mlplay.bench import console, goal, latency_table, per_call_ms, wall_seconds

WINDOW_GOAL_MS = 30


def digits_latency(name: str = "digits-cnn") -> None:
    from mlplay.console import tensorflow
    from mlplay.runtime import Predictor

    model = store.open(name)
    x = np.random.default_rng(0).integers(0, 255, (28, 28, 1)).astype(np.float32)
    fast = Predictor(model)
    litert = per_call_ms(fast, x, 3000)
    tf = tensorflow()
    keras_model = model.keras()
    step = tf.function(lambda b: keras_model(b, training=False))
    compiled = per_call_ms(lambda v: step(tf.constant(v[None])).numpy(), x, 500)
    naive = per_call_ms(lambda v: keras_model.predict(v[None], verbose=0), x, 40)
    table = Table(f"one-sample prediction, {name}", "median ms", "vs model.predict", title="latency")
    table.add_row("model.predict (naive)", f"{naive:.2f}", "1×")
    table.add_row("tf.function", f"{compiled:.3f}", f"{naive / compiled:.0f}×")
    table.add_row(f"mlplay Predictor ({fast.backend})", f"{litert:.3f}", f"{naive / litert:.0f}×")
    console.print(table)
    console.print(f"goal ≤ 0.3 ms: {litert:.3f} ms {goal(litert <= 0.3)};  goal ≥ 200×: {naive / litert:.0f}× "
                  f"{goal(naive / litert >= 200)}")


def seven() -> list:
    """A 7 with a crossbar, drawn as a mouse draws it: two strokes of points a few pixels apart."""
    top = [(120 + 5 * i, 80) for i in range(35)] + [(295 - 4 * i, 80 + 9 * i) for i in range(1, 30)]
    bar = [(150 + 6 * i, 210) for i in range(20)]
    return [top, bar]


def window_latency(name: str = "digits-cnn") -> None:
    """The digit window's answer after the last stroke ends: release → strokes re-rendered, the model, the reading."""
    from mlplay.digits.models import draw_task
    from mlplay.draw.timing import KerasPredict, after_stroke_ms
    from mlplay.runtime import Predictor

    model = store.open(name)
    fast = after_stroke_ms(draw_task(), name, Predictor(model), seven(), 200)
    naive = after_stroke_ms(draw_task(), name, KerasPredict(model.keras(), model.labels), seven(), 20)
    latency_table(f"draw digits, {name}: a stroke ends → its guess", "drawing window latency", fast, naive,
                  WINDOW_GOAL_MS)


def cold_start(name: str = "digits-cnn") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "seven.png"
        img = np.zeros((200, 200), np.uint8)
        cv2.putText(img, "7", (50, 150), cv2.FONT_HERSHEY_SIMPLEX, 5, 255, 10)
        cv2.imwrite(str(image), img)
        fast = wall_seconds([sys.executable, "-m", "mlplay", "predict", name, str(image)], 5)
        naive_code = ("import cv2, keras; m = "
                      f"keras.models.load_model({str(store.find(name) / store.KERAS_FILE)!r}); "
                      f"x = cv2.imread({str(image)!r}, 0).reshape(1, 200, 200, 1); "
                      "m.predict(cv2.resize(x[0], (28, 28)).reshape(1, 28, 28, 1), verbose=0)")
        naive = wall_seconds([sys.executable, "-c", naive_code], 2)
        helps = wall_seconds([sys.executable, "-m", "mlplay", "--help"], 5)
    table = Table("command", "median s", title="cold start (a new process each time)")
    table.add_row("python: import keras, load .keras, predict (naive)", f"{naive:.2f}")
    table.add_row(f"mlplay predict {name} image.png", f"{fast:.2f}")
    table.add_row("mlplay --help", f"{helps:.2f}")
    console.print(table)
    console.print(f"goal predict ≤ 1.5 s: {fast:.2f} s {goal(fast <= 1.5)} ({naive / fast:.1f}× faster than naive);  "
                  f"goal --help ≤ 0.5 s: {helps:.2f} s {goal(helps <= 0.5)}")


def run() -> None:
    from mlplay.digits import speed

    digits_latency()
    window_latency()
    cold_start()
    speed.run()  # training speed: time to 99.0 % and 99.4 % for the original, shipped and fast recipes


if __name__ == "__main__":
    from mlplay.bench import main

    main(run)
