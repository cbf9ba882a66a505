"""Speed and accuracy figures for teach and rps-mobilenet, against their goals and the naive way:

- `t` → live predictions in `camera teach` with 3 labels × 60 recorded frames (goal ≤ 3 s);
- the `camera teach` loop on a 640×480 stream, trained (features every frame), without a window (goal ≥ 20
  frames/s), beside the same features through Keras' model.predict a frame (the naive way);
- the `camera rps --model rps-mobilenet` loop on a 640×480 stream (goal ≥ 20 frames/s) and the model's size in
  models/ (goal ≤ 4 MB);
- with --photos DIR (a folder of rock/, paper/, scissors/ photos, e.g. ../shared/data/rps-real): `train teach` on the
  first 20 photos of each class (sorted by name), accuracy on all the others (goal ≥ 95 %).

    python -m mlplay.teach.bench [--photos ../shared/data/rps-real]

The frames are the shipped sample photos of hands (mlplay/rps/sample-hands/, one per gesture) scaled into 640×480
and moved a little from frame to frame, as a hand held in front of a webcam. Needs `mlplay data fetch mobilenet-v2`.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from rich.table import Table

from mlplay.bench import console, goal
from mlplay.errors import MlplayError

SAMPLES = Path(__file__).resolve().parent.parent / "rps" / "sample-hands"
GOALS = {"train_to_live_s": 3.0, "teach_fps": 20, "rps_mobilenet_fps": 20, "rps_mobilenet_mb": 4.0,
         "train_teach_accuracy": 0.95}


def hand_frames(per_label: int, seed: int = 0) -> dict[str, list[np.ndarray]]:
    """640×480 frames of each sample hand (scaled to 480 high, the middle 640 kept), moved and scaled a little from
    frame to frame."""
    from mlplay.imageio import read_bgr

    rng = np.random.default_rng(seed)
    frames = {}
    for path in sorted(SAMPLES.glob("*.jpg")):
        photo = read_bgr(path)
        photo = cv2.resize(photo, (round(photo.shape[1] * 480 / photo.shape[0]), 480))
        left = (photo.shape[1] - 640) // 2
        photo = photo[:, left:left + 640] if left >= 0 else cv2.resize(photo, (640, 480))
        frames[path.stem] = []
        for _ in range(per_label):
            move = cv2.getRotationMatrix2D((320, 240), float(rng.uniform(-5, 5)), float(rng.uniform(0.95, 1.05)))
            move[:, 2] += rng.uniform(-20, 20, 2)
            frames[path.stem].append(cv2.warpAffine(photo, move, (640, 480), borderMode=cv2.BORDER_REPLICATE))
    return frames


def trained_app(features, frames: dict[str, list[np.ndarray]], folder: Path):
    """A TeachApp with every frame recorded as the window records it (a number key held), not yet trained."""
    from mlplay.teach import data, models
    from mlplay.teach.app import TeachApp

    app = TeachApp("bench", data.Examples(list(frames)), features, data.Recorder(folder), models.train,
                   lambda head, report: "not saved", log=lambda m: None)
    t = 0.0
    for i, (_label, pictures) in enumerate(frames.items()):
        for picture in pictures:
            app.key(str(i + 1), t)
            app.process(picture, t)
            t += 1 / 30
        t += 1.0
        app.process(pictures[0], t)  # let go
    return app, t


def train_to_live(features, per_label: int = 60, repeats: int = 5) -> tuple[float, dict]:
    """Seconds from `t` to the first frame with live probabilities (median of `repeats`)."""
    frames = hand_frames(per_label)
    with tempfile.TemporaryDirectory() as tmp:
        app, t = trained_app(features, frames, Path(tmp))
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            app.key("t", t)
            app.process(frames["paper"][0], t)
            times.append(time.perf_counter() - began)
            assert app.probabilities is not None
    return statistics.median(times), app.report


def teach_loop(features, frames: int = 300) -> tuple[float, dict]:
    """The trained camera teach loop on a 640×480 stream, no window: frames/s and ms a frame per stage."""
    from mlplay.shell.camera import FrameListSource, run_camera
    from mlplay.shell.window import NoWindow

    pictures = hand_frames(40, seed=1)
    stream = [p for i in range(frames // 40 + 1) for p in pictures[list(pictures)[i % 3]]][:frames]
    with tempfile.TemporaryDirectory() as tmp:
        app, _ = trained_app(features, hand_frames(20), Path(tmp))
        app.key("t", 0.0)
        app.seconds = dict.fromkeys(app.seconds, 0.0)
        stats = run_camera(app, FrameListSource(stream), show=False, display=NoWindow(), log=io.StringIO())
    return stats.fps, {k: 1000 * v / stats.frames for k, v in app.timings().items()}


def keras_predict_ms(frames: int = 20) -> float | None:
    """The naive way: the same features through the cached Keras model's model.predict, one frame a call."""
    from mlplay.console import tensorflow
    from mlplay.vision import backbone

    tensorflow()
    import keras

    full = keras.models.load_model(backbone.folder() / backbone.KERAS_FILE, compile=False)
    model = keras.Model(full.inputs, full.get_layer("pool").output)
    x = np.random.default_rng(0).integers(0, 256, (1, 224, 224, 3)).astype(np.float32)
    model.predict(x, verbose=0)
    began = time.perf_counter()
    for _ in range(frames):
        model.predict(x, verbose=0)
    return 1000 * (time.perf_counter() - began) / frames


