"""The rock-paper-scissors windows' picture, pure drawing on numpy arrays (no cv2 window calls).

Laid out like the drawing windows: the camera frame scaled to a readable size (at least 640×480, at most about
1280×720), and beside it a panel with the score, the countdown, the computer's move, the probability bars and
the keys. Text is drawn after scaling, at fixed sizes, on the panel's plain background: crisp whatever the
source's size, with no outline needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from mlplay.shell.window import ACCENT, BG, DIM, FG, bars, blank, fit_scale, text, text_width

MIN_VIDEO, MAX_VIDEO, LIMIT = (640, 480), (1280, 720), (1920, 1080)
PANEL_WIDTH, PANEL_MIN_HEIGHT = 300, 480
INNER = PANEL_WIDTH - 28  # the panel's width inside its margins
GREEN, YELLOW, RED = (80, 200, 80), (0, 215, 255), (60, 60, 230)
VERDICT = {"human": "you win!", "computer": "computer wins", "draw": "draw", "none": "no hand: not scored"}
VERDICT_COLOUR = {"human": GREEN, "computer": RED, "draw": YELLOW, "none": DIM}


def video_scale(width: int, height: int) -> float:
    """How much to scale a width×height frame: small ones up to cover 640×480, large ones down to fit 1280×720,
    never past 1920×1080 (a frame of an odd shape may stay smaller than 640×480 then)."""
    grow = max(MIN_VIDEO[0] / width, MIN_VIDEO[1] / height)
    fit = min(1.0, MAX_VIDEO[0] / width, MAX_VIDEO[1] / height)
    return min(max(grow, fit), LIMIT[0] / width, LIMIT[1] / height)


@dataclass
class Layout:
    """Where the video sits in the window: `scale` from frame to window pixels, the video's size, the window's."""

    scale: float
    video: tuple[int, int]  # (width, height) of the scaled video
    size: tuple[int, int]  # (width, height) of the whole window picture

    @classmethod
    def for_frame(cls, frame: np.ndarray) -> Layout:
        h, w = frame.shape[:2]
        s = video_scale(w, h)
        video = (max(1, round(w * s)), max(1, round(h * s)))
        return cls(s, video, (video[0] + PANEL_WIDTH, max(video[1], PANEL_MIN_HEIGHT)))

    def point(self, x: float, y: float) -> tuple[int, int]:
        """A frame pixel's position in the window."""
        return int(round(x * self.scale)), int(round(y * self.scale))


def compose(frame: np.ndarray, panel: np.ndarray | Callable[[int], np.ndarray],
            overlay: Callable[[np.ndarray, Layout], None] | None = None) -> tuple[np.ndarray, Layout]:
    """The window picture: the scaled frame (with `overlay(video, layout)` drawn on it) and the panel at its right.

    `panel` is a picture PANEL_WIDTH wide, or a function of the window's height that draws one.
    """
    layout = Layout.for_frame(frame)
    (width, height), (vw, vh) = layout.size, layout.video
    img = np.empty((height, width, 3), np.uint8)
    video = img[:vh, :vw]
    cv2.resize(frame, layout.video, dst=video, interpolation=cv2.INTER_LINEAR)  # a display: linear is enough
    img[vh:, :vw] = BG
    if overlay:
        overlay(video, layout)
    side = panel(height) if callable(panel) else panel
    img[:, vw:] = side[:height, :PANEL_WIDTH]
    return img, layout


def box_overlay(box: tuple[int, int, int, int], colour: tuple[int, int, int]):
    """An overlay drawing the guide box (frame coordinates) with a 2-px line at window scale."""

    def draw(video: np.ndarray, layout: Layout) -> None:
        x0, y0, x1, y1 = box
        cv2.rectangle(video, layout.point(x0, y0), layout.point(x1, y1), colour, 2)

    return draw


