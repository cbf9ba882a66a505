"""The camera shell headless: sources (video written with cv2.VideoWriter, folder, pattern, missing camera), the loop,
mirroring, recording, and the no-display refusal."""

import io

import cv2
import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.shell import camera


def numbered_frames(n=12, w=64, h=48):
    """Frame i is grey level 20*i with a white block on the left, so order and mirroring can be checked."""
    frames = []
    for i in range(n):
        f = np.full((h, w, 3), 20 * i, np.uint8)
        f[:, :8] = 255
        frames.append(f)
    return frames


def write_video(path, frames, fps=25.0):
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def read_all(source):
    out = []
    while (item := source.read()) is not None:
        out.append(item)
    source.close()
    return out


class Recorder:
    """A minimal app: remembers what it saw, can stop itself after `stop_after` frames."""

    def __init__(self, stop_after=None):
        self.seen, self.keys, self.stop_after = [], [], stop_after

    @property
    def running(self):
        return self.stop_after is None or len(self.seen) < self.stop_after

    def process(self, frame, t):
        self.seen.append((frame.copy(), t))
        out = frame.copy()
        cv2.circle(out, (32, 24), 5, (0, 0, 255), -1)
        return out

    def key(self, name, t):
        self.keys.append(name)

    def timings(self):
        return {"model": 0.001 * len(self.seen)}


class ScriptedDisplay:
    """Hands keys to the loop as if typed, one per frame from a script."""

    def __init__(self, keys):
        self.keys, self.shown = list(keys), 0

    def show(self, frame):
        self.shown += 1

    def poll(self, wait_ms=1):
        return self.keys.pop(0) if self.keys else None

    def closed(self):
        return False

    def close(self):
        pass


def test_video_source_reads_every_frame_with_stream_time(tmp_path):
    frames = numbered_frames()
    source = camera.open_source(str(write_video(tmp_path / "v.mp4", frames)))
    assert (source.size, source.fps, source.frames) == ((64, 48), 25.0, 12)
    assert "64×48" in source.describe() and "25 FPS" in source.describe()
    got = read_all(source)
    assert len(got) == 12
    assert [round(t, 3) for _, t in got[:3]] == [0.0, 0.04, 0.08]
    levels = [int(f[:, 16:].mean()) for f, _ in got]
    assert all(abs(level - 20 * i) <= 4 for i, level in enumerate(levels)), levels  # in order, lossy codec


def test_folder_and_patterns_in_numeric_order(tmp_path):
    frames = numbered_frames(11)
    for i, f in enumerate(frames):
        cv2.imwrite(str(tmp_path / f"img_{i}.png"), f)
    (tmp_path / "notes.txt").write_text("not an image")
    folder = read_all(camera.open_source(str(tmp_path)))
    assert len(folder) == 11
    pattern = read_all(camera.open_source(str(tmp_path / "img_%d.png")))
    assert [int(f[0, 20, 0]) for f, _ in pattern] == [20 * i for i in range(11)]  # img_10 after img_9
    assert len(read_all(camera.open_source(str(tmp_path / "img_1*.png")))) == 2
    assert len(read_all(camera.open_source(str(tmp_path / "img_3.png")))) == 1


@pytest.mark.parametrize("spec, message", [
    ("99", "cannot open camera 99"),
    ("missing.mp4", "no such file or folder"),
    ("shots_%03d.png", "no images match"),
    ("", "empty --source"),
])
def test_sources_that_cannot_open_say_so(tmp_path, monkeypatch, spec, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MlplayError, match=message):
        camera.open_source(spec)


def test_a_file_that_is_not_a_video_and_an_empty_folder(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"this is not a video" * 10)
    with pytest.raises(MlplayError, match="bad.mp4"):
        camera.open_source(str(bad))
    (tmp_path / "empty").mkdir()
    with pytest.raises(MlplayError, match="no images"):
        camera.open_source(str(tmp_path / "empty"))


