"""The `mlplay dream digits` window as a pure state machine: keys, clicks and the clock in, pictures out.

A 10 × 10 grid of generated digits, one row a digit (or every cell one digit); clicking a cell starts a walk through
the latent space from that cell's vector, with its digit held, shown large beside the grid. The cv2 shell
(mlplay/shell/window.py) only forwards events and shows what `process` returns, so tests drive this headless with a
fake generator.
"""

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np

from mlplay.dream import latent
from mlplay.fileio import atomic_path
from mlplay.shell.window import ACCENT, BG, DIM, FG, help_overlay, text

HELP = ["space  new samples", "0-9  fill the grid with one digit", "a  one row a digit again",
        "click a cell  walk through the latent space from it", "s  save the grid as PNG", "h  this help",
        "q / Esc  quit"]
SIDE = 10  # cells a row and a column
CELL, GAP, MARGIN, HEADER = 64, 2, 24, 34  # pixels
VIEW = 280  # the walk's picture, 10× its 28 pixels
PANEL = VIEW + 2 * 16


def upscale(picture: np.ndarray, size: int) -> np.ndarray:
    return cv2.resize(picture, (size, size), interpolation=cv2.INTER_LINEAR)


class DreamApp:
    """`draw(z, digits) -> pictures (N, 28, 28) uint8` is the generator; `latent_size` its latent length."""

    def __init__(self, draw: Callable[[np.ndarray, np.ndarray], np.ndarray], latent_size: int, save_dir: Path,
                 seed: int | None = None, digit: int | None = None, walk_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic, title: str = "digits-gen"):
        self.draw, self.latent_size, self.save_dir, self.clock = draw, latent_size, Path(save_dir), clock
        self.rng = np.random.default_rng(seed)
        self.walk_seconds, self.title = walk_seconds, title
        self.digit = digit  # None: one row a digit
        self.walk = self.walk_cell = None
        self.walk_picture = None
        self.show_help, self.status, self.status_until = False, "", 0.0
        self.samples = self.saved = self.walks = 0
        self.running = True
        self.new_grid()

    # state -----------------------------------------------------------------------------------------------
    def new_grid(self) -> None:
        self.z = latent.vectors(self.rng, SIDE * SIDE, self.latent_size)
        self.digits = latent.grid_digits(self.digit, SIDE, SIDE)
        self.pictures = self.draw(self.z, self.digits)
        self.samples += len(self.pictures)
        self.grid = self.render_grid()

    def cell_at(self, x: int, y: int) -> int | None:
        column, dx = divmod(x - MARGIN, CELL + GAP)
        row, dy = divmod(y - HEADER, CELL + GAP)
        if 0 <= column < SIDE and 0 <= row < SIDE and dx < CELL and dy < CELL:
            return int(row * SIDE + column)
        return None

    # events ----------------------------------------------------------------------------------------------
    def mouse(self, event: str, x: int, y: int) -> None:
        if event != "down":
            return
        cell = self.cell_at(x, y)
        if cell is not None:
            self.walk_cell = cell
            self.walk = latent.Walk(self.z[cell], self.rng, self.walk_seconds)
            self.walks += 1
            self.say(f"walking from the {self.digits[cell]} in row {cell // SIDE + 1}, column {cell % SIDE + 1}")

    def key(self, key: str, t: float | None = None) -> None:
        if key == "space":
            self.stop_walk()
            self.new_grid()
        elif key in "0123456789" and len(key) == 1:
            self.stop_walk()
            self.digit = int(key)
            self.new_grid()
            self.say(f"only {key}s: a for every digit")
        elif key == "a":
            self.stop_walk()
            self.digit = None
            self.new_grid()
        elif key == "s":
            self.save()
        elif key == "h":
            self.show_help = not self.show_help

    def stop_walk(self) -> None:
        self.walk = self.walk_cell = self.walk_picture = None

    def process(self, frame, t: float) -> np.ndarray:
        if self.walk is not None:
            z = self.walk.at(t)
            self.walk_picture = self.draw(z[None], self.digits[self.walk_cell:self.walk_cell + 1])[0]
        return self.render()

    def save(self) -> Path:
        path = self.save_dir / f"grid-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.png"
        with atomic_path(path, suffix=".png") as tmp:
            cv2.imwrite(str(tmp), self.grid)
        self.saved += 1
        self.say(f"saved {path}")
        return path

    def summary(self) -> str:
        return f"{self.samples} digits drawn, {self.walks} walks, {self.saved} grids saved"

    # view ------------------------------------------------------------------------------------------------
    def say(self, message: str, seconds: float = 3.0) -> None:
        self.status, self.status_until = message, self.clock() + seconds

    def render_grid(self) -> np.ndarray:
        """The grid alone, as `s` saves it: black cells on a grey background, the row's digit on the left."""
        size = SIDE * (CELL + GAP) - GAP
        img = np.full((size + 2 * GAP, size + MARGIN + GAP, 3), BG, np.uint8)
        for cell, picture in enumerate(self.pictures):
            row, column = divmod(cell, SIDE)
            y, x = GAP + row * (CELL + GAP), MARGIN + column * (CELL + GAP)
            img[y:y + CELL, x:x + CELL] = upscale(picture, CELL)[..., None]
            if column == 0:
                text(img, str(self.digits[cell]), (6, y + CELL // 2 + 6), 0.55, DIM)
        return img

    def render(self) -> np.ndarray:
        grid_h, grid_w = self.grid.shape[:2]
        img = np.full((HEADER + grid_h, grid_w + PANEL, 3), BG, np.uint8)
        img[HEADER:HEADER + grid_h, :grid_w] = self.grid
        idle = "h help   space new   0-9 one digit   click a cell to walk   q quit"
        text(img, self.status if self.clock() < self.status_until else idle, (MARGIN, 22), 0.5, FG)
        left = grid_w + 16
        text(img, self.title, (left, HEADER + 18), 0.5, DIM)
        if self.walk_picture is not None:
            row, column = divmod(self.walk_cell, SIDE)
            x, y = MARGIN + column * (CELL + GAP), HEADER + GAP + row * (CELL + GAP)
            cv2.rectangle(img, (x - 2, y - 2), (x + CELL + 1, y + CELL + 1), ACCENT, 2)
            top = HEADER + 36
            img[top:top + VIEW, left:left + VIEW] = upscale(self.walk_picture, VIEW)[..., None]
            text(img, f"a walk through the {self.digits[self.walk_cell]}s", (left, top + VIEW + 26), 0.55, FG)
            text(img, "the digit is held, z moves", (left, top + VIEW + 48), 0.45, DIM)
        else:
            text(img, "click a cell:", (left, HEADER + 70), 0.6, FG)
            text(img, "its digit changes smoothly", (left, HEADER + 96), 0.5, DIM)
            text(img, "as z walks through the", (left, HEADER + 118), 0.5, DIM)
            text(img, "latent space", (left, HEADER + 140), 0.5, DIM)
        if self.show_help:
            help_overlay(img, HELP)
        return img


def run(models_root: Path | None = None, seed: int | None = None, digit: int | None = None,
        model: str = "digits-gen") -> None:
    """`mlplay dream digits`: the window on the generator (the shipped one by default)."""
    from mlplay.dream.dreamer import Dreamer
    from mlplay.paths import runs_dir
    from mlplay.shell import window

    window.require_display()  # before anything slow: no display, one line
    dreamer = Dreamer(model, models_root)
    app = DreamApp(dreamer.draw, dreamer.latent, runs_dir() / "dream", seed=seed, digit=digit, title=model)
    window.run(app, "mlplay - dream digits")
