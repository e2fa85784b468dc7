"""The embedded store: pyoxigraph on disk, built aside and swapped in only when the build succeeds.

Layout of a store location ``PATH``::

    PATH            symlink to the live build, e.g. PATH.builds/20261123T130000-4242
    PATH.builds/    every build directory; a new build is written here, then PATH is re-pointed

Re-pointing a symlink is one atomic rename, so a reader sees either the old or the new graph,
and a build that fails or is killed leaves PATH as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import Store

BUILD_INFO = "build.json"


class StoreMissing(RuntimeError):
    """No graph has been built at this location yet."""


def builds_dir(location: Path) -> Path:
    return location.with_name(location.name + ".builds")


@contextmanager
def new_build(location: Path) -> Iterator[tuple[Store, Path]]:
    """A fresh store to build into; it becomes live only through ``publish``, else it is removed."""
    builds_dir(location).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=builds_dir(location)))
    store = Store(str(folder / "oxigraph"))
    try:
        yield store, folder
    except BaseException:
        del store
        shutil.rmtree(folder, ignore_errors=True)
        raise


def publish(location: Path, folder: Path, info: dict) -> None:
    """Make ``folder`` the live store (atomic symlink swap) and drop the build it replaces."""
    (folder / BUILD_INFO).write_text(json.dumps(info, indent=2, sort_keys=True))
    previous = location.resolve() if location.is_symlink() else None
    if location.exists() and not location.is_symlink():
        raise RuntimeError(f"{location} exists and is not an aivc store link; move it away or use --store")
    tmp_link = location.with_name(location.name + f".link-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(folder.resolve())
    os.replace(tmp_link, location)
    if previous and previous != folder.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def live_folder(location: Path) -> Path:
    if not (location.is_symlink() and (location / "oxigraph").is_dir()):
        raise StoreMissing(f"no aivc graph at {location}: run 'aivc build' first (or pass --store)")
    return location.resolve()


def open_read_only(location: Path) -> Store:
    """The live store, opened read-only so that many readers (CLI, server) can share it."""
    return Store.read_only(str(live_folder(location) / "oxigraph"))


def build_info(location: Path) -> dict:
    return json.loads((live_folder(location) / BUILD_INFO).read_text())
