"""A problem found in input data, located where its author can find it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

SEVERITIES = ("violation", "warning", "info")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    message: str
    severity: str = "violation"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" {self.field}:" if self.field else ""
        return f"{where}:{what} {self.message}"


Report = Callable[[Problem], None]
