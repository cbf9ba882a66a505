"""The shipped style networks ready to paint: `StyleModel` (the transfer network, the style network on demand, the
named styles) and the card's checks. See mlplay/style/models.py for what the networks are."""

from pathlib import Path

from mlplay.errors import MlplayError

NAME = "magenta-style"
TASK = "style-transfer"
SUMMARY = "Magenta arbitrary image stylization: any photo painted in the style of any picture (LiteRT, 384×384)"
STYLE_NETWORK = "style_predict_quantized_256.tflite"
TRANSFER_NETWORK = "style_transfer_quantized_384.tflite"
# mean over styles and photos of distance(painted, painting) / distance(photo, painting)
HEADLINE = "style_distance_ratio"
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
