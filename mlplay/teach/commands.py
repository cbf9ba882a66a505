"""`mlplay camera teach NAME` (teach it your own things with the camera) and the runs behind it and behind
`mlplay train teach --data DIR --name NAME` (the `teach` alias of mlplay train, in models.py): thin, with the
imports inside, so `mlplay --help` stays fast."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mlplay import options
from mlplay.errors import MlplayError


def register(cli: options.Groups) -> None:
    @cli.camera.command("teach")
    def camera_teach(
        name: str = typer.Argument(..., help="The model to teach (saved as models/NAME/; again: adds examples to it)."),
        labels: str | None = typer.Option(None, "--labels", "-l", help="Your labels, comma-separated, keys 1, 2, 3, … "
                                                 "(default: one,two,three; a saved model: its own)."),
        source: str = options.source(),
        show: bool = options.show(),
        save: bool = options.save("runs/camera/teachN/"),
        mirror: bool | None = options.mirror(),
        force: bool = typer.Option(False, "--force", help="Replace a shipped model of that name."),
        models_dir: Path | None = options.models_dir(),
    ):
        """Teach it your own things: hold 1, 2, 3 … to record each label, t trains, s saves, h: keys, q: quit."""
        run_camera(name, labels, source, show, save, mirror, force, models_dir)


def run_camera(name: str, labels_text: str | None, source: str, show: bool, save: bool, mirror: bool | None,
               force: bool, models_dir: Path | None) -> None:
    from mlplay.paths import portable_command
    from mlplay.shell import camera, window
    from mlplay.teach import data, models
    from mlplay.teach.app import TeachApp
    from mlplay.vision.backbone import Features

    models.check_name(name, models_dir, force)
    folder = data.examples_dir(name)
    saved = models.taught_card(name, models_dir)
    known = (saved or {}).get("labels") or data.read_labels(folder)
    labels = data.parse_labels(labels_text) if labels_text is not None or not known else list(known)
    if known and labels != list(known):
        if labels[:len(known)] != list(known):
            raise MlplayError(f"{name} has the labels {', '.join(known)}; new labels can only be added after them",
                              f"e.g. --labels {','.join(known)},another")
    display = window.make_display(show, f"mlplay - teach {name}")  # refused here when there is no display
    stream = camera.open_source(source)
    try:
        features = Features()
        examples = (data.load_folder(folder, features, labels, log=_log, cache=True) if folder.is_dir()
                    and any((folder / label).is_dir() for label in labels) else data.Examples(labels))
    except BaseException:
        stream.close()
        raise
    data.write_labels(folder, labels)

    def save_model(head, report):
        where = models.save(name, head, labels, report, features.card, f"recorded with mlplay camera teach {name}",
                            folder, portable_command(["mlplay", *sys.argv[1:]]), models_dir)
        data.write_cache(folder, examples, features.sha256)
        return where

    app = TeachApp(name, examples, features, data.Recorder(folder), models.train, save_model, log=_log)
    if saved and list(saved["labels"]) == labels:
        app.head = models.Taught(name, models_dir, features).head  # predictions are live from the start
        app.report = {"held_out_accuracy": saved["metrics"]["held_out_accuracy"], "held_out": saved["data"]["held_out"]}
    _log(f"teaching {name}: " + ", ".join(f"{i + 1} {label} ({n})" for i, (label, n)
                                          in enumerate(examples.counts().items())) + f"; examples in {folder}")
    stats = camera.run_camera(app, stream, show, save, command="camera", name="teach", display=display,
                              mirror=mirror, title=f"mlplay - teach {name}")
    data.write_cache(folder, examples, features.sha256)
    if stream.live and stats.reason == "end of stream":
        kept = sum(app.recorded.values())
        raise MlplayError(f"the camera stopped sending frames: the {kept} frames recorded this session are kept in "
                          f"{folder}", "reconnect it and run the command again to go on")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


