"""Teach it your own things: show the camera a few examples of each of your classes, and a new head on the ImageNet
MobileNetV2's features recognises them seconds later (`mlplay camera teach`, `mlplay train teach`).

Read in this order: data.py (examples on disk, the held-out split in time blocks), head.py (the classifier trained
on features, numpy), models.py (a taught model saved, loaded, used by predict and eval), app.py (the window as a
pure state machine), commands.py (the two commands), bench.py (speed figures).
"""
