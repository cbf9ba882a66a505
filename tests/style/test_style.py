"""Style transfer: the shipped model and its card, the painting pipeline (aspect ratio, strength), the bottleneck
cache, the camera app driven by generated frames, the painter thread, `mlplay style` and `mlplay camera style` on a
video, and one-line errors for bad input."""

import json
import shutil
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlplay.download import sha256_file
from mlplay.errors import MlplayError
from mlplay.style import painter
from mlplay.style.app import HELP, Job, StyleApp
from mlplay.style.bottlenecks import Bottlenecks
from mlplay.style.stylise import SIZE, blend, centre_square, letterbox
from mlplay.style.worker import Inline, Worker

from stylevideo import generated_picture, photo_video, photos_dir

NAMES = ["starry_night", "great_wave", "shipwreck_minotaur", "wheat_field_cypresses", "three_tahitian_women"]


def one_line_error(result, *words):
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def model():
    return painter.StyleModel()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), generated_picture((300, 500)))
    return path


# the shipped model and its card ------------------------------------------------------------------------------
def test_the_card_records_every_file_its_source_licence_credits_and_networks(model):
    shipped = painter.open_model()
    folder, card = shipped.folder, shipped.card.raw
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "card.json")
    assert sorted(card["sha256"]) == files and shipped.damaged() == []  # every file, as the card's SHA-256 says
    assert card["bytes"] == sum((folder / f).stat().st_size for f in files) <= 4_000_000
    assert card["licence"] == "Apache-2.0" and "Ghiasi" in card["credit"]
    assert "asus4/tf-lite-unity-sample" in card["source"]
    assert card["family"] == "style" and shipped.card.rebuild == painter.RESTORE  # a damaged file: restored from git
    assert [s["name"] for s in card["styles"]] == NAMES == [s.name for s in model.styles]
    for style in card["styles"]:
        assert style["painter"] and style["title"] and style["source"] and "public domain" in style["credit"]
        assert max(style["size"]) == 512 and style["file"] in card["sha256"]
    for file in (painter.STYLE_NETWORK, painter.TRANSFER_NETWORK):  # the networks as the interpreter reads them
        network, recorded = model.network(file), card["networks"][file]
        for side in ("inputs", "outputs"):
            assert sorted(d["shape"] for d in recorded[side]) == sorted([int(v) for v in d["shape"]]
                                                                         for d in getattr(network, side)), (file, side)
    style_net, transfer = card["networks"][painter.STYLE_NETWORK], card["networks"][painter.TRANSFER_NETWORK]
    assert style_net["inputs"][0]["shape"] == [1, 256, 256, 3] and style_net["outputs"][0]["shape"] == [1, 1, 1, 100]
    assert sorted(i["shape"] for i in transfer["inputs"]) == [[1, 1, 1, 100], [1, 384, 384, 3]]
    assert transfer["outputs"][0]["shape"] == [1, 384, 384, 3]


def test_style_list_shows_every_style_with_its_credit(mlplay):
    out = mlplay("style", "--list")
    assert out.returncode == 0, out.stderr
    for name, artist in zip(NAMES, ["Vincent van Gogh", "Katsushika Hokusai", "J. M. W. Turner", "Vincent van Gogh",
                                    "Paul Gauguin"]):
        line = next(line for line in out.stdout.splitlines() if line.startswith(name))
        assert artist in line
    assert out.stdout.count("public domain") == 5 and "jcjohnson/neural-style" in out.stdout
    assert "Any picture file works as a style" in out.stdout


# the pipeline --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("height, width", [(341, 512), (929, 512), (384, 384), (100, 2000)])
def test_letterbox_keeps_the_aspect_ratio_and_mirrors_the_rest(height, width):
    picture = generated_picture((height, width))
    square, (top, left, h, w) = letterbox(picture)
    assert square.shape == (SIZE, SIZE, 3)
    assert max(h, w) == SIZE and abs(h / w - height / width) < 0.02
    inside = square[top:top + h, left:left + w]
    expected = cv2.resize(picture, (w, h), interpolation=cv2.INTER_AREA)
    assert np.array_equal(inside, expected)
    if top >= 2:  # the band above is the picture mirrored at its edge (row top-1 = row top+1)
        assert np.array_equal(square[top - 1], square[top + 1])


