"""`mlplay sum`: the summation RNN answers as you type."""

from pathlib import Path

import typer

from mlplay import options


def register(cli: options.Groups) -> None:
    @cli.app.command("sum", rich_help_panel="Play")
    def sum_(
        digits: int = typer.Option(2, "--digits", min=2, max=3, help="Use sum-2 or sum-3."),
        model: str | None = typer.Option(None, "--model", help="A summation model (default: sum-DIGITS)."),
        jsonl: bool = options.jsonl(),
        models_dir: Path | None = options.models_dir(),
    ):
        """Add numbers with an RNN: the answer updates live as you type; or pipe in lines such as 17+38."""
        from mlplay.summation import app

        if app.run(digits, model, jsonl, models_dir):
            raise typer.Exit(1)
