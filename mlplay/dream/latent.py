"""Points and paths in the generator's latent space (numpy only).

Every latent vector is drawn from N(0, I), the distribution the generator learned from (the Dreamer then scales it
by the card's spread ψ, the same for every vector, so what is said here holds at that width too). A walk goes from
one vector to the next along z(t) = a·cos(πt/2) + b·sin(πt/2): for independent a and b every point of that arc is
itself N(0, I)-distributed, so the walk never strays into regions the generator has not seen (a straight line
between a and b passes through vectors shorter than any it was trained on).
"""

import numpy as np

DIGITS = 10
DIGIT_LABELS = [str(d) for d in range(DIGITS)]


def onehot(digits) -> np.ndarray:
    return np.eye(DIGITS, dtype=np.float32)[np.asarray(digits, int)]


def vectors(rng: np.random.Generator, count: int, latent: int) -> np.ndarray:
    return rng.standard_normal((count, latent)).astype(np.float32)


def grid_digits(digit: int | None, rows: int = DIGITS, columns: int = DIGITS) -> np.ndarray:
    """The digit of each cell, row by row: one row a digit (None), or every cell the same digit."""
    if digit is None:
        return np.repeat(np.arange(rows) % DIGITS, columns)
    return np.full(rows * columns, digit)


def arc(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """The point at t ∈ [0, 1] on the arc from a to b."""
    angle = 0.5 * np.pi * float(np.clip(t, 0.0, 1.0))
    return (a * np.cos(angle) + b * np.sin(angle)).astype(np.float32)


class Walk:
    """A smooth endless walk from `start`: one arc to a fresh random vector every `seconds`, eased at both ends so
    the picture slows into each waypoint instead of turning sharply."""

    def __init__(self, start: np.ndarray, rng: np.random.Generator, seconds: float = 2.0):
        self.rng, self.seconds = rng, seconds
        self.a, self.b = np.asarray(start, np.float32), vectors(rng, 1, len(start))[0]
        self.began = None  # the time of the first `at`
        self.legs = 0

    def at(self, t: float) -> np.ndarray:
        if self.began is None:
            self.began = t
        leg, into = divmod(max(0.0, t - self.began) / self.seconds, 1.0)
        while self.legs < int(leg):  # arrived at b: it becomes the next leg's start
            self.a, self.b = self.b, vectors(self.rng, 1, len(self.a))[0]
            self.legs += 1
        eased = 0.5 - 0.5 * np.cos(np.pi * into)
        return arc(self.a, self.b, eased)
