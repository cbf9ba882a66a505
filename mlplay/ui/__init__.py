"""Interactive shells. Pure state machines live beside thin cv2 / prompt_toolkit loops."""
