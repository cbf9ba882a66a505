"""`make bench`, pretrained vision: `mlplay classify` images/s, `mlplay camera detect` frames/s at 640×480 and the
cold start to the first result, with the shipped uint8 LiteRT models on 2 threads (the original collection's float
models beside them when they have been downloaded: they are download-only, so often they are not); and the live
detection loop's own cost beyond the model call, with the stand-in detector of tests/.

Pictures are generated (speed does not depend on what they show), so the bench needs nothing but the repository.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from rich.table import Table

from mlplay.bench import console, goal, per_call_ms, wall_seconds


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
    from mlplay.vision.app import DetectApp
    from mlplay.vision.detect import Detector
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


def pictures(folder: Path, count: int, size=(480, 640)) -> list[Path]:
    """JPEG photos-to-be: smooth random colour fields with a few shapes (decoding costs what a photo's does)."""
    rng = np.random.default_rng(0)
    files = []
    for i in range(count):
        small = rng.integers(0, 255, (size[0] // 40, size[1] // 40, 3), dtype=np.uint8)
        img = cv2.resize(small, (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
        cv2.circle(img, (int(rng.integers(100, 540)), int(rng.integers(100, 380))), 60, (250, 250, 250), -1)
        files.append(folder / f"p{i:03d}.jpg")
        cv2.imwrite(str(files[-1]), img)
    return files


def classify_rate(classifier, files: list[Path]) -> tuple[float, float]:
    """What `mlplay classify` does per file after start-up (read, prepare, classify): images/s and CPU ms an image."""
    from mlplay.imageio import read_bgr

    classifier.classify([read_bgr(files[0])])  # warm up
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        classifier.classify([read_bgr(path)])
    return len(files) / (time.perf_counter() - start), 1000 * (time.process_time() - cpu) / len(files)


def detect_fps(detector, frames: list[np.ndarray]) -> tuple[float, float, float]:
    """The `mlplay camera detect` loop on a 640×480 stream without a window: frames/s, model ms and CPU ms a frame."""
    from mlplay.shell.camera import FrameListSource, run_camera
    from mlplay.shell.window import NoWindow
    from mlplay.vision.app import DetectApp

    detector(frames[0], 0.4, None)  # warm up
    app = DetectApp(detector, 0.4)
    cpu = time.process_time()
    with open(os.devnull, "w") as quiet:
        stats = run_camera(app, FrameListSource(frames), show=False, save=False, display=NoWindow(), log=quiet)
    return stats.fps, 1000 * app.model_seconds / app.frames, 1000 * (time.process_time() - cpu) / stats.frames


def _float_models():
    """The float models when they are on this machine (never downloaded by the bench)."""
    from mlplay.vision import backbone, pretrained

    found = {}
    if backbone.cached():
        found["classify"] = ("torchvision MobileNetV2 float (LiteRT)", backbone.ImagenetClassifier())
    if pretrained.ssdlite_cached():
        from mlplay.vision.detect import Detector

        found["detect"] = ("SSDLite MobileNetV2 float (SavedModel)",
                           Detector(pretrained.ssdlite_cached(), pretrained.coco_labels()))
    return found


def shipped_models(images: int = 100, frames: int = 150) -> None:
    from mlplay.vision.loaders import classifier, detector

    with tempfile.TemporaryDirectory() as tmp:
        files = pictures(Path(tmp), images)
        stream = [cv2.imread(str(f)) for f in files[:30]] * (frames // 30)
        shipped = classifier(None)
        x = shipped.prepare(cv2.imread(str(files[0])))
        classify_ms = per_call_ms(lambda v: shipped.model.run(v), x, 50)
        load = os.getloadavg()[0]
        rate, classify_cpu = classify_rate(shipped, files)
        fps, detect_ms, detect_cpu = detect_fps(detector(None), stream)
        env = {**os.environ, "MLPLAY_RUNS": tmp}
        start = {cmd: wall_seconds([sys.executable, "-m", "mlplay", cmd, str(files[0])], 5, env)
                 for cmd in ("classify", "detect")}
        floats = _float_models()
        float_rate = classify_rate(floats["classify"][1], files)[0] if "classify" in floats else None
        float_fps = detect_fps(floats["detect"][1], stream) if "detect" in floats else None

    table = Table("what (2 threads)", "shipped uint8 LiteRT", "float model (download-only)",
                  title="pretrained vision: classify and camera detect")
    missing = "not downloaded here: not measured"
    table.add_row("mlplay classify, images/s (read 640×480 JPEG, prepare, classify)", f"{rate:.0f}",
                  f"{float_rate:.0f}" if float_rate else missing)
    table.add_row("  MobileNetV2 model call alone, ms", f"{classify_ms:.1f}", "")
    table.add_row("  CPU time an image (both threads), ms", f"{classify_cpu:.1f}", "")
    table.add_row("mlplay camera detect 640×480, frames/s (no window)", f"{fps:.0f}",
                  f"{float_fps[0]:.0f}" if float_fps else missing)
    table.add_row("  SSD model call incl. resize and NMS, ms a frame", f"{detect_ms:.1f}",
                  f"{float_fps[1]:.1f}" if float_fps else "")
    table.add_row("  CPU time a frame (both threads), ms", f"{detect_cpu:.1f}", "")
    table.add_row("cold start: mlplay classify one photo, s", f"{start['classify']:.2f}", "")
    table.add_row("cold start: mlplay detect one photo, s", f"{start['detect']:.2f}", "")
    console.print(table)
    console.print(f"load average when measured: {load:.1f} on {os.cpu_count()} cores (wall-clock figures are only "
                  f"comparable on an otherwise idle machine; CPU time a frame is less sensitive to other load)")
    slowest = max(start.values())
    console.print(f"goal classify ≥ 50 images/s: {rate:.0f} {goal(rate >= 50)};  goal camera detect ≥ 30 frames/s: "
                  f"{fps:.0f} {goal(fps >= 30)};  goal cold start ≤ 1.0 s: {slowest:.2f} s {goal(slowest <= 1.0)}")
    if not floats:
        console.print("The float MobileNetV2 and SSDLite are not on this machine (`mlplay data fetch mobilenet-v2`, "
                      "`mlplay data fetch ssdlite` on a connected one), so there is nothing to set beside them here.")


def run() -> None:
    shipped_models()
    detection_overhead()


if __name__ == "__main__":
    run()
