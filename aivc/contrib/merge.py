"""aivc merge: a contribution enters the graph whole, or not at all.

The gate (``check``) runs first, against the live graph; on any violation nothing is touched. Then
the live store is copied into a new build folder beside it (pyoxigraph's backup: hard links, so it
is cheap), the contribution and a PROV record of the merge are added, the rules run, the merged graph
is checked again around the contribution, and the new folder is published by the same atomic
symlink swap ``aivc build`` uses (aivc/store.py). A merge that fails or is killed at any point,
even by SIGKILL, leaves the live store as it was: the half-made copy is never pointed at.

The PROV record says who merged which file (name and sha256, as an SPDX checksum), when, and which
dataset and graphs the merge generated.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

from aivc import ns, reasoning
from aivc import store as stores
from aivc.linked_data import SPDX_TERMS

from aivc import shapes_sparql
from .check import Outcome, check, neighbourhood, working_store
from .contribution import MAX_BYTES
from .wording import explain

PROV = ns.PROV
XSD_DATETIME = NamedNode(ns.XSD + "dateTime")


class MergeRefused(RuntimeError):
    """The merge did not happen; the live store is unchanged. Carries the gate's outcome."""

    def __init__(self, message: str, outcome: Outcome):
        super().__init__(message)
        self.outcome = outcome


@dataclass
class Merged:
    outcome: Outcome
    activity: str | None         # the PROV activity of the merge; None when there was nothing to merge
    added: int                   # quads the store did not hold before
    triples: int                 # quads in the store after the merge
    note: str                    # what happened, in one line


def default_contributor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):   # pragma: no cover - no user name in this environment
        return "unknown"


@contextmanager
def _exclusive(location: Path) -> Iterator[None]:
    """One merge at a time per store: two merges copying the same graph would lose one another's facts."""
    lock_path = location.with_name(location.name + ".merge.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another merge into {location} is running; try again when it has finished") from None
        yield


def merge(location: Path, paths: list[Path], contributor: str | None = None, max_bytes: int = MAX_BYTES,
          names: dict[Path, str] | None = None, step: Callable[[str], None] = lambda s: None) -> Merged:
    """Validate ``paths`` against the live graph at ``location`` and merge them atomically."""
    contributor = contributor or default_contributor()
    with _exclusive(location):
        live_folder = stores.live_folder(location)
        live = Store.read_only(str(live_folder / "oxigraph"))
        step("validating the contribution against the graph")
        outcome = check(live, paths, max_bytes, names)
        if outcome.exit_code != 0:
            raise MergeRefused("the contribution does not pass the gate; the store was not changed", outcome)
        if _merged_before(live, outcome):
            names = ", ".join(c.name for c in outcome.contributions)
            return Merged(outcome, None, 0, len(live), f"{names}: merged before (same sha256); nothing to do")
        started = time.gmtime()
        folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-merge-", started),
                                       dir=stores.builds_dir(location)))
        try:
            return _merge_into_copy(location, live_folder, live, folder, outcome, contributor, started, step)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise


def _merge_into_copy(location, live_folder, live, folder, outcome, contributor, started, step) -> Merged:
    step("copying the store")
    before = len(live)
    live.backup(str(folder / "oxigraph"))
    del live
    store = Store(str(folder / "oxigraph"))
    contributed = outcome.quads()
    activity = ns.resource("merge", time.strftime("%Y%m%dT%H%M%SZ", started) + "-" + outcome.contributions[0].digest[:12])
    step(f"adding {len(contributed)} quads")
    store.extend(contributed)
    step("reasoning")
    reasoning.reason(store)
    step("checking the merged graph")
    _recheck(store, outcome)
    store.extend(provenance(outcome, contributor, activity, started, time.gmtime()))
    info = _info(live_folder, store, outcome, contributor, activity)
    store.flush()
    added = len(store) - before
    del store
    if stores.live_folder(location) != live_folder:
        raise RuntimeError("the store was rebuilt during the merge; run the merge again")
    step("publishing")
    stores.publish(location, folder, info)
    files = ", ".join(c.name for c in outcome.contributions)
    return Merged(outcome, activity.value, added, info["triples"],
                  f"merged {files}: {len(contributed)} contributed quads, {added} new quads in the store")


