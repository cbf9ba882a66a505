"""`make bench`: speed figures against the naive way, measured in one run.

Latency of one digits-cnn prediction (LiteRT vs tf.function vs model.predict), cold start of
`mlplay predict` (vs loading the .keras model with TensorFlow), and `mlplay --help`.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from rich.console import Console
from rich.table import Table

from mlplay import store
from mlplay.errors import MlplayError

console = Console()


def per_call_ms(fn, x, repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn(x)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def wall_seconds(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def goal(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]missed[/]"


def digits_latency(name: str = "digits-cnn") -> None:
    from mlplay.predict import Predictor
    from mlplay.tfload import tensorflow

    store.load_card(name)
    x = np.random.default_rng(0).integers(0, 255, (28, 28, 1)).astype(np.float32)
    fast = Predictor(name)
    litert = per_call_ms(fast, x, 3000)
    tf = tensorflow()
    model = store.load_keras(name)
    step = tf.function(lambda b: model(b, training=False))
    compiled = per_call_ms(lambda v: step(tf.constant(v[None])).numpy(), x, 500)
    naive = per_call_ms(lambda v: model.predict(v[None], verbose=0), x, 40)
    table = Table("one-sample prediction, digits-cnn", "median ms", "vs model.predict", title="latency")
    table.add_row("model.predict (naive)", f"{naive:.2f}", "1×")
    table.add_row("tf.function", f"{compiled:.3f}", f"{naive / compiled:.0f}×")
    table.add_row(f"mlplay Predictor ({fast.backend})", f"{litert:.3f}", f"{naive / litert:.0f}×")
    console.print(table)
    console.print(f"goal ≤ 0.3 ms: {litert:.3f} ms {goal(litert <= 0.3)};  goal ≥ 200×: {naive / litert:.0f}× "
                  f"{goal(naive / litert >= 200)}")


def cold_start(name: str = "digits-cnn") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "seven.png"
        img = np.zeros((200, 200), np.uint8)
        cv2.putText(img, "7", (50, 150), cv2.FONT_HERSHEY_SIMPLEX, 5, 255, 10)
        cv2.imwrite(str(image), img)
        fast = wall_seconds([sys.executable, "-m", "mlplay", "predict", name, str(image)], 5)
        naive_code = ("import cv2, keras; m = keras.models.load_model(%r); "
                      "x = cv2.imread(%r, 0).reshape(1, 200, 200, 1); "
                      "m.predict(cv2.resize(x[0], (28, 28)).reshape(1, 28, 28, 1), verbose=0)"
                      % (str(store.model_path(name) / store.KERAS_FILE), str(image)))
        naive = wall_seconds([sys.executable, "-c", naive_code], 2)
        helps = wall_seconds([sys.executable, "-m", "mlplay", "--help"], 5)
    table = Table("command", "median s", title="cold start (a new process each time)")
    table.add_row("python: import keras, load .keras, predict (naive)", f"{naive:.2f}")
    table.add_row(f"mlplay predict {name} image.png", f"{fast:.2f}")
    table.add_row("mlplay --help", f"{helps:.2f}")
    console.print(table)
    console.print(f"goal predict ≤ 1.5 s: {fast:.2f} s {goal(fast <= 1.5)} ({naive / fast:.1f}× faster than naive);  "
                  f"goal --help ≤ 0.5 s: {helps:.2f} s {goal(helps <= 0.5)}")


def sketch_latency(name: str = "sketch-cnn") -> None:
    """One guess in the sketch window: render the strokes as QuickDraw does, then predict."""
    from mlplay.data import doodles
    from mlplay.data.sketch_render import render
    from mlplay.predict import Predictor

    store.load_card(name)
    strokes = [np.round(s).astype(int) for s in doodles.strokes_for("smiley face", np.random.default_rng(0))]
    prepare = per_call_ms(render, strokes, 300)
    x = render(strokes)[..., None].astype(np.float32)
    fast = per_call_ms(Predictor(name), x, 2000)
    model = store.load_keras(name)
    naive = per_call_ms(lambda v: model.predict(v[None], verbose=0), x, 30)
    table = Table(f"one guess, {name}", "median ms", title="sketch window latency")
    table.add_row(f"render {sum(len(s) for s in strokes)} points → 28×28", f"{prepare:.3f}")
    table.add_row("render + model.predict (naive)", f"{prepare + naive:.2f}")
    table.add_row("render + mlplay Predictor", f"{prepare + fast:.3f}")
    console.print(table)
    total = prepare + fast
    console.print(f"goal ≤ 2 ms a guess (live while drawing): {total:.2f} ms {goal(total <= 2)} "
                  f"({(prepare + naive) / total:.0f}× faster than with model.predict)")


def main() -> None:
    try:
        digits_latency()
        sketch_latency()
        cold_start()
    except MlplayError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
