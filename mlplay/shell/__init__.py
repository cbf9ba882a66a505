"""The live shells: one window loop and one camera/video loop on it."""
