"""A plain-numpy runtime for the GRU models (summation and text): no TensorFlow at run time.

Keras 3 GRU (`reset_after=True`, the default): kernel (in, 3u), recurrent kernel (u, 3u), bias (2, 3u),
gates in the order z (update), r (reset), h (candidate):

    z = σ(x Wz + bz + h Uz + b'z)     r = σ(x Wr + br + h Ur + b'r)
    ĥ = tanh(x Wh + bh + r ⊙ (h Uh + b'h))       h ← z ⊙ h + (1 − z) ⊙ ĥ

Weights are exported by layer name into `weights.npz` next to model.keras (`export`), and read back with
`load`; a step costs two small matrix products, so generation runs thousands of characters a second.
"""

from pathlib import Path

import numpy as np

WEIGHTS_FILE = "weights.npz"


def export(model, path: Path) -> None:
    """Write every layer's weights as `<layer name>/<index>` arrays (float32) into an npz file."""
    arrays = {}
    for layer in model.layers:
        for i, w in enumerate(layer.get_weights()):
            arrays[f"{layer.name}/{i}"] = np.asarray(w, np.float32)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load_model_weights(path: Path, name: str, hint: str | None = None) -> dict[str, list[np.ndarray]]:
    """`load`, with a one-line error naming the model when the file is missing or does not load."""
    from mlplay.errors import MlplayError

    try:
        return load(path)
    except FileNotFoundError:
        raise MlplayError(f"model '{name}': {Path(path).name} is missing", hint) from None
    except Exception as e:  # noqa: BLE001 - a file that does not load (truncated, corrupt, foreign)
        reason = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
        raise MlplayError(f"model '{name}': {Path(path).name} is damaged or unreadable: {reason}", hint) from None


def load(path: Path) -> dict[str, list[np.ndarray]]:
    """Layer name → its weight arrays, in Keras order."""
    layers: dict[str, dict[int, np.ndarray]] = {}
    with np.load(path) as z:
        for key in z.files:
            name, index = key.rsplit("/", 1)
            layers.setdefault(name, {})[int(index)] = z[key]
    return {name: [ws[i] for i in sorted(ws)] for name, ws in layers.items()}


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # stable for large |x|, same values as 1/(1+e^-x)


class GRU:
    """One Keras GRU layer, run one step (or one sequence) at a time on a batch of states."""

    def __init__(self, weights: list[np.ndarray]):
        kernel, recurrent, bias = weights
        if bias.ndim != 2:
            raise ValueError("only reset_after=True GRUs (the Keras default) are supported")
        self.kernel, self.recurrent = kernel, recurrent
        self.bias_in, self.bias_rec = bias[0], bias[1]
        self.units = recurrent.shape[0]

    def zeros(self, batch: int = 1) -> np.ndarray:
        return np.zeros((batch, self.units), np.float32)

    def input_part(self, x: np.ndarray) -> np.ndarray:
        """x W + b for any number of leading axes (precompute it for a whole sequence, or per token)."""
        return x @ self.kernel + self.bias_in

    def recurrent_part(self, h: np.ndarray) -> np.ndarray:
        """h U + b' (batch, 3u): what the state brings to the next step."""
        hu = h @ self.recurrent
        hu += self.bias_rec
        return hu

    def step_from(self, xw: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The next state from a precomputed input part `xw` (batch, 3u) and the state h (batch, u)."""
        return self.update(xw, self.recurrent_part(h), h)

    def update(self, xw: np.ndarray, hu: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The next state from both parts precomputed: the input's `xw` = x W + b and the state's `hu` = h U + b'."""
        u = self.units
        zr = xw[:, : 2 * u] + hu[:, : 2 * u]  # both gates in one pass, in place: fewer numpy calls a step
        zr *= 0.5
        np.tanh(zr, out=zr)
        zr += 1.0
        zr *= 0.5  # σ(x) = (tanh(x / 2) + 1) / 2
        z, r = zr[:, :u], zr[:, u:]
        candidate = r * hu[:, 2 * u :]
        candidate += xw[:, 2 * u :]
        np.tanh(candidate, out=candidate)
        new = h - candidate
        new *= z
        new += candidate  # z ⊙ h + (1 − z) ⊙ ĥ, as ĥ + z ⊙ (h − ĥ)
        return new

    def sequence(self, xs: np.ndarray, h: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Run over xs (batch, time, features); return (all states (batch, time, u), last state)."""
        h = self.zeros(xs.shape[0]) if h is None else h
        xw = self.input_part(xs)
        states = []
        for t in range(xs.shape[1]):
            h = self.step_from(xw[:, t], h)
            states.append(h)
        return np.stack(states, axis=1), h


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / max(temperature, 1e-6)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
