"""The style commands: `mlplay style PHOTO… --style NAME|FILE` and `mlplay camera style`. Thin: each parses its
options and hands them to shells.py, imported inside the function so `mlplay --help` stays fast."""

from pathlib import Path

import typer

from mlplay import options
from mlplay.style import DEFAULT_STYLE  # not .models: `mlplay --help` loads no experiment family


def register(cli: options.Groups) -> None:
    @cli.app.command("style", rich_help_panel="Play")
    def style(
        photos: list[Path] | None = typer.Argument(None, help="Photos (files or folders of pictures)."),
        style_: str = typer.Option(DEFAULT_STYLE, "--style", help="A named style (see --list) or any picture file."),
        strength: float = typer.Option(1.0, "--strength",
                                       help="0–1: 0 keeps the photo's own look, 1 is the painting's."),
        out: Path | None = typer.Option(None, "--out",
                                        help="Folder for the painted photos (default: runs/style/expN/)."),
        jsonl: bool = options.jsonl("Print one JSON object a photo, with the output path."),
        list_: bool = typer.Option(False, "--list", help="List the named styles with their credits, then exit."),
        strict: bool = options.strict(),
        models_dir: Path | None = options.models_dir(),
    ):
        """Paint photos in the style of a painting (Magenta's arbitrary style transfer, offline)."""
        from mlplay.style import shells

        if list_:
            shells.print_styles(models_dir)
            return
        if not photos:
            from mlplay.errors import MlplayError

            raise MlplayError("give one or more photos",
                              "e.g. mlplay style photo.jpg --style great_wave (--list: the styles)")
        shells.style_photos(photos, style_, strength, out, jsonl, models_dir, strict)

    @cli.camera.command("style")
    def camera_style(
        source: str = options.source(),
        style_: str | None = typer.Option(None, "--style", help="Start with this style (a name, or any picture file)."),
        strength: float = typer.Option(1.0, "--strength", help="0–1 at the start (+/- change it)."),
        save: bool = options.save("runs/camera/styleN/"),
        show: bool = options.show(),
        mirror: bool | None = options.mirror(),
        models_dir: Path | None = options.models_dir(),
    ):
        """Your camera painted live in the style of a painting (n/p style, +/- strength, space freeze, s snapshot,
        h help)."""
        from mlplay.style import shells

        shells.camera_style(source, style_, strength, save, show, mirror, models_dir)
