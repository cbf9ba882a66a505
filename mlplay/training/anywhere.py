"""Train an experiment with plain Keras on any backend (JAX, PyTorch or TensorFlow): for a machine with an accelerator
but without TensorFlow. It fits the same model on the same splits as `mlplay train`, within a wall-time budget (the
learning rate decays over it), and writes the best weights on validation and their history into a folder:

    KERAS_BACKEND=jax python -m mlplay.training.anywhere shakespeare --size gru1024 --minutes 8 \
        --data input.txt --out run/

`mlplay train shakespeare --size gru1024 --weights run/` then scores the held-out test set with TensorFlow, writes
the card (it records where and how long the weights were trained) and saves the model as any run would.
"""

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

HISTORY = "history.json"
WEIGHTS = "best.weights.h5"


def fit(name: str, options: dict, data: Path | None, minutes: float, out: Path, seed: int = 0, log=print) -> dict:
    import keras

    from mlplay import registry
    from mlplay.experiment import TrainRequest

    exp, data_path = registry.for_training(TrainRequest(name, data=data, options=options))
    if exp.loss is None or exp.keep is not None:
        from mlplay.errors import MlplayError

        raise MlplayError(f"{exp.name} trains with its own TensorFlow training step: it trains with mlplay train only")
    keras.utils.set_random_seed(seed)
    dataset = exp.load_data(data_path, False)
    model = exp.make_model(dataset)
    model.compile(optimizer=keras.optimizers.Adam(exp.learning_rate, clipnorm=exp.clipnorm), loss=exp.loss,
                  metrics=list(exp.metrics))
    out.mkdir(parents=True, exist_ok=True)
    clean = keras.Model.from_config(model.get_config())
    history = {"experiment": exp.name, "options": options, "backend": keras.backend.backend(),
               "keras": keras.__version__, "device": _device(), "minutes_budget": minutes, "seed": seed,
               "batch_size": exp.batch_size, "learning_rate": exp.learning_rate, "epochs": []}
    budget, start = minutes * 60, time.perf_counter()

    class Budget(keras.callbacks.Callback):
        """The learning rate follows a cosine over the wall-time budget; training stops at its end."""

        def on_train_batch_begin(self, batch, logs=None):
            done = min(1.0, (time.perf_counter() - start) / budget)
            cosine = 0.5 * (1 + math.cos(math.pi * done))
            self.model.optimizer.learning_rate.assign(exp.learning_rate * (0.02 + 0.98 * cosine))

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - start >= budget:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            row = {k: round(float(v), 6) for k, v in (logs or {}).items()}
            row.update(epoch=epoch + 1, seconds=round(time.perf_counter() - start, 1))
            history["epochs"].append(row)
            best = min(r[exp.monitor] for r in history["epochs"]) if exp.monitor.endswith("loss") else \
                max(r[exp.monitor] for r in history["epochs"])
            if row[exp.monitor] == best:  # through a copy without the optimizer: a third of the size
                clean.set_weights(self.model.get_weights())
                clean.save_weights(out / WEIGHTS)
                history.update(best_epoch=epoch + 1, best=row[exp.monitor], monitor=exp.monitor)
            (out / HISTORY).write_text(json.dumps(history, indent=1))
            log(f"{exp.name} {options}: epoch {epoch + 1} " + " ".join(f"{k} {v}" for k, v in row.items()
                                                                        if k not in ("epoch",)), flush=True)

    model.fit(dataset.x_train, dataset.y_train, batch_size=exp.batch_size, epochs=10_000,
              validation_data=(dataset.x_val, dataset.y_val), callbacks=[Budget()], verbose=0, shuffle=True)
    history["seconds"] = round(time.perf_counter() - start, 1)
    (out / HISTORY).write_text(json.dumps(history, indent=1))
    return history


def trained_elsewhere(weights: Path, exp, folder: Path) -> dict:
    """Take weights trained by mlplay.training.anywhere into this run folder as its best checkpoint; return their
    history for the card (backend, device, epochs, seconds, the validation curve)."""
    import csv
    import shutil

    from mlplay.errors import MlplayError
    from mlplay.fileio import write_json

    weights = Path(weights)
    if not (weights / WEIGHTS).is_file() or not (weights / HISTORY).is_file():
        raise MlplayError(f"{weights} holds no {WEIGHTS} and {HISTORY}",
                          "make them with: python -m mlplay.training.anywhere")
    history = json.loads((weights / HISTORY).read_text())
    if history.get("experiment") != exp.name:
        raise MlplayError(f"{weights} holds weights of {history.get('experiment')}, not of {exp.name}")
    shutil.copy(weights / WEIGHTS, folder / "best.weights.h5")
    epochs = history["epochs"]
    write_json(folder / "state.json", {"epoch": len(epochs), "best": history.get("best"),
                                       "best_epoch": history.get("best_epoch"), "seconds": history.get("seconds", 0.0),
                                       "cpu_seconds": 0.0})
    with open(folder / "history.csv", "w", newline="") as f:
        keys = [k for k in epochs[0] if k != "seconds"] if epochs else []
        writer = csv.DictWriter(f, keys, extrasaction="ignore")
        writer.writeheader()
        writer.writerows([{**row, "epoch": row["epoch"] - 1} for row in epochs])
    return {k: v for k, v in history.items() if k != "epochs"} | {"epochs_run": len(epochs)}


def _device() -> str:
    try:
        import jax

        return ", ".join(sorted({d.device_kind for d in jax.devices()}))
    except Exception:  # noqa: BLE001 - another backend: say what machine it is
        return f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name")
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a family option, e.g. size=gru1024 (mlplay train NAME --size gru1024)")
    args, rest = parser.parse_known_args(argv)
    options = dict(o.split("=", 1) for o in args.option)
    for flag, value in zip(rest[::2], rest[1::2]):  # --size gru1024, as mlplay train spells it
        options[flag.lstrip("-").replace("-", "_")] = value
    fit(args.name, options, args.data, args.minutes, args.out, args.seed)


if __name__ == "__main__":
    main()
