"""A conditional GAN for 28×28 digits, as one Keras model that `model.fit` trains (its own `train_step`).

The generator turns a latent vector z and a digit (one-hot, 10 values) into a picture, 0–255. The discriminator
reads a picture and a digit and scores how real the pair looks. Two ways to give the discriminator the digit:

- "concat" (the plain conditional DCGAN): the one-hot digit enters as 10 extra constant input channels;
- "projection" (Miyato & Koyama, 2018): the score is a linear read-out of the picture's features plus the inner
  product of those features with an embedding of the digit, so the digit weighs on every feature.

Options the comparison tried (models.METHODS, docs/dream.md): a hinge loss instead of the non-saturating one; an
auxiliary classifier (AC-GAN: the discriminator also names the digit of real pictures, the generator is asked to be
named right); and `reconstruct`, which makes it a VAE-GAN: an encoder maps each training digit into the latent space
and the generator must draw it back from there (the VAE's bound, weighted against the GAN's loss), which gives the
generator a steady signal from the first step and keeps every kind of digit within reach. digits-gen is that one.

The generator that is kept is an exponential moving average of the trained one's weights: the average of the
last few hundred steps draws steadier digits than the weights of any single step.
"""

import keras
from keras import ops

from mlplay.dream.networks import DIGITS, Sampling, build_discriminator, build_encoder, build_generator
from mlplay.dream.vae import evidence_bound

PIXELS = 28 * 28


