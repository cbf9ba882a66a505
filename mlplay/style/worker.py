"""Stylising beside the display loop: a thread that paints the newest frame it was given, so the window never waits
for the network (a 384×384 transfer takes tens to hundreds of milliseconds; a frame is due every 33).

`submit(frame, job)` leaves a frame (replacing one not yet started: only the newest matters); `latest()` is the
newest painted result. The camera app uses it through those two calls only, so tests can hand it `Inline` instead.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Painted:
    image: np.ndarray  # the painted frame
    source: np.ndarray  # the frame it was painted from
    job: object  # what it was painted with (the app's settings)
    number: int  # 1 for the first painted frame, then 2, …
    seconds: float  # how long the painting took


class Rate:
    """Events per second over the last few seconds."""

    def __init__(self, window: float = 3.0):
        self.window, self.times = window, deque()

    def add(self, t: float) -> None:
        self.times.append(t)
        while self.times and t - self.times[0] > self.window:
            self.times.popleft()

    def per_second(self, now: float) -> float:
        recent = [t for t in self.times if now - t <= self.window]
        if len(recent) < 2:
            return 0.0
        return (len(recent) - 1) / max(recent[-1] - recent[0], 1e-6)


class Worker:
    """paint(frame, job) → image, run on its own thread; errors are raised again in the caller's thread."""

    def __init__(self, paint: Callable[[np.ndarray, object], np.ndarray], clock=time.perf_counter):
        self.paint, self.clock = paint, clock
        self.cond = threading.Condition()
        self.pending, self.result, self.error, self.stopped = None, None, None, False
        self.count, self.busy_seconds, self.rate = 0, 0.0, Rate()
        self.thread = threading.Thread(target=self._loop, name="stylise", daemon=True)
        self.thread.start()

    def submit(self, frame: np.ndarray, job: object) -> None:
        with self.cond:
            self._raise()
            self.pending = (frame, job)
            self.cond.notify()

    def latest(self) -> Painted | None:
        with self.cond:
            self._raise()
            return self.result

    def busy(self) -> bool:
        with self.cond:
            return self.pending is not None

    def per_second(self) -> float:
        with self.cond:
            return self.rate.per_second(self.clock())

    def close(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify()
        self.thread.join(timeout=10)

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _loop(self) -> None:
        while True:
            with self.cond:
                while self.pending is None and not self.stopped:
                    self.cond.wait()
                if self.stopped:
                    return
                (frame, job), self.pending = self.pending, None
            began = self.clock()
            try:
                image = self.paint(frame, job)
            except BaseException as e:  # noqa: BLE001 - handed to the display loop, which reports it
                with self.cond:
                    self.error = e
                continue
            done = self.clock()
            with self.cond:
                self.count += 1
                self.busy_seconds += done - began
                self.rate.add(done)
                self.result = Painted(image, frame, job, self.count, done - began)


class Inline:
    """The same calls as Worker, painting at once in the caller's thread (tests, and the naive loop in the bench)."""

    def __init__(self, paint: Callable[[np.ndarray, object], np.ndarray], clock=time.perf_counter):
        self.paint, self.clock = paint, clock
        self.result, self.count, self.busy_seconds, self.rate = None, 0, 0.0, Rate()

    def submit(self, frame: np.ndarray, job: object) -> None:
        began = self.clock()
        image = self.paint(frame, job)
        done = self.clock()
        self.count += 1
        self.busy_seconds += done - began
        self.rate.add(done)
        self.result = Painted(image, frame, job, self.count, done - began)

    def latest(self) -> Painted | None:
        return self.result

    def busy(self) -> bool:
        return False

    def per_second(self) -> float:
        return self.rate.per_second(self.clock())

    def close(self) -> None:
        pass
