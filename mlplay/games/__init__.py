"""Pure game logic (no cv2, no models): rules and state machines that windows drive."""
