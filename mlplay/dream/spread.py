"""How the generator is sampled at run time: the spread ψ of its latent vectors, chosen once on the validation
digits, and the tone curve of its grey levels at that ψ (tone.py).

The generator learned from z ~ N(0, I). Given ψ·z instead, with ψ < 1, it draws from nearer the middle of its latent
space, where it has seen the most digits: each sample is more clearly its digit, at some cost in variety. This is the
"truncation trick" of BigGAN (Brock et al., 2019), or Glow's "temperature"; the window's walk stays in the same place,
since a point of an arc between two N(0, ψ² I) vectors is N(0, ψ² I) too.

The rule: of ψ = 0.5, 0.6, …, 1.0, keep the one with the lowest Fréchet distance whose every
digit keeps at least 0.80 of the real digits' diversity (the variety the dream issue asks for), measured on samples
against the validation digits, each ψ with its own tone curve (fitted on samples of another seed and the training
digits). The test digits take no part; the card's figures are then measured at that ψ, with that curve. ψ is thus
one knob of six values tuned with the judge's features on validation digits (docs/dream.md says what that favours).

The card records ψ and the curve (`sampling.spread`, `sampling.tone`) and the validation table ψ was chosen from;
everything that draws reads them: `Dreamer.draw` scales the vectors it is given and maps the grey levels it draws,
and `mlplay eval digits-gen` measures as it does.

`python -m mlplay.dream.compare spread` chooses ψ and the curve for the shipped generator again and prints the
table; `--write` then measures the card's figures sampled that way and writes them into its card (the model files
are unchanged).
"""

import numpy as np

from mlplay.dream import measures, tone

GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DIVERSITY = 0.80  # every digit keeps at least this share of the real digits' diversity
PER_DIGIT = 300  # 3,000 samples a ψ against the 6,000 validation digits
SEED = measures.SEED + 2  # not the card's samples (SEED) nor the per-epoch ones (SEED + 1)
TONE_SEED = measures.SEED + 3  # the samples each ψ's tone curve is fitted on
RULE = (f"chosen on the validation digits ({PER_DIGIT} samples a digit a ψ, seed {SEED}): of ψ in "
        f"{', '.join(map(str, GRID))}, the lowest Fréchet distance with every digit's diversity ≥ {DIVERSITY:.2f}, "
        f"each ψ with its tone curve (fitted on {PER_DIGIT} samples a digit of seed {TONE_SEED} and the training "
        "digits)")


def of_card(card: dict) -> float:
    """The card's ψ; 1 (z as the generator learned it) for a generator measured before ψ was chosen."""
    return float(card.get("sampling", {}).get("spread", 1.0))


def table(generator, x_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
          judge: measures.Judge) -> dict[float, dict]:
    """The validation measures of `generator` (Keras) at each ψ of the grid, on the same latent vectors, each ψ's
    pictures mapped by its own tone curve (in the entry, under "tone")."""
    from mlplay.dream.tracking import generate

    reference = measures.Reference.of(judge, x_val.reshape(-1, 28, 28), y_val)
    latent = generator.inputs[0].shape[-1]
    z, digits = measures.sample_plan(PER_DIGIT, latent, seed=SEED)
    z_fit, digits_fit = measures.sample_plan(PER_DIGIT, latent, seed=TONE_SEED)
    found = {}
    for psi in GRID:
        curve = tone.fit(generate(generator, psi * z_fit, digits_fit), x_train)
        m = measures.measure(judge, curve[generate(generator, psi * z, digits)], digits, reference)
        found[psi] = {**{key: round(m[key], 4) for key in ("conditional_accuracy", "frechet_distance",
                                                            "diversity_min")}, "tone": curve}
    return found


def choose(found: dict[float, dict]) -> float:
    """The rule: the lowest Fréchet distance among the ψ that keep every digit's diversity ≥ DIVERSITY (ψ = 1 when
    none does: then the generator lacks variety already and nothing should narrow it)."""
    allowed = [psi for psi, m in found.items() if m["diversity_min"] >= DIVERSITY]
    return min(allowed, key=lambda psi: found[psi]["frechet_distance"]) if allowed else 1.0


def sampling(found: dict[float, dict]) -> dict:
    """The card's `sampling` section: ψ, its tone curve, the rule and the table ψ came from."""
    psi = choose(found)
    return {"spread": psi, "tone": [int(v) for v in found[psi]["tone"]], "rule": RULE,
            "validation": {str(p): {k: v for k, v in m.items() if k != "tone"} for p, m in found.items()}}
