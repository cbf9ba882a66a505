"""The pictures style transfer reads: photos, the five shipped paintings (with their credits), and any picture file
given as a style.

The paintings ship beside the networks in models/magenta-style/ (resized to 512 pixels on the longer side); the
card lists them with their credits, so `mlplay style --list` shows what is actually shipped.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError

MIN_SIDE = 64  # pixels: a smaller picture holds too little to paint (the network works at 384×384)


@dataclass(frozen=True)
class Painting:
    """A named style: the painting, and where the photograph of it came from (the painting is public domain)."""

    name: str  # `--style NAME`, and the file NAME.jpg in the model folder
    title: str
    painter: str
    year: str
    source: str  # the repository the photograph was taken from, and its licence

    @property
    def credit(self) -> str:
        return f"{self.painter}, {self.title} ({self.year}), public domain; photograph from {self.source}"


PAINTINGS = (
    Painting("starry_night", "The Starry Night", "Vincent van Gogh", "1889", "jcjohnson/neural-style (MIT)"),
    Painting("great_wave", "The Great Wave off Kanagawa", "Katsushika Hokusai", "c. 1831",
             "hwalsuklee/tensorflow-fast-style-transfer (Apache-2.0)"),
    Painting("shipwreck_minotaur", "The Shipwreck of the Minotaur", "J. M. W. Turner", "c. 1810",
             "jcjohnson/neural-style (MIT)"),
    Painting("wheat_field_cypresses", "Wheat Field with Cypresses", "Vincent van Gogh", "1889",
             "gordicaleksa/pytorch-neural-style-transfer (MIT)"),
    Painting("three_tahitian_women", "Three Tahitian Women", "Paul Gauguin", "1896",
             "gordicaleksa/pytorch-neural-style-transfer (MIT)"),
)


@dataclass(frozen=True)
class Style:
    """A style picture ready for the style network: its name, file and SHA-256 (the key of its cached bottleneck)."""

    name: str
    path: Path
    sha256: str
    title: str = ""  # what the window shows: the painting's title and painter, or the file's name
    credit: str = ""


def shipped_styles(folder: Path, card: dict) -> list[Style]:
    """The named styles the card lists, in its order; each file's SHA-256 is the card's (checked when loaded)."""
    return [Style(s["name"], folder / s["file"], card["sha256"][s["file"]], f"{s['title']}, {s['painter']}",
                  s["credit"]) for s in card["styles"]]


def resolve_style(spec: str, shipped: list[Style]) -> Style:
    """`--style NAME|FILE`: a shipped painting by name, else a picture file (read and checked now, hashed)."""
    named = {s.name: s for s in shipped}
    if spec in named:
        return named[spec]
    path = Path(spec).expanduser()
    if path.is_file():
        read_picture(path, "style picture")  # a file that is not a picture is refused here, in one line
        from mlplay.download import sha256_file

        return Style(path.stem, path, sha256_file(path), path.name, f"your picture {path}")
    names = ", ".join(named)
    if path.suffix or "/" in spec:
        raise MlplayError(f"no such style picture: {spec}", f"give a picture file, or one of the named styles: {names}")
    from mlplay.errors import closest

    guess = closest(spec, named)
    raise MlplayError(f"unknown style '{spec}'", (f"did you mean {guess}? " if guess else "") + f"the styles: {names}")


def read_picture(path: Path, what: str = "photo") -> np.ndarray:
    """A picture file as BGR (any bit depth, alpha or EXIF orientation), refused in one line when it is not a
    picture or smaller than MIN_SIDE on a side."""
    from mlplay.imageio import read_bgr

    try:
        image = read_bgr(path)
    except MlplayError as e:
        if what == "photo":  # photos are read in a batch, whose report names the file already
            raise
        raise MlplayError(f"the {what} {e.message}" if e.message.startswith(str(path)) else f"{what}: {e.message}",
                          e.hint) from None
    check_size(image, f"{what} {path}")
    return image


def check_size(image: np.ndarray, what: str) -> None:
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise MlplayError(f"the {what} is too small ({width}×{height} pixels)",
                          f"give one of at least {MIN_SIDE}×{MIN_SIDE}")
