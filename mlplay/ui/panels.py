"""Side panels that show a model's guess (pure drawing on numpy arrays)."""

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_SIMPLEX
BG, FG, DIM, ACCENT = (32, 32, 32), (235, 235, 235), (140, 140, 140), (80, 200, 120)


def blank(height: int, width: int) -> np.ndarray:
    return np.full((height, width, 3), BG, np.uint8)


def text(img, s: str, org, scale=0.5, colour=FG, thick=1) -> None:
    cv2.putText(img, s, org, FONT, scale, colour, thick, cv2.LINE_AA)


def text_width(s: str, scale: float, thick: int = 1) -> int:
    return cv2.getTextSize(s, FONT, scale, thick)[0][0]


def fit_scale(s: str, max_width: int, scale: float, thick: int = 1, smallest: float = 0.3) -> float:
    """The largest font scale ≤ `scale` at which `s` is at most `max_width` pixels wide (not below `smallest`)."""
    while scale > smallest and text_width(s, scale, thick) > max_width:
        scale = round(scale - 0.025, 3)
    return scale


def bars(img, labels: list[str], probabilities: np.ndarray, top: int, left: int, width: int, row: int = 22) -> None:
    """One horizontal bar a label, the best one highlighted; labels are shrunk to fit, never cut."""
    best = int(np.argmax(probabilities)) if len(probabilities) else -1
    widest = max(labels, key=lambda s: text_width(s, 0.45)) if labels else ""
    column = min(text_width(widest, 0.45), int(width * 0.45))  # at most 45 % of the width for names
    scale = fit_scale(widest, column, 0.45)
    x0 = left + max(column, text_width(widest, scale)) + 8
    for i, (label, p) in enumerate(zip(labels, probabilities)):
        y = top + i * row
        colour = ACCENT if i == best else DIM
        text(img, label, (left, y + 14), scale, FG)
        cv2.rectangle(img, (x0, y + 3), (x0 + int((width - x0 + left - 48) * float(p)), y + row - 5), colour, -1)
        text(img, f"{float(p):4.0%}", (left + width - 44, y + 14), 0.4, DIM)


def thumbnail(img, model_input: np.ndarray, top: int, left: int, scale: int = 3) -> None:
    """What the model sees, enlarged, with a caption."""
    small = np.squeeze(model_input).clip(0, 255).astype(np.uint8)
    big = cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    h, w = big.shape
    img[top : top + h, left : left + w] = big[..., None]
    cv2.rectangle(img, (left - 1, top - 1), (left + w, top + h), DIM, 1)
    text(img, "model input", (left + w + 8, top + 14), 0.4, DIM)


def digit_panel(height, width, labels, probabilities, model_input, model_name) -> np.ndarray:
    """Big top guess, ten probability bars, the 28×28 input the model saw."""
    img = blank(height, width)
    text(img, model_name, (12, 22), 0.5, DIM)
    if probabilities is None:
        text(img, "draw a digit", (12, 80), 0.7, FG)
    else:
        best = int(np.argmax(probabilities))
        text(img, labels[best], (12, 92), 2.6, ACCENT, 5)
        text(img, f"{float(probabilities[best]):.0%}", (96, 92), 0.8, FG)
        bars(img, labels, probabilities, 106, 12, width - 24, 19)
    if model_input is not None:
        thumbnail(img, model_input, height - 90, 12)
    return img


def sketch_panel(height, width, labels, probabilities, model_input, model_name) -> np.ndarray:
    """'It looks like X' and the next three guesses."""
    img = blank(height, width)
    text(img, model_name, (12, 22), 0.5, DIM)
    if probabilities is None:
        text(img, "draw something", (12, 80), 0.7, FG)
    else:
        order = np.argsort(probabilities)[::-1]
        text(img, "It looks like", (12, 62), 0.6, FG)
        text(img, labels[order[0]], (12, 100), fit_scale(labels[order[0]], width - 24, 1.0, 2), ACCENT, 2)
        text(img, f"{float(probabilities[order[0]]):.0%}", (12, 128), 0.6, FG)
        text(img, "or maybe", (12, 168), 0.5, DIM)
        bars(img, [labels[i] for i in order[1:4]], probabilities[order[1:4]], 178, 12, width - 24)
    if model_input is not None:
        thumbnail(img, model_input, height - 90, 12)
    return img


PANELS = {"digit": digit_panel, "sketch": sketch_panel}


def help_overlay(img: np.ndarray, lines: list[str]) -> None:
    h = 24 * len(lines) + 16
    overlay = img.copy()
    cv2.rectangle(overlay, (8, 8), (img.shape[1] - 8, 8 + h), (0, 0, 0), -1)
    cv2.addWeighted(overlay, 0.8, img, 0.2, 0, img)
    for i, line in enumerate(lines):
        text(img, line, (20, 32 + 24 * i), 0.55, FG)
