"""`mlplay write`: a character-level RNN continues your text as you type."""

import os
from pathlib import Path

import typer

from mlplay import options

# The settings' ranges (as in mlplay/text/app.py, which the REPL's :commands check; app.py imports numpy, so they
# are repeated here as literals and a test keeps the two in step).
TEMPERATURE, LENGTH, GHOST = (0.0, 2.0), (1, 10_000), (0, 200)


def register(cli: options.Groups) -> None:
    @cli.app.command(rich_help_panel="Play")
    def write(
        corpus: str | None = typer.Argument(None, help="shakespeare or wikipedia (the model of that name)."),
        model: str | None = typer.Option(None, "--model", help="Any text model (see mlplay models)."),
        prompt: str | None = typer.Option(None, "--prompt", "-p", help="Print one continuation of this text and exit."),
        length: int = typer.Option(300, "--length", "-n", min=LENGTH[0], max=LENGTH[1], help="Characters to write."),
        temperature: float = typer.Option(0.5, "--temperature", "-t", min=TEMPERATURE[0], max=TEMPERATURE[1],
                                          help="0 = likeliest character; higher = wilder."),
        seed: int | None = typer.Option(None, "--seed", help="Fix the sampling seed (same seed, same text)."),
        ghost: int = typer.Option(40, "--ghost", min=GHOST[0], max=GHOST[1],
                                  help="Ghost-text length while typing (0 = off)."),
        jsonl: bool = options.jsonl(),
        models_dir: Path | None = options.models_dir(),
    ):
        """Write with a character-level RNN: ghost text while you type, Enter writes on; or --prompt for scripts."""
        # before numpy loads: one step a character, threads only wait
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from mlplay.text import app

        settings = app.Settings(temperature=temperature, length=length, ghost=ghost, seed=seed)
        app.run(model or corpus, prompt, settings, jsonl, models_dir)
