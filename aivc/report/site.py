"""Writing a static site: Jinja2 templates (autoescaped) into a folder that is replaced as a whole.

The site is written beside its destination and swapped in at the end, so a failure leaves the previous
site as it was. Only a folder that is empty or that aivc wrote before (it holds the marker file) is
ever replaced: ``--out ~`` must not wipe a home folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .. import __version__

MARKER = ".aivc-site"


class OutputError(RuntimeError):
    """The output folder cannot be used (it is a file, or a folder aivc did not write)."""


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("aivc.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(version=__version__, generated=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def stylesheet() -> str:
    return environment().loader.get_source(environment(), "style.css")[0]


def anchor(text: str, href: str | None) -> Markup:
    """``text`` as a link when there is a page for it, else as plain (escaped) text."""
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>') if href else escape(text)


def check_output(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file; --out needs a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(f"{out} is not empty and was not written by aivc; choose another --out "
                          f"(aivc replaces the whole folder)")


def publish(out: Path, files: dict[str, str], kind: str) -> None:
    """Write ``files`` (relative path -> text) as the folder ``out``, replacing an earlier aivc site."""
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, text in files.items():
            target = fresh / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (fresh / MARKER).write_text(f"aivc {kind}; aivc replaces this folder when it writes the {kind} again\n")
        os.chmod(fresh, 0o755)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent)) if out.exists() else None
    if old:
        os.replace(out, old / "site")
    try:
        os.replace(fresh, out)
    except BaseException:
        if old:
            os.replace(old / "site", out)
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        if old:
            shutil.rmtree(old, ignore_errors=True)
