"""`make bench` figures for `mlplay camera rps`: the loop with rps-cnn on a video without display (vs model.predict
per frame), and the hand model rps-hands (the default): each stage's time, the loop at 640×480 with palm detection
on every frame and with tracking, and the cold start to the first frame.

The hand frames are the shipped sample photos (real hands, mlplay/rps/sample-hands/) scaled into 640×480 and moved
a little from frame to frame, as a hand held in front of a webcam.
"""

import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from rich.table import Table

from mlplay import store
from mlplay.bench import console, goal
from mlplay.errors import MlplayError

SAMPLES = Path(__file__).with_name("sample-hands")
GOALS = {"detect_fps": 30, "track_fps": 60, "cold_start_s": 1.5}


def rps_camera_loop(frames: int = 600, naive_frames: int = 30) -> None:
    """The `mlplay camera rps` loop (decode, guide-box crop, classify, game, drawing) on a video, no display."""
    from mlplay.rps import synthetic as rps_synthetic
    from mlplay.rps.app import HandClassifier, RpsApp
    from mlplay.rps.game import Game, RandomOpponent
    from mlplay.shell import camera

    with tempfile.TemporaryDirectory() as tmp:
        root, note = None, "models/rps-cnn"
        try:
            store.open("rps-cnn")
        except MlplayError:  # speed does not depend on the weights: an untrained model of the same architecture
            from mlplay.rps.models import build_cnn

            root, note = Path(tmp) / "models", "untrained rps-cnn (same architecture; speed only)"
            from mlplay.console import quiet_stderr

            with quiet_stderr():  # the LiteRT converter's C++ chatter
                card = {"name": "rps-cnn", "task": "image-classification", "labels": ["rock", "paper", "scissors"],
                        "input": {"shape": [96, 96, 3]}}
                store.save(build_cnn(), card, root)
        video = rps_synthetic.write_video(Path(tmp) / "bench.mp4", ["rock", "paper", "scissors"], fps=30,
                                          width=640, height=480, seconds_per_label=frames / 90, still=True)

        def loop(classify, limit=None):
            app = RpsApp(Game(RandomOpponent(0), auto=True), classify)
            return camera.run_camera(app, str(video), show=False, max_frames=limit, log=io.StringIO())

        fast = loop(HandClassifier("rps-cnn", root))
        keras_model = store.open("rps-cnn", root).keras()
        from mlplay.rps.data import to_input

        def naive(crop):
            p = keras_model.predict(to_input(crop, 96)[None], verbose=0)[0]
            return dict(zip(["rock", "paper", "scissors"], map(float, p)))

        slow = loop(naive, naive_frames)
    table = Table("camera rps loop, 640×480 video, no display", "frames/s", "model ms/frame", title=f"camera ({note})")
    table.add_row("model.predict per frame (naive)", f"{slow.fps:.1f}",
                  f"{1000 * slow.stages['model'] / slow.frames:.1f}")
    table.add_row("mlplay camera rps (LiteRT, 2 threads)", f"{fast.fps:.0f}",
                  f"{1000 * fast.stages['model'] / fast.frames:.2f}")
    console.print(table)
    console.print(f"goal ≥ 60 frames/s: {fast.fps:.0f} {goal(fast.fps >= 60)} ({fast.fps / slow.fps:.0f}× the naive "
                  "loop)")


def hand_frames(n: int, size=(640, 480)) -> list[np.ndarray]:
    """n frames: each sample photo for a third of them, drifting a few pixels a frame."""
    from mlplay.imageio import read_bgr

    photos = [read_bgr(SAMPLES / f"{move}.jpg") for move in ("rock", "paper", "scissors")]
    frames = []
    for i in range(n):
        photo = photos[min(2, 3 * i // n)]
        k = min(size[0] / photo.shape[1], size[1] / photo.shape[0]) * 0.9
        dx = 8 * np.sin(i / 6)
        m = np.float32([[k, 0, (size[0] - k * photo.shape[1]) / 2 + dx], [0, k, (size[1] - k * photo.shape[0]) / 2]])
        frames.append(cv2.warpAffine(photo, m, size, borderMode=cv2.BORDER_REPLICATE))
    return frames


def stage_ms(frames: list[np.ndarray]) -> dict[str, float]:
    """Median ms of each stage on 640×480 frames: palm detection (letterbox + model + decoding + NMS), landmarks
    (rotated crop + model + projection), the gesture classifier (features + LiteRT)."""
    from mlplay.rps.gesture_model import GestureReader
    from mlplay.rps.gestures import features
    from mlplay.rps.hands import roi_from_palm

    reader = GestureReader(track=False)
    tracker, times = reader.tracker, {"palm detection": [], "landmarks": [], "classifier": []}
    for frame in frames:
        t0 = time.perf_counter()
        palms = tracker.palms(frame, 0.25)
        t1 = time.perf_counter()
        if not palms:
            continue
        hand = tracker.landmarks(frame, roi_from_palm(palms[0][1], palms[0][2]))
        t2 = time.perf_counter()
        reader.predictor(features(hand.landmarks, hand.right >= 0.5))
        t3 = time.perf_counter()
        for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2)):
            times[name].append(seconds)
    return {name: 1000 * statistics.median(values) for name, values in times.items() if values}


