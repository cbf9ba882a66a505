"""The `mlplay detect` and `mlplay camera detect` shells: stills with annotated copies under runs/detect/,
and a live stream through the camera shell."""

import json
import sys

import cv2

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.imageio import image_files, read_bgr
from mlplay.paths import next_run_dir
from mlplay.vision.boxes import draw


def load_detector(model):
    from mlplay.data import pretrained
    from mlplay.vision.detect import Detector

    return Detector(model or pretrained.ssdlite_dir(), pretrained.coco_labels())


def parse_classes(classes: str | None) -> set[str] | None:
    if not classes:
        return None
    from mlplay.data.pretrained import coco_labels

    wanted = {c.strip().replace("_", " ") for c in classes.split(",") if c.strip()}
    unknown = wanted - set(coco_labels().values())
    if unknown:
        raise MlplayError(f"unknown COCO class: {', '.join(sorted(unknown))}", "e.g. person, dog, car, cell phone")
    return wanted


def run_images(paths, score, classes, jsonl, model) -> None:
    only = parse_classes(classes)
    files = image_files(paths)
    detector = load_detector(model)
    out_dir, failed = next_run_dir("detect"), 0
    for path in files:
        try:
            image = read_bgr(path)
        except MlplayError as e:
            print(f"Error: {e}", file=sys.stderr)
            failed += 1
            continue
        found = detector(image, score, only)
        target = out_dir / f"{path.stem}.jpg"
        with atomic_path(target) as tmp:
            tmp.write_bytes(cv2.imencode(".jpg", draw(image, found))[1].tobytes())
        h, w = image.shape[:2]
        if jsonl:
            print(json.dumps({"image": str(path), "annotated": str(target),
                              "detections": [{"label": d.label, "score": round(d.score, 4), "box": d.pixels(w, h)} for d in found]}))
        else:
            listed = ", ".join(f"{d.label} {d.score:.0%}" for d in found) or "nothing found"
            print(f"{path}: {listed} → {target}")
    if failed:
        raise MlplayError(f"{failed} of {len(files)} images could not be read")


def run_stream(source, score, classes, save, show, jsonl, model) -> None:
    from mlplay.ui.camera import make_display, open_source, run_camera
    from mlplay.vision.detectapp import DetectApp

    only = parse_classes(classes)
    display = make_display(show, "mlplay - detect")  # refuse a missing display before the slow model load
    stream = open_source(source)
    try:
        detector = load_detector(model)
    except BaseException:
        stream.close()
        raise
    app = DetectApp(detector, score, only, emit=(lambda line: print(line, flush=True)) if jsonl else None)
    run_camera(app, stream, show, save, command="camera", name="detect", title="mlplay - detect", display=display)
    print(app.summary(), file=sys.stderr)
