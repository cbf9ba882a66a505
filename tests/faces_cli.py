"""`mlplay predict emotion`, `mlplay camera emotion` and `mlplay data fetch faces|faces-photos` as the CLI will run
them once the faces family is in the registry (issue 19's seam): the same functions, on a Typer app of their own,
with the CLI's one-line errors. Tests run `python tests/faces_cli.py ARGS` where they will run `mlplay ARGS`.
"""

import sys
from pathlib import Path
from typing import Optional

import typer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlplay.errors import MlplayError, report  # noqa: E402
from mlplay.faces import commands, models  # noqa: E402

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
predict_app, camera_app, data_app = typer.Typer(), typer.Typer(), typer.Typer()
app.add_typer(predict_app, name="predict")
app.add_typer(camera_app, name="camera")
app.add_typer(data_app, name="data")
camera_app.command("emotion")(commands.camera_emotion)


class Predict:
    def __init__(self, paths, top, jsonl, models_root):
        self.paths, self.top, self.jsonl, self.models_root, self.strict = paths, top, jsonl, models_root, False


@predict_app.command("emotion")
def predict_emotion(images: list[Path], top: int = typer.Option(3, "--top"), jsonl: bool = typer.Option(False, "--jsonl"),
                    models_dir: Optional[Path] = typer.Option(None, "--models-dir")):
    models.EMOTION["predict_files"](Predict(images, top, jsonl, models_dir))


@data_app.command("fetch")
def fetch(name: str):
    entry = {d["name"]: d for d in models.DATASETS}[name]
    print(f"{name}: {entry['fetch']()}")


if __name__ == "__main__":
    try:
        app()
    except MlplayError as e:
        report(e)
        sys.exit(1)
