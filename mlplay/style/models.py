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

from mlplay.style import DEFAULT_STYLE
from mlplay.style.painter import HEADLINE, NAME, RESTORE, SUMMARY, TASK


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
