"""The methods tried for digits-gen, each trained by the same loop on the same data for the same epochs and measured
the same way (docs/dream.md gives the figures):

    python -m mlplay.dream.compare train cdcgan projection hinge cvae --epochs 5
    python -m mlplay.dream.compare sheet gen-cdcgan gen-projection gen-cvae --out docs/img/dream-methods.png
    python -m mlplay.dream.compare calibrate
    python -m mlplay.dream.compare spread [--write]
    python -m mlplay.dream.compare sampling --out docs/img/dream-sampling.png

Models go to runs/dream-compare/models (never models/); each run's card figures are printed and appended to
runs/dream-compare/compare.jsonl. `sheet` draws the same 10 × 10 grid (same latent vectors) from each model;
`calibrate` measures real training digits, changed a little, the way generated ones are measured: how much a blur
or a shift costs; `spread` chooses the shipped generator's ψ and tone curve again (mlplay/dream/spread.py) and, with
`--write`, measures its card's figures sampled that way and writes them into the card.
"""

import argparse
import json
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError, report


def home() -> Path:
    from mlplay.paths import runs_dir

    return runs_dir() / "dream-compare"


def train_methods(methods: list[str], epochs: int, batch_size: int | None, seed: int, settings: list[str]) -> None:
    from mlplay.dream.models import METHODS, build, experiment, report_as_learned
    from mlplay.fileio import atomic_path
    from mlplay.training.loop import TrainConfig, train

    lines = home() / "compare.jsonl"
    changes = {k: _value(v) for k, v in (item.split("=", 1) for item in settings)}
    for method in methods:
        options = {**METHODS[method], **changes}
        name = "-".join(["gen", method, *(f"{k}{v}" for k, v in changes.items())])
        exp = replace(experiment(name, method), build=partial(build, **options), load_data=_epochs_only,
                      report=report_as_learned)  # each method as its training alone made it
        command = "python -m mlplay.dream.compare " + " ".join(sys.argv[1:])
        card = train(exp, TrainConfig(epochs=epochs, batch_size=batch_size, seed=seed, models_root=home() / "models",
                                      command=command, replace=True))
        row = {"name": name, "method": method, "options": options, "epochs": epochs, "seed": seed,
               "batch_size": card["training"]["batch_size"], "seconds": card["training"]["seconds"],
               "cpu_seconds": card["training"]["cpu_seconds"], **card["metrics"], "run": card["run"]["folder"]}
        previous = lines.read_text() if lines.exists() else ""
        with atomic_path(lines) as tmp:
            tmp.write_text(previous + json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def sheet(names: list[str], out: Path, scale: int = 2, seed: int = 0) -> Path:
    """The models' grids side by side (one row a digit, the same latent vectors), each under its name and figures.
    A name with a folder (models/digits-gen) is read from that folder, else from the comparison's models."""
    import cv2

    from mlplay.dream.dreamer import Dreamer
    from mlplay.fileio import atomic_path

    panels = []
    for name in names:
        where = Path(name)
        dreamer = Dreamer(where.name, where.parent if len(where.parts) > 1 else home() / "models")
        z = np.random.default_rng(seed).standard_normal((100, dreamer.latent)).astype(np.float32)
        grid = dreamer.draw(z, np.repeat(np.arange(10), 10)).reshape(10, 10, 28, 28).transpose(0, 2, 1, 3)
        grid = cv2.resize(grid.reshape(280, 280), None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
        metrics = dreamer.card.metrics
        panel = np.full((grid.shape[0] + 62, grid.shape[1] + 16), 255, np.uint8)
        panel[54:54 + grid.shape[0], 8:8 + grid.shape[1]] = grid
        cv2.putText(panel, where.name.removeprefix("gen-"), (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 1, cv2.LINE_AA)
        figures = (f"{metrics['conditional_accuracy']:.1%} read right, FD {metrics['frechet_distance']:.0f}, "
                   f"diversity {metrics['diversity_min']:.2f}")
        cv2.putText(panel, figures, (8, 44), cv2.FONT_HERSHEY_SIMPLEX, 0.45, 60, 1, cv2.LINE_AA)
        panels.append(panel)
    with atomic_path(out, suffix=".png") as tmp:
        cv2.imwrite(str(tmp), np.hstack(panels))
    return out


def sampling_sheet(out: Path, scale: int = 2, seed: int = 0) -> Path:
    """The shipped generator's grid as it learned (ψ = 1, no tone curve) and as it ships (its card's sampling),
    from the same latent vectors, beside real training digits (one row a digit)."""
    import cv2

    from mlplay.digits import data as mnist
    from mlplay.dream import tone
    from mlplay.dream.dreamer import Dreamer
    from mlplay.fileio import atomic_path

    dreamer = Dreamer()
    z = np.random.default_rng(seed).standard_normal((100, dreamer.latent)).astype(np.float32)
    digits = np.repeat(np.arange(10), 10)
    shipped = dreamer.draw(z, digits)
    dreamer.spread, dreamer.tone = 1.0, tone.IDENTITY
    learned = dreamer.draw(z, digits)
    arrays = mnist.load(mnist.fetch())
    real = np.concatenate([arrays["x_train"][arrays["y_train"] == d][:10] for d in range(10)])
    psi = dreamer.card.raw["sampling"]["spread"]
    captions = ("as it learned: z ~ N(0, I), no tone curve", f"as it ships: spread {psi}, tone curve",
                "real MNIST training digits")
    panels = []
    for pictures, caption in zip((learned, shipped, real), captions):
        grid = pictures.reshape(10, 10, 28, 28).transpose(0, 2, 1, 3).reshape(280, 280)
        grid = cv2.resize(grid, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
        panel = np.full((grid.shape[0] + 40, grid.shape[1] + 16), 255, np.uint8)
        panel[32:32 + grid.shape[0], 8:8 + grid.shape[1]] = grid
        cv2.putText(panel, caption, (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.45, 0, 1, cv2.LINE_AA)
        panels.append(panel)
    with atomic_path(out, suffix=".png") as tmp:
        cv2.imwrite(str(tmp), np.hstack(panels))
    return out


def calibrate(count: int = 10_000, seed: int = 0) -> list[tuple[str, dict]]:
    """The card's measures for `count` real training digits, as they are and changed, against the test digits."""
    import cv2

    from mlplay.digits import data as mnist
    from mlplay.dream import measures

    arrays = mnist.load(mnist.fetch())
    judge = measures.load_judge()
    reference = measures.Reference.of(judge, arrays["x_test"], arrays["y_test"])
    pick = np.random.default_rng(seed).permutation(len(arrays["x_train"]))[:count]
    x, y = arrays["x_train"][pick], arrays["y_train"][pick].astype(int)
    changes = {
        "as they are": x,
        "blurred, σ 0.5 px": np.stack([cv2.GaussianBlur(i, (0, 0), 0.5) for i in x]),
        "blurred, σ 0.8 px": np.stack([cv2.GaussianBlur(i, (0, 0), 0.8) for i in x]),
        "blurred, σ 1.2 px": np.stack([cv2.GaussianBlur(i, (0, 0), 1.2) for i in x]),
        "shifted 1 px right": np.roll(x, 1, axis=2),
        "strokes 1 px thicker": np.stack([cv2.dilate(i, np.ones((2, 2), np.uint8)) for i in x]),
        "black and white (threshold 128)": ((x > 127) * 255).astype(np.uint8),
    }
    rows = []
    for what, images in changes.items():
        found = measures.measure(judge, images, y, reference)
        rows.append((what, found))
        print(f"{what:34} conditional accuracy {found['conditional_accuracy']:.2%}  "
              f"Fréchet distance {found['frechet_distance']:7.2f}  "
              f"diversity (lowest digit) {found['diversity_min']:.2f}",
              flush=True)
    return rows


def respread(write: bool) -> None:
    """The shipped generator's ψ (and its tone curve) chosen again on the validation digits; `write`: its card
    measured sampled that way."""
    from datetime import datetime, timezone

    from mlplay import store
    from mlplay.dream import data as dream_data, spread
    from mlplay.dream.models import CHOSEN, NAME, experiment, first_epoch_generator, judged, test_measures

    saved = store.open(NAME)
    final = saved.keras()
    data = dream_data.load_data(None, saved.card.quick)
    judge = judged()
    found = spread.table(final, data.x_train, data.x_val, data.y_val, judge)
    chosen = spread.sampling(found)
    print(f"{'ψ':>4}  {'read as asked':>13}  {'Fréchet':>8}  {'diversity':>9}   (validation digits)")
    for psi, m in found.items():
        print(f"{psi:>4}  {m['conditional_accuracy']:>13.2%}  {m['frechet_distance']:>8.2f}  {m['diversity_min']:>9.3f}"
              + ("  ← kept" if psi == chosen["spread"] else ""), flush=True)
    if write:
        figures = test_measures(final, first_epoch_generator(saved, final), data, sampling=chosen, judge=judge)
        when = datetime.now(timezone.utc).isoformat(timespec="seconds")
        chosen.update(command="python -m mlplay.dream.compare spread --write", date=when)  # not the training's
        stale = tuple(set(saved.card.metrics) - set(figures["metrics"]))  # every figure is the measures' own
        described = {**saved.card.raw["input"], "preprocessing": experiment(NAME, CHOSEN).preprocessing}  # with ψ
        card = store.amend_card(saved.folder, figures["metrics"], drop=stale, measures=figures["measures"],
                                sampling=chosen, input=described)
        print(f"written into {saved.folder / store.CARD_FILE}: read as asked "
              f"{card['metrics']['conditional_accuracy']:.2%} at ψ = {chosen['spread']}")


def main(argv: list[str] | None = None) -> None:
    from mlplay.dream.models import METHODS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    training = commands.add_parser("train", help="train and measure methods")
    training.add_argument("methods", nargs="+", choices=sorted(METHODS))
    training.add_argument("--epochs", type=int, default=5)
    training.add_argument("--batch-size", type=int, default=None)
    training.add_argument("--seed", type=int, default=0)
    training.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                          help="change one of the methods' options, e.g. --set d_width=64 --set classify=1")
    drawing = commands.add_parser("sheet", help="draw the grids of trained ones side by side")
    drawing.add_argument("names", nargs="+")
    drawing.add_argument("--out", type=Path, required=True)
    commands.add_parser("calibrate", help="the measures of real digits, as they are and a little changed")
    respreading = commands.add_parser("spread", help="choose the shipped generator's ψ again on validation digits")
    respreading.add_argument("--write", action="store_true", help="measure its card at that ψ and write it")
    showing = commands.add_parser("sampling", help="the shipped generator as it learned, as it ships, real digits")
    showing.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            train_methods(args.methods, args.epochs, args.batch_size, args.seed, args.set)
        elif args.command == "sheet":
            print(sheet(args.names, args.out))
        elif args.command == "spread":
            respread(args.write)
        elif args.command == "sampling":
            print(sampling_sheet(args.out))
        else:
            calibrate()
    except MlplayError as e:
        report(e)
        sys.exit(1)


def _epochs_only(path, quick):
    """The data without its wall-time budget: compared methods run the same epochs, the learning rate decaying over
    them."""
    from mlplay.dream.data import load_data

    return replace(load_data(path, quick), minutes=None)


def _value(text: str):
    """A --set value: a number or true/false when it reads as one, else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


if __name__ == "__main__":
    main()
