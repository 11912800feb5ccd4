"""Subcommands that belong to one agent or feature, each in its own module.

A module here defines `register(cli: click.Group) -> None`. Listing it in COMMAND_MODULES is all
it takes to add its commands to `maitre`; a module not present in this install is skipped.
"""

from __future__ import annotations

from importlib import import_module

import click

COMMAND_MODULES: tuple[str, ...] = ("sql", "pdf", "seo", "planner", "routing", "convo", "plugins", "models")


def register_all(cli: click.Group) -> None:
    for name in COMMAND_MODULES:
        module_name = f"{__name__}.{name}"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.register(cli)
