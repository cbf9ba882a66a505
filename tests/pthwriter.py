"""Write PyTorch weight files without torch (test data for mlplay.vision.pth), a narrow torchvision MobileNetV2 state
dict, and a plain numpy forward pass of torchvision's MobileNetV2 to check the Keras rebuild against.

The pickle is written opcode by opcode (protocol 2), as torch.save writes a state dict: an OrderedDict of
torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks) whose storages are persistent ids.
"""

import io
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np

from mlplay.vision.mobilenet import STRIDES

TYPES = {np.dtype("float32"): "FloatStorage", np.dtype("int64"): "LongStorage", np.dtype("float64"): "DoubleStorage"}


def _str(s: str) -> bytes:
    raw = s.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def _int(n: int) -> bytes:
    if -(2**31) <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(raw)]) + raw


def _tuple(items) -> bytes:
    return b"(" + b"".join(_int(i) for i in items) + b"t"


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def state_pickle(state: dict, legacy: bool, extra_global: tuple[str, str] | None = None) -> bytes:
    """The object pickle of a state dict; storages are keyed "0", "1", … in order."""
    out = [b"\x80\x02", _global("collections", "OrderedDict"), b")R", b"("]
    for key, (name, array) in enumerate(state.items()):
        pid = [b"(", _str("storage"), _global("torch", TYPES[array.dtype]), _str(str(key)), _str("cpu"),
               _int(array.size)]
        if legacy:
            pid.append(b"N")  # no view
        strides = [s // array.itemsize for s in array.strides] if array.ndim else []
        out += [_str(name), _global("torch._utils", "_rebuild_tensor_v2"), b"(", *pid, b"tQ", _int(0),
                _tuple(array.shape), _tuple(strides), b"\x89", _global("collections", "OrderedDict"), b")R", b"tR"]
    if extra_global:
        out += [_str("evil"), _global(*extra_global), b")R"]
    out += [b"u", b"."]
    return b"".join(out)


def write_legacy(state: dict, **kw) -> bytes:
    """torch < 1.6: magic, protocol, system info, the object, the storage keys, then each storage."""
    state = OrderedDict((k, np.array(v, order="C")) for k, v in state.items())
    f = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
    pickle.dump(1001, f, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True,
                 "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
    f.write(state_pickle(state, legacy=True, **kw))
    pickle.dump([str(i) for i in range(len(state))], f, protocol=2)
    for array in state.values():
        f.write(struct.pack("<q", array.size))
        f.write(array.astype(array.dtype.newbyteorder("<")).tobytes())
    return f.getvalue()


def write_zip(state: dict) -> bytes:
    """torch ≥ 1.6: archive/data.pkl and archive/data/<key>."""
    state = OrderedDict((k, np.array(v, order="C")) for k, v in state.items())
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("archive/data.pkl", state_pickle(state, legacy=False))
        for key, array in enumerate(state.values()):
            z.writestr(f"archive/data/{key}", array.tobytes())
        z.writestr("archive/version", "3\n")
    return f.getvalue()


# A narrow torchvision MobileNetV2 ------------------------------------------------------------------------------
def tiny_mobilenet(seed: int = 0, classes: int = 1000, last: int = 64) -> OrderedDict:
    """torchvision's MobileNetV2 keys and shapes at a small width: random weights, batch-norm statistics that are
    not the identity (so that epsilon and the statistics matter)."""
    rng = np.random.default_rng(seed)
    state = OrderedDict()

    def conv(key, out, inp, k):
        state[key] = (rng.normal(0, (2 / (inp * k * k)) ** 0.5, (out, inp, k, k))).astype(np.float32)

    def bn(prefix, n):
        state[f"{prefix}.weight"] = rng.uniform(0.5, 1.5, n).astype(np.float32)
        state[f"{prefix}.bias"] = rng.normal(0, 0.1, n).astype(np.float32)
        state[f"{prefix}.running_mean"] = rng.normal(0, 0.1, n).astype(np.float32)
        state[f"{prefix}.running_var"] = rng.uniform(0.5, 2.0, n).astype(np.float32)
        state[f"{prefix}.num_batches_tracked"] = np.array(7, np.int64)

    widths = [8, 8, 8, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 24, 24, 24, 32]  # stem, then each block's output
    conv("features.0.0.weight", widths[0], 3, 3)
    bn("features.0.1", widths[0])
    for i, _stride in enumerate(STRIDES, start=1):
        inp, out = widths[i - 1], widths[i]
        p = f"features.{i}.conv"
        if i == 1:  # expansion 1: depthwise, project
            state[f"{p}.0.0.weight"] = rng.normal(0, 0.5, (inp, 1, 3, 3)).astype(np.float32)
            bn(f"{p}.0.1", inp)
            conv(f"{p}.1.weight", out, inp, 1)
            bn(f"{p}.2", out)
        else:
            hidden = inp * 3
            conv(f"{p}.0.0.weight", hidden, inp, 1)
            bn(f"{p}.0.1", hidden)
            state[f"{p}.1.0.weight"] = rng.normal(0, 0.5, (hidden, 1, 3, 3)).astype(np.float32)
            bn(f"{p}.1.1", hidden)
            conv(f"{p}.2.weight", out, hidden, 1)
            bn(f"{p}.3", out)
    n = len(STRIDES) + 1
    conv(f"features.{n}.0.weight", last, widths[-1], 1)
    bn(f"features.{n}.1", last)
    state["classifier.1.weight"] = rng.normal(0, 0.1, (classes, last)).astype(np.float32)
    state["classifier.1.bias"] = rng.normal(0, 0.1, classes).astype(np.float32)
    return state


# torchvision's forward pass in plain numpy (NCHW, as torch computes it) ------------------------------------------
def _conv(x, w, stride, pad, groups=1):
    n, c, h, width = x.shape
    out_c, in_per_group, k, _ = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - k) // stride + 1, (width + 2 * pad - k) // stride + 1
    out = np.zeros((n, out_c, oh, ow), np.float64)
    per_group = out_c // groups
    for g in range(groups):
        xs = x[:, g * in_per_group:(g + 1) * in_per_group]
        ws = w[g * per_group:(g + 1) * per_group]
        for i in range(k):
            for j in range(k):
                patch = xs[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                out[:, g * per_group:(g + 1) * per_group] += np.einsum("nchw,oc->nohw", patch, ws[:, :, i, j])
    return out


def _bn(x, state, prefix, eps=1e-5):
    g, b, m, v = (state[f"{prefix}.{k}"].astype(np.float64) for k in ("weight", "bias", "running_mean", "running_var"))
    return (x - m[None, :, None, None]) / np.sqrt(v[None, :, None, None] + eps) * g[None, :, None, None] \
        + b[None, :, None, None]


def _relu6(x):
    return np.clip(x, 0, 6)


def torch_forward(state: dict, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pooled features, softmax) of RGB 0–255 pictures [N, H, W, 3], as torchvision's model computes them."""
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    x = ((rgb / 255.0 - mean) / std).transpose(0, 3, 1, 2)
    x = _relu6(_bn(_conv(x, state["features.0.0.weight"], 2, 1), state, "features.0.1"))
    for i, stride in enumerate(STRIDES, start=1):
        p = f"features.{i}.conv"
        expand = f"{p}.3.weight" in state
        y = _relu6(_bn(_conv(x, state[f"{p}.0.0.weight"], 1, 0), state, f"{p}.0.1")) if expand else x
        d = 1 if expand else 0
        dw = state[f"{p}.{d}.0.weight"]
        y = _relu6(_bn(_conv(y, dw, stride, 1, groups=dw.shape[0]), state, f"{p}.{d}.1"))
        y = _bn(_conv(y, state[f"{p}.{d + 1}.weight"], 1, 0), state, f"{p}.{d + 2}")
        x = x + y if stride == 1 and x.shape == y.shape else y
    n = len(STRIDES) + 1
    x = _relu6(_bn(_conv(x, state[f"features.{n}.0.weight"], 1, 0), state, f"features.{n}.1"))
    features = x.mean(axis=(2, 3))
    logits = features @ state["classifier.1.weight"].T.astype(np.float64) + state["classifier.1.bias"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return features, e / e.sum(axis=1, keepdims=True)
