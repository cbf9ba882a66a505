"""Import TensorFlow once, with its C++ start-up chatter hidden.

The `tensorflow` wheel probes for CUDA and logs through absl before TF_CPP_MIN_LOG_LEVEL applies,
so CPU-only users would see lines like "failed call to cuInit" on every command. Python-level
errors still raise as usual; only file descriptor 2 is silenced while importing and probing.
"""

import os
import sys

from mlplay.quiet import quiet_stderr


def tensorflow():
    if "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with quiet_stderr():
            import keras  # noqa: F401
            import tensorflow as tf

            tf.config.list_physical_devices()
    return sys.modules["tensorflow"]