def loop_fps(frames: list[np.ndarray], track: bool):
    """The `mlplay camera rps` app (hands + game + drawing) on the frames, no display: its Stats."""
    from mlplay.rps.app import RpsApp
    from mlplay.rps.game import Game, RandomOpponent
    from mlplay.rps.gesture_model import GestureReader
    from mlplay.shell import camera

    app = RpsApp(Game(RandomOpponent(0), auto=True), GestureReader(track=track))
    cpu = time.process_time()
    stats = camera.run_camera(app, camera.FrameListSource(frames, fps=30), show=False, log=io.StringIO())
    stats.cpu_ms = 1000 * (time.process_time() - cpu) / max(stats.frames, 1)  # all threads: ≥ wall time when idle
    return stats


def cold_start_s(repeats: int = 3) -> tuple[float, float]:
    """A new `mlplay camera rps` process on a one-frame 640×480 video, headless: start → first frame → exit.
    Returns the median wall seconds and the process's median CPU seconds (user + system, all threads)."""
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        video = str(Path(tmp) / "one.mp4")
        writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"mp4v"), 30, (640, 480))
        writer.write(hand_frames(1)[0])
        writer.release()
        times, cpu = [], []
        for _ in range(repeats):
            used, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([sys.executable, "-m", "mlplay", "camera", "rps", "--source", video, "--no-show"],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def naive_classifier_ms(frames: list[np.ndarray]) -> float:
    """The classifier with keras model.predict per frame, the naive way (imports TensorFlow)."""
    from mlplay import store
    from mlplay.rps.gestures import features
    from mlplay.rps.hands import HandTracker

    tracker = HandTracker(track=False)
    hand = next(h for h in (tracker(f) for f in frames) if h is not None)
    x = features(hand.landmarks, hand.right >= 0.5)[None]
    model = store.open("rps-hands").keras()
    model.predict(x, verbose=0)
    start = time.perf_counter()
    for _ in range(20):
        model.predict(x, verbose=0)
    return 1000 * (time.perf_counter() - start) / 20


def hands_bench() -> None:
    frames = hand_frames(300)
    stages = stage_ms(frames[::5])
    detect, track = loop_fps(frames, track=False), loop_fps(frames, track=True)
    cold, cold_cpu = cold_start_s()
    naive = naive_classifier_ms(frames[:10])
    table = Table("stage (640×480 frame)", "median ms", title="camera rps with rps-hands: stages")
    for name, ms in stages.items():
        table.add_row(name, f"{ms:.2f}")
    table.add_row("classifier with model.predict (naive)", f"{naive:.1f}")
    console.print(table)
    loops = Table("camera rps loop, 640×480, no display", "frames/s", "ms/frame", "CPU ms/frame (all threads)",
                  title="camera rps with rps-hands: loop")
    for name, stats in (("palm detection every frame", detect), ("tracking from the landmarks", track)):
        loops.add_row(name, f"{stats.fps:.0f}", f"{1000 / max(stats.fps, 1e-9):.1f}", f"{stats.cpu_ms:.1f}")
    console.print(loops)
    console.print(f"goal detection every frame ≥ {GOALS['detect_fps']} frames/s: {detect.fps:.0f} "
                  f"{goal(detect.fps >= GOALS['detect_fps'])};  goal tracking ≥ {GOALS['track_fps']} frames/s: "
                  f"{track.fps:.0f} {goal(track.fps >= GOALS['track_fps'])} ({track.fps / max(detect.fps, 1e-9):.1f}× "
                  "detection every frame);  classifier LiteRT "
                  f"{naive / max(stages.get('classifier', 1e-9), 1e-9):.0f}× faster than model.predict")
    console.print("(CPU time counts every thread: on an otherwise idle machine a frame takes at most that long, so "
                  "1000 / CPU ms is a lower bound of the frame rate when other programs share the cores)")
    console.print(f"goal cold start to first frame ≤ {GOALS['cold_start_s']} s: {cold:.2f} s "
                  f"{goal(cold <= GOALS['cold_start_s'])} (CPU {cold_cpu:.2f} s)")


def run() -> None:
    rps_camera_loop()
    hands_bench()
