"""The `mlplay` command. Commands are thin: they parse options and call the modules that do the work.

TensorFlow is imported only inside the commands that train or evaluate, so `mlplay --help` stays fast.
"""

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from mlplay import helptext
from mlplay.datasets import DATASETS
from mlplay.errors import MlplayError, report
from mlplay.teach import commands as teach_commands

helptext.flags_take_no_value()
app = typer.Typer(no_args_is_help=True, add_completion=False, context_settings={"help_option_names": ["-h", "--help"]},
                  pretty_exceptions_enable=False, rich_markup_mode="rich",
                  help="Interactive machine-learning experiments: train models, then play with them.")
draw_app = typer.Typer(no_args_is_help=True, help="Draw in a window; the model guesses as you draw.")
data_app = typer.Typer(no_args_is_help=True, help="Fetch and list data sets.")
camera_app = typer.Typer(no_args_is_help=True, help="Live camera (or video) experiments.")
app.add_typer(draw_app, name="draw", rich_help_panel="Play")
app.add_typer(camera_app, name="camera", rich_help_panel="Play")
app.add_typer(data_app, name="data", rich_help_panel="Data")
record_app = typer.Typer(no_args_is_help=True, help="Record your own training pictures with the camera.")
camera_app.add_typer(record_app, name="record")

ModelsDir = typer.Option(None, "--models-dir", help="Model folder (default: $MLPLAY_MODELS or models/).")
Jsonl = typer.Option(False, "--jsonl", help="Print one JSON object a line instead of text.")


