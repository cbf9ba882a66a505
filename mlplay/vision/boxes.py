"""Detection post-processing as pure numpy: score filter, class filter, per-class NMS, drawing."""

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Detection:
    label: str
    score: float
    box: tuple[float, float, float, float]  # ymin, xmin, ymax, xmax, normalised to [0, 1]

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 in pixels."""
        ymin, xmin, ymax, xmax = self.box
        return round(xmin * width), round(ymin * height), round(xmax * width), round(ymax * height)


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of one box with many (ymin, xmin, ymax, xmax)."""
    top = np.maximum(box[0], others[:, 0])
    left = np.maximum(box[1], others[:, 1])
    bottom = np.minimum(box[2], others[:, 2])
    right = np.minimum(box[3], others[:, 3])
    inter = np.clip(bottom - top, 0, None) * np.clip(right - left, 0, None)
    area = lambda b: np.clip(b[..., 2] - b[..., 0], 0, None) * np.clip(b[..., 3] - b[..., 1], 0, None)  # noqa: E731
    return inter / np.maximum(area(box) + area(others) - inter, 1e-9)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.5, max_boxes: int = 20) -> list[int]:
    """Greedy non-maximum suppression: indices of the kept boxes, best first."""
    order = list(np.argsort(-scores))
    keep = []
    while order and len(keep) < max_boxes:
        best, order = order[0], order[1:]
        keep.append(int(best))
        if order:
            overlaps = iou(boxes[best], boxes[order])
            order = [i for i, o in zip(order, overlaps) if o <= iou_threshold]
    return keep


def select(boxes, scores, classes, labels: dict[int, str], min_score: float = 0.4, only: set[str] | None = None,
           iou_threshold: float = 0.5, max_boxes: int = 20) -> list[Detection]:
    """Raw detector outputs → the detections worth showing (per-class NMS, best first)."""
    boxes, scores = np.asarray(boxes, np.float32), np.asarray(scores, np.float32)
    classes = np.asarray(classes).astype(int)
    names = np.array([labels.get(c, f"class {c}") for c in classes], dtype=object)
    wanted = scores >= min_score
    if only:
        wanted &= np.isin(names, list(only))
    found = []
    for name in sorted(set(names[wanted])):
        index = np.flatnonzero(wanted & (names == name))
        for i in nms(boxes[index], scores[index], iou_threshold, max_boxes):
            j = index[i]
            found.append(Detection(str(name), float(scores[j]), tuple(float(v) for v in boxes[j])))
    return sorted(found, key=lambda d: -d.score)[:max_boxes]


def colour(label: str) -> tuple[int, int, int]:
    """A stable, bright colour per label."""
    h = sum(map(ord, label)) * 47 % 180
    return tuple(int(v) for v in cv2.cvtColor(np.uint8([[[h, 200, 255]]]), cv2.COLOR_HSV2BGR)[0, 0])


def draw(image: np.ndarray, detections: list[Detection]) -> np.ndarray:
    """A copy of the BGR image with a box and "label NN %" per detection."""
    out = image.copy()
    height, width = out.shape[:2]
    for d in detections:
        x0, y0, x1, y1 = d.pixels(width, height)
        c = colour(d.label)
        cv2.rectangle(out, (x0, y0), (x1, y1), c, 2)
        caption = f"{d.label} {d.score:.0%}"
        (tw, th), _ = cv2.getTextSize(caption, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
        top = max(y0, th + 6)
        cv2.rectangle(out, (x0, top - th - 6), (x0 + tw + 6, top), c, -1)
        cv2.putText(out, caption, (x0 + 3, top - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return out
