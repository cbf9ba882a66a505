"""`mlplay draw sketches`: sketch with the mouse; the model says what it looks like."""

from pathlib import Path

import typer

from mlplay import options


def register(cli: options.Groups) -> None:
    @cli.draw.command("sketches")
    def draw_sketches(
        model: str = typer.Option("sketch-cnn", "--model", help="sketch-cnn or sketch-mlp (m switches in the window)."),
        record: str | None = typer.Option(None, "--record",
                                          help="Save drawings with s under datasets/sketches-mine/LABEL/."),
        jsonl: bool = options.jsonl(),
        models_dir: Path | None = options.models_dir(),
    ):
        """Sketch something with the mouse; the model says what it looks like, with its next three guesses."""
        from mlplay.draw import app
        from mlplay.sketches import models

        app.run(models.draw_task(), model, ["sketch-cnn", "sketch-mlp"], record, jsonl, models_dir,
                label_option="--record")
