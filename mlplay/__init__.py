"""mlplay: interactive machine-learning experiments in the terminal and in OpenCV windows."""

import os

__version__ = "0.1.0"

# Decompression bombs are refused before OpenCV allocates them (mlplay.imageio). OpenCV reads this limit once, when
# cv2 is loaded, so it is set here, before any module of the package can import cv2.
MAX_IMAGE_PIXELS = 100_000_000
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_IMAGE_PIXELS))
