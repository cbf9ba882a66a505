"""A conditional variational auto-encoder: the other way tried to draw digits on demand.

The encoder reads a picture and its digit and proposes a Gaussian over a small latent space; the decoder (the same
network as the GAN's generator) draws the picture back from a sample of it and the digit. Training maximises the
evidence lower bound: reconstruct the picture (pixel cross-entropy) while keeping the proposal close to N(0, I), so
that at run time z ~ N(0, I) and a digit give a new picture.
"""

import keras
from keras import ops

from mlplay.dream.networks import DIGITS, Sampling, build_encoder, build_generator


@keras.saving.register_keras_serializable("mlplay")
class ConditionalVAE(Sampling, keras.Model):
    """Encoder + decoder; `sampler` (the decoder) is what is kept."""

    def __init__(self, latent: int = 16, width: int = 32, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.latent, self.width, self.beta = latent, width, beta
        self.encoder = build_encoder(latent, width)
        self.sampler = build_generator(latent, width, name="decoder")
        self.first_epoch = build_generator(latent, width, name="first_epoch_decoder")
        self.first_epoch.set_weights(self.sampler.get_weights())
        self.noise = keras.random.SeedGenerator(0)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}
        self.built = True  # its networks are built already: the loop can save weights before any call

    def get_config(self):
        return {**super().get_config(), "latent": self.latent, "width": self.width, "beta": self.beta}

    def compile(self, optimizer=None, **kwargs):
        super().compile(optimizer=optimizer)

    def _elbo(self, pictures, digits, training):
        onehot = ops.one_hot(ops.cast(digits, "int32"), DIGITS)
        return evidence_bound(self.encoder, self.sampler, pictures, onehot, self.noise, training, self.beta)

    def _record(self, loss, reconstruction, kl):
        for name, value in (("loss", loss), ("reconstruction", reconstruction), ("kl", kl)):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def train_step(self, data):
        import tensorflow as tf

        pictures, digits = data
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = self._elbo(pictures, digits, True)
        variables = self.encoder.trainable_variables + self.sampler.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return self._record(loss, reconstruction, kl)

    def test_step(self, data):
        return self._record(*self._elbo(*data, False))


def evidence_bound(encoder, decoder, pictures, onehot, seed, training: bool, beta: float = 1.0):
    """(−ELBO, reconstruction, KL), each a batch mean: the pixels' cross-entropy (pixels read as probabilities of
    ink) of the picture drawn back from z ~ q(z | picture, digit), and the KL divergence of q from N(0, I)."""
    pictures = ops.cast(pictures, "float32")  # validation batches come as stored: uint8
    mean, log_var = encoder([pictures, onehot], training=training)
    z = mean + ops.exp(0.5 * log_var) * keras.random.normal(ops.shape(mean), seed=seed)
    drawn = ops.clip(decoder([z, onehot], training=training) / 255.0, 1e-6, 1 - 1e-6)
    target = ops.reshape(pictures, ops.shape(drawn)) / 255.0
    bce = -(target * ops.log(drawn) + (1 - target) * ops.log(1 - drawn))
    reconstruction = ops.mean(ops.sum(bce, axis=(1, 2, 3)))
    kl = ops.mean(-0.5 * ops.sum(1 + log_var - mean ** 2 - ops.exp(log_var), axis=1))
    return reconstruction + beta * kl, reconstruction, kl
