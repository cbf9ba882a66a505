"""magenta-style: Magenta's arbitrary image stylization (Ghiasi et al. 2017; Apache-2.0), pretrained by Google and
shipped as two LiteRT networks in models/magenta-style/ with five paintings as named styles.

- the style network (`style_predict_quantized_256.tflite`, 2.8 MB): a picture at 256×256, RGB 0–1 → its style
  bottleneck, 100 numbers [1, 1, 1, 100];
- the transfer network (`style_transfer_quantized_384.tflite`, 0.3 MB, uint8 weights): a photo at 384×384, RGB
  0–1, and a bottleneck → the painted photo, RGB 0–1 [1, 384, 384, 3].

The card (written by `python -m mlplay.style.install`) records where they come from, each file's SHA-256, the
licence and credits, what goes in and out, and the measured style and content distances. Every file is checked
against its SHA-256 when it is loaded: a damaged one is refused in one line. Reading the card happens here only.
"""

from pathlib import Path

from mlplay.errors import MlplayError

NAME = "magenta-style"
TASK = "style-transfer"
SUMMARY = "Magenta arbitrary image stylization: any photo painted in the style of any picture (LiteRT, 384×384)"
STYLE_NETWORK = "style_predict_quantized_256.tflite"
TRANSFER_NETWORK = "style_transfer_quantized_384.tflite"
HEADLINE = "style_distance_ratio"  # mean over styles and photos of distance(painted, painting) / distance(photo, painting)
RESTORE = "it ships with mlplay: restore it with `git checkout -- models/magenta-style`"


def card(models_dir: Path | None = None) -> tuple[Path, dict]:
    """The model folder and its card (not yet checked against the files), with one-line errors."""
    import json

    from mlplay import store

    folder = store.model_path(NAME, models_dir)
    file = folder / store.CARD_FILE
    if not file.is_file():
        raise MlplayError(f"no model '{NAME}' in {folder.parent}", RESTORE)
    try:
        found = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise MlplayError(f"cannot read the card {file} ({e})", RESTORE) from None
    missing = [key for key in ("sha256", "styles") if key not in found]
    missing += [f for f in (STYLE_NETWORK, TRANSFER_NETWORK) if f not in found.get("sha256", {})]
    if missing:
        raise MlplayError(f"the card {file} lacks {', '.join(missing)}", RESTORE)
    return folder, found


class StyleModel:
    """The shipped networks and styles, ready to paint: `styliser`, `bottlenecks(style)`, `style(NAME|FILE)`.

    The transfer network is loaded (and its file checked) at once; the style network only when a bottleneck has to
    be computed (a cached style at full strength never needs it)."""

    def __init__(self, models_dir: Path | None = None, threads: int = 2):
        from mlplay.style.bottlenecks import Bottlenecks
        from mlplay.style.data import shipped_styles
        from mlplay.style.stylise import Styliser

        self.folder, self.card = card(models_dir)
        self.threads = threads
        self.styles = shipped_styles(self.folder, self.card)
        self.styliser = Styliser(self.network(TRANSFER_NETWORK), lambda: self.network(STYLE_NETWORK))
        self.bottlenecks = Bottlenecks(self.styliser.bottleneck, self.card["sha256"][STYLE_NETWORK])

    def network(self, file: str):
        from mlplay.runtime import LiteModel

        return LiteModel(self.folder / file, self.threads, self.card["sha256"][file], RESTORE)

    def style(self, spec: str):
        from mlplay.style.data import resolve_style

        return resolve_style(spec, self.styles)


def list_styles(models_dir: Path | None = None) -> list[dict]:
    """The named styles the card lists: name, title, painter, year, credit."""
    return card(models_dir)[1]["styles"]


# The experiment contract (issue 19). `Family`/`Experiment` are not in main yet: these are the fields they take; the
# registry line turns them into FAMILY = Family(name="style", experiments=[Experiment(**EXPERIMENT)]).
def predict_files(files: list[Path], style: str = "starry_night", jsonl: bool = False,
                  models_dir: Path | None = None) -> None:
    """`mlplay predict magenta-style PHOTO…`: the photos painted in one style (as `mlplay style` does)."""
    from mlplay.style.shells import style_photos

    style_photos(files, style, 1.0, None, jsonl, models_dir)


def rescore(data: Path | None = None, models_dir: Path | None = None) -> None:
    """`mlplay eval magenta-style --data PHOTOS`: measure the distances again and set them beside the card's."""
    from mlplay.style.distance import print_rescore

    print_rescore(data, models_dir)


EXPERIMENT = dict(name=NAME, task=TASK, summary=SUMMARY, labels=["starry_night", "great_wave", "shipwreck_minotaur",
                                                                  "wheat_field_cypresses", "three_tahitian_women"],
                  headline=HEADLINE,
                  predict_files=predict_files, rescore=rescore)
FAMILY = dict(name="style", experiments=[EXPERIMENT], datasets={})
