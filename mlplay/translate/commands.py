"""`mlplay translate`: the REPL on a terminal, one translation a line from a pipe, or --text once.
(`mlplay train translate`, `mlplay eval translate` and `mlplay data fetch tatoeba-fra-eng` are the shared commands.)
Thin: everything is imported when the command runs, so `mlplay --help` stays fast."""

import os
import sys
from pathlib import Path

import typer

from mlplay import options
from mlplay.errors import MlplayError

MAX_BEAM = 8  # as app.MAX_BEAM (app imports numpy; a test keeps the two in step)


def register(cli: options.Groups) -> None:
    @cli.app.command(rich_help_panel="Play")
    def translate(
        text: str | None = typer.Option(None, "--text", "-t", help="Translate this text, print it and exit."),
        beam: int = typer.Option(4, "--beam", "-b", min=1, max=MAX_BEAM,
                                 help="Search: a beam of 4 hypotheses, or 1 = greedy (the likeliest piece each step; "
                                      "what the live bar shows)."),
        attention: Path | None = typer.Option(
            None, "--attention", help="With --text: draw where each French word looked into this PNG."),
        jsonl: bool = options.jsonl("Print one JSON object a line: source, translation, score, unknown words."),
        model: str = typer.Option("translate", "--model", help="A translation model (see: mlplay models)."),
        models_dir: Path | None = options.models_dir(),
    ):
        """English → French: the translation grows in the bottom bar as you type; or pipe lines in, or --text."""
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: small products, threads only wait
        if attention is not None and text is None:
            raise MlplayError("--attention draws the attention of --text",
                              'e.g. mlplay translate --text "I am hungry." --attention out.png')
        if run(text, beam, attention, jsonl, model, models_dir):
            raise typer.Exit(1)


def run(text: str | None, beam: int, attention: Path | None, jsonl: bool, model: str, models_dir: Path | None) -> int:
    """The exit status: 1 when a line could not be translated."""
    from mlplay.paths import runs_dir
    from mlplay.translate import app, translator

    if text is not None and app.problem(text):
        raise MlplayError(f"--text: {app.problem(text)}")
    engine = translator.load(model, models_dir)
    if text is not None:
        if app.unreadable(engine, text):
            raise MlplayError(f"--text: {app.unreadable(engine, text)}")
        if attention is not None:
            from mlplay.translate import picture

            translation = engine.translate(text, beam)
            search = "greedy" if beam == 1 else f"beam {beam}"
            picture.save(translation, attention, [f"{model}, {search}", translation.source, translation.text])
            print(f"attention → {attention}", file=sys.stderr)
        return 1 if app.script(engine, [text], beam, jsonl) else 0
    if not sys.stdin.isatty() or jsonl:
        return 1 if app.script(engine, sys.stdin.buffer, beam, jsonl) else 0
    from mlplay.translate import repl

    repl.interactive(app.Session(engine, beam), runs_dir() / "repl" / f"{model}.history")
    return 0
