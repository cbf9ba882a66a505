"""`make bench` figures for the sketch models: render + one prediction while drawing, and the peak memory of
streaming Quick, Draw!-sized data to training.

    python -m mlplay.sketches.bench [--classes 345] [--per-class 20000] [--folder /tmp/quickdraw-bench]

writes that many QuickDraw-format class files (N×784 uint8 .npy, random pixels: only their size matters here)
unless they are there, then, in a fresh process, trains sketch-cnn for a few steps on the stream and reads one
whole epoch of the training split through it, and reports the process's peak resident memory (RSS) beside the
size of the data, which is what loading the arrays (the naive way) would take at least. `make bench` runs it at
345 × 1,000 drawings; the goal (< 2 GB) is for 345 × 20,000 (5.4 GB of files).
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rich.table import Table

from mlplay import store
from mlplay.bench import console, goal, latency_table

GOAL_BYTES = 2e9


WINDOW_GOAL_MS = 30


def cat() -> list:
    """A cat as a mouse draws it: a round head, two ears, eyes, whiskers; strokes of points a few pixels apart."""
    def ring(cx, cy, rx, ry, n):
        return [(round(cx + rx * np.sin(2 * np.pi * i / n)), round(cy - ry * np.cos(2 * np.pi * i / n)))
                for i in range(n + 1)]

    def line(a, b, n=12):
        return [(round(a[0] + (b[0] - a[0]) * i / n), round(a[1] + (b[1] - a[1]) * i / n)) for i in range(n + 1)]

    return [ring(200, 230, 130, 115, 60), line((105, 150), (115, 45)) + line((115, 45), (175, 118))[1:],
            line((225, 118), (285, 45)) + line((285, 45), (295, 150))[1:], ring(155, 210, 10, 12, 12),
            ring(245, 210, 10, 12, 12), line((150, 270), (40, 255)), line((250, 270), (360, 255))]


def sketch_latency(name: str = "sketch-cnn") -> None:
    """One guess in the sketch window: after a stroke ends, the strokes rendered as QuickDraw does, the model, the
    reading (and live, while drawing: the same path, at most every 50 ms)."""
    from mlplay.draw.timing import KerasPredict, after_stroke_ms
    from mlplay.runtime import Predictor
    from mlplay.sketches.models import draw_task

    model = store.open(name)
    fast = after_stroke_ms(draw_task(), name, Predictor(model), cat(), 200)
    naive = after_stroke_ms(draw_task(), name, KerasPredict(model.keras(), model.labels), cat(), 20)
    latency_table(f"draw sketches, {name}: a stroke ends → its guess ({fast['strokes']} strokes, "
                  f"{fast['points']} points)", "sketch window latency", fast, naive, WINDOW_GOAL_MS)


def make_files(folder: Path, classes: int, per_class: int) -> list[Path]:
    """`classes` files of `per_class` random drawings (kept when already there with that shape)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"class{i:03d}.npy" for i in range(classes)]
    missing = [p for p in paths if not (p.exists() and np.load(p, mmap_mode="r").shape == (per_class, 784))]
    need = len(missing) * per_class * 784
    if need and shutil.disk_usage(folder).free < need * 1.1:
        sys.exit(f"Error: {need / 1e9:.1f} GB of files do not fit in {folder} (use --folder or a smaller --per-class)")
    rng = np.random.default_rng(0)
    for path in missing:
        x = (rng.random((per_class, 784), np.float32) < 0.15).astype(np.uint8) * 255
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, x)
        tmp.replace(path)
    return paths


def stream_child(folder: Path, fit_steps: int, batch_size: int) -> dict:
    """In this process: the sketch-cnn on the stream for `fit_steps` steps, then one whole training epoch read."""
    from mlplay.console import tensorflow

    tensorflow()

    from mlplay.sketches.data import load_data
    from mlplay.sketches.models import build_cnn

    data = load_data(folder, quick=False)
    stream = data.stream
    model = build_cnn(data)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(stream.dataset("train", batch_size, shuffle=True), steps_per_epoch=fit_steps, epochs=1, verbose=0)
    fit_seconds = time.perf_counter() - started
    started, rows = time.perf_counter(), 0
    for _, y in stream.dataset("train", batch_size, shuffle=True, seed=1):
        rows += int(y.shape[0])
    read_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return {"classes": len(data.labels), "train_rows": rows, "expected_rows": stream.count("train"),
            "read_seconds": round(read_seconds, 1), "rows_per_second": round(rows / read_seconds),
            "fit_steps": fit_steps, "fit_seconds": round(fit_seconds, 1), "peak_rss_bytes": peak}


def stream_memory(classes: int = 345, per_class: int = 2000, folder: Path | None = None, fit_steps: int = 20,
                  batch_size: int = 256) -> dict:
    """Make the files, measure in a child process (its own peak RSS), return the figures."""
    folder = folder or Path("/tmp") / f"mlplay-quickdraw-bench-{classes}x{per_class}"
    paths = make_files(folder, classes, per_class)
    run = subprocess.run([sys.executable, "-m", "mlplay.sketches.bench", "--child", "--folder", str(folder),
                          "--fit-steps", str(fit_steps), "--batch-size", str(batch_size)],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-2000:])
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["data_bytes"] = sum(p.stat().st_size for p in paths)
    result["folder"] = str(folder)
    return result


def show(result: dict) -> None:
    per_class = result["data_bytes"] // max(1, result["classes"]) // 784
    table = Table("what", "figure", title=f"streaming {result['classes']} × {per_class:,} drawings (sketch-cnn)")
    table.add_row("data on disk (what loading the arrays would hold)", f"{result['data_bytes'] / 1e9:.2f} GB")
    rss, data = result["peak_rss_bytes"], result["data_bytes"]
    note = f"{data / rss:.1f}× less than the data" if data > rss else "mostly TensorFlow and the model, not the data"
    table.add_row("peak RSS, streaming", f"{rss / 1e9:.2f} GB ({note})")
    table.add_row("one epoch read", f"{result['train_rows']:,} drawings in {result['read_seconds']} s "
                  f"({result['rows_per_second']:,}/s)")
    table.add_row(f"{result['fit_steps']} training steps", f"{result['fit_seconds']} s")
    if result["data_bytes"] >= 5e9:
        table.add_row("goal: < 2 GB for 345 × 20,000", goal(result["peak_rss_bytes"] < GOAL_BYTES))
    console.print(table)


def run() -> None:
    sketch_latency()
    show(stream_memory(345, 1000))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=345)
    parser.add_argument("--per-class", type=int, default=20000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--fit-steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(stream_child(args.folder, args.fit_steps, args.batch_size)))
        return
    show(stream_memory(args.classes, args.per_class, args.folder, args.fit_steps, args.batch_size))


if __name__ == "__main__":
    main()
