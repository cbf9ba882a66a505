"""Rock-paper-scissors on the camera shell: the game app (live bars, countdown, score) and the recording app.

Both are camera-shell apps (process(frame, t) → annotated frame, key(name, t), running, timings()); the game
logic lives in mlplay.rps.game and the model behind a `read(frame, guide box) → (hand, {move: p})` callable: the hand
landmark model (rps-hands, the default: any hand in the picture, `hand` has its landmarks, None/None when no hand) or
an image classifier of the guide box (rps-cnn, rps-mobilenet: no hand, always probabilities).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.rps import view as rps_view
from mlplay.rps.game import HELP, MOVES, Game, guide_box
from mlplay.rps.gestures import Held
from mlplay.rps.view import VERDICT


def no_model_hint(name: str) -> str:
    return (f"get one: record your own hands with `mlplay camera record rps --label rock` (then paper and scissors) "
            f"and train with `mlplay train {name} --data datasets/rps-mine`; or `mlplay data fetch rps` then "
            f"`mlplay train {name}`")


class HandClassifier:
    """A trained RPS model through the fast predictor: guide-box crop (BGR) → {move: probability}."""

    def __init__(self, name: str, models_dir: Path | None = None):
        from mlplay import registry, store
        from mlplay.runtime import Predictor

        if not store.exists(name, models_dir) and name in registry.experiments():
            raise MlplayError(f"no trained rock-paper-scissors model '{name}' in "
                              f"{store.model_path(name, models_dir).parent}",
                              no_model_hint(name))
        model = store.open(name, models_dir)  # a mistyped name gets the closest model; an unreadable card says so
        if model.labels != list(MOVES):
            raise MlplayError(f"{name} is not a rock-paper-scissors model (labels {model.labels})",
                              "use --model rps-cnn or rps-mobilenet")
        self.name, self.card = name, model.card
        self.size = int(model.card.raw["input"]["shape"][0])
        self.predictor = Predictor(model)

    def __call__(self, crop: np.ndarray) -> dict[str, float]:
        from mlplay.rps.data import to_input

        p = self.predictor(to_input(crop, self.size))
        return {m: float(p[i]) for i, m in enumerate(MOVES)}


def make_reader(model: str, models_dir: Path | None = None):
    """The model behind the game: the hand landmark pipeline + rps-hands, or an image classifier of the guide box."""
    from mlplay import store
    from mlplay.rps.gesture_model import NAME, GestureReader

    if model == NAME or (store.exists(model, models_dir)
                         and store.open(model, models_dir).card.task == "gesture-classification"):
        return GestureReader(models_dir, name=model)  # rps-hands, or a copy of it (e.g. rps-hands-quick)
    return HandClassifier(model, models_dir)


def crop_box(frame: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    box = guide_box(frame.shape[1], frame.shape[0])
    x0, y0, x1, y1 = box
    return frame[y0:y1, x0:x1], box


class RpsApp:
    """The game on camera frames: read the hand every frame (live bars), play rounds, report each one.

    A round is scored on the gesture held at "shoot": the mean of the readings of the last `held` seconds.
    """

    def __init__(self, game: Game, reader, emit=None, held: float = 0.35):
        self.game, self.reader, self.emit = game, reader, emit or (lambda record: None)
        self.read = getattr(reader, "read", None) or (  # an image classifier: guide-box crop → {move: p}
            lambda frame, box: (None, reader(frame[box[1]:box[3], box[0]:box[2]])))
        self.model_name = getattr(reader, "name", "")
        self.panel = rps_view.Memo(rps_view.game_panel)
        self.model_seconds, self.held = 0.0, Held(held)
        self.hand, self.probabilities = None, None  # the latest frame's hand (landmark models) and reading

    @property
    def running(self) -> bool:
        return self.game.running

    def process(self, frame: np.ndarray, t: float) -> np.ndarray:
        box = guide_box(frame.shape[1], frame.shape[0])
        started = time.perf_counter()
        self.hand, self.probabilities = self.read(frame, box)
        self.model_seconds += time.perf_counter() - started
        self.held.add(t, self.probabilities)
        result = self.game.update(t, lambda: self.held.at(t))
        if result:
            self.emit(result.record(self.game.score))
        return self.draw(frame, box, t)

    def key(self, name: str, t: float) -> None:
        self.game.key(name, t)

    def timings(self) -> dict[str, float]:
        stages = getattr(self.reader, "timings", None)
        return {"model": self.model_seconds, **(stages() if stages else {})}

    def draw(self, frame: np.ndarray, box, t: float) -> np.ndarray:
        """The window picture: the frame scaled up or down with the guide box on it, the game panel beside it."""
        game = self.game
        count = game.countdown(t)

        hands = getattr(self.reader, "hands", False)  # a hand model: no hand is "none", not a guess
        status = "show your hand" if hands and self.hand is None else ""

        def panel(height: int) -> np.ndarray:
            img = self.panel(height=height, model=self.model_name, score=game.score, phase=game.phase,
                             countdown=count, last=game.last, auto=game.auto,
                             help_lines=HELP if game.show_help else None).copy()
            rps_view.live_readout(img, self.probabilities or dict.fromkeys(MOVES, 0.0), status or "your hand now")
            return img

        box_colour = rps_view.YELLOW if count else rps_view.GREEN
        overlay = rps_view.hand_overlay(box, box_colour, self.hand, self.probabilities, ask=hands)
        return rps_view.compose(frame, panel, overlay)[0]


def format_round(record: dict) -> str:
    verdict = VERDICT[record["winner"]]
    s = record["score"]
    return (f"round {record['round']}: you {record['human']} ({record['confidence']:.0%}) vs computer "
            f"{record['computer']}: {verdict}  (you {s['human']} : {s['computer']} computer, {s['draws']} draws)")


class RecordApp:
    """Save guide-box crops for one label: `count` of them, one every `every` s after a `delay` to get ready.

    Space pauses and resumes. Files go to <out>/<label>/mine_NNNNN.png, never over existing ones.
    """

    MAX_SIDE = 300  # crops are stored at most this large (the models read 96–128 px)

    def __init__(self, label: str, count: int, out: Path, every: float = 0.1, delay: float = 2.0, log=print,
                 tracker=None):
        """tracker: a hands.HandTracker; each picture then gets its hand's landmarks beside it (mine_NNNNN.json)."""
        if label not in MOVES:
            raise MlplayError(f"unknown label '{label}'", "choose rock, paper or scissors")
        self.label, self.count, self.every, self.delay, self.log = label, count, every, delay, log
        self.folder = Path(out) / label
        taken = [int(p.stem.split("_")[-1]) for p in self.folder.glob("mine_*.png") if p.stem.split("_")[-1].isdigit()]
        self.next_index = max(taken, default=-1) + 1
        self.saved: list[Path] = []
        self.start, self.last, self.paused = None, None, False
        self.tracker, self.hand = tracker, None

    @property
    def running(self) -> bool:
        return len(self.saved) < self.count

    def key(self, name: str, t: float) -> None:
        if name == "space":
            self.paused = not self.paused

    def process(self, frame: np.ndarray, t: float) -> np.ndarray:
        from mlplay.fileio import atomic_path

        crop, (x0, y0, x1, y1) = crop_box(frame)
        self.start = t if self.start is None else self.start
        ready = t - self.start >= self.delay
        if self.tracker is not None:
            from mlplay.rps.hands import box_roi

            self.hand = self.tracker(frame, [box_roi((x0, y0, x1, y1))])
        if ready and not self.paused and self.running and (self.last is None or t - self.last >= self.every - 1e-9):
            side = crop.shape[0]
            if side > self.MAX_SIDE:
                crop = cv2.resize(crop, (self.MAX_SIDE, self.MAX_SIDE), interpolation=cv2.INTER_AREA)
            path = self.folder / f"mine_{self.next_index:05d}.png"
            with atomic_path(path) as tmp:
                tmp.write_bytes(cv2.imencode(".png", crop)[1].tobytes())
            if self.tracker is not None:  # the landmarks in the saved picture's pixels
                from mlplay.rps.landmarks import write_sidecar

                write_sidecar(path, self.hand, (x0, y0), crop.shape[0] / side)
            self.saved.append(path)
            self.next_index += 1
            self.last = t
            if len(self.saved) % 25 == 0 or len(self.saved) == self.count:
                self.log(f"{self.label}: {len(self.saved)}/{self.count} saved")
        colour = rps_view.RED if ready and not self.paused else rps_view.YELLOW
        status = ("paused (space resumes)" if self.paused else
                  f"show {self.label} in the box" if ready else
                  f"get ready: {self.label} in {self.delay - (t - self.start):.1f} s")

        def panel(height: int) -> np.ndarray:
            return rps_view.record_panel(height, label=self.label, saved=len(self.saved), count=self.count,
                                         status=status, colour=colour)

        return rps_view.compose(frame, panel, rps_view.hand_overlay((x0, y0, x1, y1), colour, self.hand))[0]


