"""Stopping a training run cleanly, whenever the signal comes.

`Guard` holds SIGINT (Ctrl-C) and SIGTERM for the whole run. While fitting, the first one raises `Interrupted`, so the
trainer saves the best model so far; inside a `critical()` section (a checkpoint being written) and while the model
is saved, it is only noted, and acted on when the section ends or the save is done: a checkpoint is never half
written and a model never half saved. A second signal while saving aborts (KeyboardInterrupt), as Ctrl-C twice
should. And output whose reader died with the same Ctrl-C (`mlplay train … | tee log`) no longer matters.
"""

import os
import signal
import sys
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM during a run."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    def exit_status(self) -> int:
        """128 + the signal number, as a shell reports it; output whose reader died is let go first."""
        drop_dead_output()
        return 128 + self.signum


def terminate_like_ctrl_c() -> None:
    """From the start of the process, SIGTERM stops it as Ctrl-C does (an `Interrupted` the command can report and
    exit 143 on), instead of killing it without a word."""
    def stop(signum, frame):
        raise Interrupted(signum)

    signal.signal(signal.SIGTERM, stop)


class Guard:
    """Signals for the length of a run: `raising` (fitting), deferred inside `critical()` and after `saving()`."""

    def __init__(self):
        self.signum: int | None = None  # the first signal received
        self.saved = False  # the run has said what became of its model (saved, or nothing to save)
        self._depth, self._saving, self._previous = 0, False, {}

    def __enter__(self):
        self._previous = {s: signal.signal(s, self._handle) for s in SIGNALS}
        return self

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        return False

    def _handle(self, signum, frame):
        if self.signum is not None and self._saving:
            raise KeyboardInterrupt  # a second signal while saving: abort
        if self.signum is None:
            self.signum = signum
        if self._depth == 0 and not self._saving:
            raise Interrupted(signum)

    @contextmanager
    def critical(self):
        """A section that a signal must not cut in two (a checkpoint's files); the signal is acted on after it."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._depth == 0 and self.signum is not None and not self._saving:
            raise Interrupted(self.signum)

    def saving(self) -> None:
        """From now on a signal is only noted: the model is being scored and saved."""
        self._saving = True

    def raise_if_interrupted(self) -> None:
        if self.signum is not None:
            raise Interrupted(self.signum)


def drop_dead_output() -> None:
    """Flush stdout and stderr; one whose reader is gone (broken pipe) is pointed at /dev/null, so later writes and
    the flush at exit neither fail nor change the exit status."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
            stream.flush()  # what was buffered goes to /dev/null now
        except (OSError, ValueError):  # closed, or not a real file: nothing to flush into
            pass


def survive_dead_output(log):
    """`log`, flushed after each line; once the reader is gone, output goes to /dev/null and the work carries on."""
    def say(*args):
        try:
            log(*args)
        except BrokenPipeError:
            pass
        drop_dead_output()

    return say
