"""`mlplay camera rps` (play rock-paper-scissors with your webcam) and `mlplay camera record rps` (record your own
training pictures)."""

from pathlib import Path

import typer

from mlplay import options


def register(cli: options.Groups) -> None:
    @cli.camera.command("rps")
    def camera_rps(
        source: str = options.source(),
        model: str = typer.Option("rps-hands", "--model",
                                  help="rps-hands (hand landmarks, shipped), rps-cnn or rps-mobilenet."),
        opponent: str = typer.Option("adaptive", "--opponent", help="random, or adaptive (learns your habits)."),
        auto: bool = typer.Option(False, "--auto", help="Play rounds back to back without keys (videos, tests)."),
        rounds: int | None = typer.Option(None, "--rounds", min=1, help="Stop after this many rounds."),
        jsonl: bool = options.jsonl(),
        show: bool = options.show(),
        save: bool = options.save("runs/camera/rpsN/"),
        mirror: bool | None = options.mirror(),
        seed: int | None = typer.Option(None, "--seed", help="Seed the computer's random choices."),
        models_dir: Path | None = options.models_dir(),
    ):
        """Play rock-paper-scissors against the computer with your webcam (space: play, r: reset, h: help, q: quit)."""
        from mlplay.rps import app

        app.play(source, model, opponent, auto, rounds, jsonl, show, save, mirror, seed, models_dir)

    @cli.record.command("rps")
    def record_rps(
        label: str = typer.Option(..., "--label", "-l", help="rock, paper or scissors."),
        count: int = typer.Option(200, "--count", "-n", min=1, help="How many pictures to save."),
        source: str = options.source(),
        out: Path | None = typer.Option(None, "--out", help="Folder of class folders (default: datasets/rps-mine)."),
        every: float = typer.Option(0.1, "--every", min=0.0, help="Seconds between pictures."),
        delay: float = typer.Option(2.0, "--delay", min=0.0, help="Seconds to get ready before the first picture."),
        show: bool = options.show(),
        mirror: bool | None = options.mirror(),
    ):
        """Save guide-box pictures of your hand to datasets/rps-mine/<label>/ to train on (space pauses)."""
        from mlplay.rps import app

        app.record(label, count, source, out, every, delay, show, mirror)