# -- the `mlplay camera rps` and `mlplay camera record rps` commands: the apps wired to the camera shell --

def play(source: str, model: str, opponent: str, auto: bool, rounds: int | None, jsonl: bool, show: bool,
         save: bool, mirror: bool | None, seed: int | None, models_dir: Path | None) -> None:
    from mlplay.rps.game import Game, make_opponent
    from mlplay.shell import camera, window

    reader = make_reader(model, models_dir)  # a clear error, with how to get a model, before anything opens
    display = window.make_display(show, "mlplay - rock paper scissors")  # refused here when there is no display
    game = Game(make_opponent(opponent, seed), auto=auto, max_rounds=rounds, show_help=not auto)

    def emit(record: dict) -> None:
        print(json.dumps(record) if jsonl else format_round(record), flush=True)

    app = RpsApp(game, reader, emit)
    print(f"model {model} ({reader.predictor.backend}), opponent {opponent}"
          + (", automatic rounds" if auto else ", space plays a round"), file=sys.stderr, flush=True)
    camera.run_camera(app, source, show, save, command="camera", name="rps", display=display, mirror=mirror,
                      title="mlplay - rock paper scissors")
    if not jsonl:
        print(f"final score: {game.score}")


def record(label: str, count: int, source: str, out: Path | None, every: float, delay: float, show: bool,
           mirror: bool | None) -> None:
    from mlplay.rps.data import mine_dir
    from mlplay.rps.hands import HandTracker
    from mlplay.shell import camera, window

    out = Path(out) if out else mine_dir()
    app = RecordApp(label, count, out, every=every, delay=delay, log=lambda m: print(m, file=sys.stderr, flush=True),
                    tracker=HandTracker())
    display = window.make_display(show, f"mlplay - record {label}")
    camera.run_camera(app, source, show, display=display, mirror=mirror, title=f"mlplay - record {label}")
    print(f"{len(app.saved)} pictures of {label} in {app.folder}")
    if len(app.saved) < count:
        raise MlplayError(f"only {len(app.saved)} of {count} pictures were recorded",
                          "the stream ended or was closed early; run it again to add more")
