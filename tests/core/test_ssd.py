"""mlplay.ssd, shared by the palm and the face detectors: anchors, decoding, weighted non-maximum suppression."""

import math

import numpy as np
import pytest

from mlplay import ssd
from mlplay.rps import hands


def test_anchors_match_the_palm_models_2016_outputs():
    a = ssd.anchors(hands.PALM_SIZE, hands.STRIDES)
    assert a.shape == (2016, 2)
    assert np.allclose(a[0], [0.5 / 24, 0.5 / 24]) and np.allclose(a[1], a[0])  # 2 anchors a cell at stride 8
    assert np.allclose(a[1152], [0.5 / 12, 0.5 / 12]) and np.allclose(a[1152:1158], a[1152])  # 6 a cell at 16
    assert np.allclose(a[-1], [11.5 / 12, 11.5 / 12])


def test_anchors_match_the_face_models_896_outputs():
    from mlplay.faces import faces

    a = ssd.anchors(faces.INPUT_SIZE, faces.STRIDES)
    assert a.shape == (896, 2)
    assert np.allclose(a[0], [0.5 / 16, 0.5 / 16]) and np.allclose(a[1], a[0]) and not np.allclose(a[2], a[0])
    assert np.allclose(a[512:518], [0.5 / 8, 0.5 / 8]) and not np.allclose(a[518], a[512])  # 6 a cell at 16
    assert np.allclose(a[-1], [7.5 / 8, 7.5 / 8])


def test_decoding_and_weighted_nms_merge_overlapping_detections_and_keep_separate_ones():
    anchor = np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.2]], np.float32)
    raw = np.zeros((3, 18), np.float32)
    raw[0, :4] = [0, 0, 40, 40]
    raw[1, :4] = [9.6, 0, 40, 40]  # the same object, 0.05 to the right
    raw[2, :4] = [0, 0, 20, 20]
    raw[:, 4:] = 1.92  # every keypoint 0.01 right and below its anchor
    logits = np.array([3.0, 1.0, 2.0])
    scores, boxes, kps = ssd.decode(raw, logits, anchor, 192, 0.5)
    assert len(scores) == 3 and kps.shape == (3, 7, 2)
    assert np.allclose(boxes[1], [0.55, 0.5, 40 / 192, 40 / 192]) and np.allclose(kps[2, 0], [0.21, 0.21])
    found = ssd.weighted_nms(scores, boxes, kps, 0.3)
    assert len(found) == 2
    (s0, b0, _), (s1, b1, _) = found
    w0, w1 = 1 / (1 + math.exp(-3)), 1 / (1 + math.exp(-1))
    assert s0 == pytest.approx(w0) and b0[0] == pytest.approx((0.5 * w0 + 0.55 * w1) / (w0 + w1))  # score-weighted
    assert np.allclose(b1[:2], [0.2, 0.2])
    assert len(ssd.decode(raw, np.array([-1.0, -2.0, -3.0]), anchor, 192, 0.5)[0]) == 0  # below 0.5 after the sigmoid


def test_the_number_of_key_points_follows_the_row_length():
    raw = np.zeros((2, 16), np.float32)  # the face detector: box + 6 key points
    raw[:, 2:4] = 64  # two anchors on one face: the same box
    raw[:, 4:] = np.arange(12) * 1.28
    scores, boxes, kps = ssd.decode(raw, np.array([5.0, 5.0]), np.full((2, 2), 0.5, np.float32), 128, 0.5)
    assert kps.shape == (2, 6, 2) and np.allclose(kps[0, 1], [0.5 + 0.02, 0.5 + 0.03])
    (merged,) = ssd.weighted_nms(scores, boxes, kps, 0.3)
    assert merged[2].shape == (6, 2)


def test_no_detection_gives_an_empty_list():
    empty = ssd.decode(np.zeros((4, 16), np.float32), np.full(4, -9.0), np.zeros((4, 2), np.float32), 128, 0.5)
    assert ssd.weighted_nms(*empty, 0.3) == []
