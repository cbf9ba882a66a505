"""Dreaming digits: a conditional generator of handwritten digits, its measures and its window."""
