"""magenta-style: Magenta's arbitrary image stylization (Ghiasi et al. 2017; Apache-2.0), pretrained by Google and
shipped as two LiteRT networks in models/magenta-style/ with five paintings as named styles.

- the style network (`style_predict_quantized_256.tflite`, 2.8 MB): a picture at 256×256, RGB 0–1 → its style
  bottleneck, 100 numbers [1, 1, 1, 100];
- the transfer network (`style_transfer_quantized_384.tflite`, 0.3 MB, uint8 weights): a photo at 384×384, RGB
  0–1, and a bottleneck → the painted photo, RGB 0–1 [1, 384, 384, 3].

The card (written by `python -m mlplay.style.install`) records where they come from, each file's SHA-256, the
licence and credits, what goes in and out, and the measured style and content distances. Every file is checked
against its SHA-256 when it is loaded (`store.open`): a damaged one is refused in one line.
"""

from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.style import DEFAULT_STYLE

NAME = "magenta-style"
TASK = "style-transfer"
SUMMARY = "Magenta arbitrary image stylization: any photo painted in the style of any picture (LiteRT, 384×384)"
STYLE_NETWORK = "style_predict_quantized_256.tflite"
TRANSFER_NETWORK = "style_transfer_quantized_384.tflite"
HEADLINE = "style_distance_ratio"  # mean over styles and photos of distance(painted, painting) / distance(photo, painting)
RESTORE = "git checkout -- models/magenta-style"  # it ships with mlplay: the way to get a good copy again


def open_model(models_dir: Path | None = None):
    """The shipped model (a store.Model: its card read and checked), with a one-line error when its card lacks
    what style transfer needs."""
    from mlplay import store

    model = store.open(NAME, models_dir)
    missing = [key for key in ("styles", "networks") if key not in model.card.raw]
    missing += [f for f in (STYLE_NETWORK, TRANSFER_NETWORK) if f not in model.card.sha256]
    if missing:
        raise MlplayError(f"the card of {NAME} lacks {', '.join(missing)}", f"restore it with: {RESTORE}")
    return model


class StyleModel:
    """The shipped networks and styles, ready to paint: `styliser`, `bottlenecks(style)`, `style(NAME|FILE)`.

    The transfer network is loaded (and its file checked against the card) at once; the style network only when a
    bottleneck has to be computed (a cached style at full strength never needs it)."""

    def __init__(self, models_dir: Path | None = None, threads: int = 2):
        from mlplay.style.bottlenecks import Bottlenecks
        from mlplay.style.data import shipped_styles
        from mlplay.style.stylise import Styliser

        self.model = open_model(models_dir)
        self.folder, self.card, self.threads = self.model.folder, self.model.card.raw, threads
        self.styles = shipped_styles(self.folder, self.card)
        self.styliser = Styliser(self.network(TRANSFER_NETWORK), lambda: self.network(STYLE_NETWORK))
        self.bottlenecks = Bottlenecks(self.styliser.bottleneck, self.card["sha256"][STYLE_NETWORK])

    def network(self, file: str):
        return self.model.litert(file, self.threads)

    def style(self, spec: str):
        from mlplay.style.data import resolve_style

        return resolve_style(spec, self.styles)


def list_styles(models_dir: Path | None = None) -> list[dict]:
    """The named styles the card lists: name, title, painter, year, credit."""
    return open_model(models_dir).card.raw["styles"]


# The family: one shipped model; `mlplay predict` paints photos, `mlplay eval` measures the distances again ----------
def _predict(request) -> None:
    """`mlplay predict magenta-style PHOTO…`: the photos painted in the default style, as `mlplay style` does."""
    from mlplay.style.shells import style_photos

    style_photos(request.paths, DEFAULT_STYLE, 1.0, None, request.jsonl, request.models_root, request.strict)


def _rescore(model, data: Path | None) -> dict:
    """`mlplay eval magenta-style --data PHOTOS`: the card's metrics measured again on the photos given."""
    from mlplay.style.distance import rescore

    return rescore(model, data)


def _family():
    from mlplay.experiment import Experiment, Family

    return Family(name="style", experiments=[
        Experiment(name=NAME, task=TASK, summary=SUMMARY, headline=HEADLINE,
                   labels=["starry_night", "great_wave", "shipwreck_minotaur", "wheat_field_cypresses",
                           "three_tahitian_women"],
                   predict_files=_predict, rescore=_rescore, fetch=RESTORE)])


FAMILY = _family()
