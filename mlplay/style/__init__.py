"""Style transfer: a photo painted in the manner of a painting (Magenta's arbitrary image stylization, in LiteRT)."""
