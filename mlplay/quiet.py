"""Silence C++ libraries that write to file descriptor 2 (TensorFlow's CUDA probing, LiteRT's INFO lines)."""

import os
import sys
from contextlib import contextmanager


@contextmanager
def quiet_stderr():
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
