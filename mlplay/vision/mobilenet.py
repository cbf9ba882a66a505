"""torchvision's MobileNetV2 rebuilt in Keras, so that it computes what torchvision's does with its weights.

The layout is MobileNetV2's (Sandler et al., 2018): a 3×3 stride-2 stem, 17 inverted residual blocks (1×1 expansion,
3×3 depthwise, 1×1 linear projection; a shortcut when the shape stays), a 1×1 convolution to 1,280 channels,
global average pooling, and a 1,000-way linear classifier. Three things differ from keras.applications.MobileNetV2
and are kept as torchvision has them:
- pictures are RGB / 255, minus the ImageNet mean (0.485, 0.456, 0.406), over the std (0.229, 0.224, 0.225): done by
  the model's first layer, so every caller feeds RGB pixels 0–255;
- batch norm epsilon 1e-5 (Keras: 1e-3);
- stride-2 convolutions pad 1 pixel on every side (explicit ZeroPadding2D, then a "valid" convolution), where Keras'
  "same" pads (0, 1).
The widths are read from the state dict's shapes, so any width multiplier of torchvision's model builds (the tests
use a narrow one); the strides and block count are MobileNetV2's.

Tensors move from torchvision's layout to Keras' as: convolution (out, in, h, w) → (h, w, in, out); depthwise
(c, 1, h, w) → (h, w, c, 1); linear (out, in) → (in, out); batch norm weight, bias, running mean, running var →
gamma, beta, moving mean, moving variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlplay.errors import MlplayError

# torchvision's inverted residual setting: expansion t, channels c, repeats n, first stride s
SETTING = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
STRIDES = tuple(s if i == 0 else 1 for _, _, n, s in SETTING for i in range(n))  # the 17 blocks' strides
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
EPSILON = 1e-5
SIZE = 224  # the resolution the ImageNet weights were trained at
FEATURES = "pool"  # the layer whose output is the pooled feature vector


@dataclass(frozen=True)
class Block:
    index: int  # torchvision's features.<index>
    inputs: int
    hidden: int
    outputs: int
    stride: int
    expand: bool

    @property
    def residual(self) -> bool:
        return self.stride == 1 and self.inputs == self.outputs


def _shape(state: dict, key: str) -> tuple[int, ...]:
    if key not in state:
        raise MlplayError(f"the weights lack {key}: not torchvision's MobileNetV2")
    return tuple(state[key].shape)


def layout(state: dict) -> tuple[int, list[Block], int, int | None]:
    """(stem channels, blocks, last channels, classes or None) as the state dict's shapes say."""
    stem = _shape(state, "features.0.0.weight")
    if stem[1:] != (3, 3, 3):
        raise MlplayError(f"features.0.0.weight has shape {stem}: not torchvision's MobileNetV2 stem")
    blocks, channels = [], stem[0]
    for i, stride in enumerate(STRIDES, start=1):
        expand = f"features.{i}.conv.3.weight" in state
        dw = _shape(state, f"features.{i}.conv.{1 if expand else 0}.0.weight")
        project = _shape(state, f"features.{i}.conv.{2 if expand else 1}.weight")
        if dw[1:] != (1, 3, 3) or project[1] != dw[0] or project[2:] != (1, 1):
            raise MlplayError(f"block {i} has unexpected shapes {dw}, {project}")
        blocks.append(Block(i, channels, dw[0], project[0], stride, expand))
        channels = project[0]
    last = _shape(state, f"features.{len(STRIDES) + 1}.0.weight")
    if last[1] != channels:
        raise MlplayError(f"the last convolution takes {last[1]} channels, the blocks give {channels}")
    classes = _shape(state, "classifier.1.weight")[0] if "classifier.1.weight" in state else None
    return stem[0], blocks, last[0], classes


