"""`mlplay classify`, `mlplay detect` and `mlplay camera detect`: pretrained ImageNet and COCO models on photos and
live video. Thin: each command hands its options to mlplay/vision/shells.py."""

from pathlib import Path

import typer

from mlplay import options


def register(cli: options.Groups) -> None:
    DetectModel = typer.Option(None, "--model",
                               help="coco-ssd-quant (shipped, the default), ssdlite (float SavedModel, downloaded) or "
                                    "a TF2 detection SavedModel folder.")

    @cli.app.command(rich_help_panel="Play")
    def classify(
        paths: list[Path] = typer.Argument(..., help="Image files or folders of images."),
        top: int = typer.Option(5, "--top", min=1, help="At most this many labels an image."),
        threshold: float = typer.Option(0.2, "--threshold", min=0.0, max=1.0,
                                        help="Hide labels below this probability."),
        window: bool = typer.Option(False, "--window",
                                    help="Show each image with its labels (any key: next, q: quit)."),
        jsonl: bool = options.jsonl(),
        model: str | None = typer.Option(None, "--model",
                                         help="mobilenet-quant (shipped, the default), mobilenet-v2 (float, fetched) "
                                              "or your Keras classifier (.keras file or folder with labels.txt)."),
        labels: Path | None = typer.Option(None, "--labels", help="Labels file for --model (one name a line)."),
        scale: str = typer.Option("raw", "--scale",
                                  help="Pixel scaling --model expects: raw (0–255), unit (0–1), mobilenet (-1–1)."),
    ):
        """Classify photos with MobileNetV2 (ImageNet) or your own model."""
        from mlplay.vision import shells

        shells.classify(paths, top, threshold, window, jsonl, model, labels, scale)

    @cli.app.command(rich_help_panel="Play")
    def detect(
        images: list[Path] = typer.Argument(..., help="Image files or folders of images."),
        score: float = typer.Option(0.4, "--score", min=0.0, max=1.0, help="Minimum detection score."),
        classes: str | None = typer.Option(None, "--classes", help="Only these COCO classes, e.g. person,dog."),
        jsonl: bool = options.jsonl(),
        model: str | None = DetectModel,
    ):
        """Draw object boxes on photos (SSD MobileNet, COCO); annotated copies go to runs/detect/expN/."""
        from mlplay.vision import shells

        shells.run_images(images, score, classes, jsonl, model)

    @cli.camera.command("detect")
    def camera_detect(
        source: str = options.source(),
        score: float = typer.Option(0.4, "--score", min=0.0, max=1.0, help="Minimum detection score."),
        classes: str | None = typer.Option(None, "--classes", help="Only these COCO classes, e.g. person,dog."),
        save: bool = options.save(),
        show: bool = options.show(),
        jsonl: bool = options.jsonl("Print one JSON line per frame with its detections."),
        model: str | None = DetectModel,
    ):
        """Boxes around objects, live on a camera or video stream (SSD MobileNet, COCO)."""
        from mlplay.vision import shells

        shells.run_stream(source, score, classes, save, show, jsonl, model)
