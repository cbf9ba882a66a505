"""The `mlplay` command: the shared commands (train, eval, models, predict, data, env) and, through the registry,
each experiment package's own (draw, camera, sum, write, …). Commands are thin: they parse options and call the
modules that do the work. It names no experiment: what differs comes from the registry (mlplay/registry.py).

TensorFlow is imported only inside the commands that train or evaluate, so `mlplay --help` stays fast.
"""

import os
import sys
from pathlib import Path

import typer

from mlplay import helptext, options, registry
from mlplay.errors import MlplayError, report
from mlplay.training.distribute import Strategy

helptext.flags_take_no_value()
app = typer.Typer(no_args_is_help=True, add_completion=False, context_settings={"help_option_names": ["-h", "--help"]},
                  pretty_exceptions_enable=False, rich_markup_mode="rich",
                  help="Interactive machine-learning experiments: train models, then play with them.")
draw_app = typer.Typer(no_args_is_help=True, help="Draw in a window; the model guesses as you draw.")
camera_app = typer.Typer(no_args_is_help=True, help="Live camera (or video) experiments.")
record_app = typer.Typer(no_args_is_help=True, help="Record your own training pictures with the camera.")
data_app = typer.Typer(no_args_is_help=True, help="Fetch and list data sets.")
app.add_typer(draw_app, name="draw", rich_help_panel="Play")
app.add_typer(camera_app, name="camera", rich_help_panel="Play")
app.add_typer(data_app, name="data", rich_help_panel="Data")
camera_app.add_typer(record_app, name="record")


# Train ------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Train", cls=helptext.TrainHelp,
             context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def train(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Model to train, e.g. digits-cnn (see: mlplay models --all)."),
    epochs: int | None = typer.Option(None, "--epochs", "-e", min=1,
                                      help="Maximum epochs (early stopping may end sooner)."),
    patience: int | None = typer.Option(None, "--patience", min=1,
                                        help="Epochs without improvement before stopping early."),
    batch_size: int | None = typer.Option(None, "--batch-size", "-b", min=1),
    seed: int = typer.Option(0, "--seed"),
    quick: bool = typer.Option(False, "--quick", help="Tiny data and 2 epochs: a smoke test, saved as NAME-quick "
                                                      "(never over the real model)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the newest run of this model from its last epoch."),
    strategy: Strategy = typer.Option(Strategy.default, "--strategy",
                                      help="tf.distribute strategy (multiworker reads TF_CONFIG; docs/training.md)."),
    data: Path | None = typer.Option(None, "--data",
                                     help="Train on this data instead of the model's default data set."),
    save_as: str | None = typer.Option(None, "--name", help="The name to save the model under (text: required)."),
    minutes: float | None = typer.Option(None, "--minutes", min=0.01,
                                         help="Wall-time budget: the learning rate decays over it, training stops at "
                                              "its end."),
    replace: bool = typer.Option(False, "--replace",
                                 help="Replace models/NAME even when the new model is worse on its held-out figure."),
    weights: Path | None = typer.Option(None, "--weights",
                                        help="Score and save weights trained elsewhere (a folder from python -m "
                                             "mlplay.training.anywhere)."),
    models_dir: Path | None = options.models_dir(),
):
    """Train a model, score its held-out test set once, save it with its card."""
    from mlplay.experiment import TrainRequest
    from mlplay.training.interrupt import Interrupted
    from mlplay.training.loop import TrainConfig, train as run_training

    request = TrainRequest(name=name, data=data, save_as=save_as, options=family_options(name, ctx.args))
    exp, data = registry.for_training(request)
    try:
        run_training(exp, TrainConfig(epochs=epochs, patience=patience, batch_size=batch_size, seed=seed, quick=quick,
                                      resume=resume, strategy=strategy, data=data, models_root=models_dir,
                                      minutes=minutes, save_as=save_as, weights=weights,
                                      replace=replace))
    except Interrupted as stop:  # Ctrl-C or SIGTERM: the best model is saved by now
        raise typer.Exit(stop.exit_status()) from None


