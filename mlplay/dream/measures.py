"""How good a digit generator is, judged by a model it never trained against: the shipped digits-cnn.

- conditional accuracy: the share of samples that the judge reads as the digit asked for;
- Fréchet distance: between the judge's penultimate features (the input of its last layer) of the samples and of
  real digits, as FID does with Inception features: ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½);
- diversity per digit: the mean pairwise distance (pixels, 0–1) of the samples of one digit, relative to that of
  real digits of the same class; a generator that draws one picture a digit (mode collapse) scores near 0.

Everything here is numpy except the judge, which runs in TensorFlow (a tf.function over batches).
"""

from dataclasses import dataclass

import numpy as np

JUDGE = "digits-cnn"
DIGITS = 10
PER_DIGIT = 1000  # samples a digit for the card's measures: 10,000 in all
DIGIT_LABELS = [str(d) for d in range(DIGITS)]
SEED = 1234  # the latent vectors of the card's samples: same seed, same samples, same measures


class Judge:
    """A trained digit classifier seen from outside: its probabilities and its penultimate features."""

    def __init__(self, model, name: str = JUDGE, card: dict | None = None):
        import keras

        from mlplay.console import tensorflow

        tf = tensorflow()
        self.name, self.card = name, card or {}  # its card: its labels (it may say "not a digit"), its SHA-256
        self.labels = self.card.get("labels")
        last = model.layers[-1]
        both = keras.Model(model.inputs, [model.output, last.input])
        self.step = tf.function(lambda x: both(x, training=False), reduce_retracing=True)
        self.classes = int(model.output.shape[-1])

    def __call__(self, images: np.ndarray, batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
        """images (N, 28, 28) or (N, 28, 28, 1), 0–255 → (probabilities (N, classes), features (N, F))."""
        x = np.asarray(images, np.float32).reshape(len(images), 28, 28, 1)
        probs, feats = [], []
        for start in range(0, len(x), batch):
            p, f = self.step(x[start:start + batch])
            probs.append(p.numpy())
            feats.append(f.numpy().reshape(len(p), -1))
        return np.concatenate(probs), np.concatenate(feats).astype(np.float64)


def load_judge(models_root=None) -> Judge:
    from mlplay import store

    saved = store.open(JUDGE, models_root)
    return Judge(saved.keras(), card=saved.card.raw)


@dataclass
class Gaussian:
    """Mean and covariance of a set of feature vectors."""

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of(cls, features: np.ndarray) -> "Gaussian":
        return cls(features.mean(axis=0), np.cov(features, rowvar=False))


def frechet(a: Gaussian, b: Gaussian) -> float:
    """The Fréchet distance between two Gaussians. tr((Σ₁Σ₂)^½) is computed as tr((Σ₁^½ Σ₂ Σ₁^½)^½), a symmetric
    matrix, so eigh applies (no scipy needed)."""
    values, vectors = np.linalg.eigh(a.cov)
    root = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root @ b.cov @ root)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(((a.mean - b.mean) ** 2).sum() + np.trace(a.cov) + np.trace(b.cov) - 2 * trace_root)


def mean_pairwise_distance(images: np.ndarray) -> float:
    """The mean Euclidean distance between all pairs of pictures (pixels scaled to 0–1); NaN for fewer than two."""
    if len(images) < 2:
        return float("nan")
    x = np.asarray(images, np.float64).reshape(len(images), -1) / 255.0
    squares = (x ** 2).sum(axis=1)
    d2 = np.clip(squares[:, None] + squares[None, :] - 2 * x @ x.T, 0, None)
    n = len(x)
    return float(np.sqrt(d2)[np.triu_indices(n, 1)].mean())


def sample_plan(per_digit: int = PER_DIGIT, latent: int = 64, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The latent vectors and digits of the card's samples: `per_digit` of each digit, in digit order."""
    labels = np.repeat(np.arange(DIGITS), per_digit).astype(np.int32)
    z = np.random.default_rng(seed).standard_normal((len(labels), latent)).astype(np.float32)
    return z, labels


@dataclass
class Reference:
    """What the real digits give: the test set's features and per-digit diversity (computed once)."""

    gaussian: Gaussian
    diversity: np.ndarray  # (10,) mean pairwise distance of the real digits of each class

    @classmethod
    def of(cls, judge: Judge, images: np.ndarray, labels: np.ndarray) -> "Reference":
        _, features = judge(images)
        diversity = np.array([mean_pairwise_distance(images[labels == d][:PER_DIGIT]) for d in range(DIGITS)])
        return cls(Gaussian.of(features), diversity)


def measure(judge: Judge, images: np.ndarray, asked: np.ndarray, reference: Reference,
            judge_labels: list[str] | None = None) -> dict:
    """The measures of generated `images` (0–255) asked to be the digits `asked`, against `reference`."""
    probabilities, features = judge(images)
    labels = judge_labels or getattr(judge, "labels", None) or [str(d) for d in range(judge.classes)]
    digit_of = np.array([int(label) if label in DIGIT_LABELS else -1 for label in labels])
    read = digit_of[probabilities.argmax(axis=1)]  # -1: a label that is not a digit
    per_digit_accuracy = [float((read[asked == d] == d).mean()) for d in range(DIGITS)]
    diversity = np.array([mean_pairwise_distance(images[asked == d]) for d in range(DIGITS)]) / reference.diversity
    result = {
        "conditional_accuracy": float((read == asked).mean()),
        "frechet_distance": frechet(Gaussian.of(features), reference.gaussian),
        "diversity_min": float(np.nanmin(diversity)),  # NaN only for a digit without two real examples (tiny data)
        "diversity_mean": float(np.nanmean(diversity)),
        "per_digit": {"conditional_accuracy": [round(a, 4) for a in per_digit_accuracy],
                      "diversity": [None if np.isnan(v) else round(float(v), 4) for v in diversity]},
    }
    if (digit_of < 0).any():  # a judge that can say "not a digit": how often it does
        result["not_a_digit"] = float((read < 0).mean())
    return result


def floor(judge: Judge, x_train: np.ndarray, reference: Reference, count: int = DIGITS * PER_DIGIT,
          seed: int = SEED) -> float:
    """The Fréchet distance that real digits reach: `count` training digits (a seeded choice) against the reference.
    A generator cannot be expected to do better than other real digits do."""
    pick = np.random.default_rng(seed).permutation(len(x_train))[:count]
    _, features = judge(x_train[pick])
    return frechet(Gaussian.of(features), reference.gaussian)
