"""The methods tried for digits-gen, each trained by the same loop on the same data for the same epochs and measured
the same way: `python -m mlplay.dream.compare cdcgan projection hinge cvae --epochs 5`.

Models go to runs/dream-compare/models (not models/); a table of their card figures is printed and written to
runs/dream-compare/compare.jsonl, one line a run.
"""

import argparse
import json
import sys
from dataclasses import replace
from functools import partial

from mlplay.errors import MlplayError, report


def main(argv: list[str] | None = None) -> None:
    from mlplay.dream.models import METHODS, build, experiment
    from mlplay.fileio import atomic_path
    from mlplay.paths import runs_dir
    from mlplay.training.loop import TrainConfig, train

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("methods", nargs="+", choices=sorted(METHODS))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--width", type=int, default=None, help="the generator's channels (default: digits-gen's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change one of the method's options, e.g. --set d_width=64 --set classify=1")
    args = parser.parse_args(argv)
    home = runs_dir() / "dream-compare"
    lines = home / "compare.jsonl"
    try:
        for method in args.methods:
            changes = {k: _value(v) for k, v in (item.split("=", 1) for item in args.set)}
            options = {**METHODS[method], **changes, **({"width": args.width} if args.width else {})}
            name = "-".join(["gen", method, *(f"{k}{v}" for k, v in changes.items())]
                            + ([f"w{args.width}"] if args.width else []))
            exp = replace(experiment(name, method), build=partial(build, **options))
            card = train(exp, TrainConfig(epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
                                          models_root=home / "models",
                                          command="python -m mlplay.dream.compare " + " ".join(sys.argv[1:])))
            row = {"method": method, "options": options, "epochs": args.epochs, "seed": args.seed,
                   "batch_size": card["training"]["batch_size"],
                   "seconds": card["training"]["seconds"], "cpu_seconds": card["training"]["cpu_seconds"],
                   **card["metrics"], "run": card["run"]["folder"]}
            previous = lines.read_text() if lines.exists() else ""
            with atomic_path(lines) as tmp:
                tmp.write_text(previous + json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
    except MlplayError as e:
        report(e)
        sys.exit(1)


def _value(text: str):
    """A --set value: a number or true/false when it reads as one, else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


if __name__ == "__main__":
    main()
