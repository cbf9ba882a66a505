"""Stopping a training run cleanly: SIGINT (Ctrl-C) and SIGTERM raise `Interrupted` while fitting, so the trainer
saves the best model so far; and output whose reader died with the same Ctrl-C (`mlplay train … | tee log`) no
longer matters."""

import os
import signal
import sys
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM while fitting."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    def exit_status(self) -> int:
        """128 + the signal number, as a shell reports it; output whose reader died is let go first."""
        drop_dead_output()
        return 128 + self.signum


@contextmanager
def signals_interrupt():
    """While fitting, SIGINT and SIGTERM raise Interrupted (also when the shell started us with SIGINT ignored)."""
    def stop(signum, frame):
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


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
