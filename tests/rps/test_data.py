"""RPS data: the official zips fetched from a loopback server (checksums, extraction, offline message), class
folders with a held-out test split, the shared model-input function, and the SYNTHETIC generator."""

import hashlib
import io
import zipfile

import cv2
import numpy as np
import pytest

from mlplay.download import Source
from mlplay.errors import MlplayError
from mlplay.rps import data as rps, synthetic as rps_synthetic
from mlplay.rps.game import MOVES


def png(value):
    return cv2.imencode(".png", np.full((30, 30, 3), value, np.uint8))[1].tobytes()


def make_zip(top, per_class):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i, move in enumerate(MOVES):
            for j in range(per_class):
                zf.writestr(f"{top}/{move}/{move}{j:02d}.png", png(40 * i + j))
        zf.writestr(f"__MACOSX/{top}/._junk", b"x")
        zf.writestr("../../rock/escape.png", png(1))  # a hostile path: lands in rock/, never outside
    return buffer.getvalue()


@pytest.fixture
def official_zips(http_files):
    base, www = http_files
    sources = []
    for top, n in (("rps", 4), ("rps-test-set", 2)):
        data = make_zip(top, n)
        (www / f"{top}.zip").write_bytes(data)
        sources.append(Source(f"{base}/{top}.zip", hashlib.sha256(data).hexdigest(), f"{top}.zip"))
    return sources, base


def test_fetch_extracts_class_folders_and_is_idempotent(official_zips, tmp_path):
    sources, _ = official_zips
    folder = rps.fetch(tuple(sources), log=lambda m: None)
    assert folder == tmp_path / "datasets" / "rps" and rps.cached() == folder
    for split, n in (("train", 4), ("test", 2)):
        for move in MOVES:
            assert len(list((folder / split / move).glob("*.png"))) == n + (move == "rock")  # + the hostile entry
    escaped = [folder / split / "rock" / "escape.png" for split in ("test", "train")]
    assert sorted(tmp_path.rglob("escape.png")) == escaped
    assert not (folder.parent.parent / "rock").exists() and not list(folder.glob("download-*"))
    assert rps.fetch(tuple(sources), log=lambda m: 1 / 0) == folder  # cached: nothing downloaded or logged
    data = rps.load(None, 32, quick=False)
    x_train, x_test, y_test, source, meta = data.x_train, data.x_test, data.y_test, data.source, data.meta
    assert data.x_val is None  # one series per class: too few to hold one out
    assert x_train.shape == (13, 32, 32, 3) and len(x_test) == 7 and source == rps.OFFICIAL_SOURCE
    assert sorted(np.bincount(y_test)) == [2, 2, 3] and "train/ and test/" in meta["test_split"]


def test_fetch_refuses_a_wrong_checksum_and_says_offline_in_one_line(official_zips):
    sources, base = official_zips
    bad = Source(sources[0].url, "0" * 64, "rps.zip")
    with pytest.raises(MlplayError, match="checksum mismatch"):
        rps.fetch((bad, sources[1]), log=lambda m: None)
    gone = Source("http://127.0.0.1:9/rps.zip", None, "rps.zip")
    with pytest.raises(MlplayError, match="cannot download the rock-paper-scissors data") as e:
        rps.fetch((gone, sources[1]), log=lambda m: None)
    assert "camera record rps" in str(e.value) and "\n" not in str(e.value)
    assert rps.cached() is None


def test_no_data_at_all_says_how_to_get_some():
    with pytest.raises(MlplayError, match="no rock-paper-scissors data") as e:
        rps.load(None, 32, quick=False)
    assert "mlplay data fetch rps" in str(e.value) and "mlplay camera record rps" in str(e.value)


def test_class_folders_get_a_stratified_held_out_test_split(tmp_path):
    folder = rps_synthetic.write_folders(tmp_path / "synth", per_class=10, size=48, seed=0)
    data = rps.load(folder, 40, quick=False)
    x_train, y_train, x_test, y_test = data.x_train, data.y_train, data.x_test, data.y_test
    source, meta = data.source, data.meta
    assert "SYNTHETIC" in source and data.x_val is None
    assert x_train.shape == (24, 40, 40, 3) and x_test.shape == (6, 40, 40, 3)
    assert list(np.bincount(y_test)) == [2, 2, 2] and list(np.bincount(y_train)) == [8, 8, 8]
    assert meta["per_class"]["test"] == {"rock": 2, "paper": 2, "scissors": 2}
    again = rps.load(folder, 40, quick=False)
    assert np.array_equal(again.x_test, x_test)  # the same seed, the same test pictures
    train_files, test_files = rps.split_test(rps.class_files(folder), 0.2, 0)
    for move in MOVES:
        assert not set(train_files[move]) & set(test_files[move])


def test_missing_classes_are_named(tmp_path):
    (tmp_path / "mine" / "rock").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "mine" / "rock" / "a.png"), np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(MlplayError, match="no pictures of: paper, scissors"):
        rps.load(tmp_path / "mine", 32, quick=False)


def test_to_input_takes_the_centre_square_as_rgb():
    img = np.zeros((100, 200, 3), np.uint8)
    img[:, 50:150] = (255, 0, 0)  # blue in BGR, the centre square
    x = rps.to_input(img, 20)
    assert x.shape == (20, 20, 3) and x.dtype == np.uint8
    assert (x[..., 2] == 255).all() and (x[..., :2] == 0).all()  # RGB order: blue is the last channel


