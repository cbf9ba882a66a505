"""How `mlplay … --help` reads: flags show no value placeholder, and `train --help` lists the models and the options
each family adds (read from the registry when that help is shown, never at start)."""

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
    """`mlplay train`: its help ends with the models each family trains and the options only it reads."""

    def format_help(self, ctx, formatter):
        from mlplay import registry

        if "Models:" not in (self.help or ""):
            lines = [f"[bold]{f.name}[/]: {f.help}" for f in registry.families() if f.help]
            options = [f"{flag} {o.metavar if not o.flag_only else ''}  {o.help}"
                       for flag, found in registry.train_options().items() for o, _ in found[:1]]
            self.help = (f"{self.help}\n\nModels: " + " · ".join(lines)
                         + ("\n\nFamily options: " + " · ".join(options) if options else ""))
        return super().format_help(ctx, formatter)
