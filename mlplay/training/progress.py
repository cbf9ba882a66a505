"""Training progress: a rich bar on a terminal, one plain line per epoch otherwise."""

import sys
import time

import keras


def epoch_line(epoch: int, epochs: int, logs: dict, seconds: float) -> str:
    figures = "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if k != "learning_rate")
    return f"epoch {epoch}/{epochs}  {figures}  {seconds:.1f}s"


class Progress(keras.callbacks.Callback):
    def __init__(self, epochs: int, steps: int, tty: bool | None = None, out=None):
        super().__init__()
        self.epochs, self.steps = epochs, steps
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.bar = None

    def on_train_begin(self, logs=None):
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), TextColumn("{task.fields[figures]}"), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("", total=self.steps, figures="")

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()
        if self.bar:
            self.bar.reset(self.task, total=self.steps, description=f"epoch {epoch + 1}/{self.epochs}", figures="")

    def on_train_batch_end(self, batch, logs=None):
        if self.bar:
            figures = "  ".join(f"{k} {float(v):.4f}" for k, v in (logs or {}).items())
            self.bar.update(self.task, completed=batch + 1, figures=figures)

    def on_epoch_end(self, epoch, logs=None):
        line = epoch_line(epoch + 1, self.epochs, {k: float(v) for k, v in (logs or {}).items()},
                          time.perf_counter() - self.started)
        if self.bar:
            self.bar.console.print(line)
        else:
            print(line, file=self.out, flush=True)

    def on_train_end(self, logs=None):
        if self.bar:
            self.bar.stop()
            self.bar = None

