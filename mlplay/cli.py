"""The `mlplay` command. Commands are thin: they parse options and call the modules that do the work.

TensorFlow is imported only inside the commands that train or evaluate, so `mlplay --help` stays fast.
"""

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from mlplay.errors import MlplayError

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


def _emit(jsonl: bool, line_format):
    def emit(record: dict) -> None:
        print(json.dumps(record) if jsonl else line_format(record), flush=True)

    return emit


# Train ------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Train")
def train(
    name: str = typer.Argument(..., help="Model to train, e.g. digits-cnn (see: mlplay models --all)."),
    epochs: Optional[int] = typer.Option(None, "--epochs", "-e", min=1, help="Maximum epochs (early stopping may end sooner)."),
    patience: Optional[int] = typer.Option(None, "--patience", min=1, help="Epochs without improvement before stopping early."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", "-b", min=1),
    seed: int = typer.Option(0, "--seed"),
    quick: bool = typer.Option(False, "--quick", help="Tiny data and 2 epochs: a smoke test, not a real model."),
    resume: bool = typer.Option(False, "--resume", help="Continue the newest run of this model from its last epoch."),
    strategy: str = typer.Option("default", "--strategy", help="tf.distribute strategy: default, mirrored or multiworker."),
    data: Optional[Path] = typer.Option(None, "--data", help="Train on this data instead of the default data set "
                                        "(sketch models: doodles, quickdraw, a folder of drawings, or several, comma-separated)."),
    mix: Optional[Path] = typer.Option(None, "--mix", help="Sketch models: add this folder of recorded drawings to the data."),
    digits: Optional[int] = typer.Option(None, "--digits", min=2, max=3, help="sum: operand digits, 2 or 3 (trains sum-2 or sum-3)."),
    model_name: Optional[str] = typer.Option(None, "--name", help="text: the name to save the model under."),
    no_pretrained: bool = typer.Option(False, "--no-pretrained", help="Start from random weights, not published ones (rps-mobilenet)."),
    models_dir: Optional[Path] = ModelsDir,
):
    """Train a model, score its held-out test set once, save it with its card."""
    from mlplay import experiments
    from mlplay.train import TrainConfig, train as run_training

    if digits is not None and name != "sum":
        raise MlplayError(f"--digits is for mlplay train sum, not {name}", "e.g. mlplay train sum --digits 3")
    if model_name is not None and name != "text":
        raise MlplayError(f"--name is for mlplay train text, not {name}",
                          "e.g. mlplay train text --data book.txt --name book")
    if name == "sum":
        name = f"sum-{digits or 2}"
    if name == "text":
        from mlplay.text import text_models
        from mlplay.store import model_path

        if not model_name:
            raise MlplayError("training a text model needs --name NAME", "e.g. mlplay train text --data book.txt --name book")
        model_path(model_name)  # a clear error for a bad name
        if model_name in experiments.all_experiments() or model_name in ("sum", "text"):
            raise MlplayError(f"{model_name} is the name of a built-in model", "choose another --name, e.g. book")
        exp = text_models.custom(model_name, data)
    else:
        exp = experiments.get(name)
    if data is not None and exp.extra.get("generated"):
        raise MlplayError(f"{name} trains on generated data: --data does not apply")
    if mix is not None:
        if not exp.extra.get("data_spec"):
            raise MlplayError(f"--mix is for the sketch models, not {name}")
        data = Path(f"{data or exp.extra['default_data']()},{mix}")
    if data is not None and not data.exists() and not exp.extra.get("data_spec"):  # data_spec: it parses --data
        raise MlplayError(f"no such data: {data}")
    run_training(exp, TrainConfig(epochs=epochs, patience=patience, batch_size=batch_size, seed=seed, quick=quick,
                                  resume=resume, strategy=strategy, data=data, models_root=models_dir,
                                  pretrained=not no_pretrained))


@app.command("eval", rich_help_panel="Train")
def evaluate(
    name: str = typer.Argument(..., help="A trained model."),
    data: Optional[Path] = typer.Option(None, "--data", help="The data it was trained on, if not the default."),
    models_dir: Optional[Path] = ModelsDir,
):
    """Re-score a model's held-out test set and compare with its card."""
    from rich.console import Console
    from rich.table import Table

    from mlplay.train import evaluate as run_eval

    card, fresh = run_eval(name, data, models_dir)
    table = Table("metric", "card", "now", "match")
    all_match = True
    for key in card:
        same = key in fresh and abs(card[key] - fresh[key]) <= 1e-4 * max(1.0, abs(card[key]))
        all_match &= same
        table.add_row(key, f"{card[key]:.4f}", f"{fresh.get(key, float('nan')):.4f}", "yes" if same else "NO")
    Console().print(table)
    if not all_match:
        raise MlplayError(f"{name}: the test metrics differ from its card", f"retrain with: mlplay train {name}")


@app.command(rich_help_panel="Train")
def models(
    models_dir: Optional[Path] = ModelsDir,
    all_: bool = typer.Option(False, "--all", help="Also list models that can be trained but are not yet."),
):
    """List trained models with their held-out test metric."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from mlplay import store
    from mlplay.paths import models_dir as default_models

    cards = store.list_cards(models_dir)
    rows = []
    for card in cards:
        size = store.folder_size(card["name"], models_dir) / 1e6
        rows.append((card["name"], _short_task(card.get("task", "")), _headline(card), f"{size:.1f} MB",
                     card.get("date", "")[:10]))
    if all_:
        from mlplay import experiments

        trained = {c["name"] for c in cards}
        for name, exp in sorted(experiments.all_experiments().items()):
            if name not in trained:
                rows.append((name, _short_task(exp.task), "not trained", "", ""))
    table = Table(title=f"models in {models_dir or default_models()}", box=box.SIMPLE_HEAD, show_edge=False,
                  pad_edge=False)
    for i, column in enumerate(("name", "task", "held-out test", "size", "date")):
        widest = max([len(column), *(len(r[i]) for r in rows)])
        # the task column gives way (with an ellipsis) in a narrow terminal; the others keep their width
        table.add_column(column, no_wrap=True, overflow="ellipsis", min_width=None if column == "task" else widest)
    for row in rows:
        table.add_row(*row)
    Console().print(table)
    if any(row[2] == "not trained" for row in rows):
        print("train one with: mlplay train NAME")


_TASKS = {"image-classification": "image class", "sequence-to-sequence": "seq2seq",
          "character-level text generation": "char text"}


def _short_task(task: str) -> str:
    return _TASKS.get(task, task)


def _headline(card: dict) -> str:
    """The card's headline held-out metric, as a person reads it (with the n-gram baseline for text)."""
    metrics = card.get("metrics", {})
    key = card.get("headline") or next(iter(metrics), "")
    value = metrics.get(key)
    if value is None:
        return "—"
    name = key.removeprefix("test_").replace("_", " ")
    if "accuracy" in key or "exact_match" in key:
        return f"{value:.2%} {name}"
    if key.endswith("bits_per_char"):
        baseline = metrics.get("ngram_test_bits_per_char")
        return f"{value:.3f} bits/char" + (f", n-gram {baseline:.3f}" if baseline is not None else "")
    return f"{value:.4g} {name}"


# Play -------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Play")
def predict(
    name: str = typer.Argument(..., help="A trained image model, e.g. digits-cnn."),
    images: list[Path] = typer.Argument(..., help="Image files (PNG, JPEG, …)."),
    top: int = typer.Option(1, "--top", min=1, help="How many guesses to print."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Classify image files without a window."""
    from mlplay import experiments
    from mlplay.imageio import read_grey
    from mlplay.runtime import Predictor

    exp = experiments.get(name)
    if exp.image_input is None:
        raise MlplayError(f"{name} does not take images")
    predictor = Predictor(name, models_dir)
    failed = 0
    for path in images:
        try:
            guesses = predictor.top(predictor(exp.image_input(read_grey(path))), top)
        except MlplayError as e:
            print(f"Error: {e}", file=sys.stderr)
            failed += 1
            continue
        if jsonl:
            print(json.dumps({"image": str(path), "label": guesses[0][0], "probability": round(guesses[0][1], 4),
                              "top": [[label, round(p, 4)] for label, p in guesses]}))
        else:
            print(f"{path}: " + ", ".join(f"{label} {p:.3f}" for label, p in guesses))
    if failed:
        raise typer.Exit(1)


@draw_app.command("digits")
def draw_digits(
    model: str = typer.Option("digits-cnn", "--model", help="digits-cnn or digits-mlp (m switches in the window)."),
    label: Optional[str] = typer.Option(None, "--label", help="Label for drawings saved with s (default: the guess)."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Draw a digit with the mouse; the model guesses it live."""
    _draw(model, ["digits-cnn", "digits-mlp"], label, jsonl, models_dir)


@draw_app.command("sketches")
def draw_sketches(
    model: str = typer.Option("sketch-cnn", "--model", help="sketch-cnn or sketch-mlp (m switches in the window)."),
    record: Optional[str] = typer.Option(None, "--record", help="Save drawings with s under datasets/sketches-mine/LABEL/."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Sketch something with the mouse; the model says what it looks like, with its next three guesses."""
    if record is not None and (not record.strip() or "/" in record or record.startswith(".")):
        raise MlplayError(f"bad label {record!r}", "use a plain name such as cat or 'smiley face'")
    _draw(model, ["sketch-cnn", "sketch-mlp"], record, jsonl, models_dir)


def _draw(model: str, family: list[str], label: str | None, jsonl: bool, models_dir: Path | None) -> None:
    from mlplay.shell.window import require_display

    if model not in family:
        raise MlplayError(f"{model} is not a model for this window", "choose " + " or ".join(family))
    require_display()
    from mlplay import experiments, store
    from mlplay.runtime import Predictor
    from mlplay.shell import window
    from mlplay.digits.drawapp import DrawApp, format_line

    store.load_card(model, models_dir)  # a clear error before any window opens
    others = [m for m in family if m != model and (store.model_path(m, models_dir) / store.CARD_FILE).exists()]
    task = experiments.get(model).draw_task()
    loaded = {}

    def load(name):
        if name not in loaded:
            loaded[name] = Predictor(name, models_dir)
        return loaded[name]

    app_ = DrawApp(task, [model, *others], load, _emit(jsonl, format_line), record_label=label)
    window.run(app_, task.title)


@app.command(rich_help_panel="Play")
def classify(
    paths: list[Path] = typer.Argument(..., help="Image files or folders of images."),
    top: int = typer.Option(5, "--top", min=1, help="At most this many labels an image."),
    threshold: float = typer.Option(0.2, "--threshold", min=0.0, max=1.0, help="Hide labels below this probability."),
    window: bool = typer.Option(False, "--window", help="Show each image with its labels (any key: next, q: quit)."),
    jsonl: bool = Jsonl,
    model: Optional[Path] = typer.Option(None, "--model", help="Any Keras image classifier (.keras file or folder with labels.txt)."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="Labels file for --model (one name a line)."),
    scale: str = typer.Option("raw", "--scale", help="Pixel scaling --model expects: raw (0–255), unit (0–1), mobilenet (-1–1)."),
):
    """Classify photos with MobileNetV2 (ImageNet, 1000 classes) or your own model."""
    from mlplay.vision import vision_cli

    vision_cli.classify(paths, top, threshold, window, jsonl, model, labels, scale)


@app.command(rich_help_panel="Play")
def detect(
    images: list[Path] = typer.Argument(..., help="Image files or folders of images."),
    score: float = typer.Option(0.4, "--score", min=0.0, max=1.0, help="Minimum detection score."),
    classes: Optional[str] = typer.Option(None, "--classes", help="Only these COCO classes, e.g. person,dog."),
    jsonl: bool = Jsonl,
    model: Optional[Path] = typer.Option(None, "--model", help="A TF2 detection SavedModel folder (default: SSDLite COCO)."),
):
    """Draw object boxes on photos (SSDLite MobileNetV2, COCO); annotated copies go to runs/detect/."""
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
    model: Optional[Path] = typer.Option(None, "--model", help="A TF2 detection SavedModel folder (default: SSDLite COCO)."),
):
    """Boxes around objects, live on a camera or video stream (SSDLite MobileNetV2, COCO)."""
    from mlplay.vision import vision_cli

    vision_cli.run_stream(source, score, classes, save, show, jsonl, model)


# Play: summation and text (numpy at run time, no TensorFlow) -------------------------------------
@app.command("sum", rich_help_panel="Play")
def sum_(
    digits: int = typer.Option(2, "--digits", min=2, max=3, help="Use sum-2 or sum-3."),
    model: Optional[str] = typer.Option(None, "--model", help="A summation model (default: sum-DIGITS)."),
    jsonl: bool = Jsonl,
    models_dir: Optional[Path] = ModelsDir,
):
    """Add numbers with an RNN: the answer updates live as you type; or pipe in lines such as 17+38."""
    from mlplay import store
    from mlplay.paths import runs_dir
    from mlplay.summation.adder import Adder
    from mlplay.summation import sumrepl

    name = model or f"sum-{digits}"
    card = store.load_card(name, models_dir)
    adder = Adder(store.model_path(name, models_dir), _sum_digits(card, name))
    if not sys.stdin.isatty() or jsonl:
        if sumrepl.script(adder, sys.stdin, jsonl):
            raise typer.Exit(1)
        return
    sumrepl.interactive(adder, runs_dir() / "repl" / f"{name}.history")


def _sum_digits(card: dict, name: str) -> int:
    """The operand digits a summation model's card records (its name proves nothing)."""
    digits = card.get("data", {}).get("digits")
    if card.get("task") != "sequence-to-sequence" or digits not in (2, 3):
        raise MlplayError(f"{name} is not a summation model", "use sum-2 or sum-3")
    return digits


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
    from mlplay.paths import runs_dir
    from mlplay.text.textgen import TextModel
    from mlplay.text import writerepl

    name = model or corpus
    if not name:
        raise MlplayError("which model?", "e.g. mlplay write shakespeare, or --model NAME")
    problem = writerepl.length_problem(length)
    if problem:
        raise MlplayError(f"--length: {problem}")
    text_model = TextModel(name, models_dir)
    settings = writerepl.Settings(temperature=temperature, length=length, ghost=ghost, seed=seed)
    if prompt is not None:
        writerepl.scripted(text_model, [prompt], settings, jsonl)
    elif not sys.stdin.isatty():
        writerepl.scripted(text_model, (line.rstrip("\n") for line in sys.stdin), settings, jsonl)
    else:
        writerepl.interactive(text_model, settings, runs_dir() / "repl" / f"write-{name}.history")


# Camera: rock-paper-scissors --------------------------------------------------------------------
Mirror = typer.Option(None, "--mirror/--no-mirror", help="Flip frames left-right (default: on for cameras).")


@camera_app.command("rps")
def camera_rps(
    source: str = Source,
    model: str = typer.Option("rps-cnn", "--model", help="rps-cnn or rps-mobilenet (train one first)."),
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
    name: str = typer.Argument(..., help="Data set: mnist, mobilenet-v2, ssdlite, quickdraw, doodles (generated), "
                                         "shakespeare, wikipedia, rps, rps-synthetic (generated)."),
    classes: Optional[str] = typer.Option(None, "--classes", help="quickdraw: class names, comma-separated "
                                          "(default: the 16 doodle classes)."),
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
        print(f"{name:14} {where}")


# Info -------------------------------------------------------------------------------------------
@app.command(rich_help_panel="Info")
def env(models_dir: Optional[Path] = ModelsDir):
    """Versions, display, and where models and data live."""
    import platform
    from importlib import metadata

    from mlplay.paths import datasets_dir, models_dir as default_models, runs_dir
    from mlplay.shell.window import require_display

    def version(package):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        require_display()
        display = f"yes ({os.environ.get('DISPLAY')})"
    except MlplayError as e:
        display = f"no: {e.message}"
    rows = {"python": platform.python_version(), "platform": platform.platform()}
    rows.update({p: version(p) for p in ("mlplay", "tensorflow", "keras", "ai-edge-litert", "numpy", "opencv-python",
                                          "typer", "rich", "prompt_toolkit")})
    rows.update({"display": display, "models": str(models_dir or default_models()), "datasets": str(datasets_dir()),
                 "runs": str(runs_dir())})
    for key, value in rows.items():
        print(f"{key:15} {value}")


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ log noise (e.g. cuInit on CPU-only machines)
    try:
        app()
    except MlplayError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(1)
