"""`make bench` figures for camera detect: the live loop's own cost beyond the model call, with the stand-in
detector (the real SSDLite weights are not on every machine)."""

import os
import tempfile
from pathlib import Path

import numpy as np
from rich.table import Table

from mlplay.bench import console, per_call_ms


def _stand_in_detector():
    """tests/fake_detector.py's export() when run from a checkout (the product never ships test stand-ins)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "tests" / "fake_detector.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("fake_detector", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.export


def detection_overhead(frames: int = 150) -> None:
    """camera detect on a 640×480 stream, no display, recording: the loop's cost beyond the model call."""
    from mlplay.shell.camera import FrameListSource, run_camera
    from mlplay.shell.window import NoWindow
    from mlplay.vision.detect import Detector
    from mlplay.vision.detectapp import DetectApp
    from mlplay.vision.pretrained import coco_labels

    export = _stand_in_detector()
    if export is None:
        console.print("camera detect: skipped (the stand-in detector lives in tests/, absent here)")
        return

    rng = np.random.default_rng(0)
    stream = []
    for i in range(frames):
        img = rng.integers(0, 120, (480, 640, 3), dtype=np.uint8)
        img[100:300, 50 + 2 * i:250 + 2 * i] = 250
        stream.append(img)
    with tempfile.TemporaryDirectory() as tmp:
        detector = Detector(export(Path(tmp) / "fake"), coco_labels())
        detector(stream[0])  # trace once
        raw = per_call_ms(detector.raw, stream[0], 50)
        app = DetectApp(detector, 0.4)
        with open(os.devnull, "w") as quiet:
            stats = run_camera(app, FrameListSource(stream), show=False, save=True, display=NoWindow(), log=quiet,
                               save_to=Path(tmp))
    per_frame = 1000 * stats.seconds / stats.frames
    model = 1000 * app.model_seconds / app.frames
    overhead = per_frame - raw
    table = Table("stage", "ms/frame", title="camera detect, 640×480 video, no display, --save (stand-in model)")
    table.add_row("whole loop (read, detect, NMS, draw, record)", f"{per_frame:.2f}")
    table.add_row("model call alone (stand-in SavedModel)", f"{raw:.2f}")
    table.add_row("detector incl. NMS and label mapping", f"{model:.2f}")
    table.add_row("pipeline overhead beyond the model call", f"{overhead:.2f}")
    console.print(table)
    budget = 1000 / 15
    console.print(f"loop {stats.fps:.0f} frames/s with the stand-in; overhead {overhead:.1f} ms = "
                  f"{overhead / budget:.0%} of the 15 frames/s budget ({budget:.0f} ms); the original demo ran one "
                  f"detection every 200 ms (5 frames/s). The real SSDLite's own time is not measurable offline.")


def run() -> None:
    detection_overhead()
