"""`make bench`: time to held-out test accuracy of digits-cnn, the fast recipes against the seed's, on this machine.

`fast` is the quickest to 99.0 % (2 epochs), `fast-long` to 99.4 % (6 epochs). Each recipe trains in its own
process with the real training loop (mlplay.training.loop; the run and the model go to a
temporary folder, models/ is not touched) for at most `cap` seconds of training. After every epoch a clock scores
the test set, only to note when 99.0 % and 99.4 % were first reached: it times the recipe and never picks a
model (validation does that, as always). The clock's own scoring is not counted in the times.

    python -m mlplay.digits.speed [--quick] [--cap SECONDS] [--data mnist.npz]
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


def recipes() -> dict:
    from mlplay import registry
    from mlplay.digits.models import FAST_CNN, FAST_CNN_LONG

    seed = registry.experiment("digits-cnn")
    return {"seed": seed, "fast": dataclasses.replace(seed, **FAST_CNN),
            "fast-long": dataclasses.replace(seed, **FAST_CNN_LONG)}


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


def run(quick: bool = False, cap: float = CAP, data: Path | None = None) -> None:
    from rich.table import Table

    from mlplay.bench import console, goal

    load = os.getloadavg()[0]
    found = {name: (exp, measure(name, cap, quick, data)) for name, exp in recipes().items()}
    table = Table("recipe", *(f"s to {t:.1%}" for t in THRESHOLDS), "epochs", "last test acc.",
                  title=f"digits-cnn time to test accuracy (≤ {cap:g} s of training each, {os.cpu_count()} cores)")
    for name, (exp, epochs) in found.items():
        times = [first_reached(epochs, t) for t in THRESHOLDS]
        table.add_row(f"{name}: {exp.summary}, batch {exp.batch_size}",
                      *(f"{s:.0f}" if s is not None else f"> {epochs[-1]['seconds']:.0f}" if epochs else "-"
                        for s in times),
                      str(len(epochs)), f"{epochs[-1]['test_accuracy']:.4f}" if epochs else "-")
    console.print(table)
    seed = found["seed"][1]
    for threshold in THRESHOLDS:
        recipe, seconds = GOALS[threshold]
        mine, theirs = first_reached(found[recipe][1], threshold), first_reached(seed, threshold)
        ratio = (f"{theirs / mine:.1f}× faster than the seed's" if mine and theirs else
                 f"≥ {seed[-1]['seconds'] / mine:.1f}× (the seed's did not get there)" if mine and seed else "-")
        console.print(f"{recipe} recipe to {threshold:.1%}: {f'{mine:.0f} s' if mine else 'not reached'} "
                      f"(goal ≤ {seconds} s {goal(mine is not None and mine <= seconds)}); {ratio}")
    console.print(f"load average at the start {load:.1f}. The test set was scored after every epoch only to time "
                  "these thresholds; it picks no model (validation does).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipe", choices=["seed", *(r for r, _ in GOALS.values())],
                        help="(internal) train this recipe and print its clock")
    parser.add_argument("--cap", type=float, default=CAP, help="seconds of training per recipe")
    parser.add_argument("--quick", action="store_true", help="tiny data, one epoch: checks the bench itself")
    parser.add_argument("--data", type=Path, help="MNIST .npz (default: the cached or fetched MNIST)")
    args = parser.parse_args()
    from mlplay.errors import MlplayError, report

    try:
        if args.recipe:
            train_one(args.recipe, args.cap, args.quick, args.data)
        else:
            run(args.quick, args.cap, args.data)
    except MlplayError as e:
        report(e)
        sys.exit(1)


if __name__ == "__main__":
    main()
