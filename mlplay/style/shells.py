"""The `mlplay style` and `mlplay camera style` shells: photos painted into runs/style/expN/, and the camera app wired
to the camera shell with its painter thread."""

import json
import sys
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path

MAX_SIDE = 1024  # the longest side of a painted photo: the network paints at 384, so larger is only blurrier
TITLE = "mlplay - style"


def check_strength(strength: float) -> float:
    if not 0.0 <= strength <= 1.0:  # also NaN
        raise MlplayError(f"--strength {strength:g} is outside 0–1",
                          "0 keeps the photo's own look, 1 is the painting's; e.g. --strength 0.5")
    return float(strength)


def output_size(photo: np.ndarray) -> tuple[int, int]:
    """(width, height): the photo's own, or scaled down to MAX_SIDE on its longer side."""
    height, width = photo.shape[:2]
    scale = min(1.0, MAX_SIDE / max(height, width))
    return max(1, round(width * scale)), max(1, round(height * scale))


def style_photos(photos: list[Path], style: str, strength: float, out: Path | None, jsonl: bool,
                 models_dir: Path | None = None, strict: bool = False) -> None:
    """Paint each photo; one line (or JSON object) a photo with where it went. A photo that cannot be read is
    reported and the others go on (with `strict`, the first one stops it); the command then fails (exit 1) at the
    end, as classify and detect do."""
    from mlplay.imageio import Batch
    from mlplay.paths import next_run_dir
    from mlplay.style.data import read_picture
    from mlplay.style.painter import StyleModel

    strength = check_strength(strength)
    model = StyleModel(models_dir)
    chosen = model.style(style)  # a bad style is refused before any photo is read
    batch = Batch(photos, read_picture, strict=strict)
    bottleneck, folder, written = None, None, set()
    for path, photo in batch:
        if bottleneck is None:
            bottleneck = model.bottlenecks(chosen)
        painted = model.styliser(photo, bottleneck, strength, output_size(photo))
        if folder is None:  # made for the first photo read: bad ones write nothing
            folder = _out_folder(out) if out else next_run_dir("style")
        target = _free_name(folder, path.stem, written)
        with atomic_path(target, ".png") as tmp:
            if not cv2.imwrite(str(tmp), painted):
                raise MlplayError(f"cannot write {target}")
        if jsonl:
            print(json.dumps({"photo": str(path), "style": chosen.name, "strength": strength, "out": str(target),
                              "size": list(painted.shape[1::-1])}), flush=True)
        else:
            print(f"{path} → {target} ({chosen.name}, strength {strength:g})", flush=True)
    batch.done()


def _out_folder(out: Path) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise MlplayError(f"--out {out} is a file", "give a folder (it is created if needed)")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _free_name(folder: Path, stem: str, written: set) -> Path:
    """folder/stem.png, or stem-2.png, … when this run already wrote that name (two photos called the same)."""
    target, n = folder / f"{stem}.png", 1
    while target in written:
        n += 1
        target = folder / f"{stem}-{n}.png"
    written.add(target)
    return target


def print_styles(models_dir: Path | None = None) -> None:
    """`mlplay style --list`: the named styles and their credits."""
    from mlplay.style.painter import list_styles

    styles = list_styles(models_dir)
    width = max(len(s["name"]) for s in styles)
    for s in styles:
        print(f"{s['name']:{width}}  {s['title']}, {s['painter']}, {s['year']}")
        print(f"{'':{width}}  photograph: {s['source']}; the painting is in the public domain")
    print("Any picture file works as a style too: mlplay style PHOTO --style my_picture.jpg")


def camera_style(source: str, style: str | None, strength: float, save: bool, show: bool, mirror: bool | None,
                 models_dir: Path | None = None) -> None:
    from mlplay.paths import next_run_dir
    from mlplay.shell.camera import open_source, run_camera
    from mlplay.shell.window import make_display
    from mlplay.style.app import StyleApp
    from mlplay.style.data import read_picture
    from mlplay.style.painter import StyleModel
    from mlplay.style.worker import Inline, Worker

    strength = check_strength(strength)
    display = make_display(show, TITLE)  # refuse a missing display before the slower loading
    model = StyleModel(models_dir)
    styles = list(model.styles)
    if style is not None:  # the chosen style first; a picture file joins the named ones
        chosen = model.style(style)
        styles = [chosen] + [s for s in styles if s.name != chosen.name]
    bottlenecks = [model.bottlenecks(s) for s in styles]  # all of them now: switching is instant
    shown = [(s.title, read_picture(s.path, "style picture")) for s in styles]
    stream = open_source(source)
    folder = next_run_dir("camera", "style") if save else None

    def snapshot(image: np.ndarray) -> Path:
        nonlocal folder
        folder = folder or next_run_dir("camera", "style")
        target = _free_name(folder, f"snapshot-{app.snapshots + 1:03d}", set())
        with atomic_path(target, ".png") as tmp:
            if not cv2.imwrite(str(tmp), image):
                raise OSError(f"cannot write {target}")
        print(f"saved {target}", file=sys.stderr, flush=True)
        return target

    def paint(frame, job):
        return model.styliser(frame, bottlenecks[job.style], job.strength)

    # A window must never wait for the network: paint beside the loop and show the newest painted frame. A file
    # with no window has nobody waiting: paint every frame in turn (so --save records a painted video).
    beside = show or stream.live
    painter = Worker(paint) if beside else Inline(paint)
    app = StyleApp(shown, painter, strength, snapshot)
    print(f"styles: {', '.join(s.name for s in styles)}; "
          + ("painting beside the display loop (n/p style, +/- strength, space freeze, s snapshot, h help)" if beside
             else "painting every frame (no window)"), file=sys.stderr, flush=True)
    try:
        run_camera(app, stream, show, save, command="camera", name="style", title=TITLE, display=display,
                   mirror=mirror, save_to=folder)
    finally:
        painter.close()
