"""The one training loop every experiment uses.

Validation is carved from the training data (seeded); the test set is scored once, at the end,
into the model card. Best weights are checkpointed every improvement and restored at the end,
also after early stopping and after Ctrl-C; `resume` continues the newest run of that model.
"""

import atexit
import csv
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mlplay import __version__, imageio, store
from mlplay.errors import MlplayError
from mlplay.experiment import Dataset, Experiment
from mlplay.fileio import remove_leftovers, write_json
from mlplay.paths import display, models_dir, portable, portable_command, runs_dir
from mlplay.training import promotion
from mlplay.training.anywhere import trained_elsewhere
from mlplay.training.callbacks import checkpoints, learning_rate_schedule, read_state, time_budget
from mlplay.training.distribute import Strategy, local_copy, make_strategy, role, shard_by_data
from mlplay.training.interrupt import Guard, Interrupted, survive_dead_output
from mlplay.training.phases import fit_phases

QUICK_EPOCHS = 2


@dataclass
class TrainConfig:
    epochs: int | None = None
    patience: int | None = None  # early-stopping patience; None: the experiment's
    batch_size: int | None = None
    seed: int = 0
    quick: bool = False
    resume: bool = False
    strategy: Strategy = Strategy.default
    data: Path | None = None
    val_fraction: float = 0.1
    models_root: Path | None = None
    command: str = ""
    minutes: float | None = None  # wall-time budget; None: the data's (most have none: they run `epochs`)
    save_as: str | None = None  # the name to save the model under (--name); None: the experiment's
    replace: bool = False  # --replace: the new model replaces models/NAME even when it is worse
    weights: Path | None = None  # a folder of weights trained elsewhere (mlplay.training.anywhere): score and save them
    callbacks: tuple = ()  # more Keras callbacks for fit (e.g. the bench's clock)


def split_validation(data: Dataset, fraction: float, seed: int):
    """Seeded split of the training arrays into (train, validation); the test arrays are not touched.

    A data set that brings its own validation split (data.x_val) keeps it.
    """
    if data.x_val is not None:
        return (data.x_train, data.y_train), (data.x_val, data.y_val)
    n = len(data.x_train)
    n_val = max(1, int(round(n * fraction)))
    if n - n_val < 1:
        raise MlplayError(f"only {n} training samples: too few to carve a validation split")
    order = np.random.default_rng(seed).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return (data.x_train[train], data.y_train[train]), (data.x_train[val], data.y_train[val])


def _run_folder(name: str, resume: bool) -> Path:
    base = runs_dir() / "train" / name
    if resume:
        runs = sorted(p for p in base.glob("*") if (p / "last.keras").exists()) if base.exists() else []
        if not runs:
            raise MlplayError(f"no run of '{name}' to resume in {base}", f"start one with: mlplay train {name}")
        return runs[-1]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):  # two runs started in the same second each claim their own folder
        folder = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise MlplayError(f"cannot make a run folder in {base}")


