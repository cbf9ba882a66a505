"""The drawing window's side panels: the model's guess beside the drawing (digits: a big digit and ten bars;
sketches: "It looks like X" and three more guesses) and the small picture the model saw."""

import cv2
import numpy as np

from mlplay.shell.window import ACCENT, DIM, FG, bars, blank, fit_scale, text, text_width


def thumbnail(img, model_input: np.ndarray, top: int, left: int, scale: int = 3) -> None:
    """What the model sees, enlarged, with a caption."""
    small = np.squeeze(model_input).clip(0, 255).astype(np.uint8)
    big = cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    h, w = big.shape
    img[top : top + h, left : left + w] = big[..., None]
    cv2.rectangle(img, (left - 1, top - 1), (left + w, top + h), DIM, 1)
    text(img, "model input", (left + w + 8, top + 14), 0.4, DIM)


def guess_panel(height: int, width: int, model_name: str, model_input, prompt: str, guess=None) -> np.ndarray:
    """A draw window's side panel: the model's name, `prompt` until `guess(img)` draws a guess, the input it saw."""
    img = blank(height, width)
    text(img, model_name, (12, 22), 0.5, DIM)
    if guess is None:
        text(img, prompt, (12, 80), 0.7, FG)
    else:
        guess(img)
    if model_input is not None:
        thumbnail(img, model_input, height - 90, 12)
    return img


def digit_panel(height, width, labels, probabilities, model_input, model_name) -> np.ndarray:
    """Big top guess, ten probability bars, the 28×28 input the model saw."""

    def guess(img):
        best = int(np.argmax(probabilities))
        text(img, labels[best], (12, 92), 2.6, ACCENT, 5)
        text(img, f"{float(probabilities[best]):.0%}", (96, 92), 0.8, FG)
        bars(img, labels, probabilities, 106, 12, width - 24, 19)

    return guess_panel(height, width, model_name, model_input, "draw a digit", None if probabilities is None else guess)


def sketch_panel(height, width, labels, probabilities, model_input, model_name) -> np.ndarray:
    """'It looks like X' and the next three guesses."""

    def guess(img):
        order = np.argsort(probabilities)[::-1]
        text(img, "It looks like", (12, 62), 0.6, FG)
        text(img, labels[order[0]], (12, 100), fit_scale(labels[order[0]], width - 24, 1.0, 2), ACCENT, 2)
        text(img, f"{float(probabilities[order[0]]):.0%}", (12, 128), 0.6, FG)
        text(img, "or maybe", (12, 168), 0.5, DIM)
        bars(img, [labels[i] for i in order[1:4]], probabilities[order[1:4]], 178, 12, width - 24)

    if probabilities is not None:
        return guess_panel(height, width, model_name, model_input, "draw something", guess)
    img = guess_panel(height, width, model_name, model_input, "draw something")
    text(img, f"It knows these {len(labels)}:", (12, 116), 0.5, DIM)
    for i, line in enumerate(wrap(labels, width - 24, 0.45)):
        text(img, line, (12, 140 + 19 * i), 0.45, FG)
    return img


def wrap(words: list[str], max_width: int, scale: float) -> list[str]:
    """Comma-separated words in lines of at most `max_width` pixels."""
    lines = [""]
    for word in words:
        candidate = f"{lines[-1]}, {word}" if lines[-1] else word
        if lines[-1] and text_width(candidate + ",", scale) > max_width:
            lines[-1] += ","
            lines.append(word)
        else:
            lines[-1] = candidate
    return lines
