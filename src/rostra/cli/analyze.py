"""Placeholder: this module's owner replaces it with its subcommands."""


def register(subcommands) -> None:
    """Add this module's subcommands to the `rostra` parser."""
