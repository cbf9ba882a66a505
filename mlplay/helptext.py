"""How `mlplay … --help` reads: flags show no value placeholder, and `train --help` lists the model names.

Model names come from the experiment families, which are imported only when that help is shown (never at start).
"""

from typer.core import TyperCommand, TyperOption


def flags_take_no_value() -> None:
    """typer 0.29's rich help prints a `<bool>` type after every flag (--quick, --show/--no-show, even --help), as if
    it took a value; a flag takes none, so show no type for it (other options keep theirs)."""
    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is not None and not getattr(shown, "flags_take_no_value", False):
        def display_type_rich(self, ctx):
            return None if self.is_flag else shown(self, ctx)

        display_type_rich.flags_take_no_value = True
        TyperOption.display_type_rich = display_type_rich


class TrainHelp(TyperCommand):
    """`mlplay train`: its help ends with the names of the models it trains (read when the help is shown)."""

    def format_help(self, ctx, formatter):
        from mlplay import experiments

        names = ", ".join(sorted(experiments.all_experiments()))
        if names not in (self.help or ""):
            self.help = f"{self.help}\n\nModels: {names}; also sum (--digits 2|3) and text (--data FILE --name NAME)."
        return super().format_help(ctx, formatter)
