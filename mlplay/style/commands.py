"""The style commands: `mlplay style PHOTO… --style NAME|FILE` and `mlplay camera style`. Thin: each parses its
options and hands them to shells.py, imported inside the function so `mlplay --help` stays fast."""

from pathlib import Path
from typing import Optional

import typer

DEFAULT_STYLE = "starry_night"


def style(
    photos: Optional[list[Path]] = typer.Argument(None, help="Photos (files or folders of pictures)."),
    style_: str = typer.Option(DEFAULT_STYLE, "--style", "-s", help="A named style (see --list) or any picture file."),
    strength: float = typer.Option(1.0, "--strength", help="0–1: 0 keeps the photo's own look, 1 is the painting's."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the painted photos (default: runs/style/expN/)."),
    jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON object a photo, with the output path."),
    list_: bool = typer.Option(False, "--list", help="List the named styles with their credits, then exit."),
    models_dir: Optional[Path] = typer.Option(None, "--models-dir", help="Model folder (default: $MLPLAY_MODELS or models/)."),
):
    """Paint photos in the style of a painting (Magenta's arbitrary style transfer, offline)."""
    from mlplay.style import shells

    if list_:
        shells.print_styles(models_dir)
        return
    if not photos:
        from mlplay.errors import MlplayError

        raise MlplayError("give one or more photos", "e.g. mlplay style photo.jpg --style great_wave (--list: the styles)")
    shells.style_photos(photos, style_, strength, out, jsonl, models_dir)


def camera_style(
    source: str = typer.Option("0", "--source", "-s", help="Camera index, video file, folder of images or pattern like img_%03d.png."),
    style_: Optional[str] = typer.Option(None, "--style", help="Start with this style (a name, or any picture file)."),
    strength: float = typer.Option(1.0, "--strength", help="0–1 at the start (+/- change it)."),
    save: bool = typer.Option(False, "--save", help="Record the shown stream to runs/camera/styleN/."),
    show: bool = typer.Option(True, "--show/--no-show", help="Show the stream in a window."),
    mirror: Optional[bool] = typer.Option(None, "--mirror/--no-mirror", help="Flip frames left-right (default: on for cameras)."),
    models_dir: Optional[Path] = typer.Option(None, "--models-dir", help="Model folder (default: $MLPLAY_MODELS or models/)."),
):
    """Your camera painted live in the style of a painting (n/p style, +/- strength, space freeze, s snapshot, h help)."""
    from mlplay.style import shells

    shells.camera_style(source, style_, strength, save, show, mirror, models_dir)


def register(app: typer.Typer, camera_app: typer.Typer) -> None:
    """The one line the CLI needs: `mlplay style` under Play, `mlplay camera style` beside the other camera apps."""
    app.command("style", rich_help_panel="Play")(style)
    camera_app.command("style")(camera_style)
