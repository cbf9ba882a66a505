"""The measures over training: after each epoch the kept generator draws digits and the judge measures them against
the validation digits (the test set is kept for the end). They are logged beside the losses (val_*), so history.csv
and the learning-curve picture show them. Nothing here feeds back into training: the last epoch is kept whatever
these figures say, so the judge never steers the generator."""

import keras
import numpy as np

from mlplay.dream import measures

PER_DIGIT = 300  # 3,000 samples an epoch: a few seconds, so the measures cost little of the time budget


def generate(generator, z: np.ndarray, digits: np.ndarray, batch: int = 1000) -> np.ndarray:
    """Pictures (N, 28, 28) uint8 from a Keras generator, in batches."""
    eye = np.eye(measures.DIGITS, dtype=np.float32)
    out = [generator([z[i:i + batch], eye[digits[i:i + batch]]], training=False) for i in range(0, len(z), batch)]
    return np.concatenate([np.asarray(o) for o in out]).reshape(len(z), 28, 28).round().clip(0, 255).astype(np.uint8)


class MeasureEachEpoch(keras.callbacks.Callback):
    """Logs val_conditional_accuracy, val_frechet_distance, val_diversity_min; after the first epoch, keeps a copy of
    the generator in `model.first_epoch` (the card compares the final one with it)."""

    def __init__(self, x_val: np.ndarray, y_val: np.ndarray, per_digit: int = PER_DIGIT, judge=None):
        super().__init__()
        self.x_val, self.y_val, self.per_digit, self.judge = x_val, y_val, per_digit, judge

    def on_train_begin(self, logs=None):
        self.judge = self.judge or measures.load_judge()
        self.reference = measures.Reference.of(self.judge, self.x_val.reshape(-1, 28, 28), self.y_val)
        self.z, self.digits = measures.sample_plan(self.per_digit, self.model.latent, seed=measures.SEED + 1)

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            self.model.first_epoch.set_weights(self.model.sampler.get_weights())
        found = measures.measure(self.judge, generate(self.model.sampler, self.z, self.digits), self.digits,
                                 self.reference)
        if logs is not None:
            for key in ("conditional_accuracy", "frechet_distance", "diversity_min"):
                logs[f"val_{key}"] = found[key]