def _recheck(store: Store, outcome: Outcome) -> None:
    """The merged graph, reasoned in full, must hold no violation about the contribution the gate did not see."""
    contributed = outcome.quads()
    subjects = {q.subject.value for q in contributed}
    work = working_store(store, neighbourhood(store, contributed), [])
    seen = {(r.focus, r.path, r.component, r.value) for r in outcome.results} | outcome.known
    new = [r for r in shapes_sparql.run(work) if r.focus in subjects and r.severity == "violation"
           and (r.focus, r.path, r.component, r.value) not in seen]
    if new:
        outcome.findings += explain(new, outcome.contributions, store, work)
        raise MergeRefused("the merged graph does not conform; the store was not changed", outcome)


def _merged_before(live: Store, outcome: Outcome) -> bool:
    """Whether every one of these files (by sha256) was merged already."""
    value = NamedNode(SPDX_TERMS + "checksumValue")
    return all(next(iter(live.quads_for_pattern(None, value, Literal(c.digest), ns.PROVENANCE_GRAPH)), None)
               for c in outcome.contributions)


def provenance(outcome: Outcome, contributor: str, activity: NamedNode, started, ended) -> list[Quad]:
    """PROV-O: the merge activity, who did it, which files it used (with their sha256), what it generated."""
    P = ns.PROVENANCE_GRAPH
    t = lambda name: NamedNode(PROV + name)
    spdx = lambda name: NamedNode(SPDX_TERMS + name)
    rdf_type, label, title = NamedNode(ns.RDF + "type"), NamedNode(ns.RDFS + "label"), NamedNode(ns.DCTERMS + "title")
    agent = ns.resource("agent", re.sub(r"[^a-z0-9.-]+", "-", contributor.lower()).strip("-") or "unknown")
    at = lambda moment: Literal(time.strftime("%Y-%m-%dT%H:%M:%SZ", moment), datatype=XSD_DATETIME)
    facts = [(activity, rdf_type, t("Activity")),
             (activity, label, Literal("merge of " + ", ".join(c.name for c in outcome.contributions))),
             (activity, t("startedAtTime"), at(started)), (activity, t("endedAtTime"), at(ended)),
             (activity, t("wasAssociatedWith"), agent), (agent, rdf_type, t("Agent")), (agent, label, Literal(contributor))]
    for c in outcome.contributions:
        file = ns.resource("contribution", c.digest)
        checksum = ns.resource("contribution", c.digest, "sha256")
        facts += [(file, rdf_type, t("Entity")), (file, title, Literal(c.name)),
                  (file, spdx("checksum"), checksum), (checksum, rdf_type, spdx("Checksum")),
                  (checksum, spdx("algorithm"), spdx("checksumAlgorithm_sha256")),
                  (checksum, spdx("checksumValue"), Literal(c.digest)),
                  (activity, t("used"), file), (activity, t("generated"), c.dataset),
                  (c.dataset, rdf_type, NamedNode(ns.DCAT + "Dataset")), (c.dataset, title, Literal(c.name)),
                  (c.dataset, t("wasGeneratedBy"), activity), (c.dataset, t("wasDerivedFrom"), file),
                  (c.dataset, t("wasAttributedTo"), agent)]
    return [Quad(s, p, o, P) for s, p, o in facts]


def _info(live_folder: Path, store: Store, outcome: Outcome, contributor: str, activity) -> dict:
    """build.json of the merged store: the previous build's, with fresh counts and the merge appended."""
    from aivc.build import count, governance_counts
    try:
        info = json.loads((live_folder / stores.BUILD_INFO).read_text())
    except (OSError, ValueError):
        info = {}
    info.update(triples=len(store), models=count(store, "AIModel"), organizations=count(store, "Organization"),
                governance=governance_counts(store))
    info.setdefault("merges", []).append({
        "activity": activity.value, "by": contributor, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": [{"file": c.name, "sha256": c.digest, "quads": len(c.quads)} for c in outcome.contributions]})
    return info
