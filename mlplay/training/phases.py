"""Staged training (Experiment.phases): each phase sets what trains and its learning rate, and starts from the best
weights so far; one history and one best checkpoint across the phases."""

from pathlib import Path

import numpy as np

from mlplay.fileio import atomic_path, write_json
from mlplay.training.callbacks import read_state


def fit_phases(exp, model, strategy, train_ds, val_ds, steps, phase_epochs, callbacks, folder, log,
                patience: int, arrays=None) -> list[dict]:
    """Fit each phase in turn: set its trainable layers, recompile at its learning rate, start from the best
    weights so far; early stopping per phase; one history, one best checkpoint across all phases.

    A phase with its own `fit` (e.g. a head on cached features) is fitted by it; its best weights become the best
    checkpoint, which later phases must beat."""
    import keras

    done, records = 0, []
    mode = "min" if exp.monitor.endswith("loss") else "max"
    for phase, n in zip(exp.phases, phase_epochs):
        if done and (folder / "best.weights.h5").exists():
            model.load_weights(folder / "best.weights.h5")
        with strategy.scope():
            if phase.prepare:
                phase.prepare(model)
            schedule = keras.optimizers.schedules.CosineDecay(phase.learning_rate, decay_steps=max(1, n * steps),
                                                              alpha=0.02)
            model.compile(optimizer=keras.optimizers.Adam(schedule), loss=exp.loss, metrics=list(exp.metrics))
        trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        log(f"phase {phase.name}: up to {n} epochs at learning rate {phase.learning_rate:g}, "
            f"{trainable:,} trainable parameters")
        phase_callbacks = [c for c in callbacks if not isinstance(c, (keras.callbacks.EarlyStopping,
                                                                      keras.callbacks.CSVLogger))]
        phase_callbacks += [keras.callbacks.EarlyStopping(exp.monitor, patience=patience, mode=mode),
                            keras.callbacks.CSVLogger(str(folder / "history.csv"), append=done > 0)]
        record = {"name": phase.name, "learning_rate": phase.learning_rate, "max_epochs": n,
                  "trainable_params": trainable, "epochs_run": 0}
        records.append(record)
        own = phase.fit(model, *arrays, n, log) if phase.fit and arrays is not None else None
        if own is not None:
            record.update(own)
            own_phase_is_best(model, folder, callbacks, float(own[exp.monitor]), done, n)
            continue
        model.fit(train_ds, validation_data=val_ds, epochs=done + n, initial_epoch=done,
                  callbacks=phase_callbacks, verbose=0, shuffle=False)
        now = read_state(folder)["epoch"]
        record["epochs_run"], done = now - done, now
    return records


def own_phase_is_best(model, folder: Path, callbacks, value: float, done: int, epochs: int) -> None:
    """After a phase that fitted itself: its weights are the best checkpoint so far (later epochs must beat `value`),
    and its epochs leave the count the progress line shows."""
    from mlplay.training.progress import Progress

    with atomic_path(folder / "best.weights.h5", suffix=".weights.h5") as tmp:
        model.save_weights(tmp)
    write_json(folder / "state.json", {**(read_state(folder) if (folder / "state.json").exists() else {}),
                                       "epoch": done, "best": value, "best_epoch": done})
    for callback in callbacks:
        if isinstance(callback, Progress):
            callback.epochs -= epochs
        if hasattr(callback, "best") and hasattr(callback, "best_epoch"):
            callback.best, callback.best_epoch = value, done