def test_centre_square_takes_the_middle_of_the_shorter_side():
    picture = np.zeros((200, 600, 3), np.uint8)
    picture[:, 200:400] = 255  # the middle third, which is the centre square
    square = centre_square(picture, 256)
    assert square.shape == (256, 256, 3) and square[:, 8:-8].min() > 200


def test_strength_blends_the_painting_with_the_photo():
    style, own = np.full((1, 1, 1, 100), 2.0, np.float32), np.zeros((1, 1, 1, 100), np.float32)
    assert np.array_equal(blend(style, own, 1.0), style) and np.array_equal(blend(style, own, 0.0), own)
    assert np.allclose(blend(style, own, 0.25), 0.5)


def test_a_painted_photo_keeps_its_size_and_strength_0_stays_nearer_the_photo(model):
    picture = generated_picture((300, 500))
    bottleneck = model.bottlenecks(model.style("great_wave"))
    full, none = model.styliser(picture, bottleneck, 1.0), model.styliser(picture, bottleneck, 0.0)
    assert full.shape == none.shape == picture.shape and full.dtype == np.uint8
    far = np.abs(full.astype(int) - picture).mean()
    near = np.abs(none.astype(int) - picture).mean()
    assert near < far and far > 20  # painted, not copied
    assert model.styliser(picture, bottleneck, 1.0, (250, 150)).shape == (150, 250, 3)


# the bottleneck cache ----------------------------------------------------------------------------------------------
def test_a_bottleneck_is_computed_once_then_read_by_the_pictures_sha256(tmp_path, model):
    painting = tmp_path / "mine.png"
    cv2.imwrite(str(painting), generated_picture((300, 300), seed=3))
    style = model.style(str(painting))
    assert style.sha256 == sha256_file(painting) and style.name == "mine"
    network = model.card["sha256"][painter.STYLE_NETWORK]
    first = Bottlenecks(model.styliser.bottleneck, network, tmp_path / "cache")
    value = first(style)
    assert first.computed == 1 and value.shape == (1, 1, 1, 100) and first(style) is value  # memory
    again = Bottlenecks(lambda _: pytest.fail("computed again"), network, tmp_path / "cache")
    assert np.array_equal(again(style), value)  # from disk, by SHA-256
    renamed = tmp_path / "copy.png"
    shutil.copy(painting, renamed)
    assert np.array_equal(again(model.style(str(renamed))), value)  # the same picture under another name
    other_network = Bottlenecks(model.styliser.bottleneck, "f" * 64, tmp_path / "cache")
    other_network(style)
    assert other_network.computed == 1  # another style network: computed afresh
    first.path(style).write_bytes(b"not numpy")  # a damaged cache file is computed again
    fresh = Bottlenecks(model.styliser.bottleneck, network, tmp_path / "cache")
    assert np.allclose(fresh(style), value) and fresh.computed == 1


def test_a_changed_shipped_painting_is_refused(tmp_path):
    root = tmp_path / "models"
    shutil.copytree(painter.open_model().folder, root / painter.NAME)
    jpeg = root / painter.NAME / "great_wave.jpg"
    image = cv2.imread(str(jpeg))
    cv2.imwrite(str(jpeg), 255 - image)
    model = painter.StyleModel(root)
    model.bottlenecks.folder = tmp_path / "empty-cache"
    with pytest.raises(MlplayError, match="not the one"):
        model.bottlenecks(model.style("great_wave"))


# the camera app, driven headless ------------------------------------------------------------------------------
def invert(frame, job):
    return 255 - frame


def frames(n=20, size=(120, 160)):
    return [generated_picture(size, seed=i % 3) for i in range(n)]


def styles():
    return [("The Starry Night, Vincent van Gogh", generated_picture((80, 100), 1)),
            ("The Great Wave off Kanagawa, Katsushika Hokusai", generated_picture((60, 110), 2))]


