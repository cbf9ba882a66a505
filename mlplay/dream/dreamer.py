"""The shipped generator at run time: its LiteRT export, no TensorFlow. `Dreamer.draw(z, digits)` → pictures.

Callers give latent vectors z ~ N(0, I); the generator is given ψ·z, ψ being the spread its card records, and its
grey levels are mapped by the card's tone curve (spread.py, tone.py), so the window, the pictures and the card's
figures draw alike."""

from pathlib import Path

import numpy as np

from mlplay import store
from mlplay.dream import spread, tone
from mlplay.dream.latent import onehot
from mlplay.errors import MlplayError

NAME = "digits-gen"


class Dreamer:
    """digits-gen in the LiteRT interpreter; its file is checked against the card's SHA-256 first."""

    def __init__(self, name: str = NAME, models_root: Path | None = None, threads: int = 2):
        saved = store.open(name, models_root)  # missing: one line
        self.name, self.card = name, saved.card
        self.model = saved.litert(threads=threads)  # checked against the card's SHA-256: damaged is one line too
        by_name = {("digit" if "digit" in d["name"] else "z"): d for d in self.model.inputs}
        if set(by_name) != {"digit", "z"}:
            inputs = [d["name"] for d in self.model.inputs]
            raise MlplayError(f"model '{name}' is not a digit generator (inputs {inputs})",
                              f"rebuild it with: {saved.card.rebuild}")
        self.order = [("z" if d is by_name["z"] else "digit") for d in self.model.inputs]
        self.latent = int(by_name["z"]["shape"][-1])
        self.batch = int(self.model.inputs[0]["shape"][0])
        self.spread, self.tone = spread.of_card(saved.card.raw), tone.of_card(saved.card.raw)

    def _resize(self, batch: int) -> None:
        interpreter = self.model.interpreter
        for detail in self.model.inputs:
            interpreter.resize_tensor_input(detail["index"], [batch, int(detail["shape"][-1])])
        interpreter.allocate_tensors()
        self.model.inputs = interpreter.get_input_details()
        self.model.outputs = interpreter.get_output_details()
        self.batch = batch

    def draw(self, z: np.ndarray, digits) -> np.ndarray:
        """Latent vectors (N, latent), drawn from N(0, I), and digits (N ints, or N one-hot rows) → pictures
        (N, 28, 28) uint8; the generator gets the vectors scaled by the card's spread, its grey levels go through the
        card's tone curve."""
        z = self.spread * np.asarray(z, np.float32).reshape(-1, self.latent)
        digits = np.asarray(digits)
        hot = digits.astype(np.float32) if digits.ndim == 2 else onehot(digits)
        if len(z) != self.batch:
            self._resize(len(z))
        inputs = {"z": z, "digit": hot}
        (out,) = self.model.run(*(inputs[key] for key in self.order))
        return self.tone[out.reshape(len(z), 28, 28).round().clip(0, 255).astype(np.uint8)]
