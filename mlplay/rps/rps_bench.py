"""`make bench` figures for `mlplay camera rps`: the loop with rps-cnn on a video without display, vs
model.predict per frame."""

import io
import tempfile
from pathlib import Path

from rich.table import Table

from mlplay import store
from mlplay.bench import console, goal
from mlplay.errors import MlplayError


def rps_camera_loop(frames: int = 600, naive_frames: int = 30) -> None:
    """The `mlplay camera rps` loop (decode, guide-box crop, classify, game, drawing) on a video, no display."""
    from mlplay.rps import rps_synthetic
    from mlplay.rps.game import Game, RandomOpponent
    from mlplay.shell import camera
    from mlplay.rps.rpsapp import HandClassifier, RpsApp

    with tempfile.TemporaryDirectory() as tmp:
        root, note = None, "models/rps-cnn"
        try:
            store.load_card("rps-cnn")
        except MlplayError:  # speed does not depend on the weights: an untrained model of the same architecture
            from mlplay.rps.rps_models import build_cnn

            root, note = Path(tmp) / "models", "untrained rps-cnn (same architecture; speed only)"
            from mlplay.runtime import quiet_stderr

            with quiet_stderr():  # the LiteRT converter's C++ chatter
                card = {"name": "rps-cnn", "labels": ["rock", "paper", "scissors"], "input": {"shape": [96, 96, 3]}}
                store.save(build_cnn(), card, root)
        video = rps_synthetic.write_video(Path(tmp) / "bench.mp4", ["rock", "paper", "scissors"], fps=30,
                                          width=640, height=480, seconds_per_label=frames / 90, still=True)

        def loop(classify, limit=None):
            app = RpsApp(Game(RandomOpponent(0), auto=True), classify)
            return camera.run_camera(app, str(video), show=False, max_frames=limit, log=io.StringIO())

        fast = loop(HandClassifier("rps-cnn", root))
        keras_model = store.load_keras("rps-cnn", root)
        from mlplay.rps.rps_data import to_input

        def naive(crop):
            p = keras_model.predict(to_input(crop, 96)[None], verbose=0)[0]
            return dict(zip(["rock", "paper", "scissors"], map(float, p)))

        slow = loop(naive, naive_frames)
    table = Table("camera rps loop, 640×480 video, no display", "frames/s", "model ms/frame", title=f"camera ({note})")
    table.add_row("model.predict per frame (naive)", f"{slow.fps:.1f}", f"{1000 * slow.stages['model'] / slow.frames:.1f}")
    table.add_row("mlplay camera rps (LiteRT, 2 threads)", f"{fast.fps:.0f}",
                  f"{1000 * fast.stages['model'] / fast.frames:.2f}")
    console.print(table)
    console.print(f"goal ≥ 60 frames/s: {fast.fps:.0f} {goal(fast.fps >= 60)} ({fast.fps / slow.fps:.0f}× the naive loop)")


def run() -> None:
    rps_camera_loop()