def test_the_app_shows_the_painted_frame_with_name_thumbnail_and_rate():
    painter = Inline(invert)
    app = StyleApp(styles(), painter, strength=0.7)
    frame = generated_picture((240, 320))
    shown = app.process(frame, 0.0)
    assert shown.shape == frame.shape and painter.count == 1
    assert painter.latest().job == Job(0, 0.7)
    inverted = 255 - frame
    middle = (slice(80, 150), slice(20, 200))  # away from the text band and the thumbnail
    assert np.array_equal(shown[middle], inverted[middle])
    assert not np.array_equal(shown[:54, :200], inverted[:54, :200])  # the name and rate band
    thumb = shown[240 - 48 - 8:240 - 8, 320 - 8 - 60:320 - 8]  # a fifth of the height, bottom right
    assert np.abs(thumb.astype(int) - inverted[240 - 48 - 8:240 - 8, 320 - 8 - 60:320 - 8]).mean() > 10


def test_keys_change_style_and_strength_freeze_and_snapshot(tmp_path):
    saved = []

    def snapshot(image):
        path = tmp_path / f"snap{len(saved)}.png"
        saved.append(image.copy())
        return path

    painter = Inline(invert)
    app = StyleApp(styles(), painter, strength=1.0, snapshot=snapshot)
    stream = frames(10)
    app.process(stream[0], 0.0)
    app.key("n", 0.1)
    app.process(stream[1], 0.1)
    assert painter.latest().job == Job(1, 1.0)
    app.key("n", 0.2)
    assert app.index == 0  # wraps around
    app.key("p", 0.2)
    assert app.index == 1
    app.key("+", 0.3)
    assert app.strength == 1.0  # at most 1
    for _ in range(3):
        app.key("-", 0.3)
    assert app.strength == 0.7
    app.key("=", 0.3)  # + without shift
    assert app.strength == 0.8
    app.process(stream[2], 0.4)
    count = painter.count
    app.key("space", 0.5)
    assert app.frozen
    frozen_source = painter.latest().source
    for f in stream[3:6]:
        app.process(f, 0.6)
    assert painter.count == count  # frozen: the live frames are not painted
    app.key("p", 0.7)  # but changing the style repaints the frozen picture
    assert painter.count == count + 1 and painter.latest().job == Job(0, 0.8)
    assert painter.latest().source is frozen_source
    app.key("s", 0.8)
    assert len(saved) == 1 and np.array_equal(saved[0], painter.latest().image)
    shown = app.process(stream[6], 0.9)
    assert app.message.startswith("saved snap0.png")
    app.key("h", 1.0)
    with_help = app.process(stream[7], 1.0)
    assert app.help and not np.array_equal(with_help, shown)
    app.key("space", 1.1)
    app.process(stream[8], 1.2)
    assert not app.frozen and painter.count == count + 2
    summary = app.summary()
    assert "painted" in summary and "snapshots: 1" in summary and "The Starry Night" in summary
    assert len(HELP) >= 5


def test_before_the_first_painted_frame_the_camera_is_shown_dimmed():
    class Slow:
        count, busy_seconds = 0, 0.0

        def submit(self, frame, job):
            pass

        def latest(self):
            return None

        def per_second(self):
            return 0.0

    app = StyleApp(styles(), Slow())
    frame = np.full((240, 320, 3), 200, np.uint8)
    shown = app.process(frame, 0.0)
    assert shown[120:140, 200:300].mean() < 120  # dimmed, with a message


def test_the_app_runs_in_the_camera_shell_on_a_stream(tmp_path):
    from mlplay.shell.camera import FrameListSource, run_camera
    from mlplay.shell.window import NoWindow

    painter = Inline(invert)
    app = StyleApp(styles(), painter)
    log = tmp_path / "log.txt"
    with open(log, "w") as out:
        stats = run_camera(app, FrameListSource(frames(12), fps=30), show=False, save=True, display=NoWindow(),
                           log=out, save_to=tmp_path)
    assert stats.frames == 12 and stats.reason == "end of stream" and painter.count == 12
    assert (tmp_path / "annotated.mp4").stat().st_size > 0
    text = log.read_text()
    assert "painted 12 frames" in text and "compose" in text and "speed:" in text