def rps_mobilenet_loop(frames: int = 300) -> tuple[float, float, float] | None:
    """camera rps --model rps-mobilenet on a 640×480 stream, no window: frames/s, model ms a frame, size in MB."""
    from mlplay import store
    from mlplay.rps.app import HandClassifier, RpsApp
    from mlplay.rps.game import Game, RandomOpponent
    from mlplay.shell.camera import FrameListSource, run_camera
    from mlplay.shell.window import NoWindow

    try:
        classifier = HandClassifier("rps-mobilenet")
    except MlplayError:
        return None
    pictures = hand_frames(40, seed=2)
    stream = [p for i in range(frames // 40 + 1) for p in pictures[list(pictures)[i % 3]]][:frames]
    app = RpsApp(Game(RandomOpponent(0), auto=True), classifier)
    stats = run_camera(app, FrameListSource(stream), show=False, display=NoWindow(), log=io.StringIO())
    return stats.fps, 1000 * app.model_seconds / stats.frames, store.open("rps-mobilenet").size / 1e6


def train_teach_accuracy(photos: Path, per_class: int = 20) -> dict:
    """`train teach` on the first `per_class` photos of each class (sorted by name), the others predicted."""
    from mlplay.imageio import read_bgr
    from mlplay.teach import data, models
    from mlplay.vision.backbone import Features

    features = Features()
    files = data.pictures_in(photos)
    examples = data.Examples(list(files))
    began = time.perf_counter()
    for label, paths in files.items():
        for path in paths[:per_class]:
            examples.files[label].append(path)
            examples.features[label].append(features(read_bgr(path)))
    head, report = models.train(examples)
    seconds = time.perf_counter() - began
    right = total = 0
    for i, paths in enumerate(files.values()):
        for path in paths[per_class:]:
            right += int(np.argmax(head.logits(features(read_bgr(path)))) == i)
            total += 1
    return {"accuracy": right / total, "others": total, "trained_on": report["examples"] - report["held_out"],
            "held_out": report["held_out"], "held_out_accuracy": report["held_out_accuracy"], "seconds": seconds}


def run(photos: Path | None = None) -> None:
    from mlplay.vision.backbone import Features

    features = Features()
    live, report = train_to_live(features)
    fps, stages = teach_loop(features)
    naive = keras_predict_ms()
    rps = rps_mobilenet_loop()
    table = Table("what", "measured", "goal", title="camera teach and rps-mobilenet (2 threads, 640×480 frames)")
    table.add_row("t → live predictions, 3 labels × 60 frames", f"{live:.3f} s", f"≤ {GOALS['train_to_live_s']} s "
                  + goal(live <= GOALS["train_to_live_s"]))
    table.add_row("camera teach loop, trained, no window", f"{fps:.1f} frames/s",
                  f"≥ {GOALS['teach_fps']} " + goal(fps >= GOALS["teach_fps"]))
    table.add_row("  features (LiteRT) a frame", f"{stages['features']:.1f} ms", "")
    table.add_row("  the same features by Keras model.predict (naive)", f"{naive:.1f} ms",
                  f"{naive / stages['features']:.1f}× slower")
    if rps:
        table.add_row("camera rps --model rps-mobilenet loop, no window", f"{rps[0]:.1f} frames/s",
                      f"≥ {GOALS['rps_mobilenet_fps']} " + goal(rps[0] >= GOALS["rps_mobilenet_fps"]))
        table.add_row("  rps-mobilenet (int8 LiteRT) a frame", f"{rps[1]:.1f} ms", "")
        table.add_row("rps-mobilenet in models/", f"{rps[2]:.2f} MB",
                      f"≤ {GOALS['rps_mobilenet_mb']} " + goal(rps[2] <= GOALS["rps_mobilenet_mb"]))
    else:
        table.add_row("camera rps --model rps-mobilenet", "no models/rps-mobilenet: not measured", "")
    if photos:
        result = train_teach_accuracy(photos)
        table.add_row(f"train teach on 20 photos a class of {photos.name}, the other {result['others']}",
                      f"{result['accuracy']:.2%}", f"≥ {GOALS['train_teach_accuracy']:.0%} "
                      + goal(result["accuracy"] >= GOALS["train_teach_accuracy"]))
        table.add_row(f"  its held-out time blocks ({result['held_out']} photos)",
                      f"{result['held_out_accuracy']:.2%}", "")
        table.add_row("  features of 60 photos + training", f"{result['seconds']:.2f} s", "")
    console.print(table)
    console.print(f"teach: held-out accuracy of the bench's head {report['held_out_accuracy']:.0%} "
                  f"({report['held_out']} frames of the three sample hands)")


def main(argv=None) -> None:
    from mlplay.bench import main as bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, help="rock/, paper/, scissors/ photos for the train teach figure")
    args = parser.parse_args(argv)
    bench(lambda: run(args.photos))


if __name__ == "__main__":
    main()
