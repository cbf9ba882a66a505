"""How widely the latent vectors are drawn at run time: the spread ψ, chosen once on the validation digits.

The generator learned from z ~ N(0, I). Given ψ·z instead, with ψ < 1, it draws from nearer the middle of its latent
space, where it has seen the most digits: each sample is more clearly its digit, at some cost in variety. This is the
"truncation trick" of BigGAN (Brock et al., 2019), or Glow's "temperature"; the window's walk stays in the same place,
since a point of an arc between two N(0, ψ² I) vectors is N(0, ψ² I) too.

The rule, fixed before looking: of ψ = 0.5, 0.6, …, 1.0, keep the one with the lowest Fréchet distance whose every
digit keeps at least 0.80 of the real digits' diversity (the variety the dream issue asks for), measured on samples
against the validation digits. The test digits take no part; the card's figures are then measured at that ψ.

The card records ψ (`sampling.spread`) and the validation table it was chosen from; everything that draws reads it:
`Dreamer.draw` scales the vectors it is given, and `mlplay eval digits-gen` measures at the card's ψ.

`python -m mlplay.dream.compare spread` chooses ψ for the shipped generator again and prints the table; `--write`
then measures the card's figures at that ψ and writes them into its card (the model files are unchanged).
"""

import numpy as np

from mlplay.dream import measures

GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DIVERSITY = 0.80  # every digit keeps at least this share of the real digits' diversity
PER_DIGIT = 300  # 3,000 samples a ψ against the 6,000 validation digits
SEED = measures.SEED + 2  # not the card's samples (SEED) nor the per-epoch ones (SEED + 1)
RULE = (f"chosen on the validation digits ({PER_DIGIT} samples a digit a ψ, seed {SEED}): of ψ in "
        f"{', '.join(map(str, GRID))}, the lowest Fréchet distance with every digit's diversity ≥ {DIVERSITY:.2f}")


def of_card(card: dict) -> float:
    """The card's ψ; 1 (z as the generator learned it) for a generator measured before ψ was chosen."""
    return float(card.get("sampling", {}).get("spread", 1.0))


def table(generator, x_val: np.ndarray, y_val: np.ndarray, judge: measures.Judge,
          judge_labels: list[str] | None = None) -> dict[float, dict]:
    """The validation measures of `generator` (Keras) at each ψ of the grid, on the same latent vectors."""
    from mlplay.dream.tracking import generate

    reference = measures.Reference.of(judge, x_val.reshape(-1, 28, 28), y_val)
    z, digits = measures.sample_plan(PER_DIGIT, generator.inputs[0].shape[-1], seed=SEED)
    found = {}
    for psi in GRID:
        m = measures.measure(judge, generate(generator, psi * z, digits), digits, reference, judge_labels)
        found[psi] = {key: round(m[key], 4) for key in ("conditional_accuracy", "frechet_distance", "diversity_min")}
    return found


def choose(found: dict[float, dict]) -> float:
    """The rule: the lowest Fréchet distance among the ψ that keep every digit's diversity ≥ DIVERSITY (ψ = 1 when
    none does: then the generator lacks variety already and nothing should narrow it)."""
    allowed = [psi for psi, m in found.items() if m["diversity_min"] >= DIVERSITY]
    return min(allowed, key=lambda psi: found[psi]["frechet_distance"]) if allowed else 1.0


def sampling(found: dict[float, dict]) -> dict:
    """The card's `sampling` section: ψ, the rule and the table it came from."""
    return {"spread": choose(found), "rule": RULE, "validation": {str(psi): m for psi, m in found.items()}}
