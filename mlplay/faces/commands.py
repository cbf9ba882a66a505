"""The faces package's commands: `mlplay camera emotion`. (`mlplay predict emotion` goes through the experiment's
`predict_files`, `mlplay data fetch faces` through its data sets: see models.py.)

Thin: options in, the work done by app.py and the camera shell; everything heavy is imported inside the function.
"""

from __future__ import annotations

from pathlib import Path

from mlplay import options

TITLE = "mlplay - emotion"


def register(cli: options.Groups) -> None:
    @cli.camera.command("emotion")
    def camera_emotion(
        source: str = options.source(),
        save: bool = options.save("runs/camera/emotionN/"),
        show: bool = options.show(),
        mirror: bool | None = options.mirror(),
        jsonl: bool = options.jsonl("Print one JSON line per frame with faces."),
        models_dir: Path | None = options.models_dir(),
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
