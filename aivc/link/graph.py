"""Put a graph of links into the live store the way a build does: copy, change, swap.

The live store is copied (a RocksDB checkpoint: hard links, cheap), the link graph and its
provenance are replaced in the copy, and the copy is published with the same atomic symlink swap
as ``aivc build``; readers see the old graph or the new one, and a failure leaves the store as it was.
A later ``aivc build`` starts from the sources again: run the link command again (``--offline``
re-uses its cache) to restore the links.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store

from .. import ns, store as stores


def replace_graph(location: Path, graph: NamedNode, quads: Iterable[Quad], provenance: Iterable[Quad],
                  info: dict) -> int:
    """Replace ``graph`` (and the provenance statements about its source) in the live store.

    Returns the number of statements in the new graph; ``info`` is merged into the build's build.json.
    """
    live = stores.live_folder(location)
    build_info = stores.build_info(location)
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-link-"), dir=stores.builds_dir(location)))
    try:
        Store.read_only(str(live / "oxigraph")).backup(str(folder / "oxigraph"))
        store = Store(str(folder / "oxigraph"))
        provenance = list(provenance)
        stale = {q.subject for q in provenance}
        for subject in stale:
            for old in list(store.quads_for_pattern(subject, None, None, ns.PROVENANCE_GRAPH)):
                store.remove(old)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        new = list(quads)
        store.extend(new + provenance)
        store.flush()
        del store
        stores.publish(location, folder, {**build_info, **info})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return len(set(new))
