"""The `mlplay classify`, `mlplay detect` and `mlplay camera detect` shells: classify images in batches (tables,
JSON, an optional window); detect in stills with annotated copies under runs/detect/, or live through the camera
shell."""

import json
from pathlib import Path

import cv2

from mlplay.fileio import atomic_path
from mlplay.imageio import Batch
from mlplay.paths import next_run_dir
from mlplay.vision import loaders
from mlplay.vision.boxes import draw
from mlplay.vision.classify import top_guesses
from mlplay.vision.lite import read_picture


def run_images(paths, score, classes, jsonl, model) -> None:
    batch = Batch(paths, read_picture)
    detector = loaders.detector(model)
    only = loaders.parse_classes(classes, detector.labels)
    out_dir = None
    for path, image in batch:
        found = detector(image, score, only)
        out_dir = out_dir or next_run_dir("detect")  # made for the first picture read: bad ones write nothing
        target = out_dir / f"{path.stem}.jpg"
        with atomic_path(target) as tmp:
            tmp.write_bytes(cv2.imencode(".jpg", draw(image, found))[1].tobytes())
        h, w = image.shape[:2]
        if jsonl:
            print(json.dumps({"image": str(path), "annotated": str(target),
                              "detections": [{"label": d.label, "score": round(d.score, 4),
                                              "box": d.pixels(w, h)} for d in found]}))
        else:
            listed = ", ".join(f"{d.label} {d.score:.0%}" for d in found) or "nothing found"
            print(f"{path}: {listed} → {target}")
    batch.done()


def run_stream(source, score, classes, save, show, jsonl, model) -> None:
    from mlplay.shell.camera import open_source, run_camera
    from mlplay.shell.window import make_display
    from mlplay.vision.app import DetectApp

    display = make_display(show, "mlplay - detect")  # refuse a missing display before the slow model load
    stream = open_source(source)
    try:
        detector = loaders.detector(model)
        only = loaders.parse_classes(classes, detector.labels)
    except BaseException:
        stream.close()
        raise
    app = DetectApp(detector, score, only, emit=(lambda line: print(line, flush=True)) if jsonl else None)
    run_camera(app, stream, show, save, command="camera", name="detect", title="mlplay - detect", display=display)


def classify(paths, top, threshold, window, jsonl, model, labels, scale) -> None:
    if window:
        from mlplay.shell.window import require_display

        require_display()
    batch = Batch(paths, read_picture)
    readable = list(batch)  # classified together, in batches
    if readable:
        classifier = loaders.classifier(model, labels, scale)
        results = [top_guesses(p, classifier.labels, top, threshold)
                   for p in classifier.classify([image for _, image in readable])]
        for (path, _), guesses in zip(readable, results):
            if jsonl:
                print(json.dumps({"image": str(path), "labels": [[label, round(p, 4)] for label, p in guesses]}))
            else:
                _table(path, guesses, threshold)
        if window:
            from mlplay.shell import window as shell

            shell.run(shell.SlideShow([annotate(img, g) for (_, img), g in zip(readable, results)]),
                      "mlplay - classify")
    batch.done()


def _table(path: Path, guesses, threshold: float) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("label", "probability")
    for label, p in guesses:
        table.add_row(label, f"{p:.1%}")
    if not guesses:
        table.add_row(f"cannot classify (nothing above {threshold:.0%})", "")
    console = Console()
    console.print(Text(str(path), style="bold"), soft_wrap=True)  # a path is never broken inside a word
    console.print(table)


def annotate(bgr, guesses, width: int = 640):
    """The image scaled to a comfortable width with its labels written on a dark band."""
    scale = width / bgr.shape[1]
    img = cv2.resize(bgr, (width, max(1, round(bgr.shape[0] * scale))))
    lines = [f"{label} {p:.0%}" for label, p in guesses] or ["cannot classify"]
    band = 28 * len(lines) + 12
    img[:band] = (img[:band] * 0.35).astype(img.dtype)
    for i, line in enumerate(lines):
        cv2.putText(img, line, (12, 30 + 28 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2, cv2.LINE_AA)
    return img
