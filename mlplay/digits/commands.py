"""`mlplay draw digits`: draw a digit with the mouse; the model guesses it live."""

from pathlib import Path

import typer

from mlplay import options


def register(cli: options.Groups) -> None:
    @cli.draw.command("digits")
    def draw_digits(
        model: str = typer.Option("digits-cnn", "--model", help="digits-cnn or digits-mlp (m switches in the window)."),
        label: str | None = typer.Option(None, "--label", help="Label for drawings saved with s (default: the guess)."),
        jsonl: bool = options.jsonl(),
        models_dir: Path | None = options.models_dir(),
    ):
        """Draw a digit with the mouse; the model guesses it live."""
        from mlplay.digits import models
        from mlplay.draw import app

        app.run(models.draw_task(), model, ["digits-cnn", "digits-mlp"], label, jsonl, models_dir)
