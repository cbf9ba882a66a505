"""The measure that it stylises: Gram-matrix style distances and content distances from the shipped MobileNetV2's
hidden layers, checked on constructed pictures; then on the real photos (../shared/data, skipped without it) every
shipped style must move every photo towards its painting, the content must stay nearer the photo than the painting
is, the shipped classifier must still see a cat in the cat painted at strength 0.5, and the card must hold the same
figures."""

import cv2
import numpy as np
import pytest

from mlplay.style import painter
from mlplay.style.distance import (
    CAT_CLASSES,
    CONTENT_LAYER,
    STYLE_LAYERS,
    Features,
    content_distance,
    gram,
    measure,
    squares,
    style_distance,
)

from stylevideo import generated_picture, photos_dir

needs_photos = pytest.mark.skipif(photos_dir() is None,
                                  reason="needs ../shared/data/pretrained/photos beside the clone")


@pytest.fixture(scope="module")
def features():
    return Features()


@pytest.fixture(scope="module")
def model():
    return painter.StyleModel()


def test_squares_cover_the_longer_side_at_224_on_the_shorter():
    wide = squares(np.zeros((300, 1000, 3), np.uint8))
    assert len(wide) == 4 and all(s.shape == (224, 224, 3) for s in wide)  # 747 px wide: 4 squares of 224
    tall = squares(np.zeros((929, 512, 3), np.uint8))
    assert len(tall) == 2 and all(s.shape == (224, 224, 3) for s in tall)
    assert len(squares(np.zeros((500, 500, 3), np.uint8))) == 1


def test_gram_matrices_are_the_features_correlations():
    f = np.random.default_rng(0).random((7, 5, 3))
    g = gram(f)
    flat = f.reshape(-1, 3)
    assert g.shape == (3, 3) and np.allclose(g, g.T) and np.isclose(g[0, 1], (flat[:, 0] * flat[:, 1]).mean())


def test_distances_are_zero_for_the_same_picture_and_grow_with_a_different_one(features):
    picture = generated_picture((300, 400), seed=1)
    seen = features(picture)
    assert set(seen.grams) == set(STYLE_LAYERS) and len(seen.content) == 2  # 224×299: two squares
    assert style_distance(seen, seen) == 0 and content_distance(seen, seen) == 0
    blurred = features(cv2.GaussianBlur(picture, (7, 7), 0))  # the same things, softer
    lined = picture.copy()
    lined[::6] = 0  # the same things under a texture of dark lines
    textured = features(lined)
    other = features(generated_picture((300, 400), seed=7)[::-1, ::-1].copy())  # other colours, shapes elsewhere
    assert style_distance(textured, seen) > 5 * style_distance(blurred, seen) > 0  # texture is style
    assert content_distance(blurred, seen) < content_distance(textured, seen) < content_distance(other, seen)


def test_the_features_are_read_inside_the_shipped_classifier(features):
    assert features.model.path.parent.name == "mobilenet-quant"
    features(generated_picture((224, 224)))
    assert features.model.tensor(CONTENT_LAYER).shape == (1, 14, 14, 576)


@needs_photos
@pytest.mark.slow
def test_every_style_moves_every_photo_towards_its_painting_and_the_card_says_so(model):
    photos = sorted(p for p in photos_dir().iterdir() if p.suffix in (".jpg", ".bmp"))
    assert len(photos) == 8
    result = measure(model, photos, (1.0,), log=lambda *_: None)
    pairs = result["strengths"]["1.0"]["pairs"]
    assert sorted(pairs) == sorted(s.name for s in model.styles)
    for style, by_photo in pairs.items():
        assert len(by_photo) == 8
        for photo, p in by_photo.items():
            assert p["style_painted"] < p["style_photo"], (style, photo, p)  # nearer the painting than the photo was
            assert p["content_painted"] < p["content_painting"], (style, photo, p)  # still the photo's content
    card = model.card["distances"]
    assert card["photos"] == result["photos"]  # the card was measured on these very photos
    for style, by_photo in pairs.items():
        for photo, p in by_photo.items():
            recorded = card["strengths"]["1.0"]["pairs"][style][photo]
            for key, value in p.items():
                assert abs(recorded[key] - value) < 0.01, (style, photo, key, recorded[key], value)
    full = card["strengths"]["1.0"]  # the card's summary of those pairs, and its headline
    assert full["pairs_measured"] == 40 == full["moved_towards_painting"]  # 5 styles × 8 photos
    assert model.card["metrics"][painter.HEADLINE] == full["style_distance_ratio"] < 1


@needs_photos
def test_the_classifier_still_sees_a_cat_in_the_cat_painted_at_half_strength(model):
    from mlplay.style.data import read_picture
    from mlplay.vision import loaders

    classifier = loaders.classifier(None)  # the one `mlplay classify` uses: mobilenet-quant
    cat = read_picture(photos_dir() / "cat.bmp")
    for style in model.styles:
        painted = model.styliser(cat, model.bottlenecks(style), 0.5)
        p = classifier.classify([painted])[0]
        top5 = [classifier.labels[i] for i in np.argsort(p)[::-1][:5]]
        assert CAT_CLASSES & set(top5), (style.name, top5)
        assert not np.array_equal(painted, cat) and np.abs(painted.astype(int) - cat).mean() > 10  # it was painted
    cat = model.card["distances"]["strengths"]["0.5"]["cat"]
    assert all(c["cat_in_top5"] for c in cat.values())  # as the card says
