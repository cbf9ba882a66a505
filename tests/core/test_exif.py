"""Photos are read upright: phones store pictures sideways or upside down with an EXIF Orientation tag, and
OpenCV ignores the tag when it keeps alpha and bit depth (IMREAD_UNCHANGED). One reader (imageio) applies it."""


import cv2
import numpy as np
import pytest

from mlplay.imageio import exif_orientation, read_bgr, read_grey

from helpers import jpeg_with_orientation


def asymmetric(h=60, w=40):
    """A picture that looks different after any flip or turn: a white top band, a red left stripe."""
    img = np.zeros((h, w, 3), np.uint8)
    img[:12] = 255
    img[:, :8, 2] = 200
    return img


@pytest.mark.parametrize("little_endian", [False, True], ids=["big-endian", "little-endian"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_read_upright(tmp_path, orientation, little_endian):
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg_with_orientation(asymmetric(), orientation, little_endian))
    stored = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED)
    ours = read_bgr(path)
    assert ours.shape == (60, 40, 3)
    assert np.abs(ours.astype(int) - asymmetric()).mean() < 3  # JPEG noise only
    assert np.abs(cv2.cvtColor(ours, cv2.COLOR_BGR2GRAY).astype(int) - read_grey(path)).max() <= 1
    if orientation in (5, 6, 7, 8):
        assert stored.shape[:2] == (40, 60)  # what a reader that ignores EXIF sees: sideways
    opencv = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_COLOR)  # OpenCV's own EXIF handling agrees
    assert np.abs(ours.astype(int) - opencv).max() <= 2


def test_orientation_tag_parsing_tolerates_junk():
    assert exif_orientation(b"") == 1 and exif_orientation(b"MM\0*\0\0\0\x08\0\x05") == 1  # runs past the end
    assert exif_orientation(b"XX" + bytes(30)) == 1  # no byte-order mark


def test_predict_reads_a_six_photographed_upside_down_as_a_six(tmp_path, mlplay):
    six = np.zeros((200, 200), np.uint8)
    cv2.putText(six, "6", (50, 150), cv2.FONT_HERSHEY_SIMPLEX, 5, 255, 10)
    six = cv2.cvtColor(six, cv2.COLOR_GRAY2BGR)
    (tmp_path / "six.jpg").write_bytes(jpeg_with_orientation(six, 3))  # stored upside down: the pixels show a 9
    (tmp_path / "raw.jpg").write_bytes(jpeg_with_orientation(six[::-1, ::-1].copy(), 1))  # the same pixels, no tag
    result = mlplay("predict", "digits-cnn", tmp_path / "six.jpg", tmp_path / "raw.jpg")
    assert result.returncode == 0, result.stderr
    labels = [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()]
    assert labels == ["6", "9"]