# the painter thread -------------------------------------------------------------------------------------------------
def test_the_worker_paints_beside_the_caller_and_keeps_only_the_newest_frame():
    started, release = threading.Event(), threading.Event()
    painted = []

    def paint(frame, job):
        started.set()
        release.wait(5)
        painted.append(int(frame[0, 0, 0]))
        return frame + 1

    worker = Worker(paint)
    try:
        worker.submit(np.full((4, 4, 3), 1, np.uint8), Job(0, 1.0))
        assert started.wait(5)
        for i in range(2, 6):  # while it paints frame 1, frames 2–5 arrive: only 5 waits
            worker.submit(np.full((4, 4, 3), i, np.uint8), Job(0, 1.0))
        assert worker.latest() is None  # the caller never waited
        release.set()
        deadline = time.time() + 5
        while (worker.latest() is None or worker.latest().number < 2) and time.time() < deadline:
            time.sleep(0.01)
        assert painted == [1, 5] and int(worker.latest().image[0, 0, 0]) == 6
    finally:
        release.set()
        worker.close()
    assert not worker.thread.is_alive()


def test_an_error_on_the_worker_is_raised_in_the_display_loop():
    def paint(frame, job):
        raise MlplayError("the network broke")

    worker = Worker(paint)
    try:
        worker.submit(np.zeros((4, 4, 3), np.uint8), Job(0, 1.0))
        deadline = time.time() + 5
        with pytest.raises(MlplayError, match="the network broke"):
            while time.time() < deadline:
                worker.latest()
                time.sleep(0.01)
    finally:
        worker.close()


