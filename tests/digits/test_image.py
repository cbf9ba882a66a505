import cv2
import numpy as np
import pytest

from mlplay.digits.image import to_mnist
from mlplay.imageio import as_white_on_black, ink_bbox


def ring(canvas: int, centre: tuple[int, int], radius: int, pen: int) -> np.ndarray:
    img = np.zeros((canvas, canvas), np.uint8)
    cv2.ellipse(img, centre, (radius, int(radius * 1.4)), 0, 0, 360, 255, pen, cv2.LINE_AA)
    return img


def centre_of_mass(img):
    m = img.astype(float)
    ys, xs = np.indices(img.shape)
    return (ys * m).sum() / m.sum(), (xs * m).sum() / m.sum()


@pytest.mark.parametrize("centre,radius,pen", [((200, 200), 100, 24), ((80, 300), 30, 8), ((330, 90), 60, 15)])
def test_small_large_and_off_centre_drawings_look_alike(centre, radius, pen):
    reference = to_mnist(ring(400, (200, 200), 100, 24)).astype(float)
    digit = to_mnist(ring(400, centre, radius, pen))
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 13.5) < 0.6 and abs(cx - 13.5) < 0.6
    top, bottom, left, right = ink_bbox(digit)
    assert max(bottom - top, right - left) in (19, 20, 21)  # longest side scaled to the 20 px box
    overlap = (reference * digit).sum() / np.sqrt((reference**2).sum() * (digit.astype(float) ** 2).sum())
    assert overlap > 0.8


def test_empty_drawing_gives_a_black_square():
    assert not to_mnist(np.zeros((50, 50), np.uint8)).any()


def test_dark_ink_on_paper_is_inverted_but_white_on_black_is_not():
    paper = np.full((40, 40), 250, np.uint8)
    paper[10:30, 18:22] = 10
    assert as_white_on_black(paper)[20, 20] == 245
    assert as_white_on_black(255 - paper)[20, 20] == 245