def threads() -> dict:
    """The CPU thread settings training ran with (0 = TensorFlow's default: one per core)."""
    import tensorflow as tf

    return {"cpus": os.cpu_count(), "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads()}


def _history(folder: Path) -> dict[str, list[float]]:
    path = folder / "history.csv"
    if not path.exists():
        return {}
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
    return {k: [float(r[k]) for r in rows] for k in keys}


def versions() -> dict:
    import keras
    import tensorflow as tf

    return {"mlplay": __version__, "python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": np.__version__}


def input_dtype(model) -> str:
    """The dtype the model's (first) input takes, e.g. float32 for images, int32 for character ids."""
    dtype = getattr(model.inputs[0], "dtype", "float32")
    return getattr(dtype, "name", None) or str(dtype)


def train(exp: Experiment, cfg: TrainConfig, log=print) -> dict | None:
    """Train `exp`, score the test set once, save the model with its card in the run folder and, when it is not
    worse than the current one, in models/; return the card (None on a worker that is not the chief of a
    multi-worker run: the chief saves). SIGINT/SIGTERM at any moment save the best model so far, or say that there
    is nothing to save (interrupt.Guard)."""
    imageio.SKIPPED.clear()  # this run counts only the pictures it skips itself
    if exp.trains is not None:  # it trains itself (no Keras loop): e.g. a taught head on features of pictures
        return exp.trains(exp, cfg)
    with Guard() as guard:
        try:
            return _train(exp, cfg, log, guard)
        except Interrupted:
            if guard.saved:
                raise
            log = survive_dead_output(log)
            log("\ninterrupted before the first epoch ended: nothing to save")
            raise


def _train(exp: Experiment, cfg: TrainConfig, log, guard: Guard) -> dict | None:
    from mlplay.console import tensorflow

    tf = tensorflow()
    import keras

    cfg.strategy = Strategy(cfg.strategy)
    if exp.phases and cfg.resume:
        raise MlplayError(f"{exp.name} trains in phases ({', '.join(p.name for p in exp.phases)}): --resume is not "
                          "supported for it", f"start a new run: mlplay train {exp.name}")
    name = cfg.save_as or exp.name
    worker = role(cfg.strategy)
    if cfg.resume and cfg.strategy is Strategy.multiworker:
        raise MlplayError("--resume is not supported with --strategy multiworker", "start a new run")
    if worker.chief:
        store.check_writable(Path(cfg.models_root or models_dir()))  # before hours of training, not after
        store.check_writable(runs_dir() / "train")
        _remove_leftovers(name, cfg.models_root)
        folder = _run_folder(name, cfg.resume)
    else:  # the chief keeps the run; this worker's checkpoints go when it exits
        folder = Path(tempfile.mkdtemp(prefix=f"mlplay-{exp.name}-worker-"))
        atexit.register(shutil.rmtree, folder, True)
    keras.utils.set_random_seed(cfg.seed)  # Python, numpy and TF seeds; with op determinism: same seed, same model
    tf.config.experimental.enable_op_determinism()
    data = exp.load_data(cfg.data, cfg.quick)
    if data.stream is None:
        (x_train, y_train), (x_val, y_val) = split_validation(data, cfg.val_fraction, cfg.seed)
        n_train, n_val, n_test = len(x_train), len(x_val), len(data.x_test)
    else:
        n_train, n_val, n_test = (data.stream.count(split) for split in ("train", "validation", "test"))
        if not n_train or not n_val:
            raise MlplayError(f"the data has {n_train} training and {n_val} validation samples: too few to train",
                              "add data (a tenth of the training samples validate)")
    epochs = cfg.epochs or (QUICK_EPOCHS if cfg.quick else data.epochs or exp.epochs)
    minutes = None if cfg.quick or exp.phases or cfg.weights else (cfg.minutes or data.minutes)
    if exp.phases:  # --epochs caps each phase; --quick runs one epoch of each
        phase_epochs = [min(cfg.epochs or p.epochs, 1 if cfg.quick else p.epochs) for p in exp.phases]
        epochs = sum(phase_epochs)
    batch_size = cfg.batch_size or exp.batch_size  # per worker
    global_batch = batch_size * worker.workers
    steps = int(np.ceil(n_train / global_batch))
    elsewhere = trained_elsewhere(cfg.weights, exp, folder) if cfg.weights else None
    state = read_state(folder) if cfg.resume or elsewhere else {}
    initial_epoch = state.get("epoch", 0)
    if initial_epoch >= epochs and cfg.resume:  # e.g. a killed run: nothing left to fit, so finalise it
        log(f"the run in {display(folder)} already did {initial_epoch} epochs: saving its best model")
    log(f"{name}: {n_train} train / {n_val} validation / {n_test} test from {data.source}")
    log(f"run folder {display(folder)}" + (f" (resuming after epoch {initial_epoch})" if cfg.resume else ""))
    if cfg.strategy is Strategy.multiworker:
        log(f"{worker.task} of {worker.workers}" + (" (chief)" if worker.chief else "") +
            f": global batch {global_batch} = {batch_size} × {worker.workers} workers")

    strategy = make_strategy(cfg.strategy)
    with strategy.scope():
        if cfg.resume:
            model = keras.models.load_model(folder / "last.keras")
        else:
            model = exp.make_model(data)
            if elsewhere:
                with opening_weights(cfg.weights):
                    model.load_weights(folder / "best.weights.h5")
        if not cfg.resume and not exp.phases:
            constant = minutes or not exp.decay  # a time budget decays the rate itself (see callbacks.time_budget)
            schedule = (exp.learning_rate if constant
                        else learning_rate_schedule(exp.learning_rate, exp.warmup, epochs * steps))
            model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=exp.clipnorm), loss=exp.loss,
                          metrics=list(exp.metrics))

    if data.stream is not None:  # streamed: shuffled by the stream, batches already float32
        train_ds = data.stream.dataset("train", global_batch, shuffle=True, seed=cfg.seed)
        val_ds = data.stream.dataset("validation", global_batch)
    else:
        train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train), seed=cfg.seed)
        train_ds = train_ds.batch(global_batch)
        val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(global_batch)
    # pictures stay uint8 in memory (4× smaller); models get floats
    if data.stream is None and x_train.dtype == np.uint8:
        train_ds = train_ds.map(lambda x, y: (tf.cast(x, tf.float32), y))
    if exp.augment:
        augment = exp.augment()
        train_ds = train_ds.map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
    train_ds = train_ds.prefetch(tf.data.AUTOTUNE)
    if cfg.strategy is Strategy.multiworker:
        train_ds, val_ds = shard_by_data(train_ds), shard_by_data(val_ds)

    from mlplay.training.progress import Progress

    folder.mkdir(parents=True, exist_ok=True)
    checkpointer = checkpoints(folder, exp.monitor, state.get("best"), state.get("best_epoch"), guard)
    progress = Progress(epochs, steps)
    callbacks = [
        *(exp.callbacks(data) if exp.callbacks else []),  # first: what they log is shown, checkpointed and saved
        progress,
        checkpointer,
        keras.callbacks.CSVLogger(str(folder / "history.csv"), append=cfg.resume),
        keras.callbacks.TensorBoard(str(folder / "tensorboard"), write_graph=False),
    ]
    if exp.monitor:  # no monitor: no early stopping, the last epoch is kept
        mode = "min" if exp.monitor.endswith("loss") else "max"
        callbacks.insert(-2, keras.callbacks.EarlyStopping(exp.monitor, patience=cfg.patience or exp.patience,
                                                           mode=mode))
    callbacks += cfg.callbacks
    if minutes:
        if cfg.resume:
            raise MlplayError(f"{exp.name} trains for a time budget: --resume is not supported for it",
                              f"start a new run: mlplay train {exp.name}")
        callbacks.append(time_budget(minutes * 60, exp.learning_rate, warmup=exp.warmup))
        log(f"time budget {minutes:g} minutes (at most {epochs} epochs)")
    started, cpu_started, interrupted, phase_records = time.perf_counter(), time.process_time(), None, []
    try:
        if exp.phases:
            arrays = None if data.stream is not None else ((x_train, y_train), (x_val, y_val))
            phase_records = fit_phases(exp, model, strategy, train_ds, val_ds, steps, phase_epochs, callbacks,
                                        folder, log, cfg.patience or exp.patience, arrays)
        elif initial_epoch < epochs and not elsewhere:
            model.fit(train_ds, validation_data=val_ds, epochs=epochs, initial_epoch=initial_epoch,
                      callbacks=callbacks, verbose=0, shuffle=False)
    except Interrupted as stop:
        interrupted = stop
    finally:
        guard.saving()  # from here a signal is only noted: the model is scored and saved first
        progress.on_train_end()  # a bar left running would keep writing
    if interrupted is not None:
        log = survive_dead_output(log)  # `| tee log` dies with the same Ctrl-C: carry on without output
    seconds = time.perf_counter() - started + state.get("seconds", 0.0)
    cpu_seconds = time.process_time() - cpu_started + state.get("cpu_seconds", 0.0)  # all threads together
    if not worker.chief:
        log(f"{worker.task}: training done; the chief scores and saves the model")
        guard.raise_if_interrupted()
        return None
    if not (folder / "best.weights.h5").exists():
        guard.saved = True
        if interrupted is not None:
            log("\ninterrupted before the first epoch ended: nothing to save")
            raise interrupted
        raise MlplayError("stopped before the first epoch ended: nothing to save")
    if guard.signum is not None:
        log(f"\ninterrupted: saving the best model so far (epoch {read_state(folder).get('best_epoch')}; "
            "a second Ctrl-C aborts)")
    model.load_weights(folder / "best.weights.h5")
    if cfg.strategy is Strategy.multiworker:  # one process scores and saves, without the cluster
        model = local_copy(model, exp, data)
    history = _history(folder)
    state = {**read_state(folder), "seconds": seconds, "cpu_seconds": cpu_seconds}
    write_json(folder / "state.json", state)

    test = model.evaluate(**held_out_inputs(data), verbose=0, return_dict=True) if exp.loss else {}  # else: report's
    kept = exp.keep(model) if exp.keep else model  # what is saved and run (a GAN keeps its generator)
    from mlplay.training.plot import learning_curves

    curve = learning_curves(history, folder / "learning_curves.png")
    card = {
        "name": name,
        "family": exp.family,
        **({"experiment": exp.name} if name != exp.name else {}),
        "task": exp.task,
        "summary": exp.summary,
        "architecture": {"model": kept.name, "params": int(kept.count_params()),
                         "layers": [type(layer).__name__ for layer in kept.layers]},
        "input": {"shape": list(exp.input_shape), "dtype": input_dtype(kept), "preprocessing": exp.preprocessing},
        "labels": data.labels or exp.labels,
        "headline": exp.headline,
        "data": {"source": data.source, **data.meta,
                 **({"skipped_pictures": len(imageio.SKIPPED)} if imageio.SKIPPED else {}),
                 "splits": {"train": n_train, "validation": n_val, "test": n_test},
                 "validation_split": data.meta.get("validation_split") or (
                     f"{cfg.val_fraction:.0%} of the training data, seed {cfg.seed}; test set held out"
                     if data.x_val is None else "chosen by the data set (see data); test set held out")},
        "metrics": {f"test_{k}": round(float(v), 6) for k, v in test.items()},
        "validation": ({f"best_{exp.monitor}": state.get("best"), "best_epoch": state.get("best_epoch")} if exp.monitor
                       else {"kept": "the last epoch", "epoch": state.get("best_epoch")}),
        "training": {"epochs_run": state["epoch"], "max_epochs": epochs,  # the checkpointed epochs (an interrupt
                     # can land between an epoch's checkpoint and its history.csv row)
                     "batch_size": batch_size, "seed": cfg.seed,
                     **({} if exp.phases else {"learning_rate": exp.learning_rate}),  # phases record their own
                     **({"schedule": f"one-cycle, {exp.warmup:.0%} warm-up"} if exp.warmup else
                        {} if exp.decay else {"schedule": "constant"}),
                     "strategy": cfg.strategy.value, "workers": worker.workers, "quick": cfg.quick,
                     "resumed": cfg.resume, "interrupted": guard.signum is not None, "seconds": round(seconds, 1),
                     "cpu_seconds": round(cpu_seconds, 1), "threads": threads(),
                     **({"minutes_budget": minutes} if minutes else {}),
                     **({"clipnorm": exp.clipnorm} if exp.clipnorm else {}),
                     **({"phases": phase_records} if exp.phases else {}),
                     **({"pretrained_weights": exp.pretrained} if exp.phases else {}),
                     **({"trained_elsewhere": elsewhere} if elsewhere else {})},
        "versions": versions(),
        "command": cfg.command or portable_command(["mlplay", *sys.argv[1:]]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "run": {"folder": portable(folder), "learning_curves": portable(curve)},
    }
    for key, value in (exp.report(model, data) if exp.report else {}).items():
        card[key] = {**card[key], **value} if isinstance(card.get(key), dict) else value
    extra = (lambda where: exp.export(model, where)) if exp.export else None
    saved = store.save_to(folder / "model", kept, card, extra, litert=exp.litert, litert_file=exp.shipped_litert,
                          keep_keras=exp.keep_keras, keep_litert=exp.keep_litert)
    log("test " + "  ".join(f"{k} {v:.4f}" for k, v in card["metrics"].items()
                            if isinstance(v, (int, float))))
    log(promotion.place(saved, store.open_folder(saved).card, name, cfg.quick, cfg.replace, cfg.models_root))
    guard.saved = True
    guard.raise_if_interrupted()  # now that the model is saved: the CLI exits 128 + the signal number
    if imageio.SKIPPED:
        raise MlplayError(f"{len(imageio.SKIPPED)} training pictures could not be read and were left out "
                          "(see the warnings above); the model was saved without them")
    return card


@contextmanager
def opening_weights(path: Path):
    try:
        yield
    except Exception as e:  # noqa: BLE001 - weights of another architecture, or a damaged file
        raise MlplayError(f"cannot load the weights in {path}: {str(e).splitlines()[0][:120]}",
                          "train them with the same --size and options") from None


def _remove_leftovers(name: str, models_root: Path | None) -> None:
    """Temporary files of killed runs: unfinished model folders and checkpoints (live writers' are kept)."""
    base = runs_dir() / "train" / name
    for folder in [store.model_path(name, models_root).parent, *(base.iterdir() if base.is_dir() else [])]:
        remove_leftovers(folder)


def held_out_inputs(data: Dataset) -> dict:
    """model.evaluate's inputs for the held-out test split, arrays or stream."""
    if data.stream is not None:
        return {"x": data.stream.dataset("test", 256)}
    return {"x": data.x_test, "y": data.y_test, "batch_size": 256}