def family_options(name: str, args: list[str]) -> dict:
    """The options only some families read (`--digits 3`, `--mix DIR`, `--no-pretrained`), checked against what the
    families declare; which family may have them is checked once the model is known (registry.for_training)."""
    declared = {flag: found[0][0] for flag, found in registry.train_options().items()}
    values, i = {}, 0
    while i < len(args):
        flag, _, inline = args[i].partition("=")
        option = declared.get(flag)
        if option is None:
            raise MlplayError(f"no such option: {args[i]}", f"see: mlplay train {name} --help")
        if option.flag_only:
            values[option.key], i = True, i + 1
            continue
        value = inline or (args[i + 1] if i + 1 < len(args) else None)
        if value is None or value.startswith("--"):
            raise MlplayError(f"{flag} needs a value", option.help)
        if option.choices and value not in option.choices:
            raise MlplayError(f"{flag} {value}: choose one of {', '.join(option.choices)}", option.help)
        values[option.key], i = value, i + (1 if inline else 2)
    return values


@app.command("eval", rich_help_panel="Train")
def evaluate(
    name: str = typer.Argument(..., help="A trained model."),
    data: Path | None = typer.Option(None, "--data", help="The data it was trained on, if not the default."),
    models_dir: Path | None = options.models_dir(),
):
    """Re-score a model's held-out test set and compare with its card."""
    from mlplay.training import evaluate as scores

    scores.print_eval(name, data, models_dir)


@app.command(rich_help_panel="Train")
def models(
    models_dir: Path | None = options.models_dir(),
    all_: bool = typer.Option(False, "--all", help="Also list models that can be trained or fetched but are not here."),
):
    """List the models with their most telling held-out figure."""
    from mlplay import catalog

    catalog.print_models(models_dir, all_)


# Play -------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Play")
def predict(
    name: str = typer.Argument(..., help="A model, e.g. digits-cnn, rps-hands, or one you trained."),
    images: list[Path] = typer.Argument(..., help="Image files (PNG, JPEG, …) or folders of images."),
    top: int = typer.Option(1, "--top", min=1, help="How many guesses to print."),
    jsonl: bool = options.jsonl(),
    strict: bool = options.strict(),
    models_dir: Path | None = options.models_dir(),
):
    """Run a model on picture files without a window."""
    from mlplay import predict as prediction
    from mlplay.experiment import Predict

    prediction.run(Predict(name, images, top, jsonl, models_dir, strict))


# Data -------------------------------------------------------------------------------------------
@data_app.command("fetch")
def data_fetch(
    name: str = typer.Argument(..., help="Data set (mlplay data list: which there are, and which are on disk)."),
    classes: str | None = typer.Option(None, "--classes",
                                       help="Data sets of classes (quickdraw): class names, comma-separated, or all."),
    per_class: int | None = typer.Option(None, "--per-class", min=2,
                                         help="Data sets of classes: how many examples a class."),
    data: Path | None = typer.Option(None, "--data", help="Data sets that can start from a local file: that file."),
):
    """Download a data set into datasets/ (idempotent, checksummed)."""
    from mlplay import datasets

    datasets.fetch(name, classes=classes, per_class=per_class, data=data)


@data_app.command("list")
def data_list():
    """Show the data sets and which are on disk."""
    from mlplay import datasets

    for name, where in datasets.status().items():
        print(f"{name:18} {where}")


# Info -------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Info")
def env(models_dir: Path | None = options.models_dir()):
    """Versions, whether windows can open, and where models and data live."""
    from mlplay.paths import environment

    for key, value in environment(models_dir).items():
        print(f"{key:15} {value}")


registry.register_commands(options.Groups(app=app, draw=draw_app, camera=camera_app, record=record_app))


def main() -> None:
    from mlplay.console import safe_streams
    from mlplay.training.interrupt import terminate_like_ctrl_c

    terminate_like_ctrl_c()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ log noise (e.g. cuInit on CPU-only machines)
    safe_streams()
    try:
        app()
    except MlplayError as e:
        report(e)
        sys.exit(1)
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM outside the places that handle it themselves: no traceback
        training = sys.argv[1:2] == ["train"]
        print("interrupted" + (" before the first epoch ended: nothing to save" if training else ""), file=sys.stderr)
        sys.exit(128 + getattr(e, "signum", 2))
    except OSError as e:  # a file or folder that cannot be written or read (full disk, read-only, no permission)
        where = f" {e.filename}" if e.filename else ""
        report(MlplayError(f"cannot use{where}: {e.strerror or e}",
                           "check the folder's permissions and free space, or point $MLPLAY_MODELS, $MLPLAY_DATA or "
                           "$MLPLAY_RUNS elsewhere"))
        sys.exit(1)
