"""The external vocabularies aivc publishes with, and the JSON-LD @context made of them.

``aivc.ns`` holds the namespaces of the graph's own facts; this module adds those of what aivc says
*about* the graph and its links: VoID and DCAT descriptions, SPARQL service descriptions, SSSOM
mappings to Wikidata and ROR, SPDX checksums. The @context is derived from both, so a prefix is
written once; it is served by ``aivc serve`` at /context.jsonld and written beside every JSON-LD export.
"""

from __future__ import annotations

import json

from . import ns

VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SPDX_TERMS = "http://spdx.org/rdf/terms#"
PAV = "http://purl.org/pav/"
SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
ROR = "https://ror.org/"

CONTEXT_URL = ns.BASE + "context.jsonld"

PREFIXES = {
    **ns.PREFIXES,
    "aivcr": ns.BASE,            # aivc resources: aivcr:model/llama-2-7b, aivcr:graph/inferred
    "void": VOID, "sd": SD, "formats": FORMATS, "spdx": SPDX_TERMS, "spdxl": ns.SPDX_LICENCES,
    "pav": PAV, "sssom": SSSOM, "semapv": SEMAPV, "wd": WD, "wdt": WDT, "ror": ROR,
}

# Turtle must escape '/' in a local name (aivcr:model\/x), so there resources read better in full.
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "aivcr"}


def context() -> dict:
    """The JSON-LD context: every prefix above, so compact IRIs such as aivc:AIModel expand."""
    return {"@context": dict(PREFIXES)}


def context_bytes() -> bytes:
    return (json.dumps(context(), indent=2, sort_keys=False) + "\n").encode()


def compact(iri: str) -> str:
    """prefix:local for the longest matching namespace, else the IRI itself.

    A local part starting with '//' would be read back as an absolute IRI, so it is not compacted.
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if not best:
        return iri
    local = iri[len(PREFIXES[best]):]
    return iri if local.startswith("//") else f"{best}:{local}"
