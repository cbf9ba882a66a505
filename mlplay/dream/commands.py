"""`mlplay dream digits`: the generator's window, or its pictures written to a folder (--out)."""

from pathlib import Path

import typer

from mlplay import options


def register(cli: options.Groups) -> None:
    dream = typer.Typer(no_args_is_help=True,
                        help="Watch a generator draw: digits on demand, walks through its latent space.")
    cli.app.add_typer(dream, name="dream", rich_help_panel="Play")

    @dream.command("digits")
    def dream_digits(
        digit: str | None = typer.Option(None, "--digit", "-d", help="Only this digit, 0–9 (default: every digit)."),
        count: int | None = typer.Option(None, "--count", "-n", help="With --out: how many pictures (default 100)."),
        out: Path | None = typer.Option(None, "--out", "-o",
                                        help="Write PNGs to this folder instead of opening a window."),
        seed: int | None = typer.Option(None, "--seed", help="Same seed, same pictures (default: a new one each run)."),
        model: str = typer.Option("digits-gen", "--model",
                                   help="The generator (e.g. digits-gen-quick, a --quick run's)."),
        jsonl: bool = options.jsonl("With --out: one JSON line a picture."),
        models_dir: Path | None = options.models_dir(),
    ):
        """A 10 × 10 grid of generated digits (space: new, 0-9: one digit, click: walk, s: save, h: help, q: quit);
        with --out, PNG files and no window."""
        from mlplay.dream.launch import run

        run(digit, count, out, seed, jsonl, models_dir, model)