@keras.saving.register_keras_serializable("mlplay")
class ConditionalGAN(Sampling, keras.Model):
    """Generator + discriminator trained together; `sampler`, the averaged generator, is what is kept."""

    def __init__(self, latent: int = 64, width: int = 64, conditioning: str = "projection", loss: str = "bce",
                 ema: float = 0.999, d_width: int | None = None, beta_1: float = 0.5, classify: float = 0.0,
                 reconstruct: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.latent, self.width, self.conditioning, self.loss_kind = latent, width, conditioning, loss
        self.ema, self.d_width, self.beta_1, self.classify = ema, d_width or width, beta_1, classify
        self.reconstruct = reconstruct
        self.encoder = build_encoder(latent, width) if reconstruct else None
        self.generator = build_generator(latent, width)
        self.discriminator = build_discriminator(self.d_width, conditioning, classifier=classify > 0)
        self.sampler = build_generator(latent, width, name="average_generator")
        self.first_epoch = build_generator(latent, width, name="first_epoch_generator")  # set by the measures
        for copy in (self.sampler, self.first_epoch):  # follow the trained generator; never trained themselves
            copy.set_weights(self.generator.get_weights())
            copy.trainable = False
        self.noise = keras.random.SeedGenerator(0)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "real_accuracy")}
        self.steps_done = self.add_weight(shape=(), initializer="zeros", trainable=False, name="steps_done")
        self.built = True  # its networks are built already: the loop can save weights before any call

    def get_config(self):
        return {**super().get_config(), "latent": self.latent, "width": self.width, "conditioning": self.conditioning,
                "loss": self.loss_kind, "ema": self.ema, "d_width": self.d_width, "beta_1": self.beta_1,
                "classify": self.classify, "reconstruct": self.reconstruct}

    def compile(self, optimizer=None, **kwargs):
        """The training loop hands one optimizer: its learning rate (a schedule, or a value a callback sets) drives
        two Adams, one a network, with β₁ = 0.5 as DCGAN found steadier for GANs. Loss and metrics are the model's."""
        super().compile(optimizer=optimizer)
        rate = getattr(optimizer, "_learning_rate", 2e-4)
        if not isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) and not isinstance(rate, float):
            rate = lambda: self.optimizer.learning_rate  # noqa: E731 - a variable that a callback assigns
        self.g_optimizer = keras.optimizers.Adam(rate, beta_1=self.beta_1, beta_2=0.999)
        self.d_optimizer = keras.optimizers.Adam(rate, beta_1=self.beta_1, beta_2=0.999)
        self.g_optimizer.build(self._g_variables())
        self.d_optimizer.build(self.discriminator.trainable_variables)

    def _scores_to_losses(self, real_scores, fake_scores):
        """(discriminator loss, generator loss) for the chosen loss: non-saturating cross-entropy or hinge."""
        if self.loss_kind == "hinge":
            d = ops.mean(ops.relu(1 - real_scores)) + ops.mean(ops.relu(1 + fake_scores))
            return d, -ops.mean(fake_scores)
        d = ops.mean(ops.softplus(-real_scores)) + ops.mean(ops.softplus(fake_scores))
        return d, ops.mean(ops.softplus(-fake_scores))

    def train_step(self, data):
        import tensorflow as tf

        pictures, digits = data
        batch = ops.shape(pictures)[0]
        onehot = ops.one_hot(ops.cast(digits, "int32"), DIGITS)
        z = keras.random.normal((batch, self.latent), seed=self.noise)
        # the discriminator learns: real pairs up, generated pairs down
        fakes = self.generator([z, onehot], training=True)
        with tf.GradientTape() as tape:
            real_scores, real_logits = self._judged(pictures, onehot)
            fake_scores, _ = self._judged(fakes, onehot)
            d_loss, _ = self._scores_to_losses(real_scores, fake_scores)
            if self.classify:  # the discriminator also learns to name the digit of real pictures
                d_loss += self.classify * self._cross_entropy(digits, real_logits)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        # the generator learns: its pictures should score as real
        z = keras.random.normal((batch, self.latent), seed=self.noise)
        with tf.GradientTape() as tape:
            fake_scores, fake_logits = self._judged(self.generator([z, onehot], training=True), onehot)
            _, g_loss = self._scores_to_losses(real_scores, fake_scores)
            if self.classify:  # …and the generator, to draw pictures it names as the digit asked for
                g_loss += self.classify * self._cross_entropy(digits, fake_logits)
            if self.reconstruct:  # …and to draw each training digit back from where the encoder puts it
                bound, _, _ = evidence_bound(self.encoder, self.generator, pictures, onehot, self.noise, True)
                g_loss += self.reconstruct * bound / PIXELS
        variables = self._g_variables()
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
        self._update_average()
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss)
        self.trackers["real_accuracy"].update_state(ops.mean(ops.cast(real_scores > 0, "float32")))
        return {name: t.result() for name, t in self.trackers.items()}

    def _g_variables(self):
        return self.generator.trainable_variables + (self.encoder.trainable_variables if self.reconstruct else [])

    def _judged(self, pictures, onehot, training=True):
        out = self.discriminator([pictures, onehot], training=training)
        return (out[0], out[1]) if self.classify else (out, None)

    @staticmethod
    def _cross_entropy(digits, logits):
        return ops.mean(keras.losses.sparse_categorical_crossentropy(digits, logits, from_logits=True))

    def _update_average(self):
        """average ← d·average + (1 − d)·generator, with d rising to `ema` (early on the average follows closely)."""
        self.steps_done.assign_add(1.0)
        decay = ops.minimum(self.ema, (1.0 + self.steps_done) / (10.0 + self.steps_done))
        for mine, trained in zip(self.sampler.weights, self.generator.weights):
            mine.assign(decay * mine + (1.0 - decay) * trained)

    def test_step(self, data):
        """On held-out real digits: how many the discriminator takes for real (beside the training figure, it
        shows the discriminator memorising its training pictures)."""
        pictures, digits = data
        onehot = ops.one_hot(ops.cast(digits, "int32"), DIGITS)
        real_scores, _ = self._judged(ops.cast(pictures, "float32"), onehot, training=False)
        self.trackers["real_accuracy"].update_state(ops.mean(ops.cast(real_scores > 0, "float32")))
        return {"real_accuracy": self.trackers["real_accuracy"].result()}
