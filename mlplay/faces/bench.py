"""`make bench` figures for `mlplay camera emotion`: face detection alone on a 640×480 frame, the expression classifier
on one face, and the whole loop (detect, read, smooth, draw) at 640×480 with one face, no display; each beside the
naive way: the detector's 896 output rows decoded and merged one by one in Python loops, and the classifier run by
Keras' model.predict on fer's original model.

The frames are the shipped sample face (sample-face/astronaut.jpg, a public-domain portrait) drifting across a
640×480 frame, as a face in front of a webcam. The Keras model comes from `mlplay data fetch faces-photos`; without
it that comparison is skipped.

    python -m mlplay.faces.bench
"""

from __future__ import annotations

import io
import math
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

GOALS = {"detect_ms": 5.0, "loop_fps": 30.0}
FACE = Path(__file__).with_name("sample-face") / "astronaut.jpg"


def frames(n: int, size=(640, 480)) -> list[np.ndarray]:
    """n frames with one face (about 110 pixels across) moving to and fro."""
    face = cv2.resize(cv2.imread(str(FACE)), (330, 330))
    out = []
    for i in range(n):
        frame = np.full((size[1], size[0], 3), (70, 90, 110), np.uint8)
        x = 60 + abs((4 * i) % 480 - 240)
        frame[75:405, x:x + 330] = face
        out.append(frame)
    return out


def median_ms(fn, items, repeats: int = 1) -> float:
    for item in items[:3]:
        fn(item)
    times = []
    for _ in range(repeats):
        for item in items:
            start = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def naive_detector(detector):
    """The same model, its output decoded the naive way: each of the 896 rows in a Python loop, overlapping boxes
    merged by plain loops (the same arithmetic as mlplay.ssd, without numpy)."""
    from mlplay.faces.faces import INPUT_SIZE, MIN_SCORE, NMS_IOU, letterbox, model_input

    def iou(a, b):
        ix = max(0.0, min(a[0] + a[2] / 2, b[0] + b[2] / 2) - max(a[0] - a[2] / 2, b[0] - b[2] / 2))
        iy = max(0.0, min(a[1] + a[3] / 2, b[1] + b[3] / 2) - max(a[1] - a[3] / 2, b[1] - b[3] / 2))
        return ix * iy / max(a[2] * a[3] + b[2] * b[3] - ix * iy, 1e-9)

    def detect(frame):
        square, k, left, top = letterbox(frame)
        outputs = detector.model.run(model_input(square))
        raw, logits = outputs[detector.boxes_at][0], outputs[detector.scores_at][0]
        rows = []
        for i in range(len(raw)):
            score = 1 / (1 + math.exp(-max(-100.0, min(100.0, float(logits[i][0])))))
            if score >= MIN_SCORE:
                ax, ay = (float(v) for v in detector.anchors[i])
                r = [float(v) / INPUT_SIZE for v in raw[i]]
                rows.append((score, [r[0] + ax, r[1] + ay, r[2], r[3]], [r[j] + (ax, ay)[j % 2] for j in range(4, 16)]))
        rows.sort(key=lambda row: -row[0])
        merged = []
        while rows:
            group = [row for row in rows if row is rows[0] or iou(rows[0][1], row[1]) > NMS_IOU]
            total = sum(row[0] for row in group)
            merged.append((rows[0][0], [sum(row[0] * row[1][j] for row in group) / total for j in range(4)],
                           [sum(row[0] * row[2][j] for row in group) / total for j in range(12)]))
            rows = [row for row in rows if all(row is not g for g in group)]
        return merged

    return detect


def loop(detector, reader, stream):
    from mlplay.faces.app import EmotionApp
    from mlplay.shell import camera

    app = EmotionApp(detector, reader)
    cpu = time.process_time()
    stats = camera.run_camera(app, camera.FrameListSource(stream), show=False, log=io.StringIO())
    stats.cpu_ms = 1000 * (time.process_time() - cpu) / max(stats.frames, 1)
    return stats


def main() -> None:
    from rich.table import Table

    from mlplay.bench import console, goal
    from mlplay.faces import data
    from mlplay.faces.expressions import CROP_SCALE, face_crop
    from mlplay.faces.shipped import open_models

    detector, reader = open_models()
    stream = frames(300)
    detect = median_ms(detector, stream[::3])
    face = detector(stream[0])[0]
    crops = [face_crop(f, face.centre, face.side * CROP_SCALE, face.roll) for f in stream[:30]]
    classify = median_ms(reader, crops, repeats=3)
    stats = loop(*open_models(), stream)
    naive_detect = median_ms(naive_detector(detector), stream[::10])
    photos, naive_classify = data.cached(), None
    if photos:
        from mlplay.console import tensorflow

        tensorflow()
        import keras

        model = keras.models.load_model(photos / "emotion_model.hdf5", compile=False)
        naive_classify = median_ms(lambda c: model.predict((c.astype(np.float32) / 127.5 - 1)[None, ..., None],
                                                           verbose=0), crops[:10])
    table = Table("640×480, one face", "median ms", "the naive way (ms)", "×", title="camera emotion: stages")
    for name, ms, naive, how in (("face detection (BlazeFace, LiteRT + numpy)", detect, naive_detect, "Python loops"),
                                 ("expression of one face (LiteRT)", classify, naive_classify, "Keras model.predict")):
        table.add_row(name, f"{ms:.2f}", f"{naive:.1f} ({how})" if naive else "skipped: mlplay data fetch faces-photos",
                      f"{naive / ms:.1f}×" if naive else "")
    console.print(table)
    console.print(f"camera emotion loop, 640×480, one face, no display: {stats.fps:.0f} frames/s, "
                  f"{1000 / max(stats.fps, 1e-9):.1f} ms/frame, CPU {stats.cpu_ms:.1f} ms/frame (all threads)")
    console.print(f"goal face detection ≤ {GOALS['detect_ms']:.0f} ms a frame: {detect:.2f} ms "
                  f"{goal(detect <= GOALS['detect_ms'])};  goal loop ≥ {GOALS['loop_fps']:.0f} frames/s: "
                  f"{stats.fps:.0f} {goal(stats.fps >= GOALS['loop_fps'])}")


def run() -> None:  # mlplay.bench's name for a package's figures
    main()


if __name__ == "__main__":
    main()
