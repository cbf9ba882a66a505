"""Ship magenta-style (run once, when the model changes): copy the two networks into models/magenta-style/, add the
five paintings scaled to 512 pixels on their longer side, then measure and write the card.

    python -m mlplay.style.install ../shared/data [--no-speed]

FOLDER holds pretrained/magenta_style/ (the LiteRT files), styles/ (the paintings) and pretrained/photos/ (the
photos the distances are measured on). The card records the source, each file's SHA-256, the licence and credits,
what goes in and out of each network, the style and content distances (distance.py), why the float16 transfer
network is not shipped, and the speed figures (bench.py). Nothing here is read at run time.
"""

import json
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir, write_json
from mlplay.paths import REPO
from mlplay.style.data import PAINTINGS
from mlplay.style.painter import HEADLINE, NAME, RESTORE, STYLE_NETWORK, SUMMARY, TASK, TRANSFER_NETWORK

NETWORKS_FROM = "pretrained/magenta_style"
F16_NETWORK = "style_transfer_f16_384.tflite"  # the same transfer network in float16: compared, not shipped
STYLES_FROM = "styles"
PHOTOS_FROM = "pretrained/photos"
PAINTING_SIDE, JPEG_QUALITY = 512, 90
BUDGET_BYTES = 4_000_000
LICENCE = "Apache-2.0"
CREDIT = ("Magenta arbitrary image stylization (Golnaz Ghiasi, Honglak Lee, Manjunath Kudlur, Vincent Dumoulin, "
          "Jonathon Shlens: Exploring the structure of a real-time, arbitrary neural artistic stylization network, "
          "BMVC 2017), © Google, converted to TensorFlow Lite by Google")
SOURCE = ("the LiteRT files style_predict_quantized_256.tflite and style_transfer_quantized_384.tflite as distributed "
          "in asus4/tf-lite-unity-sample at commit b0cea22e (Assets/StreamingAssets)")
ROLES = {STYLE_NETWORK: "style network: a style picture → its style bottleneck",
         TRANSFER_NETWORK: "transfer network: a photo + a style bottleneck → the photo painted in that style"}
PREPARATION = {
    "style": "RGB, shorter side scaled to 256, centre 256×256 square, pixels / 255 (0–1)",
    "photo": "RGB, longer side scaled to 384, the shorter one filled out to 384 by mirroring the photo at its edges, "
             "pixels / 255 (0–1); the painted square is cut back to the photo and scaled to the size wanted",
    "strength": "bottleneck = strength × the style's + (1 − strength) × the photo's own (style network on the photo)",
}


def install(source: Path, root: Path | None = None, speed: bool = True, log=print) -> Path:
    source = Path(source)
    networks, styles, photos = source / NETWORKS_FROM, source / STYLES_FROM, source / PHOTOS_FROM
    wanted = [networks / STYLE_NETWORK, networks / TRANSFER_NETWORK, *(styles / f"{p.name}.jpg" for p in PAINTINGS)]
    missing = [str(p) for p in wanted if not p.is_file()]
    if missing:
        raise MlplayError(f"missing {', '.join(missing)}",
                          "give the folder holding pretrained/magenta_style and styles")
    folder = store.model_path(NAME, root)
    with atomic_dir(folder) as tmp:
        for network in (STYLE_NETWORK, TRANSFER_NETWORK):
            shutil.copyfile(networks / network, tmp / network)
        shipped = [ship_painting(styles / f"{p.name}.jpg", tmp / f"{p.name}.jpg") for p in PAINTINGS]
        card = base_card(tmp, shipped, source)
        if card["bytes"] > BUDGET_BYTES:
            raise MlplayError(f"{card['bytes']:,} bytes is over the {BUDGET_BYTES:,}-byte budget")
        (tmp / store.CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"{NAME}: {card['bytes']:,} bytes in {folder}")

    from mlplay.style.distance import measure, metrics
    from mlplay.style.painter import StyleModel

    model = StyleModel(root)
    if photos.is_dir():
        from mlplay.imageio import images_in

        card["distances"] = measure(model, images_in(photos), (1.0, 0.5), root, log=log)
        card["metrics"] = metrics(card["distances"])
    if (networks / F16_NETWORK).is_file():
        card["not_shipped"] = compare_f16(model, networks / F16_NETWORK, photos)
    if speed:
        from mlplay.style import bench

        card["speed"] = bench.measure(root, networks / F16_NETWORK, log=log)
        card["speed"]["goals"] = bench.GOALS
    write_json(folder / store.CARD_FILE, card)
    return folder


