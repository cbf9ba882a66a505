"""End to end: the real `mlplay dream digits` window on Xvfb with the shipped generator, driven by xdotool."""


import cv2
import pytest

from mlplay.dream import app as dream_app

from xwindow import Window, closing_quits

pytestmark = [pytest.mark.window, pytest.mark.slow]
TITLE = "mlplay - dream digits"


def start(mlplay, display, tmp_path, *args):
    app = mlplay.popen("dream", "digits", "--seed", "3", *args, env={**display, "MLPLAY_RUNS": tmp_path / "runs"})
    return app, Window(TITLE, display, min_width=800, app=app)


def cell_centre(cell):
    row, column = divmod(cell, dream_app.SIDE)
    step = dream_app.CELL + dream_app.GAP
    return dream_app.MARGIN + column * step + dream_app.CELL // 2, dream_app.HEADER + row * step + dream_app.CELL // 2


def test_keys_and_a_click_reach_the_window_and_s_saves_the_grid(display, tmp_path, mlplay):
    app, window = start(mlplay, display, tmp_path)
    try:
        window.key("space")
        window.key("7")
        x, y = cell_centre(45)
        window.xdotool("mousemove", "--sync", str(window.x + x), str(window.y + y), "click", "1")
        window.key("s", pause=1.0)
        window.key("q")
        assert app.wait(timeout=30) == 0
    finally:
        app.kill()
    err = app.stderr.read()
    assert "300 digits drawn, 1 walks, 1 grids saved" in err, err
    assert "Traceback" not in err
    saved = list((tmp_path / "runs" / "dream").glob("grid-*.png"))
    assert len(saved) == 1
    grid = cv2.imread(str(saved[0]), cv2.IMREAD_GRAYSCALE)
    size = dream_app.SIDE * (dream_app.CELL + dream_app.GAP) - dream_app.GAP
    assert grid.shape == (size + 2 * dream_app.GAP, size + dream_app.MARGIN + dream_app.GAP)
    cells = [grid[dream_app.GAP + r * 66: dream_app.GAP + r * 66 + 64, 24 + c * 66: 24 + c * 66 + 64]
             for r in range(10) for c in range(10)]
    assert all(cell.max() > 200 for cell in cells)  # every cell holds ink: a digit was drawn in each
    assert len({cell.tobytes() for cell in cells}) == 100  # a hundred different pictures


def test_closing_the_window_quits(display, tmp_path, mlplay):
    closing_quits(display, lambda: start(mlplay, display, tmp_path))


def test_no_display_is_one_line(mlplay):
    result = mlplay("dream", "digits", env={"DISPLAY": None, "WAYLAND_DISPLAY": None}, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: no display found") and len(result.stderr.strip().splitlines()) == 1
