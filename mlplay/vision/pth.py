"""PyTorch weight files (`.pth`) read as data, without torch.

A `.pth` file is a pickle whose tensors point into raw storages kept beside it. Two layouts exist:
- the legacy one (torch < 1.6, e.g. torchvision's mobilenet_v2-b0353104.pth): five pickles in a row (a magic
  number, the protocol version 1001, the writer's byte order and type sizes, the object, the list of storage keys),
  then each storage as an 8-byte little-endian element count followed by its raw elements;
- the zip one (torch ≥ 1.6): `<archive>/data.pkl` with the object, `<archive>/data/<key>` with each storage.

The object's pickle is read by an unpickler that knows a handful of names (an ordered dict, the tensor rebuild
functions, the storage types) and refuses every other: a weight file cannot run code here. Tensors come back as
numpy arrays (copies, in their own shapes), in a dict name → array.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001
STORAGES = {  # torch.<name> → element dtype (little-endian, as every writer we read records)
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2", "LongStorage": "<i8", "IntStorage": "<i4",
    "ShortStorage": "<i2", "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}


class PthError(ValueError):
    """The file is not a readable PyTorch weight file (or asks for something this reader refuses)."""


@dataclass
class _Storage:
    dtype: np.dtype
    key: str
    data: np.ndarray | None = None


@dataclass
class _Tensor:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise PthError(f"storage {self.storage.key} has no data in the file")
        if not self.shape:
            return np.array(data[self.offset])
        last = self.offset + sum((n - 1) * s for n, s in zip(self.shape, self.stride))
        if self.offset < 0 or last >= len(data) or min(self.stride) < 0:
            raise PthError(f"a tensor of shape {self.shape} lies outside its storage {self.storage.key}")
        view = np.lib.stride_tricks.as_strided(data[self.offset:], self.shape,
                                               [s * data.itemsize for s in self.stride], writeable=False)
        return np.array(view)


class _StorageType:
    def __init__(self, name: str):
        self.name, self.dtype = name, np.dtype(STORAGES[name])


def _rebuild_tensor(storage, offset, shape, stride, *rest):
    """torch._utils._rebuild_tensor(_v2): (storage, offset, size, stride[, requires_grad, hooks, metadata])."""
    if not isinstance(storage, _Storage):
        raise PthError("a tensor without a storage")
    return _Tensor(storage, int(offset), tuple(int(n) for n in shape), tuple(int(s) for s in stride))


def _rebuild_parameter(data, *rest):
    return data


class _Unpickler(pickle.Unpickler):
    """Knows the few names a state dict uses; refuses every other global."""

    NAMES = {("collections", "OrderedDict"): OrderedDict,
             ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
             ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
             ("torch._utils", "_rebuild_parameter"): _rebuild_parameter}

    def __init__(self, file, storages: dict[str, _Storage]):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str):
        if module == "torch" and name in STORAGES:
            return _StorageType(name)
        if (module, name) in self.NAMES:
            return self.NAMES[(module, name)]
        raise PthError(f"refused: the file asks for {module}.{name}, which a weight file does not need")

    def persistent_load(self, pid):
        # legacy: ('storage', type, key, location, size, view_metadata); zip: ('storage', type, key, location, size)
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage" or not isinstance(pid[1], _StorageType):
            raise PthError(f"unknown persistent id {pid!r:.80}")
        if len(pid) > 5 and pid[5] is not None:
            raise PthError("storage views are not supported")
        key = str(pid[2])
        storage = self.storages.setdefault(key, _Storage(pid[1].dtype, key))
        if storage.dtype != pid[1].dtype:
            raise PthError(f"storage {key} is read with two element types")
        return storage


class _Plain(pickle.Unpickler):
    """The legacy header's pickles hold numbers, strings and dicts only."""

    def find_class(self, module, name):
        raise PthError(f"refused: the header asks for {module}.{name}")


def load(path: Path | str) -> dict[str, np.ndarray]:
    """The state dict of a .pth file: parameter name → numpy array."""
    raw = Path(path).read_bytes()
    return loads(raw)


def loads(raw: bytes) -> dict[str, np.ndarray]:
    try:
        obj = _load_zip(raw) if raw[:4] == b"PK\x03\x04" else _load_legacy(raw)
    except PthError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError, zipfile.BadZipFile) as e:
        raise PthError(f"not a readable PyTorch weight file ({type(e).__name__}: {e})") from None
    return _state_dict(obj)


def _load_legacy(raw: bytes):
    f = io.BytesIO(raw)
    if _Plain(f).load() != LEGACY_MAGIC:
        raise PthError("not a PyTorch weight file (no magic number)")
    if _Plain(f).load() != LEGACY_PROTOCOL:
        raise PthError("unknown PyTorch file protocol")
    info = _Plain(f).load()
    if not isinstance(info, dict) or not info.get("little_endian", False):
        raise PthError("written on a big-endian machine: not supported")
    storages: dict[str, _Storage] = {}
    obj = _Unpickler(f, storages).load()
    keys = _Plain(f).load()
    for key in keys:
        storage = storages.get(str(key))
        if storage is None:
            raise PthError(f"the file holds a storage {key} that nothing uses")
        count = int.from_bytes(_read(f, 8), "little")
        storage.data = np.frombuffer(_read(f, count * storage.dtype.itemsize), storage.dtype)
    return obj


def _read(f, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise PthError("the file is truncated")
    return data


def _load_zip(raw: bytes):
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        pickles = [n for n in z.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise PthError("a zip without exactly one <archive>/data.pkl")
        prefix = pickles[0][: -len("data.pkl")]
        storages: dict[str, _Storage] = {}
        obj = _Unpickler(io.BytesIO(z.read(pickles[0])), storages).load()
        for key, storage in storages.items():
            member = f"{prefix}data/{key}"
            try:
                storage.data = np.frombuffer(z.read(member), storage.dtype)
            except KeyError:
                raise PthError(f"the zip lacks {member}") from None
    return obj


def _state_dict(obj) -> dict[str, np.ndarray]:
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not obj:
        raise PthError("the file holds no state dict (name → tensor)")
    out = {}
    for name, value in obj.items():
        if not isinstance(value, _Tensor):
            raise PthError(f"{name} is not a tensor")
        out[str(name)] = value.array()
    return out
