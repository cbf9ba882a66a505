"""Single-shot detectors in the MediaPipe style, decoded in numpy: the palm detector (mlplay.rps.hands) and the face
detector (mlplay.faces.faces) share this.

Such a detector looks at a square picture through a fixed grid of anchors. For every anchor it outputs one score
(a logit) and a row of numbers: the box's centre offset and size, then (x, y) offsets of its key points, all in
input pixels. Decoding turns the rows whose score passes a threshold into boxes and key points in 0–1 picture
coordinates; weighted non-maximum suppression then merges the many anchors that fire on one object into one
detection, the score-weighted average of the overlapping boxes (steadier from frame to frame than keeping the best).
"""

from __future__ import annotations

import numpy as np


def anchors(size: int, strides: tuple[int, ...]) -> np.ndarray:
    """(N, 2) anchor centres in 0-1 for a `size`×`size` input: every cell of each stride's grid, two anchors per
    layer of that stride (aspect ratio 1 and the interpolated scale; the anchors' own sizes are fixed at 1, so only
    their centres matter)."""
    centres = []
    for stride in sorted(set(strides)):
        per_cell = 2 * strides.count(stride)
        cells = size // stride
        y, x = np.mgrid[0:cells, 0:cells]
        grid = np.stack([(x + 0.5) / cells, (y + 0.5) / cells], -1).reshape(-1, 1, 2)
        centres.append(np.repeat(grid, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logits.astype(np.float64), -100, 100)))  # float64: e^100 fits


def decode(raw: np.ndarray, logits: np.ndarray, anchor: np.ndarray, size: int, min_score: float):
    """Raw outputs (N, 4 + 2K) and logits (N,) → (scores (M,), boxes (M, 4) as cx, cy, w, h, key points (M, K, 2)),
    all in 0-1, for the M anchors whose score is at least `min_score`."""
    scores = sigmoid(logits.reshape(-1))
    keep = scores >= min_score
    raw, anchor = raw[keep] / size, anchor[keep]
    boxes = np.concatenate([raw[:, :2] + anchor, raw[:, 2:4]], axis=1)
    keypoints = raw[:, 4:].reshape(len(raw), (raw.shape[1] - 4) // 2, 2) + anchor[:, None, :]
    return scores[keep], boxes, keypoints


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of one (cx, cy, w, h) box with each of `others` (M, 4)."""

    def corners(b):
        cx, cy, half_w, half_h = b[..., 0], b[..., 1], b[..., 2] / 2, b[..., 3] / 2
        return cx - half_w, cy - half_h, cx + half_w, cy + half_h

    ax0, ay0, ax1, ay1 = corners(box)
    bx0, by0, bx1, by1 = corners(others)
    inter = (np.clip(np.minimum(ax1, bx1) - np.maximum(ax0, bx0), 0, None)
             * np.clip(np.minimum(ay1, by1) - np.maximum(ay0, by0), 0, None))
    return inter / np.maximum(box[2] * box[3] + others[:, 2] * others[:, 3] - inter, 1e-9)


def weighted_nms(scores, boxes, keypoints, threshold: float) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """Group the detections that overlap the best remaining one by more than `threshold` (IoU); each group becomes
    (the best score, the score-weighted mean box, the score-weighted mean key points), best first."""
    order = np.argsort(-scores)
    scores, boxes, keypoints = scores[order], boxes[order], keypoints[order]
    left = np.ones(len(scores), bool)
    found = []
    for i in range(len(scores)):
        if not left[i]:
            continue
        group = left & (iou(boxes[i], boxes) > threshold)
        group[i] = True
        w = scores[group][:, None]
        found.append((float(scores[i]), (boxes[group] * w).sum(0) / w.sum(),
                      (keypoints[group] * w[:, :, None]).sum(0) / w.sum()))
        left &= ~group
    return found
