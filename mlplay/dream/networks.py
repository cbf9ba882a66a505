"""The networks: a generator (z, digit → picture), a discriminator (picture, digit → how real) and an encoder
(picture, digit → a Gaussian over z), shared by the GAN (gan.py) and the variational auto-encoder (vae.py).

Pictures are 28×28×1, 0–255 (white ink on black, as MNIST stores them); digits are one-hot (10 values), so a window
can also ask for a blend of two digits.
"""

import keras
from keras import layers

DIGITS = 10


class Sampling:
    """What the GAN and the VAE share as Keras models: calling one draws pictures with its sampler, and its metrics
    are its own trackers (mixed in before keras.Model)."""

    def call(self, inputs, training=False):
        return self.sampler(inputs, training=False)

    @property
    def metrics(self):
        return list(self.trackers.values())


def build_generator(latent: int = 64, width: int = 64, name: str = "generator") -> keras.Model:
    """(z, one-hot digit) → picture 28×28×1 in 0–255: dense 7×7×2w, then two transposed convolutions."""
    z = keras.Input((latent,), name="z")
    digit = keras.Input((DIGITS,), name="digit")
    embedded = layers.Dense(32, use_bias=False)(digit)  # a learned embedding of the digit (one-hot × matrix)
    h = layers.Concatenate()([z, embedded])
    h = layers.Dense(7 * 7 * 2 * width, use_bias=False)(h)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, 2 * width))(h)
    h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(h)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    h = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(h)
    picture = layers.Rescaling(127.5, offset=127.5, name="picture")(h)  # −1…1 → 0–255, as MNIST stores pixels
    return keras.Model([z, digit], picture, name=name)


def build_discriminator(width: int = 64, conditioning: str = "projection", classifier: bool = False) -> keras.Model:
    """(picture 0–255, one-hot digit) → one score a picture (a logit: > 0 reads as real); with `classifier`, also
    ten logits saying which digit the picture shows (an auxiliary classifier, as in AC-GAN)."""
    picture = keras.Input((28, 28, 1), name="picture")
    digit = keras.Input((DIGITS,), name="digit")
    h = layers.Rescaling(1 / 127.5, offset=-1)(picture)
    if conditioning == "concat":
        maps = layers.Reshape((1, 1, DIGITS))(digit)
        h = layers.Concatenate()([h, layers.UpSampling2D(28)(maps)])
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, strides=2, padding="same")(h))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(2 * width, 4, strides=2, padding="same")(h))
    h = layers.Flatten()(h)
    score = layers.Dense(1)(h)
    if conditioning == "projection":
        embedded = layers.Dense(h.shape[-1], use_bias=False)(digit)
        score = layers.Add()([score, layers.Dot(axes=1)([embedded, h])])
    elif conditioning not in ("concat", "none"):
        raise ValueError(f"conditioning {conditioning!r}: concat, projection or none")
    outputs = [score, layers.Dense(DIGITS, name="digit_logits")(h)] if classifier else score
    return keras.Model([picture, digit], outputs, name="discriminator")


def build_encoder(latent: int, width: int) -> keras.Model:
    picture = keras.Input((28, 28, 1), name="picture")
    digit = keras.Input((DIGITS,), name="digit")
    h = layers.Rescaling(1 / 255)(picture)
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, strides=2, padding="same")(h))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(2 * width, 4, strides=2, padding="same")(h))
    h = layers.Concatenate()([layers.Flatten()(h), digit])
    h = layers.LeakyReLU(0.2)(layers.Dense(256)(h))
    return keras.Model([picture, digit], [layers.Dense(latent)(h), layers.Dense(latent)(h)], name="encoder")
