"""The camera shell shared by every live-video experiment: frame sources, recording, and `run_camera`, which
feeds a source's frames to an app through the one window loop (shell/window.py: the app protocol, the quit
policy).

Sources: `open_source("0")` (camera index), a video file, a folder of images, an image pattern
(`img_%03d.png` or a glob such as `shots/*.jpg`), or a single image. Stream time is the wall clock for a camera
and frame index / FPS for files, so an app timed by `t` behaves the same however fast the frames are processed.
"""

from __future__ import annotations

import glob
import re
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.imageio import IMAGE_SUFFIXES, images_in, read_bgr
from mlplay.shell import window

SOURCE_HINT = "give --source 0 (camera), a video file, a folder of images or a pattern like img_%03d.png"
FILE_FPS = 30.0  # stream time for image folders and patterns, and videos that do not say their rate


# Sources ----------------------------------------------------------------------------------------
class Source:
    """Frames with their stream time; read() returns (frame, t) or None at the end of the stream."""

    kind = "source"
    live = False  # a camera: wall-clock time, mirrored preview by default, no pacing

    def __init__(self, name: str, size: tuple[int, int], fps: float | None, frames: int | None = None):
        self.name, self.size, self.fps, self.frames = name, size, fps, frames

    def read(self) -> tuple[np.ndarray, float] | None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> str:
        w, h = self.size
        rate = f"{self.fps:.3g} FPS" if self.fps else "FPS unknown"
        count = f", {self.frames} frames" if self.frames else ""
        return f"{self.kind} {self.name}: {w}×{h}, {rate}{count}"


class CaptureSource(Source):
    """A camera or a video file through cv2.VideoCapture."""

    def __init__(self, capture: cv2.VideoCapture, name: str, live: bool):
        self.capture, self.live = capture, live
        self.kind = "camera" if live else "video"
        self.index, self.start = 0, None
        self.first = None
        ok, frame = capture.read()  # some backends open anything and only fail on the first read
        if not ok or frame is None:
            capture.release()
            raise MlplayError(f"cannot read frames from {self.kind} {name}", SOURCE_HINT)
        self.first = frame
        fps = capture.get(cv2.CAP_PROP_FPS)
        fps = fps if 0 < fps < 1000 else None
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if not live else 0
        super().__init__(name, (frame.shape[1], frame.shape[0]), fps, count if count > 0 else None)

    def read(self):
        if self.first is not None:
            frame, self.first = self.first, None
        else:
            ok, frame = self.capture.read()
            if not ok or frame is None:
                return None
        frame = _bgr(frame)
        if self.live:
            now = time.monotonic()
            self.start = now if self.start is None else self.start
            t = now - self.start
        else:
            t = self.index / (self.fps or FILE_FPS)
        self.index += 1
        return frame, t

    def close(self):
        self.capture.release()


class ImagesSource(Source):
    """A list of image files played as a stream at `fps`. A file that cannot be read is skipped with a warning,
    wherever it is (the first one too), and counted: the command ends with exit 1 when any was (`--strict`: at
    once), as `mlplay predict` does."""

    kind = "images"

    def __init__(self, files: list[Path], name: str, fps: float = FILE_FPS, strict: bool = False):
        if not files:
            raise MlplayError(f"no images in {name}", SOURCE_HINT)
        self.files, self.index, self.emitted, self.skipped, self.strict = files, 0, 0, 0, strict
        self.first = self._next()
        if self.first is None:
            raise MlplayError(f"none of the {len(files)} images in {name} can be read", SOURCE_HINT)
        super().__init__(name, (self.first.shape[1], self.first.shape[0]), fps, len(files))

    def _next(self) -> np.ndarray | None:
        while self.index < len(self.files):
            path = self.files[self.index]
            self.index += 1
            try:
                return read_bgr(path)
            except MlplayError as e:
                if self.strict:
                    raise
                print(f"Warning: skipped {e}", file=sys.stderr)
                self.skipped += 1
        return None

    def read(self):
        frame, self.first = (self.first, None) if self.first is not None else (self._next(), None)
        if frame is None:
            return None
        t = self.emitted / self.fps
        self.emitted += 1
        return frame, t


