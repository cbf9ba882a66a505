"""Handwritten digits: MNIST data, the digit models, drawing preprocessing and the draw window."""
