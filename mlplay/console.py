"""Terminal output: C++ libraries kept quiet, and text that any terminal encoding can print."""

import os
import sys
from contextlib import contextmanager


@contextmanager
def quiet_stderr():
    """Silence C++ libraries that write to file descriptor 2 (TensorFlow's CUDA probing, LiteRT's INFO lines)."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def safe_streams() -> None:
    """Let stdout and stderr print any character: where the terminal's encoding cannot show one (ASCII, Latin-1),
    it is written as an escape (✓ → \\u2713) instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and stream.errors == "strict":
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def tensorflow():
    """Import TensorFlow once, with its C++ start-up chatter hidden: the wheel probes for CUDA and logs through absl
    before TF_CPP_MIN_LOG_LEVEL applies, so only file descriptor 2 is silenced while importing and probing."""
    if "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with quiet_stderr():
            import keras  # noqa: F401
            import tensorflow as tf

            tf.config.list_physical_devices()
    return sys.modules["tensorflow"]


class working:
    """`with working("scoring the test block"):` a spinner and the text on a terminal while it runs; nothing when
    stderr is piped (scripts and logs keep only what matters). `step(text)` changes the text."""

    def __init__(self, text: str):
        self.text, self.status = text, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console

            self.status = Console(stderr=True).status(self.text)
            self.status.start()
        return self

    def step(self, text: str) -> None:
        if self.status is not None:
            self.status.update(text)

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.stop()
        return False


def progress(items, total: int, text: str):
    """Iterate `items` with a progress bar on a terminal (stderr); plainly when piped."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(text, total=total)
        for item in items:
            yield item
            bar.advance(task)
