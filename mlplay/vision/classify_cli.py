"""The `mlplay classify` shell: read images, classify in batches, print tables / JSON, optional window."""

import json
import sys
from pathlib import Path

import cv2

from mlplay.errors import MlplayError
from mlplay.imageio import image_files, read_bgr
from mlplay.vision.classify import custom_classifier, imagenet_classifier, top_guesses


def run(paths, top, threshold, window, jsonl, model, labels, scale) -> None:
    if window:
        from mlplay.ui.display import require_display

        require_display()
    files = image_files(paths)
    images, readable, failed = [], [], 0
    for path in files:
        try:
            images.append(read_bgr(path))
            readable.append(path)
        except MlplayError as e:
            print(f"Error: {e}", file=sys.stderr)
            failed += 1
    classifier = custom_classifier(model, labels, scale) if model else imagenet_classifier()
    results = [top_guesses(p, classifier.labels, top, threshold) for p in classifier.classify(images)]
    for path, guesses in zip(readable, results):
        if jsonl:
            print(json.dumps({"image": str(path), "labels": [[label, round(p, 4)] for label, p in guesses]}))
        else:
            _table(path, guesses, threshold)
    if window and images:
        from mlplay.ui import window as shell
        from mlplay.ui.slideshow import SlideShow

        shell.run(SlideShow([annotate(img, g) for img, g in zip(images, results)]), "mlplay - classify")
    if failed:
        raise MlplayError(f"{failed} of {len(files)} images could not be read")


def _table(path: Path, guesses, threshold: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("label", "probability", title=str(path), title_justify="left")
    for label, p in guesses:
        table.add_row(label, f"{p:.1%}")
    if not guesses:
        table.add_row(f"cannot classify (nothing above {threshold:.0%})", "")
    Console().print(table)


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
