"""Style transfer: a photo painted in the manner of a painting (Magenta's arbitrary image stylization, in LiteRT)."""

DEFAULT_STYLE = "starry_night"  # `mlplay style` without --style, and `mlplay predict magenta-style`