# Train ------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Train", cls=helptext.TrainHelp)
def train(
    name: str = typer.Argument(..., help="Model to train, e.g. digits-cnn (see: mlplay models --all)."),
    epochs: Optional[int] = typer.Option(None, "--epochs", "-e", min=1, help="Maximum epochs (early stopping may end sooner)."),
    patience: Optional[int] = typer.Option(None, "--patience", min=1, help="Epochs without improvement before stopping early."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", "-b", min=1),
    seed: int = typer.Option(0, "--seed"),
    quick: bool = typer.Option(False, "--quick", help="Tiny data and 2 epochs: a smoke test, not a real model."),
    resume: bool = typer.Option(False, "--resume", help="Continue the newest run of this model from its last epoch."),
    strategy: str = typer.Option("default", "--strategy", help="tf.distribute strategy: default, mirrored or multiworker (TF_CONFIG; README: Training on more machines)."),
    data: Optional[Path] = typer.Option(None, "--data", help="Train on this data instead of the default data set (sketch models: doodles, quickdraw, quickdraw\\[apple,fish], a folder of drawings or of .npy files; several, comma-separated)."),
    mix: Optional[Path] = typer.Option(None, "--mix", help="Sketch models and rps-hands: add this folder of your recordings to the data."),
    classes: Optional[str] = typer.Option(None, "--classes", help="Sketch models: the QuickDraw classes to train on, comma-separated, or all (every fetched one)."),
    digits: Optional[int] = typer.Option(None, "--digits", min=2, max=3, help="sum: operand digits, 2 or 3 (trains sum-2 or sum-3)."),
    model_name: Optional[str] = typer.Option(None, "--name", help="text, teach: the name to save the model under."),
    force: bool = typer.Option(False, "--force", help="teach: replace a shipped model of that --name."),
    no_pretrained: bool = typer.Option(False, "--no-pretrained", help="Start from random weights, not published ones (rps-mobilenet)."),
    minutes: Optional[float] = typer.Option(None, "--minutes", min=0.01, help="Wall-time budget: the learning rate decays over it, training stops at its end (shakespeare: 40)."),
    models_dir: Optional[Path] = ModelsDir,
):
    """Train a model, score its held-out test set once, save it with its card (teach: a head on the ImageNet
    MobileNetV2's features from --data DIR of class folders, see camera teach)."""
    if name == "teach":
        teach_commands.train_teach(data, model_name, force, models_dir)
        return
    if force:
        raise MlplayError(f"--force is for mlplay train teach, not {name}")
    from mlplay import experiments
    from mlplay.interrupt import Interrupted
    from mlplay.train import TrainConfig, train as run_training

    exp, data = experiments.for_training(name, data, mix, digits, model_name, classes)
    try:
        run_training(exp, TrainConfig(epochs=epochs, patience=patience, batch_size=batch_size, seed=seed, quick=quick,
                                      resume=resume, strategy=strategy, data=data, models_root=models_dir,
                                      pretrained=not no_pretrained, minutes=minutes))
    except Interrupted as stop:  # Ctrl-C or SIGTERM: the best model is saved by now
        raise typer.Exit(stop.exit_status()) from None


@app.command("eval", rich_help_panel="Train")
def evaluate(
    name: str = typer.Argument(..., help="A trained model."),
    data: Optional[Path] = typer.Option(None, "--data", help="The data it was trained on, if not the default."),
    models_dir: Optional[Path] = ModelsDir,
):
    """Re-score a model's held-out test set and compare with its card."""
    from mlplay import cards

    cards.print_eval(name, data, models_dir)


@app.command(rich_help_panel="Train")
def models(
    models_dir: Optional[Path] = ModelsDir,
    all_: bool = typer.Option(False, "--all", help="Also list models that can be trained but are not yet."),
):
    """List trained models with their held-out test metric."""
    from mlplay import cards

    cards.print_models(models_dir, all_)


# Play -------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Play")
def predict(
    name: str = typer.Argument(..., help="A trained image model, e.g. digits-cnn."),
    images: list[Path] = typer.Argument(..., help="Image files (PNG, JPEG, …) or folders of images."),
    top: int = typer.Option(1, "--top", min=1, help="How many guesses to print."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Classify image files without a window."""
    from mlplay.runtime import predict_images

    predict_images(name, images, top, jsonl, models_dir)


@draw_app.command("digits")
def draw_digits(
    model: str = typer.Option("digits-cnn", "--model", help="digits-cnn or digits-mlp (m switches in the window)."),
    label: Optional[str] = typer.Option(None, "--label", help="Label for drawings saved with s (default: the guess)."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Draw a digit with the mouse; the model guesses it live."""
    from mlplay.digits import drawapp

    drawapp.run(model, ["digits-cnn", "digits-mlp"], label, jsonl, models_dir)


@draw_app.command("sketches")
def draw_sketches(
    model: str = typer.Option("sketch-cnn", "--model", help="sketch-cnn or sketch-mlp (m switches in the window)."),
    record: Optional[str] = typer.Option(None, "--record", help="Save drawings with s under datasets/sketches-mine/LABEL/."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Sketch something with the mouse; the model says what it looks like, with its next three guesses."""
    from mlplay.digits import drawapp

    drawapp.run(model, ["sketch-cnn", "sketch-mlp"], record, jsonl, models_dir, label_option="--record")


@app.command(rich_help_panel="Play")
def classify(
    paths: list[Path] = typer.Argument(..., help="Image files or folders of images."),
    top: int = typer.Option(5, "--top", min=1, help="At most this many labels an image."),
    threshold: float = typer.Option(0.2, "--threshold", min=0.0, max=1.0, help="Hide labels below this probability."),
    window: bool = typer.Option(False, "--window", help="Show each image with its labels (any key: next, q: quit)."),
    jsonl: bool = Jsonl,
    model: Optional[str] = typer.Option(None, "--model", help="mobilenet-quant (shipped, the default), mobilenet-v2 (float Keras, downloaded) or your Keras classifier (.keras file or folder with labels.txt)."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="Labels file for --model (one name a line)."),
    scale: str = typer.Option("raw", "--scale", help="Pixel scaling --model expects: raw (0–255), unit (0–1), mobilenet (-1–1)."),
):
    """Classify photos with MobileNetV2 (ImageNet) or your own model."""
    from mlplay.vision import vision_cli

    vision_cli.classify(paths, top, threshold, window, jsonl, model, labels, scale)


DetectModel = typer.Option(None, "--model", help="coco-ssd-quant (shipped, the default), ssdlite (float SavedModel, downloaded) or a TF2 detection SavedModel folder.")


@app.command(rich_help_panel="Play")
def detect(
    images: list[Path] = typer.Argument(..., help="Image files or folders of images."),
    score: float = typer.Option(0.4, "--score", min=0.0, max=1.0, help="Minimum detection score."),
    classes: Optional[str] = typer.Option(None, "--classes", help="Only these COCO classes, e.g. person,dog."),
    jsonl: bool = Jsonl,
    model: Optional[str] = DetectModel,
):
    """Draw object boxes on photos (SSD MobileNet, COCO); annotated copies go to runs/detect/."""
    from mlplay.vision import vision_cli

    vision_cli.run_images(images, score, classes, jsonl, model)


Source = typer.Option("0", "--source", "-s", help="Camera index, video file, folder of images or pattern like img_%03d.png.")
Show = typer.Option(True, "--show/--no-show", help="Show the annotated stream in a window.")
Save = typer.Option(False, "--save", help="Record the annotated stream under runs/camera/.")


@camera_app.command("detect")
def camera_detect(
    source: str = Source,
    score: float = typer.Option(0.4, "--score", min=0.0, max=1.0, help="Minimum detection score."),
    classes: Optional[str] = typer.Option(None, "--classes", help="Only these COCO classes, e.g. person,dog."),
    save: bool = Save,
    show: bool = Show,
    jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON line per frame with its detections."),
    model: Optional[str] = DetectModel,
):
    """Boxes around objects, live on a camera or video stream (SSD MobileNet, COCO)."""
    from mlplay.vision import vision_cli

    vision_cli.run_stream(source, score, classes, save, show, jsonl, model)


@app.command("sum", rich_help_panel="Play")
def sum_(
    digits: int = typer.Option(2, "--digits", min=2, max=3, help="Use sum-2 or sum-3."),
    model: Optional[str] = typer.Option(None, "--model", help="A summation model (default: sum-DIGITS)."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Add numbers with an RNN: the answer updates live as you type; or pipe in lines such as 17+38."""
    from mlplay.summation import sumrepl

    if sumrepl.run(digits, model, jsonl, models_dir):
        raise typer.Exit(1)


@app.command(rich_help_panel="Play")
def write(
    corpus: Optional[str] = typer.Argument(None, help="shakespeare or wikipedia (the model of that name)."),
    model: Optional[str] = typer.Option(None, "--model", help="Any text model (see mlplay models)."),
    prompt: Optional[str] = typer.Option(None, "--prompt", "-p", help="Print one continuation of this text and exit."),
    length: int = typer.Option(300, "--length", "-n", min=1, help="Characters to write (at most 10,000)."),
    temperature: float = typer.Option(0.5, "--temperature", "-t", min=0.0, max=2.0, help="0 = likeliest character; higher = wilder."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Fix the sampling seed (same seed, same text)."),
    ghost: int = typer.Option(40, "--ghost", min=0, max=200, help="Ghost-text length while typing (0 = off)."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Write with a character-level RNN: ghost text while you type, Enter writes on; or --prompt for scripts."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: one step a character, threads only wait
    from mlplay.text import writerepl

    settings = writerepl.Settings(temperature=temperature, length=length, ghost=ghost, seed=seed)
    writerepl.run(model or corpus, prompt, settings, jsonl, models_dir)


Mirror = typer.Option(None, "--mirror/--no-mirror", help="Flip frames left-right (default: on for cameras).")


@camera_app.command("rps")
def camera_rps(
    source: str = Source,
    model: str = typer.Option("rps-hands", "--model", help="rps-hands (hand landmarks, shipped), rps-cnn or rps-mobilenet (train one first)."),
    opponent: str = typer.Option("adaptive", "--opponent", help="random, or adaptive (learns your habits)."),
    auto: bool = typer.Option(False, "--auto", help="Play rounds back to back without keys (videos, tests)."),
    rounds: Optional[int] = typer.Option(None, "--rounds", min=1, help="Stop after this many rounds."),
    jsonl: bool = Jsonl,
    show: bool = Show,
    save: bool = typer.Option(False, "--save", help="Record the annotated stream to runs/camera/rpsN/."),
    mirror: Optional[bool] = Mirror,
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed the computer's random choices."),
    models_dir: Optional[Path] = ModelsDir,
):
    """Play rock-paper-scissors against the computer with your webcam (space: play, r: reset, h: help, q: quit)."""
    from mlplay.rps import rpsapp

    rpsapp.play(source, model, opponent, auto, rounds, jsonl, show, save, mirror, seed, models_dir)


camera_app.command("teach")(teach_commands.camera_teach)


@record_app.command("rps")
def record_rps(
    label: str = typer.Option(..., "--label", "-l", help="rock, paper or scissors."),
    count: int = typer.Option(200, "--count", "-n", min=1, help="How many pictures to save."),
    source: str = Source,
    out: Optional[Path] = typer.Option(None, "--out", help="Folder of class folders (default: datasets/rps-mine)."),
    every: float = typer.Option(0.1, "--every", min=0.0, help="Seconds between pictures."),
    delay: float = typer.Option(2.0, "--delay", min=0.0, help="Seconds to get ready before the first picture."),
    show: bool = Show,
    mirror: Optional[bool] = Mirror,
):
    """Save guide-box pictures of your hand to datasets/rps-mine/<label>/ to train on (space pauses)."""
    from mlplay.rps import rpsapp

    rpsapp.record(label, count, source, out, every, delay, show, mirror)


# Data -------------------------------------------------------------------------------------------
@data_app.command("fetch")
def data_fetch(
    name: str = typer.Argument(..., help="Data set: " + ", ".join(DATASETS) + " (mlplay data list: which are on disk)."),
    classes: Optional[str] = typer.Option(None, "--classes", help="quickdraw: class names, comma-separated, or all (default: the 16 doodle classes)."),
    per_class: Optional[int] = typer.Option(None, "--per-class", min=2, help="quickdraw: drawings a class (default 5000)."),
    data: Optional[Path] = typer.Option(None, "--data", help="wikipedia: convert this MediaWiki XML dump (.xml or .bz2) into its own cache, for train --data."),
):
    """Download a data set into datasets/ (idempotent, checksummed)."""
    from mlplay import datasets

    datasets.fetch(name, classes=classes, per_class=per_class, data=data)


@data_app.command("list")
def data_list():
    """Show which data sets are on disk."""
    from mlplay import datasets

    for name, where in datasets.status().items():
        print(f"{name:16} {where}")


# Info -------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Info")
def env(models_dir: Optional[Path] = ModelsDir):
    """Versions, display, and where models and data live."""
    from mlplay.paths import environment

    for key, value in environment(models_dir).items():
        print(f"{key:15} {value}")


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ log noise (e.g. cuInit on CPU-only machines)
    try:
        app()
    except MlplayError as e:
        report(e)
        sys.exit(1)
