"""Sketch data: the renderer, the doodle generator, the QuickDraw fetcher (loopback) and recorded drawings."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.sketches import data as sketch_data, doodles, quickdraw
from mlplay.sketches.render import fit_image, render


def ink_box(img, threshold=40):
    rows, cols = np.flatnonzero((img > threshold).any(1)), np.flatnonzero((img > threshold).any(0))
    return rows[0], rows[-1], cols[0], cols[-1]


# The renderer ---------------------------------------------------------------------------------------------
def test_render_fits_and_centres_whatever_the_size_and_place():
    square = [[(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]]
    small = render(square)
    big = render([[(x * 37 + 500, y * 37 + 80) for x, y in square[0]]])
    assert small.dtype == np.uint8 and small.shape == (28, 28)
    assert np.abs(small.astype(int) - big).max() <= 2  # same picture, up to sub-pixel rounding
    top, bottom, left, right = ink_box(small)
    assert (top, left) == (28 - 1 - bottom, 28 - 1 - right)  # centred
    assert bottom - top >= 24  # scaled to fill the frame, QuickDraw style (a small margin)


def test_rendered_strokes_match_real_quickdraw_bitmaps():
    """Size, margin, centring and stroke width of rendered doodles against 3,000 real bitmaps (the shared sample)."""
    from bitmapstats import bitmap_stats
    from helpers import SHARED

    sample = SHARED / "quickdraw-sample"
    if not sample.is_dir():
        pytest.skip("needs the real QuickDraw sample in ../shared/data/quickdraw-sample")
    real = bitmap_stats(np.concatenate([np.load(p)[:500] for p in sorted(sample.glob("*.npy"))]))
    drawn = bitmap_stats([render(doodles.strokes_for(doodles.CLASSES[i % len(doodles.CLASSES)],
                                                     np.random.default_rng([5, i]))) for i in range(320)])
    assert drawn["longer_side"] == real["longer_side"] == 26 and drawn["margin"] == real["margin"] == 1
    assert abs(drawn["centre"] - real["centre"]) < 0.1
    assert abs(drawn["stroke_width"] - real["stroke_width"]) < 0.15, (drawn, real)  # about 1.5 pixels
    assert abs(drawn["ink_value"] - real["ink_value"]) < 10, (drawn, real)


def test_render_keeps_aspect_and_pen_width_is_relative_to_the_frame():
    wide = render([[(0, 0), (100, 0)], [(0, 30), (100, 30)]])
    top, bottom, left, right = ink_box(wide)
    assert right - left >= 24 and 6 <= bottom - top <= 12
    assert (render([[(0, 0), (0, 100)]], pen=30) > 100).sum() > (render([[(0, 0), (0, 100)]]) > 100).sum()
    assert render([]).max() == 0


def test_a_stroke_that_ends_where_it_began_keeps_every_side():
    corners = [(60, 60), (60, 320), (330, 320), (60, 60)]
    path = [corners[0]]
    for a, b in zip(corners[:-1], corners[1:]):
        path += [(a[0] + (b[0] - a[0]) * i // 10, a[1] + (b[1] - a[1]) * i // 10) for i in range(1, 11)]
    img = render([path])
    assert img[13, 13] > 100 or img[13, 14] > 100 or img[14, 13] > 100  # the hypotenuse crosses the middle
    assert img[25, 13] > 100 and img[13, 2] > 100  # the two legs, a pixel inside the border (QuickDraw's margin)


def test_fit_image_crops_scales_and_centres_a_picture():
    picture = np.zeros((300, 400), np.uint8)
    picture[50:150, 200:260] = 255
    fitted = fit_image(picture)
    top, bottom, left, right = ink_box(fitted)
    assert bottom - top >= 24 and abs((top + bottom) / 2 - 13.5) <= 1 and abs((left + right) / 2 - 13.5) <= 1


# The doodle generator -------------------------------------------------------------------------------------
def test_generator_is_deterministic_by_seed_and_balanced():
    x1, y1 = doodles.generate(3, seed=7)
    x2, y2 = doodles.generate(3, seed=7)
    x3, _ = doodles.generate(3, seed=8)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    assert np.bincount(y1).tolist() == [3] * len(doodles.CLASSES)
    assert x1.shape == (3 * len(doodles.CLASSES), 28, 28) and x1.dtype == np.uint8
    train, _ = doodles.generate(2, seed=7, split="train")
    test, _ = doodles.generate(2, seed=7, split="test")
    assert not any(np.array_equal(a, b) for a in train for b in test)  # separate streams


def test_doodles_are_in_quickdraw_format_and_every_one_is_drawn():
    x, y = doodles.generate(4, seed=1)
    assert len(doodles.CLASSES) >= 12
    for img in x:
        assert img.max() >= 200  # white strokes on black
        assert (img > 0).mean() < 0.5
        top, bottom, left, right = ink_box(img, 20)
        assert max(bottom - top, right - left) >= 22  # scaled to fit
        assert abs((top + bottom) / 2 - 13.5) <= 1.5 and abs((left + right) / 2 - 13.5) <= 1.5  # centred


def test_doodle_cache_is_written_once_and_reused(tmp_path):
    first = doodles.load(3, 2, seed=0, log=lambda *_: None)
    path = doodles.cache_path(3, 2, 0)
    assert path.exists()
    mtime = path.stat().st_mtime_ns
    again = doodles.load(3, 2, seed=0, log=lambda *_: None)
    assert path.stat().st_mtime_ns == mtime
    assert all(np.array_equal(first[k], again[k]) for k in first)


# QuickDraw, served from a loopback HTTP server -------------------------------------------------------------
def serve_quickdraw(www, classes, rows=40):
    """Write <class>.npy files like the official ones (N×784 uint8); return the bitmaps."""
    files = {}
    for i, name in enumerate(classes):
        x, _ = doodles.generate(rows, seed=i, classes=[doodles.CLASSES[i]])
        files[name] = x.reshape(rows, 784)
        np.save(www / f"{name}.npy", files[name])
    return files


def test_quickdraw_fetch_takes_the_first_n_checksums_and_caches(http_files):
    url, www = http_files
    served = serve_quickdraw(www, ["circle", "smiley face"])
    where = quickdraw.fetch(["circle", "smiley face"], per_class=21, base=url, log=lambda *_: None)
    assert np.array_equal(np.load(where / "smiley face.npy"), served["smiley face"][:21])
    sums = json.loads((where / "SHA256SUMS.json").read_text())
    assert sums["circle"]["rows"] == 21 and len(sums["circle"]["sha256"]) == 64
    real = sketch_data.load_data(Path("quickdraw"), quick=False)
    assert real.labels == ["circle", "smiley face"]
    # every 7th is test, every 10th other validates
    assert [real.stream.count(s) for s in ("train", "validation", "test")] == [34, 2, 6]
    x_test, y_test = real.stream.arrays("test")
    assert np.bincount(y_test).tolist() == [3, 3]
    assert np.array_equal(x_test[-1].reshape(784), served["smiley face"][20])  # rows 6, 13, 20 are test

    for f in www.iterdir():
        f.unlink()  # the server has nothing now: a second fetch must come from the cache
    quickdraw.fetch(["circle", "smiley face"], per_class=21, base=url, log=lambda *_: None)

    (where / "circle.npy").write_bytes((where / "circle.npy").read_bytes()[:-1] + b"\x01")
    with pytest.raises(MlplayError, match="checksum"):
        quickdraw.class_files()


def test_quickdraw_unreachable_or_unknown_class_is_one_clear_error(http_files):
    url, www = http_files
    with pytest.raises(MlplayError, match="'no such thing' is not a Quick, Draw! class"):
        quickdraw.fetch(["no such thing"], base=url, log=lambda *_: None)  # checked before anything is fetched
    with pytest.raises(MlplayError, match="HTTP 404") as e:
        quickdraw.fetch(["cat"], base=url, log=lambda *_: None)  # a real class the server does not have
    assert "class names" in e.value.hint
    with pytest.raises(MlplayError, match="cannot reach QuickDraw") as e:
        quickdraw.fetch(["cat"], base="http://127.0.0.1:9", log=lambda *_: None)
    assert "offline" in e.value.hint
    (www / "cat.npy").write_bytes(b"not numpy at all")
    with pytest.raises(MlplayError, match="not a .npy"):
        quickdraw.fetch(["cat"], base=url, log=lambda *_: None)


def test_data_fetch_quickdraw_command_offline_message(tmp_path, mlplay):
    env = {"MLPLAY_QUICKDRAW_URL": "http://127.0.0.1:9", "MLPLAY_DATA": tmp_path, "PATH": "/usr/bin:/bin",
           "PYTHONPATH": ":".join(sys.path)}
    run = mlplay("data", "fetch", "quickdraw", "--classes", "cat,house", env=env, timeout=60)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("Error: cannot reach QuickDraw") and "offline" in run.stderr


def test_sketch_models_train_on_fetched_quickdraw_classes_and_can_mix_sources(http_files, monkeypatch):
    url, www = http_files
    monkeypatch.setenv("MLPLAY_QUICKDRAW_URL", url)
    assert sketch_data.load_data(None, quick=True).source.startswith("generated doodles")  # a smoke test: no download
    serve_quickdraw(www, ["circle", "cat"], rows=14)
    quickdraw.fetch(["circle", "cat"], per_class=14, base=url, log=lambda *_: None)
    real = sketch_data.load_data(Path("quickdraw"), quick=False)
    assert real.labels == ["circle", "cat"] and real.source.startswith("Quick, Draw!") and "CC BY 4.0" in real.source
    assert real.meta["reload"] == "quickdraw[circle,cat]" and real.stream.count("test") == 4
    mixed = sketch_data.load_data(Path("quickdraw,doodles"), quick=True)
    assert mixed.labels == ["circle", "cat", *[c for c in doodles.CLASSES if c != "circle"]]  # circle merged
    assert mixed.stream.count("test") == 4 + len(doodles.CLASSES) * sketch_data.QUICK_TEST
    truth, sources = mixed.stream.targets("test"), mixed.stream.sources("test")
    assert (truth[:2] == 0).all() and (truth[sources == "doodles"] == 0).sum() == sketch_data.QUICK_TEST  # one circle
    only_cat = sketch_data.load_data(Path(sketch_data.with_classes("doodles,quickdraw", "cat")), quick=True)
    assert only_cat.meta["reload"] == "doodles,quickdraw[cat]" and only_cat.labels == [*doodles.CLASSES, "cat"]
    with pytest.raises(MlplayError, match="no such data"):
        sketch_data.load_data(Path("nowhere"), quick=True)
    with pytest.raises(MlplayError, match="dog.*HTTP 404"):  # a named class is fetched when missing
        sketch_data.load_data(Path("quickdraw[circle,dog]"), quick=True)
    with pytest.raises(MlplayError, match="no QuickDraw source"):
        sketch_data.with_classes("doodles", "cat")


def test_default_data_is_the_doodles_and_six_real_classes_fetched_on_first_use(http_files, monkeypatch, capsys):
    """What `mlplay train sketch-cnn` learns with no --data: the shipped models' data, its real classes fetched
    (their first 2,000 drawings) when missing; offline, one clear error that names the way to train without them."""
    url, www = http_files
    assert sketch_data.default_spec() == "doodles,quickdraw[apple,bicycle,cat,diamond,eye,fish]"
    real = Path(sketch_data.default_spec().split(",", 1)[1])  # the real part (the doodles take a while to generate)
    monkeypatch.setenv("MLPLAY_QUICKDRAW_URL", "http://127.0.0.1:9")
    generated, load = [], doodles.load
    monkeypatch.setattr(doodles, "load", lambda *args, **kwargs: generated.append(args))
    with pytest.raises(MlplayError, match="cannot reach QuickDraw") as e:
        sketch_data.load_data(None, quick=False)
    assert "--data doodles" in e.value.hint and generated == []  # said at once, before minutes of doodles
    monkeypatch.setattr(doodles, "load", load)
    monkeypatch.setenv("MLPLAY_QUICKDRAW_URL", url)
    rng = np.random.default_rng(0)
    served = {name: rng.integers(0, 256, (sketch_data.REAL_PER_CLASS + 50, 784), np.uint8)
              for name in sketch_data.REAL_CLASSES}
    for name, x in served.items():
        np.save(www / f"{name}.npy", x)
    data = sketch_data.load_data(real, quick=False)
    assert data.labels == sketch_data.REAL_CLASSES and data.meta["reload"] == str(real)
    sums = json.loads((quickdraw.folder() / "SHA256SUMS.json").read_text())
    assert {name: sums[name]["rows"] for name in sums} == {name: 2000 for name in sketch_data.REAL_CLASSES}
    assert np.array_equal(np.load(quickdraw.folder() / "fish.npy"), served["fish"][:2000])
    assert "QuickDraw fish: 2000 drawings" in capsys.readouterr().out
    assert data.stream.count("test") == 6 * 285  # every 7th of the first 2,000 of each class


def test_data_spec_names_sources_and_their_classes():
    assert sketch_data.parse_spec("doodles, quickdraw[apple, smiley face],/tmp/x[all]") == [
        ("doodles", None), ("quickdraw", ["apple", "smiley face"]), ("/tmp/x", ["all"])]
    with pytest.raises(MlplayError, match="cannot read"):
        sketch_data.parse_spec("quickdraw[apple")


@pytest.mark.slow
def test_all_345_classes_fetched_from_loopback_train_through_the_stream(http_files, tmp_path):
    from typer.testing import CliRunner

    from mlplay.cli import app as cli

    url, www = http_files
    names = quickdraw.official_classes()
    assert len(names) == 345 and len(set(names)) == 345 and names[0] == "aircraft carrier"
    rng = np.random.default_rng(0)
    for name in names:  # files in the official format, more drawings than fetched
        np.save(www / f"{name}.npy", (rng.random((30, 784)) < 0.1).astype(np.uint8) * 255)
    env = {"MLPLAY_QUICKDRAW_URL": url}
    run = CliRunner().invoke(cli, ["data", "fetch", "quickdraw", "--classes", "all", "--per-class", "21"], env=env)
    assert run.exit_code == 0, run.output
    assert json.loads((quickdraw.folder() / "selection.json").read_text())["classes"] == names
    models = tmp_path / "models"
    run = CliRunner().invoke(cli, ["train", "sketch-mlp", "--data", "quickdraw", "--classes", "all", "--epochs", "1",
                                   "--models-dir", str(models)])
    assert run.exit_code == 0, run.output
    card = json.loads((models / "sketch-mlp" / "card.json").read_text())
    assert card["labels"] == names and card["data"]["reload"] == f"quickdraw[{','.join(names)}]"
    assert card["data"]["splits"] == {"train": 345 * 17, "validation": 345, "test": 345 * 3}  # of 21: 3 test, 1 val
    assert "every 7th" in card["data"]["validation_split"] and "test_accuracy" in card["metrics"]