def hand_overlay(box: tuple[int, int, int, int], colour, hand=None, probabilities=None, ask: bool = False):
    """The guide box, and the hand's skeleton with the live gesture and its confidence (hand: a hands.Hand);
    `ask`: "show your hand" across the video when there is none."""
    from mlplay.rps.hands import draw_skeleton

    draw_box = box_overlay(box, colour)

    def draw(video: np.ndarray, layout: Layout) -> None:
        draw_box(video, layout)
        if hand is not None:
            points = hand.landmarks.copy()
            points[:, :2] *= layout.scale
            draw_skeleton(video, points)
            if probabilities:
                move = max(probabilities, key=probabilities.get)
                x, y = points[:, :2].min(axis=0)
                text(video, f"{move} {probabilities[move]:.0%}", (max(4, int(x)), max(22, int(y) - 10)), 0.7, YELLOW, 2)
        elif ask:
            label = "show your hand"
            width = text_width(label, 1.0, 2)
            text(video, label, ((video.shape[1] - width) // 2, video.shape[0] // 2), 1.0, YELLOW, 2)

    return draw


def lines_block(img: np.ndarray, lines: list[str], bottom: int, left: int = 14, step: int = 20) -> None:
    """Dim lines of small text ending at `bottom` (key help)."""
    for i, line in enumerate(lines):
        text(img, line, (left, bottom - step * (len(lines) - 1 - i)), 0.45, DIM)


def game_panel(height: int, *, model: str, score, phase: str, countdown: int | None, last, auto: bool,
               help_lines: list[str] | None = None) -> np.ndarray:
    """The game's side panel but its live part (live_readout); `score` and `last` are mlplay.rps.game's Score and
    Round (last: None before a round)."""
    img = blank(height, PANEL_WIDTH)
    text(img, "rock paper scissors", (14, 28), 0.6, FG)
    text(img, model, (14, 50), fit_scale(model, INNER, 0.45), DIM)
    score_line = f"you {score.human} : {score.computer} computer"
    text(img, score_line, (14, 88), fit_scale(score_line, INNER, 0.7, 2), FG, 2)
    text(img, f"{score.draws} draw{'s' if score.draws != 1 else ''}", (14, 110), 0.45, DIM)
    if countdown:
        text(img, str(countdown), (14, 196), 3.0, YELLOW, 6)
        text(img, "the computer has chosen", (86, 160), 0.45, DIM)
        text(img, "show your hand in the box", (86, 182), 0.45, DIM)
    elif phase == "result" and last is not None:
        text(img, f"you: {last.human}", (14, 146), 0.6, FG)
        text(img, f"computer: {last.computer}", (14, 172), 0.6, FG)
        verdict = VERDICT[last.winner]
        text(img, verdict, (14, 208), fit_scale(verdict, INNER, 1.0, 2), VERDICT_COLOUR[last.winner], 2)
    else:
        text(img, "next round coming" if auto else "space: play a round", (14, 170), 0.65, ACCENT)
    if help_lines:
        lines_block(img, help_lines, height - 14)
    else:
        text(img, "h: keys", (14, height - 14), 0.45, DIM)
    return img


def live_readout(panel: np.ndarray, probabilities: dict[str, float], status: str = "your hand now") -> None:
    """What the model reads in this frame, on the game panel: a status line and one bar a label."""
    text(panel, status, (14, 248), fit_scale(status, INNER, 0.5), FG)
    labels = list(probabilities)
    bars(panel, labels, np.array([probabilities[k] for k in labels], float), 258, 14, INNER)


class Memo:
    """The last picture `draw(**what)` made, drawn again only when `what` changes (panels change a few times a
    round, frames come 30 times a second). Values are compared by repr: a mutated score counts as a change."""

    def __init__(self, draw: Callable[..., np.ndarray]):
        self.draw, self.key, self.img = draw, None, None

    def __call__(self, **what) -> np.ndarray:
        key = repr(sorted(what.items()))
        if key != self.key:
            self.key, self.img = key, self.draw(**what)
        return self.img


def record_panel(height: int, *, label: str, saved: int, count: int, status: str, colour) -> np.ndarray:
    """The recording window's side panel: the gesture asked for, the count saved, what is happening."""
    img = blank(height, PANEL_WIDTH)
    text(img, "recording", (14, 28), 0.6, FG)
    text(img, label.upper(), (14, 84), fit_scale(label.upper(), INNER, 1.4, 3), colour, 3)
    text(img, f"{saved} / {count} saved", (14, 124), 0.7, FG, 2)
    for i, line in enumerate(wrap(status, INNER, 0.5)):
        text(img, line, (14, 164 + 22 * i), 0.5, FG)
    lines_block(img, ["space: pause / resume", "q / Esc: stop"], height - 14)
    return img


def wrap(s: str, width: int, scale: float) -> list[str]:
    """Words of `s` in lines at most `width` pixels wide at `scale` (a single too-long word keeps its own line)."""
    lines: list[str] = []
    for word in s.split():
        if lines and text_width(f"{lines[-1]} {word}", scale) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