def test_loop_runs_to_end_of_stream_and_reports_speed(tmp_path):
    app, log = Recorder(), io.StringIO()
    stats = camera.run_camera(app, camera.open_source(str(write_video(tmp_path / "v.mp4", numbered_frames()))),
                              show=False, log=log)
    assert len(app.seen) == stats.frames == 12 and stats.reason == "end of stream"
    text = log.getvalue()
    assert "opened video" in text and "64×48" in text
    assert "speed: 12 frames" in text and "model 1.00 ms/frame" in text and "(end of stream)" in text


def test_loop_mirrors_keys_quit_and_app_stop():
    frames = numbered_frames(10)
    app = Recorder()
    display = ScriptedDisplay([None, "space", "r", "q", "space"])
    stats = camera.run_camera(app, camera.FrameListSource(frames), display=display, show=False, mirror=True,
                              log=io.StringIO())
    assert stats.reason == "quit" and len(app.seen) == 4 and app.keys == ["space", "r"]
    first = app.seen[0][0]
    assert first[:, -8:].min() == 255 and first[:, :8].max() < 255  # the white block moved to the right
    stopper = Recorder(stop_after=3)
    stats = camera.run_camera(stopper, camera.FrameListSource(frames), show=False, log=io.StringIO())
    assert len(stopper.seen) == 3 and stats.reason == "app finished"


def test_save_records_the_annotated_stream(tmp_path):
    log = io.StringIO()
    stats = camera.run_camera(Recorder(), camera.FrameListSource(numbered_frames(8)), show=False, save=True,
                              command="camtest", name="run", log=log)
    assert stats.saved == tmp_path / "runs" / "camtest" / "run" / "annotated.mp4"
    assert f"saved {stats.saved}" in log.getvalue()
    saved = read_all(camera.open_source(str(stats.saved)))
    assert len(saved) == 8
    assert saved[0][0][24, 32, 2] > 200 and saved[0][0][24, 32, 0] < 80  # the app's red dot is in the recording
    again = camera.run_camera(Recorder(), camera.FrameListSource(numbered_frames(2)), show=False, save=True,
                              command="camtest", name="run", log=io.StringIO())
    assert again.saved.parent.name == "run2"


def test_showing_without_a_display_is_refused_in_one_line(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(MlplayError, match="no display"):
        camera.run_camera(Recorder(), camera.FrameListSource(numbered_frames(2)), show=True, log=io.StringIO())


def test_fps_overlay_draws_in_the_corner():
    frame = np.full((48, 200, 3), 128, np.uint8)
    camera.draw_fps(frame, 61.4)
    assert (frame[:, 150:] != 128).any() and (frame[:, :100] == 128).all()


def test_recorder_keeps_the_filmed_speed_when_frames_arrive_slower_than_the_rate(tmp_path):
    recorder = camera.Recorder(tmp_path, fps=30)
    for t in (0.0, 0.1, 0.2):  # a camera nominally at 30 FPS, but the app only managed 10 frames/s
        recorder.write(np.zeros((48, 64, 3), np.uint8), t)
    saved = recorder.close()
    assert recorder.frames == 7 and len(read_all(camera.open_source(str(saved)))) == 7  # 0.2 s at 30 FPS, inclusive


def test_a_crash_leaves_no_video_and_an_unwritable_folder_is_a_clear_error(tmp_path, monkeypatch):
    class Crash(Recorder):
        def process(self, frame, t):
            if len(self.seen) == 3:
                raise RuntimeError("boom")
            return super().process(frame, t)

    with pytest.raises(RuntimeError):
        camera.run_camera(Crash(), camera.FrameListSource(numbered_frames(8)), show=False, save=True,
                          command="camtest", name="crash", log=io.StringIO())
    folder = tmp_path / "runs" / "camtest" / "crash"
    assert folder.is_dir() and not list(folder.iterdir())  # neither annotated.mp4 nor a partial file

    monkeypatch.setattr(camera.cv2, "VideoWriter", lambda *a: type("Closed", (), {"isOpened": lambda self: False})())
    with pytest.raises(MlplayError, match="cannot write a video"):
        camera.run_camera(Recorder(), camera.FrameListSource(numbered_frames(2)), show=False, save=True,
                          command="camtest", name="nowrite", log=io.StringIO())
