"""Calibrated confidence: temperature scaling (Guo et al., 2017), fit on validation, folded into the model.

A classifier trained with cross-entropy is often over-confident: among the answers it gives at 95 %, fewer than
95 % are right. Temperature scaling divides the logits by one number T (> 1 softens, < 1 sharpens), chosen to
minimise the negative log-likelihood of the validation split; the ranking of the labels, hence the accuracy, does not
change. `fold` divides the output layer's weights by T, so the saved model (and its LiteRT export) gives the
calibrated probabilities itself.

The expected calibration error (ECE, 15 equal-width bins of the top probability) measures what is left: the
average gap between the confidence and the accuracy of the answers, weighted by how many fall in each bin.
"""

import numpy as np

BINS = 15
EPS = 1e-12


def temper(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the probabilities a model would give with its logits divided by T."""
    logits = np.log(np.clip(np.asarray(probabilities, np.float64), EPS, None)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)


def nll(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], EPS, None))))


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray, low: float = 0.05, high: float = 20.0) -> float:
    """The T that minimises the NLL of `labels` under temper(probabilities, T): golden-section search on log T
    (the NLL is unimodal in 1/T)."""
    f = lambda log_t: nll(temper(probabilities, float(np.exp(log_t))), labels)  # noqa: E731
    a, b = np.log(low), np.log(high)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    return round(float(np.exp((a + b) / 2)), 4)


def ece(probabilities: np.ndarray, labels: np.ndarray, bins: int = BINS) -> float:
    """Expected calibration error of the top answer, `bins` equal-width bins of confidence over (0, 1]."""
    probabilities = np.asarray(probabilities, np.float64)
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.sum() * abs(right[inside].mean() - confidence[inside].mean())
    return round(float(total / len(labels)), 6)


def output_layer(model):
    """The model's last Dense layer, which must end in a softmax (the classifiers here all do)."""
    import keras

    layer = model.layers[-1]
    activation = getattr(layer, "activation", None)
    if not isinstance(layer, keras.layers.Dense) or getattr(activation, "__name__", "") != "softmax":
        raise ValueError(f"{model.name}: temperature scaling needs a final Dense layer with a softmax")
    return layer


def fold(model, temperature: float) -> None:
    """Divide the output layer's kernel and bias by T: the model now gives softmax(logits / T)."""
    layer = output_layer(model)
    layer.set_weights([w / np.float32(temperature) for w in layer.get_weights()])


def calibrate(model, validation, test) -> dict:
    """Fit T on `validation`, fold it into `model`, and measure the ECE before and after on both splits.

    `validation` and `test` are (inputs, labels) pairs: arrays, or a tf.data dataset of batches and its labels in
    the same order. The test ECE after is measured on the folded model's own outputs (what `test_ece` re-scores).
    Returns the card's `calibration` entry.
    """
    p_val, y_val = predict(model, validation[0]), np.asarray(validation[1])
    p_test, y_test = predict(model, test[0]), np.asarray(test[1])
    temperature = fit_temperature(p_val, y_val)
    fold(model, temperature)
    return {"method": f"temperature scaling: one T fit on the validation split (NLL), folded into the output layer; "
                      f"ECE over {BINS} equal-width bins of the top probability",
            "temperature": temperature,
            "validation_ece_before": ece(p_val, y_val), "validation_ece_after": ece(temper(p_val, temperature), y_val),
            "test_ece_before": ece(p_test, y_test), "test_ece_after": ece(predict(model, test[0]), y_test)}


def predict(model, inputs) -> np.ndarray:
    """The model's probabilities for arrays (in batches of 512) or a tf.data dataset of batches."""
    if isinstance(inputs, np.ndarray):
        return np.asarray(model.predict(inputs, batch_size=512, verbose=0), np.float64)
    return np.asarray(model.predict(inputs, verbose=0), np.float64)
