"""`make bench`: time to held-out test accuracy of four digit CNN recipes, trained one after another on this machine.

- `original`: the original collection's CNN and recipe (the anchor: conv 5×5×8 → pool → conv 5×5×16 → pool →
  dense 128 → dropout 0.2, Adam at a constant 0.001, batch 32, no augmentation);
- `shipped`: the recipe of the shipped digits-cnn (a larger CNN with batch norm, batch 128, cosine decay,
  augmentation), which aims at a robust model rather than a fast one;
- `fast`: the quickest to 99.0 % (2 epochs); `fast-long`: to 99.4 % (6 epochs).

Each recipe trains in its own process with the real training loop (mlplay.training.loop; the run and the model go
to a temporary folder, models/ is not touched) for at most `cap` seconds of training. After every epoch a clock scores
the test set, only to note when 99.0 % and 99.4 % were first reached: it times the recipe and never picks a
model (validation does that, as always). The clock's own scoring is not counted in the times.

    python -m mlplay.digits.speed [--recipes original,fast] [--quick] [--cap SECONDS] [--data mnist.npz]
"""

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THRESHOLDS = (0.990, 0.994)
GOALS = {0.990: ("fast", 60), 0.994: ("fast-long", 180)}  # the recipe and its goal in seconds on 2 cores
CAP = 240  # seconds of training per recipe in `make bench`
MARK = "time-to-accuracy "
RECIPES = ("original", "shipped", "fast", "fast-long")  # the table's order
ANCHOR = "original"  # what the fast recipes' speed-ups are measured against first


def recipes() -> dict:
    from mlplay import registry
    from mlplay.digits.models import FAST_CNN, FAST_CNN_LONG, ORIGINAL_CNN

    shipped = registry.experiment("digits-cnn")
    return {"original": dataclasses.replace(shipped, **ORIGINAL_CNN), "shipped": shipped,
            "fast": dataclasses.replace(shipped, **FAST_CNN),
            "fast-long": dataclasses.replace(shipped, **FAST_CNN_LONG)}


def _clock(x_test, y_test, cap: float):
    import keras

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.started, self.scoring = time.perf_counter(), 0.0

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            trained = now - self.started - self.scoring
            accuracy = self.model.evaluate(x_test, y_test, batch_size=1000, verbose=0, return_dict=True)["accuracy"]
            self.scoring += time.perf_counter() - now
            print(MARK + json.dumps({"epoch": epoch + 1, "seconds": round(trained, 1),
                                     "test_accuracy": round(float(accuracy), 4)}), flush=True)
            if trained >= cap:
                self.model.stop_training = True

    return Clock()


def train_one(name: str, cap: float, quick: bool, data: Path | None) -> None:
    """In the child process: train one recipe, printing one clock line per epoch."""
    from mlplay.console import tensorflow
    from mlplay.training.loop import TrainConfig, train

    tensorflow()
    exp = recipes()[name]
    arrays = exp.load_data(data, quick)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MLPLAY_RUNS"] = tmp
        cfg = TrainConfig(quick=quick, epochs=1 if quick else None, data=data, models_root=Path(tmp) / "models",
                          callbacks=(_clock(arrays.x_test, arrays.y_test, cap),), command=f"bench {name}")
        train(exp, cfg, log=lambda *args: None)


def measure(name: str, cap: float, quick: bool, data: Path | None) -> list[dict]:
    from mlplay.errors import MlplayError

    cmd = [sys.executable, "-m", "mlplay.digits.speed", "--recipe", name, "--cap", str(cap)]
    cmd += ["--quick"] * quick + (["--data", str(data)] if data else [])
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise MlplayError(f"training the {name} recipe failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    return [json.loads(line[len(MARK):]) for line in result.stdout.splitlines() if line.startswith(MARK)]


def first_reached(epochs: list[dict], threshold: float) -> float | None:
    return next((e["seconds"] for e in epochs if e["test_accuracy"] >= threshold), None)


def versus(recipe: list[dict], other: list[dict], threshold: float) -> str:
    """How `recipe` compares with `other` at the threshold: how many times faster it got there, or that `other` never
    did in its whole run (then a ratio would only measure how long that run was)."""
    mine, theirs = first_reached(recipe, threshold), first_reached(other, threshold)
    if not mine or not other:
        return "-"
    if theirs:
        return f"{theirs / mine:.1f}× faster"
    last = other[-1]
    return f"never got there ({last['test_accuracy']:.2%} after {len(other)} epochs, {last['seconds']:.0f} s)"


def run(quick: bool = False, cap: float = CAP, data: Path | None = None, names: list[str] | None = None) -> None:
    from rich.table import Table

    from mlplay.bench import console, goal

    load = os.getloadavg()[0]
    found = {name: (exp, measure(name, cap, quick, data)) for name, exp in recipes().items()
             if names is None or name in names}
    table = Table("recipe", *(f"s to {t:.1%}" for t in THRESHOLDS), "epochs", "last test acc.",
                  title=f"digits CNN time to test accuracy (≤ {cap:g} s of training each, {os.cpu_count()} cores)")
    for name, (exp, epochs) in found.items():
        times = [first_reached(epochs, t) for t in THRESHOLDS]
        table.add_row(f"{name}: {exp.summary}, batch {exp.batch_size}",
                      *(f"{s:.0f}" if s is not None else f"> {epochs[-1]['seconds']:.0f}" if epochs else "-"
                        for s in times),
                      str(len(epochs)), f"{epochs[-1]['test_accuracy']:.4f}" if epochs else "-")
    console.print(table)
    for threshold in THRESHOLDS:
        recipe, seconds = GOALS[threshold]
        if recipe not in found:
            continue
        mine = first_reached(found[recipe][1], threshold)
        against = "; ".join(f"against the {other} recipe: {versus(found[recipe][1], found[other][1], threshold)}"
                            for other in (ANCHOR, "shipped") if other in found)
        reached = f"{mine:.0f} s" if mine else "not reached"
        met = goal(mine is not None and mine <= seconds)
        console.print(f"{recipe} recipe to {threshold:.1%}: {reached} (goal ≤ {seconds} s {met})"
                      + (against and f"; {against}"))
    console.print(f"load average at the start {load:.1f}. The test set was scored after every epoch only to time "
                  "these thresholds; it picks no model (validation does).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    names = list(RECIPES)
    parser.add_argument("--recipe", choices=names, help="(internal) train this recipe and print its clock")
    parser.add_argument("--recipes", type=lambda text: text.split(","), default=None,
                        help=f"comma-separated recipes to time (default all: {','.join(names)})")
    parser.add_argument("--cap", type=float, default=CAP, help="seconds of training per recipe")
    parser.add_argument("--quick", action="store_true", help="tiny data, one epoch: checks the bench itself")
    parser.add_argument("--data", type=Path, help="MNIST .npz (default: the cached or fetched MNIST)")
    args = parser.parse_args()
    from mlplay.errors import MlplayError, report

    try:
        unknown = sorted(set(args.recipes or ()) - set(names))
        if unknown:
            raise MlplayError(f"unknown recipe {', '.join(unknown)}", f"choose from: {', '.join(names)}")
        if args.recipe:
            train_one(args.recipe, args.cap, args.quick, args.data)
        else:
            run(args.quick, args.cap, args.data, args.recipes)
    except MlplayError as e:
        report(e)
        sys.exit(1)


if __name__ == "__main__":
    main()
