"""Options that several commands share, declared once (`mlplay … --help` shows them the same everywhere).

Only typer is imported here: every package's commands module uses these, and `mlplay --help` imports them all.
"""

from dataclasses import dataclass

import typer


@dataclass(frozen=True)
class Groups:
    """Where a package's commands go: the top level and the command groups (`mlplay draw …`, `mlplay camera …`)."""

    app: typer.Typer
    draw: typer.Typer
    camera: typer.Typer
    record: typer.Typer


def models_dir():
    return typer.Option(None, "--models-dir", help="Model folder (default: $MLPLAY_MODELS or models/).")


def jsonl(what: str = "Print one JSON object a line instead of text."):
    return typer.Option(False, "--jsonl", help=what)


def source():
    return typer.Option("0", "--source", "-s",
                        help="Camera index, video file, folder of images or pattern like img_%03d.png.")


def show():
    return typer.Option(True, "--show/--no-show", help="Show the annotated stream in a window.")


def save(where: str = "runs/camera/"):
    return typer.Option(False, "--save", help=f"Record the annotated stream under {where}.")


def mirror():
    return typer.Option(None, "--mirror/--no-mirror", help="Flip frames left-right (default: on for cameras).")


def strict():
    return typer.Option(False, "--strict",
                        help="Stop at the first file that cannot be read (default: skip it, say so, exit 1 at the "
                             "end).")