def test_synthetic_hands_differ_by_class_and_say_they_are_synthetic(tmp_path):
    rng = np.random.default_rng(0)
    crops = {m: rps_synthetic.crop(m, 64, rng) for m in MOVES}
    assert all(c.shape == (64, 64, 3) and c.dtype == np.uint8 for c in crops.values())
    assert not np.array_equal(crops["rock"], crops["paper"])
    frame = rps_synthetic.frame("paper", 160, 120, rng)
    assert frame.shape == (120, 160, 3)
    video = rps_synthetic.write_video(tmp_path / "v.mp4", ["rock", "paper"], fps=10, seconds_per_label=0.5,
                                      scene_seed=1)
    capture = cv2.VideoCapture(str(video))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 10
    assert "SYNTHETIC" in rps_synthetic.SOURCE and "not photographs" in rps_synthetic.SOURCE
    with pytest.raises(ValueError):
        rps_synthetic.crop("lizard", 32, rng)


def test_rps_synthetic_data_set_is_generated_once():
    folder = rps_synthetic.fetch(per_class=3, log=lambda m: None)
    assert rps_synthetic.cached() == folder and "SYNTHETIC" in (folder / "SYNTHETIC.txt").read_text()
    assert sorted(p.name for p in folder.iterdir()) == ["SYNTHETIC.txt", "demo.mp4", "paper", "rock", "scissors"]
    assert len(list((folder / "rock").glob("*.png"))) == 3
    stamp = (folder / "demo.mp4").stat().st_mtime_ns
    rps_synthetic.fetch(per_class=3, log=lambda m: 1 / 0)  # already there: nothing generated, nothing logged
    assert (folder / "demo.mp4").stat().st_mtime_ns == stamp


def test_train_all_trains_what_the_data_allows_and_says_what_it_skipped(monkeypatch, tmp_path):
    from mlplay.rps import models as rps_experiments
    from mlplay.vision import backbone

    def offline(*a, **k):
        raise MlplayError("cannot download the rock-paper-scissors data (no network)")

    monkeypatch.setattr(rps, "fetch", offline)
    monkeypatch.setattr(backbone, "fetch", lambda **k: offline())
    runs, lines = [], []
    assert rps_experiments.train_all(run=runs.append, log=lines.append) == []
    assert not runs and "skipped rps-cnn and rps-mobilenet: no real rock-paper-scissors data" in lines[-1]
    rps_synthetic.write_folders(rps.mine_dir(), per_class=2, size=16)  # stands in for recorded pictures
    lines.clear()
    assert rps_experiments.train_all(run=runs.append, log=lines.append) == ["rps-cnn"]
    assert runs == [["train", "rps-cnn", "--data", str(rps.mine_dir())]]
    assert lines[-1].startswith("skipped rps-mobilenet:") and "--no-pretrained" in lines[-1]


def test_a_retry_after_a_failed_second_download_reuses_the_first_zip(official_zips):
    sources, base = official_zips
    gone = Source("http://127.0.0.1:9/rps-test-set.zip", None, "rps-test-set.zip")
    with pytest.raises(MlplayError, match="cannot download"):
        rps.fetch((sources[0], gone), log=lambda m: None)
    moved = Source(f"{base}/moved-away.zip", sources[0].sha256, "rps.zip")  # the server no longer has it
    folder = rps.fetch((moved, sources[1]), log=lambda m: None)
    # + the hostile entry
    assert len(list((folder / "train" / "rock").glob("*.png"))) == 4 + 1 and not list(folder.glob("download-*"))


def write_series(folder, per_series, series, prefix=""):
    """Pictures named like the official set's: <prefix><move><NN>-<frame>.png, one series a rendered hand."""
    for i, move in enumerate(MOVES):
        (folder / move).mkdir(parents=True)
        for s in range(series):
            for f in range(per_series):
                cv2.imwrite(str(folder / move / f"{prefix}{move}{s:02d}-{f:03d}.png"),
                            np.full((12, 12, 3), 50 * i + s, np.uint8))


def test_with_its_own_test_folder_validation_holds_out_whole_series_of_training_pictures(tmp_path):
    write_series(tmp_path / "set" / "train", per_series=4, series=3)
    write_series(tmp_path / "set" / "test", per_series=2, series=1, prefix="test")
    data = rps.load(tmp_path / "set", 12, quick=False)
    assert data.x_train.shape[0] == 3 * 2 * 4 and data.x_val.shape[0] == 3 * 4 and len(data.x_test) == 6
    held = data.meta["validation_series"]
    assert set(held) == set(MOVES) and all(name.startswith(move) for move, name in held.items())
    for i in range(len(MOVES)):  # each series has its own grey level: none is in both train and validation
        train_levels = set(data.x_train[data.y_train == i][:, 0, 0, 0])
        val_levels = set(data.x_val[data.y_val == i][:, 0, 0, 0])
        assert len(val_levels) == 1 and not train_levels & val_levels
    assert rps.load(tmp_path / "set", 12, quick=False).meta["validation_series"] == held  # seeded
    assert not rps.is_official(tmp_path / "set") and "recognised" not in data.source


def test_real_photos_are_found_beside_the_data_folder(tmp_path, monkeypatch):
    assert rps.real_photos_dir(tmp_path / "cgi") is None
    write_series(tmp_path / "rps-real", per_series=1, series=1)
    assert rps.real_photos_dir(tmp_path / "cgi") == tmp_path / "rps-real"