def build(state: dict, size: int = SIZE, classifier: bool = True, name: str = "mobilenet_v2_torchvision",
          torch_padding: bool = True, epsilon: float = EPSILON):
    """The Keras model for these weights (loaded), RGB 0–255 in; softmax over the classes out, or with
    `classifier=False` the pooled features (1,280 for width 1.0).

    `torch_padding=False` and `epsilon=1e-3` build Keras' own choices instead, only to measure what they cost."""
    import keras
    from keras import layers

    stem, blocks, last, classes = layout(state)
    inputs = keras.Input((size, size, 3), name="rgb")
    x = layers.Normalization(mean=[255 * m for m in MEAN], variance=[(255 * s) ** 2 for s in STD],
                             name="imagenet_normalise")(inputs)

    def conv_bn(x, filters, prefix, relu=True):
        x = layers.Conv2D(filters, 1, use_bias=False, name=prefix)(x)
        x = layers.BatchNormalization(epsilon=epsilon, momentum=0.9, name=f"{prefix}_bn")(x)
        return layers.ReLU(6.0, name=f"{prefix}_relu")(x) if relu else x

    def depthwise(x, stride, prefix):
        pad = stride == 2 and torch_padding
        if pad:
            x = layers.ZeroPadding2D(1, name=f"{prefix}_pad")(x)
        x = layers.DepthwiseConv2D(3, stride, padding="valid" if pad else "same", use_bias=False, name=prefix)(x)
        x = layers.BatchNormalization(epsilon=epsilon, momentum=0.9, name=f"{prefix}_bn")(x)
        return layers.ReLU(6.0, name=f"{prefix}_relu")(x)

    if torch_padding:
        x = layers.ZeroPadding2D(1, name="stem_pad")(x)
    x = layers.Conv2D(stem, 3, 2, padding="valid" if torch_padding else "same", use_bias=False, name="stem")(x)
    x = layers.BatchNormalization(epsilon=epsilon, momentum=0.9, name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    for b in blocks:
        y = conv_bn(x, b.hidden, f"block{b.index}_expand") if b.expand else x
        y = depthwise(y, b.stride, f"block{b.index}_depthwise")
        y = conv_bn(y, b.outputs, f"block{b.index}_project", relu=False)
        x = layers.Add(name=f"block{b.index}_add")([x, y]) if b.residual else y
    x = conv_bn(x, last, "head")
    x = layers.GlobalAveragePooling2D(name=FEATURES)(x)
    if classifier:
        if classes is None:
            raise MlplayError("the weights have no classifier (classifier.1.weight)")
        x = layers.Dense(classes, activation="softmax", name="classifier")(x)
    model = keras.Model(inputs, x, name=name)
    load(model, state)
    return model


def keras_weights(state: dict) -> dict[str, list[np.ndarray]]:
    """Keras layer name → its weights in Keras' order and layout, from torchvision's state dict."""
    def conv(key):
        return state[key].transpose(2, 3, 1, 0)

    def depthwise(key):
        return state[key].transpose(2, 3, 0, 1)

    def bn(prefix):
        return [state[f"{prefix}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")]

    stem, blocks, last, classes = layout(state)
    out = {"stem": [conv("features.0.0.weight")], "stem_bn": bn("features.0.1")}
    for b in blocks:
        p = f"features.{b.index}.conv"
        if b.expand:
            out[f"block{b.index}_expand"] = [conv(f"{p}.0.0.weight")]
            out[f"block{b.index}_expand_bn"] = bn(f"{p}.0.1")
        d = 1 if b.expand else 0
        out[f"block{b.index}_depthwise"] = [depthwise(f"{p}.{d}.0.weight")]
        out[f"block{b.index}_depthwise_bn"] = bn(f"{p}.{d}.1")
        out[f"block{b.index}_project"] = [conv(f"{p}.{d + 1}.weight")]
        out[f"block{b.index}_project_bn"] = bn(f"{p}.{d + 2}")
    n = len(STRIDES) + 1
    out["head"], out["head_bn"] = [conv(f"features.{n}.0.weight")], bn(f"features.{n}.1")
    if classes is not None:
        out["classifier"] = [state["classifier.1.weight"].T, state["classifier.1.bias"]]
    return {k: [np.ascontiguousarray(a, np.float32) for a in v] for k, v in out.items()}


def load(model, state: dict) -> None:
    """Set every converted layer of `model` that exists in it (a feature model has no classifier)."""
    names = {layer.name for layer in model.layers}
    for name, weights in keras_weights(state).items():
        if name in names:
            model.get_layer(name).set_weights(weights)


def digest(state: dict) -> str:
    """A SHA-256 over the converted weights (names, shapes and values): the same weights, the same digest."""
    import hashlib

    h = hashlib.sha256()
    for name, weights in sorted(keras_weights(state).items()):
        for i, w in enumerate(weights):
            h.update(f"{name}/{i}/{w.shape}\n".encode())
            h.update(w.tobytes())
    return h.hexdigest()


def state_dict(model) -> dict[str, np.ndarray]:
    """torchvision's state dict back from a model `build` made (the inverse of keras_weights; batch-norm step
    counters are not kept): lets the cached Keras model be rebuilt in other ways, e.g. to measure Keras' padding."""
    names = {layer.name for layer in model.layers}

    def weights(name):
        return model.get_layer(name).get_weights()

    def bn(prefix, layer):
        gamma, beta, mean, var = weights(layer)
        return {f"{prefix}.weight": gamma, f"{prefix}.bias": beta, f"{prefix}.running_mean": mean,
                f"{prefix}.running_var": var}

    state = {"features.0.0.weight": weights("stem")[0].transpose(3, 2, 0, 1), **bn("features.0.1", "stem_bn")}
    for i in range(1, len(STRIDES) + 1):
        p = f"features.{i}.conv"
        expand = f"block{i}_expand" in names
        if expand:
            state[f"{p}.0.0.weight"] = weights(f"block{i}_expand")[0].transpose(3, 2, 0, 1)
            state.update(bn(f"{p}.0.1", f"block{i}_expand_bn"))
        d = 1 if expand else 0
        state[f"{p}.{d}.0.weight"] = weights(f"block{i}_depthwise")[0].transpose(2, 3, 0, 1)
        state.update(bn(f"{p}.{d}.1", f"block{i}_depthwise_bn"))
        state[f"{p}.{d + 1}.weight"] = weights(f"block{i}_project")[0].transpose(3, 2, 0, 1)
        state.update(bn(f"{p}.{d + 2}", f"block{i}_project_bn"))
    n = len(STRIDES) + 1
    state[f"features.{n}.0.weight"] = weights("head")[0].transpose(3, 2, 0, 1)
    state.update(bn(f"features.{n}.1", "head_bn"))
    if "classifier" in names:
        w, b = weights("classifier")
        state["classifier.1.weight"], state["classifier.1.bias"] = w.T, b
    return {k: np.ascontiguousarray(v) for k, v in state.items()}
