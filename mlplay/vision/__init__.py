"""Pretrained vision: ImageNet classification and COCO object detection (pure logic + model wrappers)."""
