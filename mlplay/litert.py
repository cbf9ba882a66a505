"""The one LiteRT module: every .tflite file mlplay runs (digits, sketches, vision, hands, …) opens here.

`LiteModel(path)` loads a file in the LiteRT interpreter without TensorFlow (0.2 s instead of 5 s) and refuses, in
one line, a missing file, one whose SHA-256 is not the expected one and one the interpreter cannot read. `run`
sets the inputs and reads the outputs as real values, through each tensor's quantization (the shipped uint8 models).
"""

from pathlib import Path

import numpy as np

from mlplay.console import quiet_stderr
from mlplay.errors import MlplayError


class LiteModel:
    """A .tflite file in the LiteRT interpreter: `run(*inputs)` → outputs as real values (dequantized).

    keep_tensors: keep every hidden tensor, for `tensor(name)` (the features of a hidden layer)."""

    def __init__(self, path: Path, threads: int = 2, sha256: str | None = None, hint: str | None = None,
                 what: str | None = None, keep_tensors: bool = False):
        import warnings

        from ai_edge_litert.interpreter import Interpreter

        from mlplay.download import sha256_file

        path, what = Path(path), what or str(path)
        if not path.is_file():
            raise MlplayError(f"{what} is missing ({path} is not there)", hint)
        if sha256 and sha256_file(path) != sha256:
            raise MlplayError(f"{what} is damaged: its SHA-256 is not the one its card records", hint)
        try:
            with quiet_stderr(), warnings.catch_warnings():  # LiteRT announces its XNNPACK delegate on stderr,
                warnings.simplefilter("ignore")  # and warns that keeping every tensor costs memory: it is asked for
                self.interpreter = Interpreter(model_path=str(path), num_threads=threads,
                                               experimental_preserve_all_tensors=keep_tensors)
                self.interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as e:
            reason = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
            raise MlplayError(f"cannot load {what}: {reason}", hint) from None
        self.path = path
        self.inputs = self.interpreter.get_input_details()
        self.outputs = self.interpreter.get_output_details()

    def run(self, *arrays: np.ndarray) -> list[np.ndarray]:
        """Set each input (already in its tensor's dtype, e.g. through `pixel_table`), invoke, read the outputs."""
        for detail, array in zip(self.inputs, arrays):
            self.interpreter.set_tensor(detail["index"], array)
        self.interpreter.invoke()
        return [dequantize(self.interpreter.get_tensor(d["index"]), d) for d in self.outputs]

    def tensor(self, name: str) -> np.ndarray:
        """A hidden tensor's real values after `run`, for a model opened with keep_tensors=True (LiteRT then runs
        without its XNNPACK delegate, which would not keep them). `name` is the first of the names LiteRT joins with
        ';' when it fuses ops, e.g. "MobilenetV2/expanded_conv_3/expand/Relu6"."""
        if not hasattr(self, "_by_name"):
            self._by_name = {d["name"].split(";")[0]: d for d in self.interpreter.get_tensor_details()}
        if name not in self._by_name:
            raise MlplayError(f"{self.path.name} has no tensor {name}")
        detail = self._by_name[name]
        return dequantize(self.interpreter.get_tensor(detail["index"]), detail)

    def raw(self, *arrays: np.ndarray) -> list[np.ndarray]:
        """As `run`, with the outputs as the tensors hold them (no dequantization, no copy of the batch axis)."""
        for detail, array in zip(self.inputs, arrays):
            self.interpreter.set_tensor(detail["index"], array)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(d["index"]) for d in self.outputs]


def quantize(real: np.ndarray, detail: dict) -> np.ndarray:
    """Real values → the tensor's integers: q = round(real / scale) + zero point, clipped to the dtype's range."""
    dtype = np.dtype(detail["dtype"])
    scale, zero = detail["quantization"]
    if not scale or dtype.kind == "f":
        return np.asarray(real, dtype)
    info = np.iinfo(dtype)
    return np.clip(np.round(np.asarray(real, np.float64) / scale) + zero, info.min, info.max).astype(dtype)


def dequantize(values: np.ndarray, detail: dict) -> np.ndarray:
    """The tensor's integers → real values: scale × (q − zero point); float tensors are copied as they are."""
    scale, zero = detail["quantization"]
    if not scale:
        return np.array(values, np.float32)
    return (scale * (values.astype(np.float32) - zero)).astype(np.float32)


def pixel_table(detail: dict, mean: float, std: float) -> np.ndarray:
    """What each 8-bit pixel value becomes at the input: (pixel − mean) / std, quantized for an integer tensor.

    A 256-entry table, so a frame is prepared by one lookup instead of float arithmetic per pixel.
    """
    return quantize((np.arange(256, dtype=np.float64) - mean) / std, detail)
