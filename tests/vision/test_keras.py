"""Pretrained vision without the real weights: boxes/NMS, classify and detect end to end (the float MobileNetV2:
test_backbone.py)."""

import json
import time

import cv2
import numpy as np
import pytest

from mlplay.vision import pretrained
from mlplay.vision.boxes import Detection, draw, iou, nms, select
from mlplay.vision.classify import centre_crop, top_guesses

# Downloads through a proxy on an unreachable loopback port: "offline" even on a connected machine.
OFFLINE = {**{name: "http://127.0.0.1:9" for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")},
           "no_proxy": None, "NO_PROXY": None}


# boxes -------------------------------------------------------------------------------------------
def test_iou_and_greedy_nms():
    boxes = np.array([[0, 0, 1, 1], [0, 0, 1, 0.9], [0, 0, 0.5, 0.5], [0.6, 0.6, 1, 1]], np.float32)
    np.testing.assert_allclose(iou(boxes[0], boxes[1:]), [0.9, 0.25, 0.16], atol=1e-6)
    assert nms(boxes, np.array([0.9, 0.8, 0.7, 0.6]), 0.5) == [0, 2, 3]
    assert nms(boxes, np.array([0.9, 0.8, 0.7, 0.6]), 0.5, max_boxes=2) == [0, 2]


def test_select_filters_score_and_class_and_keeps_overlaps_of_different_classes():
    boxes = [[0, 0, 1, 1], [0, 0, 1, 0.95], [0, 0, 1, 1], [0.5, 0.5, 0.6, 0.6]]
    found = select(boxes, [0.9, 0.8, 0.7, 0.3], [1, 1, 18, 18], {1: "person", 18: "dog"}, min_score=0.4)
    assert [(d.label, round(d.score, 1)) for d in found] == [("person", 0.9), ("dog", 0.7)]
    only = select(boxes, [0.9, 0.8, 0.7, 0.3], [1, 1, 18, 18], {1: "person", 18: "dog"}, 0.4, only={"dog"})
    assert [d.label for d in only] == ["dog"]


def test_draw_marks_the_box_and_leaves_the_input_alone():
    img = np.zeros((100, 200, 3), np.uint8)
    out = draw(img, [Detection("dog", 0.87, (0.2, 0.1, 0.8, 0.5))])
    assert not img.any() and out[20:80, 20].any() and out[50, 60:95].sum() == 0  # box edge drawn, inside empty
    assert Detection("dog", 0.87, (0.2, 0.1, 0.8, 0.5)).pixels(200, 100) == (20, 20, 100, 80)


# downloads -------------------------------------------------------------------------------------------
def test_the_offline_environment_blocks_even_a_reachable_server(http_files, tmp_path, mlplay):
    base, www = http_files
    (www / "w.h5").write_bytes(b"weights")
    fetch = ("import sys; from pathlib import Path; from mlplay.download import Source, download; "
             "download(Source(sys.argv[1], None, 'w'), Path(sys.argv[2]))")
    reached = mlplay.python("-c", fetch, f"{base}/w.h5", tmp_path / "a", timeout=60)
    blocked = mlplay.python("-c", fetch, f"{base}/w.h5", tmp_path / "b", env=OFFLINE, timeout=60)
    assert reached.returncode == 0 and (tmp_path / "a").read_bytes() == b"weights"
    assert blocked.returncode == 1 and "DownloadError" in blocked.stderr and not (tmp_path / "b").exists()


def test_coco_label_map_has_80_names_on_ids_1_to_90():
    labels = pretrained.coco_labels()
    assert len(labels) == 80 and labels[1] == "person" and labels[18] == "dog" and labels[90] == "toothbrush"


# classification --------------------------------------------------------------------------------------
def test_centre_crop_keeps_aspect_and_takes_the_middle():
    wide = np.zeros((100, 300, 3), np.uint8)
    wide[:, 100:200] = 255  # the middle third is white
    crop = centre_crop(wide, 50)
    assert crop.shape == (50, 50, 3) and crop.min() == 255  # not squashed: only the white middle remains


def test_top_guesses_respect_k_and_threshold():
    p = np.array([0.05, 0.6, 0.25, 0.1])
    assert top_guesses(p, list("abcd"), 3, 0.2) == [("b", 0.6), ("c", 0.25)]
    assert top_guesses(p, list("abcd"), 3, 0.7) == []


def photo(path, colour=(40, 160, 220), size=(240, 320)):
    img = np.full((*size, 3), colour, np.uint8)
    cv2.circle(img, (size[1] // 2, size[0] // 2), 60, (255, 255, 255), -1)
    cv2.imwrite(str(path), img)
    return path


@pytest.mark.slow
@pytest.mark.slow
def test_classify_with_any_keras_model_and_labels(tmp_path, mlplay):
    from mlplay.console import tensorflow

    tensorflow()
    import keras

    inputs = keras.Input((32, 32, 3))
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Rescaling(1 / 255)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    model.save(tmp_path / "model.keras")
    (tmp_path / "labels.txt").write_text("sky\nsun\n")
    result = mlplay("classify", photo(tmp_path / "a.png"), "--model", tmp_path, "--threshold", "0", "--jsonl")
    assert result.returncode == 0, result.stderr
    assert {label for label, _ in json.loads(result.stdout)["labels"]} == {"sky", "sun"}
    (tmp_path / "labels.txt").write_text("only one\n")
    bad = mlplay("classify", tmp_path / "a.png", "--model", tmp_path)
    assert bad.returncode == 1 and "2 outputs but 1 labels" in bad.stderr


def test_classify_offline_is_one_line_and_bad_paths_are_refused(tmp_path, mlplay):
    result = mlplay("classify", photo(tmp_path / "a.png"), "--model", "mobilenet-v2", env=OFFLINE)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "mobilenet-v2" in result.stderr
    missing = mlplay("classify", tmp_path / "nope.jpg")
    assert missing.returncode == 1 and "no such file" in missing.stderr


# detection ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fake_detector(tmp_path_factory):
    from fake_detector import export

    return export(tmp_path_factory.mktemp("fake") / "saved_model")


def scene(path, box=(60, 80, 180, 240), size=(240, 320)):
    img = np.full((*size, 3), 60, np.uint8)
    y0, x0, y1, x1 = box
    img[y0:y1, x0:x1] = 250
    cv2.imwrite(str(path), img)
    return path


@pytest.mark.slow
def test_detect_images_with_a_savedmodel_writes_annotated_copies(tmp_path, fake_detector, mlplay):
    result = mlplay("detect", scene(tmp_path / "a.png"), scene(tmp_path / "b.png", (10, 10, 50, 50)),
                    "--model", fake_detector, "--jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[d["label"] for d in r["detections"]] for r in rows] == [["dog"], ["dog"]]  # duplicate NMS'd, faint dropped
    assert rows[0]["detections"][0]["box"] == [80, 60, 240, 180]
    annotated = cv2.imread(rows[0]["annotated"])
    assert annotated.shape == (240, 320, 3) and "runs/detect/exp" in rows[0]["annotated"]
    again = mlplay("detect", tmp_path / "a.png", "--model", fake_detector, "--classes", "person")
    assert again.returncode == 0 and "nothing found" in again.stdout and "runs/detect/exp2" in again.stdout


def test_detect_refuses_unknown_classes_and_offline_model(tmp_path, mlplay):
    bad = mlplay("detect", scene(tmp_path / "a.png"), "--classes", "unicorn")
    assert bad.returncode == 1 and "unknown COCO class: unicorn" in bad.stderr
    offline = mlplay("detect", tmp_path / "a.png", "--model", "ssdlite", env=OFFLINE)
    assert offline.returncode == 1 and "mlplay data fetch ssdlite" in offline.stderr
    assert "Traceback" not in offline.stderr


# live detection on a stream ----------------------------------------------------------------------------
def moving_square_video(path, frames=12, size=(120, 160)):
    """A short video of a bright square moving right; its box in pixels per frame."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (size[1], size[0]))
    boxes = []
    for i in range(frames):
        img = np.full((*size, 3), 40, np.uint8)
        x0 = 10 + 8 * i
        img[30:80, x0:x0 + 40] = 250
        writer.write(img)
        boxes.append((x0, 30, x0 + 40, 80))
    writer.release()
    return path, boxes


def test_detect_app_draws_counts_and_emits_one_line_per_frame():
    from mlplay.vision.app import DetectApp

    lines = []
    calls = []

    def detector(frame, score, only):
        calls.append((score, only))
        time.sleep(0.02)  # the model's time, which the app must account for
        return [Detection("cat", 0.8, (0.25, 0.25, 0.75, 0.75))]

    app = DetectApp(detector, 0.3, {"cat"}, emit=lines.append)
    frame = np.zeros((40, 80, 3), np.uint8)
    out = app.process(frame, 0.5)
    app.process(frame, 0.6)
    assert calls == [(0.3, {"cat"})] * 2 and not frame.any() and out.any()
    first = json.loads(lines[0])
    assert first == {"frame": 0, "t": 0.5, "detections": [{"label": "cat", "score": 0.8, "box": [20, 10, 60, 30]}]}
    assert app.summary() == "2 frames; detections: cat ×2" and app.timings()["model"] >= 0.04


@pytest.mark.slow
def test_camera_detect_on_a_video_writes_jsonl_and_the_annotated_video(tmp_path, fake_detector, mlplay):
    video, boxes = moving_square_video(tmp_path / "walk.mp4")
    result = mlplay("camera", "detect", "--source", video, "--model", fake_detector, "--no-show", "--jsonl", "--save")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["frame"] for r in rows] == list(range(len(boxes)))
    for row, (x0, y0, x1, y1) in zip(rows, boxes):
        (found,) = row["detections"]  # the near-duplicate is suppressed, the faint box filtered
        assert found["label"] == "dog" and abs(found["score"] - 0.9) < 1e-6
        assert np.abs(np.array(found["box"]) - [x0, y0, x1, y1]).max() <= 3  # video compression blurs edges
    assert "120" in result.stderr and "frames/s" in result.stderr and "model" in result.stderr
    saved = list((tmp_path / "runs" / "camera").glob("detect*/annotated.mp4"))
    assert len(saved) == 1
    capture = cv2.VideoCapture(str(saved[0]))
    count, ok = 0, True
    while ok:
        ok, frame = capture.read()
        count += ok
    assert count == len(boxes)
    only_people = mlplay("camera", "detect", "--source", video, "--model", fake_detector, "--no-show", "--jsonl",
                         "--classes", "person")
    assert only_people.returncode == 0
    assert all(json.loads(r)["detections"] == [] for r in only_people.stdout.splitlines())


def test_camera_detect_refuses_bad_sources_classes_and_missing_display(tmp_path, monkeypatch, mlplay):
    missing = mlplay("camera", "detect", "--source", tmp_path / "nope.mp4", "--no-show")
    assert missing.returncode == 1 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    video, _ = moving_square_video(tmp_path / "v.mp4", frames=2)
    bad = mlplay("camera", "detect", "--source", video, "--classes", "unicorn", "--no-show")
    assert bad.returncode == 1 and "unknown COCO class" in bad.stderr
    offline = mlplay("camera", "detect", "--source", video, "--no-show", "--model", "ssdlite", env=OFFLINE)
    assert offline.returncode == 1 and "mlplay data fetch ssdlite" in offline.stderr
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    headless = mlplay("camera", "detect", "--source", video)
    assert headless.returncode == 1 and "display" in headless.stderr.lower() and "Traceback" not in headless.stderr