# mlplay style -------------------------------------------------------------------------------------------------
def test_style_paints_photos_into_runs_keeping_their_size(tmp_path, photo, mlplay):
    tall = tmp_path / "tall.jpg"
    cv2.imwrite(str(tall), generated_picture((700, 300), seed=5))
    out = mlplay("style", photo, tall, "--style", "great_wave", "--strength", "0.8", "--jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [Path(r["photo"]).name for r in rows] == ["photo.png", "tall.jpg"]
    for row, (h, w) in zip(rows, [(300, 500), (700, 300)]):
        target = Path(row["out"])
        assert target.parent == tmp_path / "runs" / "style" / "exp" and target.suffix == ".png"
        assert row["style"] == "great_wave" and row["strength"] == 0.8 and row["size"] == [w, h]
        assert cv2.imread(str(target)).shape == (h, w, 3)
    again = mlplay("style", photo, "--out", tmp_path / "mine", "--style", NAMES[0])
    assert again.returncode == 0 and (tmp_path / "mine" / "photo.png").is_file()
    assert "→" in again.stdout and NAMES[0] in again.stdout


def test_any_picture_works_as_a_style_and_large_photos_are_capped(tmp_path, mlplay):
    big = tmp_path / "big.jpg"
    cv2.imwrite(str(big), generated_picture((1500, 2000), seed=1))
    painting = tmp_path / "stripes.png"
    stripes = np.zeros((300, 300, 3), np.uint8)
    stripes[:, ::20] = (0, 0, 255)
    cv2.imwrite(str(painting), stripes)
    out = mlplay("style", big, "--style", painting, "--jsonl")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["style"] == "stripes" and row["size"] == [1024, 768]
    cached = list((tmp_path / "datasets" / "style-bottlenecks").glob(f"{sha256_file(painting)}-*.npy"))
    assert len(cached) == 1


def test_bad_input_gets_one_line_each(tmp_path, photo, mlplay):
    runs = tmp_path / "runs"
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    one_line_error(mlplay("style", photo, "--style", text), "style picture", "cannot read")
    listed = one_line_error(mlplay("style", photo, "--style", "sunflowers"), "unknown style 'sunflowers'")
    assert all(name in listed for name in NAMES)
    one_line_error(mlplay("style", photo, "--style", "great_wav"), "did you mean great_wave")
    small = tmp_path / "small.png"
    cv2.imwrite(str(small), np.zeros((40, 300, 3), np.uint8))
    result = mlplay("style", small)
    assert result.returncode == 1 and "too small (300×40 pixels)" in result.stderr and "Traceback" not in result.stderr
    for strength in ("1.5", "-0.1", "nan"):
        one_line_error(mlplay("style", photo, "--strength", strength), "--strength", "outside 0–1")
    one_line_error(mlplay("style"), "give one or more photos")
    assert not runs.exists() or not any(runs.rglob("*.png"))  # nothing written for any of them


@pytest.mark.parametrize("file", [painter.TRANSFER_NETWORK, painter.STYLE_NETWORK])
def test_a_damaged_model_file_gets_one_line(tmp_path, photo, file, mlplay):
    root = tmp_path / "models"
    shutil.copytree(painter.open_model().folder, root / painter.NAME)
    target = root / painter.NAME / file
    data = bytearray(target.read_bytes())
    data[5000] ^= 0xFF
    target.write_bytes(bytes(data))
    line = one_line_error(mlplay("style", photo, "--models-dir", root), "damaged", file, "git checkout")
    assert "models/magenta-style" in line
    one_line_error(mlplay("camera", "style", "--source", photo, "--no-show", "--models-dir", root), "damaged")


def test_a_missing_model_gets_one_line(tmp_path, photo, mlplay):
    one_line_error(mlplay("style", photo, "--models-dir", tmp_path / "none"), "no model 'magenta-style'")


def test_style_never_imports_tensorflow(photo, mlplay):
    code = ("import sys\nfrom pathlib import Path\nfrom mlplay.style.shells import style_photos\n"
            f"style_photos([Path({str(photo)!r})], 'great_wave', 1.0, None, True)\n"
            "print('tensorflow' in sys.modules)")
    out = mlplay.python("-c", code, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


# mlplay camera style (no window: the window tests are in test_window.py) --------------------------------------
def test_camera_style_on_a_video_paints_records_and_reports_its_speed(tmp_path, mlplay):
    video = photo_video(tmp_path / "walk.mp4", seconds=1.0, size=(320, 240))
    out = mlplay("camera", "style", "--source", video, "--no-show", "--save", "--style", "three_tahitian_women")
    assert out.returncode == 0, out.stderr
    err = out.stderr
    assert "opened video" in err and "320×240" in err and "speed:" in err and "compose" in err
    assert "styles: three_tahitian_women, starry_night" in err
    assert "painting every frame (no window)" in err and "painted 30 frames" in err  # no window: nobody waits
    saved = list((tmp_path / "runs" / "camera").glob("style*/annotated.mp4"))
    assert len(saved) == 1
    capture = cv2.VideoCapture(str(saved[0]))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 30
    ok, last = capture.read()
    capture.release()
    source = cv2.VideoCapture(str(video))
    _, first = source.read()
    source.release()
    assert ok and np.abs(last.astype(int) - first).mean() > 20  # painted, not the camera's own picture


def test_camera_style_refuses_bad_sources_strength_style_and_a_missing_display(tmp_path, mlplay):
    video = photo_video(tmp_path / "v.mp4", seconds=0.2, size=(160, 120))
    one_line_error(mlplay("camera", "style", "--source", tmp_path / "nope.mp4", "--no-show"), "no such file")
    one_line_error(mlplay("camera", "style", "--source", video, "--no-show", "--strength", "2"), "outside 0–1")
    one_line_error(mlplay("camera", "style", "--source", video, "--no-show", "--style", "mona_lisa"), "unknown style")
    headless = mlplay("camera", "style", "--source", video, env={"DISPLAY": None, "WAYLAND_DISPLAY": None},
                      timeout=120)
    one_line_error(headless, "no display")


@pytest.mark.skipif(photos_dir() is None, reason="needs ../shared/data/pretrained/photos beside the clone")
def test_the_cat_painted_as_the_wave_is_written(tmp_path, mlplay):
    """The acceptance command: blue and cream replace the cat's browns and reds, and the cat is still there."""
    cat = photos_dir() / "cat.bmp"
    out = mlplay("style", cat, "--style", "great_wave", "--jsonl")
    assert out.returncode == 0, out.stderr
    painted = cv2.imread(json.loads(out.stdout)["out"])
    original = cv2.imread(str(cat))
    assert painted.shape == original.shape
    blue_minus_red = lambda img: float(img[..., 0].astype(int).mean() - img[..., 2].astype(int).mean())  # noqa: E731
    assert blue_minus_red(painted) > blue_minus_red(original) + 20
