"""The faces package's commands: `mlplay camera emotion`. (`mlplay predict emotion` goes through the experiment's
`predict_files`, `mlplay data fetch faces` through its data sets: see models.py.)

Thin: options in, the work done by app.py and the camera shell; everything heavy is imported inside the function.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

TITLE = "mlplay - emotion"


def camera_emotion(
    source: str = typer.Option("0", "--source", "-s", help="Camera index, video file, folder of images or pattern like img_%03d.png."),
    save: bool = typer.Option(False, "--save", help="Record the annotated stream to runs/camera/emotionN/."),
    show: bool = typer.Option(True, "--show/--no-show", help="Show the annotated stream in a window."),
    mirror: Optional[bool] = typer.Option(None, "--mirror/--no-mirror", help="Flip frames left-right (default: on for cameras)."),
    jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON line per frame with faces."),
    models_dir: Optional[Path] = typer.Option(None, "--models-dir", help="Model folder (default: $MLPLAY_MODELS or models/)."),
):
    """Faces and their expressions, live on a camera or video (q / Esc: quit)."""
    run(source, save, show, mirror, jsonl, models_dir)


def run(source: str, save: bool, show: bool, mirror: bool | None, jsonl: bool, models_dir: Path | None) -> None:
    from mlplay.faces.app import EmotionApp
    from mlplay.faces.shipped import faces_dir, open_models
    from mlplay.shell.camera import open_source, run_camera
    from mlplay.shell.window import make_display

    display = make_display(show, TITLE)  # no display: one line, before the source and the models are opened
    stream = open_source(source)
    try:
        detector, reader = open_models(faces_dir(models_dir))
    except BaseException:
        stream.close()
        raise
    app = EmotionApp(detector, reader, emit=(lambda line: print(line, flush=True)) if jsonl else None)
    run_camera(app, stream, show, save, command="camera", name="emotion", title=TITLE, mirror=mirror, display=display)


def register(cli) -> None:
    """Add the commands to mlplay's CLI (its `camera` group)."""
    cli.camera_app.command("emotion")(camera_emotion)