class FrameListSource(Source):
    """Frames already in memory (tests, demos)."""

    kind = "frames"

    def __init__(self, frames: list[np.ndarray], fps: float = FILE_FPS, name: str = "in memory"):
        if not frames:
            raise MlplayError("no frames")
        self.list, self.index = frames, 0
        super().__init__(name, (frames[0].shape[1], frames[0].shape[0]), fps, len(frames))

    def read(self):
        if self.index >= len(self.list):
            return None
        self.index += 1
        return _bgr(self.list[self.index - 1]), (self.index - 1) / self.fps


def open_source(spec: str | int, fps: float | None = None) -> Source:
    """Open `--source`: digits = camera index; else a folder, image pattern, image file or video file."""
    spec = str(spec).strip()
    if not spec:
        raise MlplayError("empty --source", SOURCE_HINT)
    if spec.isdigit():
        return _open_camera(int(spec))
    path = Path(spec).expanduser()
    if path.is_dir():
        return ImagesSource(images_in(path), f"{path}/", fps or FILE_FPS)
    if not path.exists() and ("%" in spec or any(c in spec for c in "*?[")):
        return ImagesSource(_pattern_files(spec), spec, fps or FILE_FPS)
    if not path.exists():
        raise MlplayError(f"no such file or folder: {spec}", SOURCE_HINT)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImagesSource([path], str(path), fps or FILE_FPS)
    with _quiet_opencv():
        capture = cv2.VideoCapture(str(path))
        if not capture.isOpened():
            raise MlplayError(f"cannot open {path} as a video (damaged, or not a video)",
                              "use a video file OpenCV can read, e.g. .mp4 or .avi")
        source = CaptureSource(capture, str(path), live=False)
    if fps:
        source.fps = fps
    return source


def _open_camera(index: int) -> CaptureSource:
    with _quiet_opencv():
        capture = cv2.VideoCapture(index)
        if not capture.isOpened():
            capture.release()
            raise MlplayError(f"cannot open camera {index}",
                              "is a camera connected and free? try another index, or --source video.mp4")
        return CaptureSource(capture, str(index), live=True)


def _pattern_files(pattern: str) -> list[Path]:
    """`img_%03d.png` (printf style, numeric order) or a glob; sorted."""
    if "%" in pattern:
        folder, name = Path(pattern).parent, Path(pattern).name
        regex = re.compile(re.sub(r"%0?\d*d", r"(\\d+)", re.escape(name)))
        found = []
        for p in (folder.iterdir() if folder.is_dir() else []):
            m = regex.fullmatch(p.name)
            if m:
                found.append((int(m.group(1)), p))
        files = [p for _, p in sorted(found)]
    else:
        files = [Path(p) for p in sorted(glob.glob(pattern))]
    files = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    if not files:
        raise MlplayError(f"no images match {pattern}", SOURCE_HINT)
    return files


class _quiet_opencv:
    """Silence OpenCV's own warnings and FFmpeg's (e.g. "moov atom not found") while probing a source: our one-line
    error says it better."""

    def __enter__(self):
        from mlplay.console import quiet_stderr

        self.level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        self.quiet = quiet_stderr()
        self.quiet.__enter__()

    def __exit__(self, *exc):
        self.quiet.__exit__(*exc)
        cv2.utils.logging.setLogLevel(self.level)


