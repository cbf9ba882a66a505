"""digits-gen: a conditional generator of handwritten digits, trained on MNIST by the shared training loop.

The loop trains any Keras model whose `train_step` says how it learns; here that is a GAN (gan.py) or, as tried, a
variational auto-encoder (vae.py). The loop is told: no loss of its own (`loss=None`), no monitor (the last epoch
is kept: a GAN's losses do not say which epoch draws best, and choosing by the judge would train against it), the
generator is what is saved (`keep`), the measures are taken after each epoch (`callbacks`), and at the end
(`report`) the way it is sampled is chosen on the validation digits (spread.py: the spread ψ of z and the tone curve
of the grey levels; the judge's features on validation digits pick ψ, one knob of six values) before the card's
figures are measured on the test set, sampled that way.
"""

from dataclasses import replace
from functools import partial
from pathlib import Path

from mlplay.dream import data as dream_data, measures, spread as latent_spread, tone
from mlplay.experiment import Experiment, Family, TrainOption, Try

NAME = "digits-gen"
LABELS = [str(d) for d in range(10)]
FIRST_EPOCH_FILE = "first_epoch.weights.h5"

# The methods tried (docs/dream.md: python -m mlplay.dream.compare); digits-gen is the one kept.
METHODS = {
    "cdcgan": dict(kind="gan", conditioning="concat", loss="bce", ema=0.0),  # the plain conditional DCGAN
    "projection": dict(kind="gan", conditioning="projection", loss="bce", ema=0.999),
    "hinge": dict(kind="gan", conditioning="projection", loss="hinge", ema=0.999),
    "cvae": dict(kind="vae", latent=16),
    "acgan": dict(kind="gan", conditioning="projection", loss="bce", ema=0.999, classify=1.0),
    "vaegan": dict(kind="gan", conditioning="projection", loss="bce", ema=0.999, latent=16, reconstruct=10.0),
}
CHOSEN = "vaegan"
WIDTH = 32  # the generator's channels: 10×10 pictures in LiteRT stay within 20 ms on 2 cores


def build(kind: str = "gan", width: int = WIDTH, **options):
    if kind == "vae":
        from mlplay.dream.vae import ConditionalVAE

        return ConditionalVAE(width=width, **options)
    from mlplay.dream.gan import ConditionalGAN

    return ConditionalGAN(width=width, **options)


def callbacks(data) -> list:
    from mlplay.dream.tracking import MeasureEachEpoch

    return [MeasureEachEpoch(data.x_val, data.y_val)]


def judge_root(models_root: Path | None) -> Path | None:
    """The judge comes from the same models folder when it holds one, else from the default one."""
    from mlplay import store

    if models_root and (store.model_path(measures.JUDGE, models_root) / store.CARD_FILE).exists():
        return models_root
    return None


def judged(models_root: Path | None = None) -> measures.Judge:
    """The judge, with its card (its labels, its SHA-256)."""
    return measures.load_judge(judge_root(models_root))


def test_measures(final, first, data, models_root: Path | None = None, sampling: dict | None = None,
                  judge=None) -> dict:
    """The card's figures: the final and the first-epoch generators on the same 10,000 latent vectors, drawn as
    `sampling` says (the spread ψ of the vectors, the tone curve of the grey levels: spread.py), judged against the
    test digits, beside the floor (training digits against the same test digits); and the final generator's
    figures as it learned (ψ = 1, no tone curve), `*_as_learned`."""
    from mlplay import store
    from mlplay.dream.tracking import generate

    sampling = sampling or {}
    psi, curve = latent_spread.of_card({"sampling": sampling}), tone.of_card({"sampling": sampling})
    judge = judge or judged(models_root)
    judge_card = judge.card
    reference = measures.Reference.of(judge, data.x_test.reshape(-1, 28, 28), data.y_test)
    z, digits = measures.sample_plan(latent=final.inputs[0].shape[-1])
    now = measures.measure(judge, curve[generate(final, psi * z, digits)], digits, reference)
    then = measures.measure(judge, curve[generate(first, psi * z, digits)], digits, reference)
    metrics = {key: round(value, 6) for key, value in now.items() if key != "per_digit"}
    metrics.update(frechet_floor=round(measures.floor(judge, data.x_train.reshape(-1, 28, 28), reference), 6),
                   frechet_first_epoch=round(then["frechet_distance"], 6),
                   conditional_accuracy_first_epoch=round(then["conditional_accuracy"], 6))
    if sampling:
        learned = measures.measure(judge, generate(final, z, digits), digits, reference)
        metrics.update({f"{key}_as_learned": round(learned[key], 6)
                        for key in ("conditional_accuracy", "frechet_distance", "diversity_min", "diversity_mean",
                                    "not_a_digit") if key in learned})
    about = {"judge": measures.JUDGE, "judge_sha256": judge_card.get("sha256", {}).get(store.KERAS_FILE),
             "judge_test_accuracy": judge_card.get("metrics", {}).get("test_accuracy"),
             "samples": f"{measures.PER_DIGIT} a digit, latent vectors ψ·z with z ~ N(0, I) from seed "
                        f"{measures.SEED}, ψ = {psi}, grey levels mapped by the tone curve (the card's sampling)",
             "floor": f"{measures.DIGITS * measures.PER_DIGIT} training digits (seed {measures.SEED}) against the "
                      "test set",
             "diversity": "mean pairwise pixel distance of a digit's samples / that of the test digits of that digit",
             "per_digit": now["per_digit"], "per_digit_first_epoch": then["per_digit"]}
    return {"metrics": metrics, "measures": about}


