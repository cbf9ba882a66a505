"""The taught head: softmax regression on the backbone's 1,280 pooled features, in numpy.

Features are centred on the training examples' mean and scaled by their overall standard deviation; the weights
start at zero and are fitted by full-batch Adam on the cross-entropy with an L2 penalty, for a fixed number of steps
(no randomness: the same examples give the same head). With a few hundred examples this takes a fraction of a
second, which is what lets the window go from `t` to live predictions at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

STEPS, LEARNING_RATE, L2 = 300, 0.01, 1e-3


@dataclass
class Head:
    w: np.ndarray  # (features, labels)
    b: np.ndarray  # (labels,)
    mean: np.ndarray  # (features,)
    scale: float

    def logits(self, features: np.ndarray) -> np.ndarray:
        return ((np.asarray(features, np.float32) - self.mean) / self.scale) @ self.w + self.b

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return softmax(self.logits(features))

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:
            np.savez(f, w=self.w, b=self.b, mean=self.mean, scale=np.float32(self.scale))

    @staticmethod
    def load(path: Path) -> Head:
        with np.load(path, allow_pickle=False) as z:
            return Head(z["w"].astype(np.float32), z["b"].astype(np.float32), z["mean"].astype(np.float32),
                        float(z["scale"]))


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def fit(x: np.ndarray, y: np.ndarray, classes: int, steps: int = STEPS, learning_rate: float = LEARNING_RATE,
        l2: float = L2) -> Head:
    """Softmax regression of labels y (0 … classes − 1) on features x, each class weighted by 1 / its count (so a
    label with more frames does not win by number alone)."""
    x = np.asarray(x, np.float32)
    mean = x.mean(axis=0)
    scale = float(x.std()) or 1.0
    z = (x - mean) / scale
    n, d = z.shape
    onehot = np.eye(classes, dtype=np.float32)[y]
    counts = np.bincount(y, minlength=classes).astype(np.float32)
    weight = (1.0 / np.maximum(counts, 1))[y] * (n / classes)  # mean weight 1
    w, b = np.zeros((d, classes), np.float32), np.zeros(classes, np.float32)
    moments = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        p = softmax(z @ w + b)
        error = (p - onehot) * weight[:, None] / n
        grads = (z.T @ error + l2 * w, error.sum(axis=0))
        for i, (param, grad) in enumerate(zip((w, b), grads)):
            m, v = moments[2 * i], moments[2 * i + 1]
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= learning_rate * (m / (1 - beta1 ** step)) / (np.sqrt(v / (1 - beta2 ** step)) + eps)
    return Head(w, b, mean, scale)


def accuracy(head: Head, x: np.ndarray, y: np.ndarray) -> float:
    if not len(y):
        return float("nan")
    return float(np.mean(head.logits(x).argmax(axis=1) == y))
