"""Learning curves as a PNG, drawn with OpenCV (no plotting library needed)."""

from pathlib import Path

import cv2
import numpy as np

from mlplay.fileio import atomic_path

W, H, PAD = 420, 300, 44
TRAIN, VAL = (200, 120, 30), (40, 110, 230)  # BGR: blue-ish train, orange val


def _panel(name: str, train: list[float], val: list[float]) -> np.ndarray:
    img = np.full((H, W, 3), 255, np.uint8)
    values = [v for v in train + val if np.isfinite(v)]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    n = max(len(train), len(val), 2)

    def xy(i, v):
        return (int(PAD + i * (W - 2 * PAD) / (n - 1)), int(H - PAD - (v - lo) * (H - 2 * PAD) / (hi - lo)))

    cv2.rectangle(img, (PAD, PAD), (W - PAD, H - PAD), (180, 180, 180), 1)
    for series, colour in ((train, TRAIN), (val, VAL)):
        points = np.array([xy(i, v) for i, v in enumerate(series) if np.isfinite(v)], np.int32)
        if len(points):
            cv2.polylines(img, [points], False, colour, 2, cv2.LINE_AA)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(img, name, (PAD, 28), font, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    if train:  # a legend only for the lines drawn (a figure measured on validation data alone has no train line)
        cv2.putText(img, "train", (W - PAD - 110, 28), font, 0.45, TRAIN, 1, cv2.LINE_AA)
    if val:
        cv2.putText(img, "val", (W - PAD - 50, 28), font, 0.45, VAL, 1, cv2.LINE_AA)
    cv2.putText(img, f"{hi:.4g}", (2, PAD + 4), font, 0.35, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(img, f"{lo:.4g}", (2, H - PAD), font, 0.35, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(img, f"epochs 1..{n}", (PAD, H - 14), font, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    return img


def _grid(panels: list[np.ndarray], per_row: int = 4) -> np.ndarray:
    """Panels side by side, at most `per_row` a row (blank ones fill the last row)."""
    if len(panels) <= per_row:
        return np.hstack(panels)
    rows = [panels[i:i + per_row] for i in range(0, len(panels), per_row)]
    rows[-1] = rows[-1] + [np.full_like(panels[0], 255)] * (per_row - len(rows[-1]))
    return np.vstack([np.hstack(row) for row in rows])


def learning_curves(history: dict[str, list[float]], path: Path) -> Path:
    """One panel per metric (loss, accuracy, …), train and validation lines; a figure measured on validation data
    alone (e.g. a generator's measures) gets a panel of its own."""
    names = [k for k in history if not k.startswith("val_") and k != "learning_rate"]
    alone = [k.removeprefix("val_") for k in history if k.startswith("val_") and k.removeprefix("val_") not in history]
    panels = [_panel(k, list(history[k]), list(history.get(f"val_{k}", []))) for k in names]
    panels += [_panel(k, [], list(history[f"val_{k}"])) for k in alone]
    panels = panels or [_panel("loss", [], [])]
    with atomic_path(Path(path)) as tmp:
        ok, png = cv2.imencode(".png", _grid(panels))
        tmp.write_bytes(png.tobytes())
    return Path(path)
