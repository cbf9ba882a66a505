"""How the bundled models see a picture (mlplay/vision/preparation.py): the crops and resizes their cards name, and
the detector on the darknet dog photo, which reads as a dog, a bicycle and a truck only when resized as it was
trained (bilinearly); with area averaging the dog read as a cat."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.vision import bundled, measure_preparation as measure, preparation
from mlplay.vision.classify import centre_crop

DOG = Path(__file__).resolve().parents[1] / "data" / "dog.jpg"  # tests/data/README.md: source and licence
SLIM = {"resize": "central-crop", "crop": 0.875, "interpolation": "bilinear"}


def test_the_central_fraction_is_cut_where_tensorflow_cuts_it():
    image = np.arange(100 * 200).reshape(100, 200)
    part = preparation.central_fraction(image, 0.875)  # tf.image.central_crop: start int((100 - 87.5) / 2) = 6
    assert part.shape == (88, 176) and part[0, 0] == image[6, 12] and part[-1, -1] == image[93, 187]


def test_the_classifier_sees_the_central_seven_eighths_stretched_to_its_input():
    bgr = np.zeros((300, 400, 3), np.uint8)
    bgr[:, :, 2] = 255  # red everywhere …
    bgr[18:282, 25:375] = (0, 255, 0)  # … but inside the central 87.5 % (rows 18–281, columns 25–374): green
    rgb = preparation.prepare(bgr, 224, 224, SLIM)
    assert rgb.shape == (224, 224, 3) and rgb.dtype == np.uint8
    assert (rgb[..., 0] == 0).all() and (rgb[..., 1] == 255).all()  # no red left: the frame was cut off
    old = preparation.prepare(bgr, 224, 224, {"resize": "centre-crop"})  # a card written before: as it says
    assert np.array_equal(old, centre_crop(bgr, 224)) and (old[..., 0] == 255).any()


def test_bilinear_samples_pixel_centres_and_tensorflow_1_samples_their_corners():
    ramp = np.tile(np.arange(200, dtype=np.uint8), (10, 1))[..., None].repeat(3, axis=2)  # value = column
    centres = preparation.resize(ramp, 100, 10, "bilinear")
    corners = preparation.resize(ramp, 100, 10, "bilinear-tf1")
    assert np.array_equal(corners[0, :, 0], np.arange(0, 200, 2))  # output j reads input 2j exactly
    assert np.abs(centres[0, 1:-1, 0].astype(int) - (np.arange(2, 198, 2) + 0.5)).max() <= 0.5  # and 2j + 0.5
    stretched = preparation.prepare(ramp, 50, 20, {"resize": "stretch", "interpolation": "bilinear"})
    assert np.array_equal(stretched, cv2.cvtColor(cv2.resize(ramp, (50, 20)), cv2.COLOR_BGR2RGB))


@pytest.mark.parametrize("spec, words", [({"resize": "squash"}, "not a preparation"),
                                         ({"resize": "stretch", "interpolation": "cubic"}, "not a preparation"),
                                         ({"resize": "central-crop", "crop": 1.5}, "not a fraction")])
def test_a_card_asking_for_an_unknown_preparation_is_refused_in_one_line(spec, words):
    with pytest.raises(MlplayError, match=words):
        preparation.check(spec)


def test_the_shipped_classifier_prepares_pictures_as_tf_slim_evaluated_mobilenet():
    from mlplay.litert import pixel_table
    from mlplay.vision.lite import LiteClassifier

    classifier = LiteClassifier(bundled.load("mobilenet-quant"))
    picture = np.random.default_rng(0).integers(0, 256, (360, 480, 3), np.uint8)
    table = pixel_table(classifier.model.inputs[0], 127.5, 127.5)
    assert np.array_equal(classifier.prepare(picture), table[preparation.prepare(picture, 224, 224, SLIM)][None])


def test_the_darknet_dog_photo_reads_as_a_dog_a_bicycle_and_a_truck():
    from mlplay.vision.lite import LiteDetector

    detector = LiteDetector(bundled.load("coco-ssd-quant"))
    found = {d.label for d in detector(cv2.imread(str(DOG)), min_score=0.4)}
    assert {"dog", "bicycle", "truck"} <= found and "cat" not in found, found
    detector.prepare.spec = {**detector.prepare.spec, "interpolation": "area"}  # the resize used before
    assert "cat" in {d.label for d in detector(cv2.imread(str(DOG)), min_score=0.4)}


def test_imagenet_classes_that_name_a_coco_category_are_found_by_number_and_name(tmp_path):
    assert measure.coco_label(152, "Chihuahua") == "dog" and measure.coco_label(282, "tabby") == "cat"
    assert measure.coco_label(851, "teddy") == "teddy bear" and measure.coco_label(7, "stingray") is None
    (tmp_path / "wnids.txt").write_text("n01\nn02\nn03\n")
    for name in ("n03_third.JPEG", "n01_first.JPEG"):
        (tmp_path / name).write_bytes(b"")
    assert [(p.name, i) for p, i in measure.imagenet_photos(tmp_path)] == [("n01_first.JPEG", 1),
                                                                              ("n03_third.JPEG", 3)]


def test_the_paired_interval_brackets_the_mean_difference():
    same = np.linspace(0, 1, 50)
    assert measure.paired_interval(same, same) == (0.0, 0.0, 0.0)
    mean, low, high = measure.paired_interval(same + np.where(np.arange(50) % 2, 0.2, 0.0), same)
    assert mean == pytest.approx(0.1) and low < 0.1 < high and 0.0 <= low and high <= 0.2


def test_antialiased_resize_weighs_every_input_pixel_as_pillow_does():
    """Halving a row: output pixel 0 is centred at input position 1.0, the triangle filter is 2 pixels wide, so the
    first three pixels (centres 0.5, 1.5, 2.5) weigh 0.75, 0.75 and 0.25, normalised."""
    row = np.array([[0, 100, 200, 40]], np.uint8)
    half = preparation.antialiased(row[..., None], 2, 1)[..., 0]
    want0 = (0.75 * 0 + 0.75 * 100 + 0.25 * 200) / 1.75
    want1 = (0.25 * 100 + 0.75 * 200 + 0.75 * 40) / 1.75
    assert half.tolist() == [[round(want0), round(want1)]]
    flat = np.full((37, 53, 3), 77, np.uint8)  # any size, any factor: a flat picture stays flat
    small = preparation.antialiased(flat, 20, 11)
    assert small.shape == (11, 20, 3) and (small == 77).all()
    stripes = np.tile(np.array([0, 255], np.uint8), (8, 8))  # one-pixel stripes: grey, no aliasing (inside the edges,
    assert np.abs(preparation.antialiased(stripes, 4, 8)[:, 1:-1].astype(int) - 128).max() <= 1  # where it is cut)