def report(model, data) -> dict:
    """How to sample, chosen on the validation digits (spread.py), then the card's figures drawn that way."""
    judge = judged()
    chosen = latent_spread.sampling(latent_spread.table(model.sampler, data.x_train, data.x_val, data.y_val, judge))
    return {**test_measures(model.sampler, model.first_epoch, data, sampling=chosen, judge=judge), "sampling": chosen}


def report_as_learned(model, data) -> dict:
    """The card's figures of the generator as it learned (ψ = 1, no tone curve): how the methods tried are compared
    (compare.py), each by what its training alone gave."""
    return test_measures(model.sampler, model.first_epoch, data)


def export(model, folder: Path) -> None:
    model.first_epoch.save_weights(folder / FIRST_EPOCH_FILE)  # so that `mlplay eval` can measure it again


def first_epoch_generator(model, final):
    """The generator after its first epoch, from the weights saved beside the final one (`model`, a store.Model)."""
    import keras

    first = keras.Model.from_config(final.get_config())
    with model.opening(FIRST_EPOCH_FILE):
        first.load_weights(model.file(FIRST_EPOCH_FILE))
    return first


def rescore(model, data_path: Path | None = None) -> dict:
    """`mlplay eval digits-gen`: the card's measures again, from the saved generators (`model`, a store.Model) and
    the judge, sampled as the card says."""
    final = model.keras()  # imports TensorFlow quietly, so before Keras
    first = first_epoch_generator(model, final)
    data = dream_data.load_data(data_path, model.card.quick)
    return test_measures(final, first, data, model.folder.parent, model.card.raw.get("sampling"))["metrics"]


def experiment(name: str, method: str, **changes) -> Experiment:
    options = METHODS[method]
    vae = options["kind"] == "vae"
    summary = {"cdcgan": "conditional DCGAN (digit as input channels), non-saturating loss",
               "projection": "conditional DCGAN, projection discriminator, non-saturating loss, averaged generator",
               "hinge": "conditional DCGAN, projection discriminator, hinge loss, averaged generator",
               "cvae": "conditional variational auto-encoder",
               "acgan": "conditional DCGAN, projection discriminator that also names real digits (AC-GAN), averaged "
                        "generator",
               "vaegan": "conditional VAE-GAN: a projection GAN whose generator also reconstructs encoded training "
                         "digits, averaged generator"}[method]
    latent = options.get("latent", 64)
    base = Experiment(
        name=name, task="conditional image generation", labels=LABELS, input_shape=(latent,),
        summary=f"{summary}; generator z({latent})+digit → dense 7×7×{2 * WIDTH} → deconv {WIDTH} → deconv 1 (28×28)",
        preprocessing=f"inputs: ψ·z with z ~ N(0, I) ({latent} values) and the digit one-hot (10 values); output: a "
                      "28×28 picture, white ink on black, 0–255, whose grey levels then go through the tone curve (ψ "
                      "and the curve: the card's sampling)",
        build=partial(build, **options), load_data=dream_data.load_data, epochs=200, batch_size=128,
        learning_rate=1e-3 if vae else 2e-4, loss=None, metrics=(), monitor=None, headline="conditional_accuracy",
        keep=lambda model: model.sampler, callbacks=callbacks, report=report, export=export, rescore=rescore,
        tries=(Try(("dream", "digits", "--model", "{name}", "--models-dir", "{models}", "--digit", "3", "--count", "5",
                    "--out", "{models}/dream-threes", "--seed", "1")),
               Try(("eval", "{name}", "--models-dir", "{models}"))))
    return replace(base, **changes)


def resolve(exp: Experiment, request) -> tuple[Experiment, Path | None]:
    """`--method NAME` trains one of the other methods tried instead of the chosen one."""
    method = request.options.get("method")
    return (exp if method is None else experiment(exp.name, method, family=exp.family)), request.data


def _strip():
    from mlplay.dream.strip import for_draw_window

    return for_draw_window()


FAMILY = Family(name="dream", experiments=[experiment(NAME, CHOSEN)], resolve=resolve,
                options=(TrainOption("--method", f"digits-gen: train another method ({', '.join(METHODS)}; default "
                                     f"{CHOSEN}).", choices=tuple(METHODS), metavar="NAME"),),
                help="digits-gen (a conditional digit generator; --method NAME: another method tried)",
                lends={"digits-strip": _strip})
