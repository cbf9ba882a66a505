"""The `mlplay camera rps` and `mlplay camera record rps` commands: wire the apps to the camera shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def play(source: str, model: str, opponent: str, auto: bool, rounds: int | None, jsonl: bool, show: bool,
         save: bool, mirror: bool | None, seed: int | None, models_dir: Path | None) -> None:
    from mlplay.games.rps import Game, make_opponent
    from mlplay.ui import camera
    from mlplay.ui.rpsapp import HandClassifier, RpsApp, format_round

    classify = HandClassifier(model, models_dir)  # a clear error, with how to get a model, before anything opens
    display = camera.make_display(show, "mlplay - rock paper scissors")  # refused here when there is no display
    game = Game(make_opponent(opponent, seed), auto=auto, max_rounds=rounds, show_help=not auto)

    def emit(record: dict) -> None:
        print(json.dumps(record) if jsonl else format_round(record), flush=True)

    app = RpsApp(game, classify, emit)
    print(f"model {model} ({classify.predictor.backend}), opponent {opponent}"
          + (", automatic rounds" if auto else ", space plays a round"), file=sys.stderr, flush=True)
    camera.run_camera(app, source, show, save, command="camera", name="rps", display=display, mirror=mirror,
                      title="mlplay - rock paper scissors")
    if not jsonl:
        print(f"final score: {game.score}")


def record(label: str, count: int, source: str, out: Path | None, every: float, delay: float, show: bool,
           mirror: bool | None) -> None:
    from mlplay.data.rps import mine_dir
    from mlplay.errors import MlplayError
    from mlplay.ui import camera
    from mlplay.ui.rpsapp import RecordApp

    out = Path(out) if out else mine_dir()
    app = RecordApp(label, count, out, every=every, delay=delay, log=lambda m: print(m, file=sys.stderr, flush=True))
    display = camera.make_display(show, f"mlplay - record {label}")
    camera.run_camera(app, source, show, display=display, mirror=mirror, title=f"mlplay - record {label}")
    print(f"{len(app.saved)} pictures of {label} in {app.folder}")
    if len(app.saved) < count:
        raise MlplayError(f"only {len(app.saved)} of {count} pictures were recorded",
                          "the stream ended or was closed early; run it again to add more")
