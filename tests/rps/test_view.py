"""The RPS window picture on fake frames: any source size is scaled to a readable video with the panel beside it,
text only on the panel and the same there whatever the source's size."""

import io

import cv2
import numpy as np
import pytest

from mlplay.rps import game as rps, view as rps_view
from mlplay.rps.app import RecordApp, RpsApp
from mlplay.shell import camera
from mlplay.shell.window import NoWindow


class Fixed:
    name = "stand-in"

    def __call__(self, crop):
        return {"rock": 0.2, "paper": 0.7, "scissors": 0.1}


@pytest.mark.parametrize("size, video", [((160, 120), (640, 480)), ((320, 240), (640, 480)), ((640, 480), (640, 480)),
                                         ((1280, 720), (1280, 720)), ((1920, 1080), (1280, 720)),
                                         ((3840, 2160), (1280, 720)), ((100, 400), (270, 1080))])
def test_video_is_scaled_to_at_least_640x480_and_at_most_1280x720(size, video):
    """(An odd shape, 100×400, grows only as far as 1080 high allows.)"""
    w, h = size
    layout = rps_view.Layout.for_frame(np.zeros((h, w, 3), np.uint8))
    assert layout.video == video
    assert layout.size == (video[0] + rps_view.PANEL_WIDTH, max(video[1], rps_view.PANEL_MIN_HEIGHT))


def frames_of(w, h, n):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (h, w, 3), np.uint8)
    return [base.copy() for _ in range(n)]


@pytest.mark.parametrize("w, h", [(160, 120), (1920, 1080), (1, 1), (4000, 30)])
def test_tiny_and_huge_frames_play_every_phase(w, h):
    records = []
    app = RpsApp(rps.Game(rps.RandomOpponent(1), auto=True, max_rounds=2), Fixed(), records.append)
    shown = []
    display = type("Keep", (NoWindow,), {"show": lambda self, f: shown.append(f)})()
    camera.run_camera(app, camera.FrameListSource(frames_of(w, h, 70), fps=10), show=False, display=display,
                      log=io.StringIO())
    assert [r["human"] for r in records] == ["paper", "paper"]
    layout = rps_view.Layout.for_frame(np.zeros((h, w, 3), np.uint8))
    assert {f.shape for f in shown} == {(layout.size[1], layout.size[0], 3)}


def video_part(img, layout):
    return img[: layout.video[1], : layout.video[0]]


def test_text_goes_on_the_panel_only_and_the_panel_is_the_same_at_any_source_size():
    panels, idle_frames = {}, {}
    for w, h in [(160, 120), (640, 480), (1920, 1080)]:
        frame = frames_of(w, h, 1)[0]
        game = rps.Game(rps.RandomOpponent(0))
        app = RpsApp(game, Fixed())
        idle = app.process(frame, 0.0)
        app.key("space", 0.0)
        app.process(frame, 0.1)
        result = app.process(frame, 2.2)  # shoot: a round is scored and shown
        assert game.phase == "result"
        layout = rps_view.Layout.for_frame(frame)
        # the video is the scaled frame, untouched except for the guide box's outline: no text over the picture
        plain = cv2.resize(frame, layout.video, interpolation=cv2.INTER_LINEAR)
        x0, y0 = layout.point(*rps.guide_box(w, h)[:2])
        x1, y1 = layout.point(*rps.guide_box(w, h)[2:])
        changed = np.argwhere((video_part(result, layout) != plain).any(axis=2))
        on_box = ((np.abs(changed[:, 0] - y0) <= 2) | (np.abs(changed[:, 0] - y1) <= 2)
                  | (np.abs(changed[:, 1] - x0) <= 2) | (np.abs(changed[:, 1] - x1) <= 2))
        assert len(changed) and on_box.all()
        panels[w] = result[:, layout.video[0]:]
        idle_frames[w] = idle[:, layout.video[0]:]
    assert np.array_equal(panels[160], panels[640])  # fixed-size text, whatever the source
    assert np.array_equal(panels[640][:360], panels[1920][:360])  # a taller window only moves the key help down
    assert not np.array_equal(idle_frames[640], panels[640])


@pytest.mark.parametrize("w, h", [(160, 120), (1920, 1080)])
def test_the_recording_window_at_tiny_and_huge_sizes(w, h, tmp_path):
    app = RecordApp("rock", count=2, out=tmp_path, every=0.0, delay=0.0, log=lambda m: None)
    img = app.process(frames_of(w, h, 1)[0], 0.0)
    layout = rps_view.Layout.for_frame(np.zeros((h, w, 3), np.uint8))
    assert img.shape == (layout.size[1], layout.size[0], 3) and len(app.saved) == 1


def test_wrap_keeps_lines_within_the_width():
    lines = rps_view.wrap("get ready: scissors in 1.5 s and then hold it still in the box", 200, 0.5)
    assert len(lines) > 1 and all(rps_view.text_width(line, 0.5) <= 200 for line in lines)


def test_the_panel_is_drawn_again_only_when_what_it_shows_changes():
    calls = []
    memo = rps_view.Memo(lambda **what: calls.append(what) or np.zeros((1, 1, 3), np.uint8))
    score = rps.Score()
    memo(score=score, phase="idle")
    memo(score=score, phase="idle")
    assert len(calls) == 1
    score.add("human")  # the same object, changed: drawn again
    memo(score=score, phase="idle")
    memo(score=score, phase="result")
    assert len(calls) == 3
