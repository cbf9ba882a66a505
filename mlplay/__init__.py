"""mlplay: interactive machine-learning experiments in the terminal and in OpenCV windows."""

__version__ = "0.1.0"