def _bgr(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


# Recording --------------------------------------------------------------------------------------
class Recorder:
    """Write annotated frames to <folder>/<stem>.mp4 on the stream's clock; the file appears under its real name
    only when the run ended normally (a crash leaves no half-written video behind).

    Frames are placed by stream time: a camera delivering fewer frames than its nominal rate (the app is slow)
    has each frame repeated, so the video plays at the speed it was filmed; files give one frame per frame.
    """

    def __init__(self, folder: Path, fps: float, stem: str = "annotated"):
        self.path = Path(folder) / f"{stem}.mp4"
        self.partial = Path(folder) / f".{stem}.partial.mp4"
        self.fps, self.writer, self.frames = fps, None, 0

    def write(self, frame: np.ndarray, t: float) -> None:
        if self.writer is None:
            h, w = frame.shape[:2]
            writer = cv2.VideoWriter(str(self.partial), cv2.VideoWriter_fourcc(*"mp4v"), self.fps, (w, h))
            if not writer.isOpened():
                raise MlplayError(f"cannot write a video to {self.partial.parent}")
            self.writer, self.size = writer, (w, h)
        if (frame.shape[1], frame.shape[0]) != self.size:
            frame = cv2.resize(frame, self.size)
        due = max(self.frames + 1, int(t * self.fps + 0.5) + 1)  # frames the video should hold up to time t
        while self.frames < due:
            self.writer.write(frame)
            self.frames += 1

    def close(self, keep: bool = True) -> Path | None:
        """Finish the video and give it its real name (keep) or throw the partial file away."""
        if self.writer is None:
            return None
        self.writer.release()
        self.writer = None
        if not keep:
            self.partial.unlink(missing_ok=True)
            return None
        self.partial.replace(self.path)
        return self.path


# The camera loop --------------------------------------------------------------------------------
def draw_fps(frame: np.ndarray, fps: float) -> None:
    text = f"{fps:.0f} fps"
    (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
    x, y = frame.shape[1] - w - 8, h + 8
    cv2.rectangle(frame, (x - 4, y - h - 4), (x + w + 4, y + 5), (0, 0, 0), -1)
    cv2.putText(frame, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)


class _Feed:
    """The source's frames for the loop (mirrored if asked), at most `max_frames` of them."""

    def __init__(self, source: Source, mirror: bool, max_frames: int | None):
        self.source, self.mirror, self.max_frames, self.count, self.reason = source, mirror, max_frames, 0, ""

    def __call__(self):
        if self.max_frames is not None and self.count >= self.max_frames:
            self.reason = f"stopped after {self.max_frames} frames"
            return None
        item = self.source.read()
        self.count += 1
        if item is not None and self.mirror:
            item = (cv2.flip(item[0], 1), item[1])
        return item


def run_camera(app, source: Source | str | int, show: bool = True, save: bool = False, *,
               command: str = "camera", name: str = "exp", title: str = "mlplay - camera",
               mirror: bool | None = None, max_frames: int | None = None, display=None, log=None,
               save_to: Path | None = None) -> window.Stats:
    """Feed the source's frames to the app until the stream ends, the app stops, or the quit policy ends the loop.

    mirror: flip frames left-right before the app sees them (default: for cameras, as a mirror feels natural).
    A file shown in a window plays at its own frame rate; without a window, or from a camera, nothing waits.
    save: write the annotated frames to runs/<command>/<name>N/annotated.mp4 (or into the folder `save_to`).
    Messages (source opened, saved file, speed summary) go to `log` (stderr), so stdout stays for --jsonl.
    """
    log = log or sys.stderr
    display = display or window.make_display(show, title)
    if not isinstance(source, Source):
        source = open_source(source)
    feed = _Feed(source, source.live if mirror is None else mirror, max_frames)
    pace = show and not source.live and bool(source.fps)
    print(f"opened {source.describe()}", file=log, flush=True)
    recorder = None
    if save:
        from mlplay.paths import next_run_dir

        recorder = Recorder(save_to or next_run_dir(command, name), source.fps or FILE_FPS)
    rate, last = 0.0, time.perf_counter()

    def after(shown: np.ndarray, t: float) -> np.ndarray:
        nonlocal rate, last
        if recorder:
            recorder.write(shown, t)
        now = time.perf_counter()
        rate = 1.0 / max(now - last, 1e-6) if rate == 0 else 0.9 * rate + 0.1 / max(now - last, 1e-6)
        last = now
        if show:
            shown = shown.copy() if recorder else shown
            draw_fps(shown, rate)
        return shown

    def wait_ms(t: float, started: float) -> int:
        return max(1, int(1000 * (t - (time.perf_counter() - started)))) if pace else 1

    finished = False
    try:
        stats = window.run(app, display, feed, wait_ms=wait_ms, after=after, log=log)
        finished = True
    finally:
        source.close()
        saved = recorder.close(keep=finished) if recorder else None
    stats.saved, stats.reason = saved, feed.reason or stats.reason
    if stats.saved:
        print(f"saved {stats.saved}", file=log)
    print(f"speed: {stats.summary()}", file=log, flush=True)
    if stats.reason == "interrupted":
        raise KeyboardInterrupt  # after the summary: the command exits 130, as Ctrl-C should
    skipped = getattr(source, "skipped", 0)
    if skipped:
        raise MlplayError(f"{skipped} of {len(source.files)} pictures could not be read (skipped)")
    return stats
