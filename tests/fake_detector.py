"""A tiny, deterministic stand-in for a detection SavedModel, for tests and `make bench`.

It has the standard TF2 detection signature (uint8 `input_tensor` → detection_boxes/scores/classes,
num_detections) and "detects" the bright region of an image as COCO class 18 (dog) with score 0.9,
plus a near-duplicate box (0.6, for NMS to remove) and a faint one (0.1, below any sensible threshold).
It is not a model of anything: it lets the whole detection path run where the real weights cannot be had.
"""

from pathlib import Path


def export(folder: Path) -> Path:
    from mlplay.console import tensorflow

    tf = tensorflow()

    class Fake(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([1, None, None, 3], tf.uint8, name="input_tensor")])
        def detect(self, input_tensor):
            bright = tf.reduce_max(tf.cast(input_tensor[0], tf.float32), axis=-1) > 200
            shape = tf.cast(tf.shape(bright), tf.float32)
            rows = tf.cast(tf.where(tf.reduce_any(bright, axis=1))[:, 0], tf.float32)
            cols = tf.cast(tf.where(tf.reduce_any(bright, axis=0))[:, 0], tf.float32)
            found = tf.size(rows) > 0
            box = tf.cond(found, lambda: tf.stack([tf.reduce_min(rows) / shape[0], tf.reduce_min(cols) / shape[1],
                                                   (tf.reduce_max(rows) + 1) / shape[0],
                                                   (tf.reduce_max(cols) + 1) / shape[1]]),
                          lambda: tf.constant([0.0, 0.0, 0.0, 0.0]))
            boxes = tf.stack([box, box * 0.98 + 0.01, tf.constant([0.0, 0.0, 0.1, 0.1])])[None]
            scores = tf.where(found, tf.constant([[0.9, 0.6, 0.1]]), tf.constant([[0.0, 0.0, 0.1]]))
            return {"detection_boxes": boxes, "detection_scores": scores,
                    "detection_classes": tf.constant([[18.0, 18.0, 1.0]]), "num_detections": tf.constant([3.0])}

    module = Fake()
    tf.saved_model.save(module, str(folder), signatures={"serving_default": module.detect.get_concrete_function()})
    return Path(folder)
