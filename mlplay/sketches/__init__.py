"""Sketches: QuickDraw and generated doodles, the sketch models (drawn in the digits draw window)."""