def ship_painting(original: Path, target: Path) -> dict:
    """The painting scaled to PAINTING_SIDE on its longer side, as a JPEG; what was done, for the card."""
    from mlplay.download import sha256_file
    from mlplay.imageio import read_bgr

    image = read_bgr(original)
    height, width = image.shape[:2]
    scale = min(1.0, PAINTING_SIDE / max(height, width))
    small = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    if not cv2.imwrite(str(target), small, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]):
        raise MlplayError(f"cannot write {target}")
    return {"original": {"size": [width, height], "sha256": sha256_file(original)},
            "size": [small.shape[1], small.shape[0]]}


def base_card(folder: Path, shipped: list[dict], source: Path) -> dict:
    from mlplay.download import sha256_file
    from mlplay.litert import LiteModel

    def tensors(details):
        return [{"name": d["name"], "shape": [int(v) for v in d["shape"]], "dtype": d["dtype"].__name__,
                 "range": "0–1 (RGB)" if len(d["shape"]) == 4 and d["shape"][-1] == 3 else "real numbers"}
                for d in details]

    networks = {}
    for file in (STYLE_NETWORK, TRANSFER_NETWORK):
        model = LiteModel(folder / file)
        networks[file] = {"role": ROLES[file], "inputs": tensors(model.inputs), "outputs": tensors(model.outputs),
                          "bytes": (folder / file).stat().st_size}
    styles = [{"name": p.name, "title": p.title, "painter": p.painter, "year": p.year, "source": p.source,
               "credit": p.credit, "file": f"{p.name}.jpg", **done} for p, done in zip(PAINTINGS, shipped)]
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    return {
        "name": NAME, "task": TASK, "family": "style", "summary": SUMMARY, "runtime": "LiteRT (no TensorFlow)",
        "networks": networks, "preparation": PREPARATION, "styles": styles,
        "data": {"source": "pretrained by Google (Magenta) on ImageNet photos and a corpus of paintings and "
                           "textures; not trained or retrained by mlplay"},
        "source": SOURCE, "licence": LICENCE, "credit": CREDIT,
        "paintings_licence": "public domain (the paintings, and faithful photographs of them in the US); "
                             "credits in `styles`",
        "sha256": {f: sha256_file(folder / f) for f in files},
        "bytes": sum((folder / f).stat().st_size for f in files), "budget_bytes": BUDGET_BYTES,
        "headline": HEADLINE, "metrics": {},
        "fetch": RESTORE,  # it ships with mlplay: a damaged or missing file comes back from git
        "command": f"python -m mlplay.style.install {os.path.relpath(source, REPO)}",  # run from the project
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def compare_f16(model, f16: Path, photos: Path) -> dict:
    """The float16 transfer network against the shipped uint8 one on the same photos and styles: how far apart
    their pictures are (mean absolute difference, 0–255), and their sizes."""
    from mlplay.imageio import images_in
    from mlplay.litert import LiteModel
    from mlplay.style.data import read_picture
    from mlplay.style.stylise import Styliser

    other = Styliser(LiteModel(f16, 2), lambda: model.network(STYLE_NETWORK))
    differences = []
    for path in images_in(photos) if photos.is_dir() else []:
        photo = read_picture(path)
        for style in model.styles:
            bottleneck = model.bottlenecks(style)
            a, b = model.styliser(photo, bottleneck), other(photo, bottleneck)
            differences.append(float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean()))
    shipped = (model.folder / TRANSFER_NETWORK).stat().st_size
    apart = round(float(np.mean(differences)), 2) if differences else None
    return {"file": F16_NETWORK, "bytes": f16.stat().st_size, "mean_abs_difference_0_255": apart,
            "pictures_compared": len(differences),
            "why": f"the same network in float16: its pictures are {apart} grey levels (of 255) from the uint8 one's "
                   f"on average, and it is {f16.stat().st_size / shipped:.1f}× the size; speed: transfer_f16_ms "
                   "beside transfer_uint8_ms"}


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: python -m mlplay.style.install FOLDER [--no-speed] (FOLDER holds pretrained/magenta_style, "
                 "styles and pretrained/photos)")
    print(f"{NAME} → {install(Path(args[0]), speed='--no-speed' not in argv)}")


if __name__ == "__main__":
    main(sys.argv[1:])
