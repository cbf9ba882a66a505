"""The Keras callbacks and schedules of the training loop: the learning rate over steps or over wall time, and the
checkpoints that make an interrupted run safe (mlplay/training/interrupt.py)."""

import json
import time
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path, write_json
from mlplay.paths import display
from mlplay.training.interrupt import Guard


def learning_rate_schedule(peak: float, warmup: float, steps: int):
    """Cosine decay from `peak` over `steps`; with `warmup` > 0 a one-cycle schedule: a linear rise from peak/25
    over that share of the steps, then the cosine decay (Keras' CosineDecay with warmup: saved with the model)."""
    import keras

    if not warmup:
        return keras.optimizers.schedules.CosineDecay(peak, decay_steps=steps, alpha=0.02)
    rise = max(1, round(warmup * steps))
    return keras.optimizers.schedules.CosineDecay(peak / 25, decay_steps=max(1, steps - rise), alpha=0.002,
                                                  warmup_target=peak, warmup_steps=rise)


def checkpoints(folder: Path, monitor: str | None, best: float | None, best_epoch: int | None, guard: Guard):
    """Callback: best weights on every improvement (no monitor: every epoch, the last is kept), the whole model (with
    optimizer) every epoch; the files of one checkpoint are written together (a signal meanwhile is acted on once
    they are all there)."""
    import keras

    class Checkpoints(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.best, self.best_epoch = best, best_epoch
            self.higher = monitor is None or not monitor.endswith("loss")

        def on_epoch_end(self, epoch, logs=None):
            value = float((logs or {})[monitor]) if monitor else None
            with guard.critical():
                if monitor is None or self.best is None or (value > self.best if self.higher else value < self.best):
                    self.best, self.best_epoch = value, epoch + 1
                    with atomic_path(folder / "best.weights.h5", suffix=".weights.h5") as tmp:
                        self.model.save_weights(tmp)
                with atomic_path(folder / "last.keras", suffix=".keras") as tmp:
                    self.model.save(tmp)
                write_json(folder / "state.json", {"epoch": epoch + 1, "best": self.best,
                                                   "best_epoch": self.best_epoch})

    return Checkpoints()


def time_budget(seconds: float, learning_rate: float, alpha: float = 0.02, warmup: float = 0.0):
    """Callback: a cosine learning-rate decay over wall time instead of steps, stopping once `seconds` have
    passed (that epoch is validated and checkpointed as usual). Training then fits a time budget on any machine:
    a faster one (or a GPU) gets more epochs, never a longer run. With `warmup` > 0 the rate first rises linearly
    from learning_rate/25 over that share of the time (as the one-cycle schedule does over steps)."""
    import math

    import keras

    class TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_begin(self, batch, logs=None):
            done = min(1.0, (time.perf_counter() - self.start) / seconds)
            if done < warmup:
                rate = learning_rate * (1 / 25 + (1 - 1 / 25) * done / warmup)
            else:
                done = (done - warmup) / (1 - warmup)
                rate = learning_rate * (alpha + (1 - alpha) * 0.5 * (1 + math.cos(math.pi * done)))
            self.model.optimizer.learning_rate.assign(rate)

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - self.start >= seconds:
                self.model.stop_training = True

    return TimeBudget()


def read_state(folder: Path) -> dict:
    """The run's checkpoint state (epochs done, best figure and epoch), written with each checkpoint."""
    try:
        return json.loads((folder / "state.json").read_text())
    except (OSError, ValueError) as e:
        raise MlplayError(f"the run in {display(folder)} has no readable state.json ({e})",
                          "start a new run") from None
