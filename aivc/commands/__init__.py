"""Sub-commands that live in their own modules (one per feature): each module registers its
commands on ``aivc.cli.app`` when imported, and every module of this package is imported by
``aivc.cli``, so adding a command means adding a file here."""

from __future__ import annotations

import importlib
import pkgutil


def register_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
