"""The vocabulary mappings of the public datasets, read from mappings/*.yaml (data, not code).

Every source's own values (access strings, licence strings, grades, country names...) are mapped
onto aivc's controlled values (ontology/schemes.ttl) by the files of ``mappings/``; the loaders
ask here and keep the source's value beside the answer. A value a mapping does not know is not
guessed: the caller reports it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from . import ns, paths, vocab

MAPPINGS = paths.ROOT / "mappings"


def name_key(text: str) -> str:
    """Lowercase letters and digits only: how names and source values are compared."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.casefold())


class MappingError(ValueError):
    """A mapping file that contradicts itself or names a value the ontology does not have."""


@dataclass(frozen=True)
class LicenceEntry:
    """A licence a source string may map to: its aivc IRI and how to describe it."""

    ident: str
    name: str
    osi_approved: bool
    spdx: str | None = None

    @property
    def iri(self):
        return ns.resource("licence", self.ident)


class Mappings:
    """All mapping files of one folder, parsed once and checked against the ontology's schemes."""

    def __init__(self, folder: Path = MAPPINGS):
        self.folder = folder

    def _read(self, name: str):
        with open(self.folder / name, encoding="utf-8") as f:
            return yaml.safe_load(f)

    @staticmethod
    def _keyed(table: dict, what: str) -> dict[str, object]:
        """A table keyed by name_key, refusing two spellings that collide with different values."""
        keyed: dict[str, object] = {}
        for raw, value in (table or {}).items():
            key = name_key(raw)
            if key in keyed and keyed[key] != value:
                raise MappingError(f"{what}: '{raw}' collides with another entry that maps elsewhere")
            keyed[key] = value
        return keyed

    # --- access tiers ---------------------------------------------------------------------------

    @cached_property
    def _access(self) -> dict:
        return self._read("access-tiers.yaml")

    @cached_property
    def _tiers(self) -> dict[str, str]:
        return vocab.slugs("AccessTier")

    def _tier_iri(self, slug: str | None, where: str) -> str | None:
        if slug is None:
            return None
        if slug not in self._tiers:
            raise MappingError(f"access-tiers.yaml {where}: '{slug}' is not an access tier ({', '.join(self._tiers)})")
        return self._tiers[slug]

    @lru_cache(maxsize=None)
    def _access_table(self, source: str, kind: str) -> dict[str, str | None]:
        table = (self._access.get(source) or {}).get(kind)
        if table is None:
            return {}
        return {k: self._tier_iri(v, f"{source}.{kind}") for k, v in self._keyed(table, f"{source}.{kind}").items()}

    def access_tier(self, source: str, kind: str, value) -> tuple[bool, str | None]:
        """(known, tier IRI or None) for a source's access value of an asset of ``kind``."""
        table = self._access_table(source, kind)
        key = name_key("false" if value is False else value)
        return (key in table, table.get(key))

    def tier_rules(self, source: str) -> list[tuple[str, dict[str, tuple[str, ...]]]]:
        """Ordered (tier IRI, {dimension slug: allowed grade slugs}) rules of a grade-based source."""
        rules = []
        for i, rule in enumerate(self._access.get(source) or []):
            when = {dim: tuple(grades) for dim, grades in rule["when"].items()}
            for dim in when:
                if dim not in vocab.slugs("OpennessDimension"):
                    raise MappingError(f"access-tiers.yaml {source} rule {i + 1}: '{dim}' is not an openness dimension")
            rules.append((self._tier_iri(rule["tier"], f"{source} rule {i + 1}"), when))
        return rules

    # --- licences -------------------------------------------------------------------------------

    @cached_property
    def _licence_file(self) -> dict:
        return self._read("licences.yaml")

    @cached_property
    def licences(self) -> dict[str, LicenceEntry]:
        """Licence id -> entry, for every licence a source string may map to."""
        return {ident: LicenceEntry(ident, e["name"], bool(e["osi_approved"]), e.get("spdx"))
                for ident, e in self._licence_file["licences"].items()}

    @cached_property
    def licence_sources(self) -> list[dict]:
        return list(self._licence_file.get("sources") or [])

    @cached_property
    def _licence_strings(self) -> dict[str, str | None]:
        table = self._keyed(self._licence_file["strings"], "licences.yaml strings")
        for raw, ident in table.items():
            if ident is not None and ident not in self.licences:
                raise MappingError(f"licences.yaml: string '{raw}' maps to '{ident}', which `licences:` does not define")
        return table

    def licence(self, value) -> tuple[bool, LicenceEntry | None]:
        """(known, licence or None) for a source's licence string; None when it names no licence."""
        key = name_key(value)
        if key not in self._licence_strings:
            return False, None
        ident = self._licence_strings[key]
        return True, (self.licences[ident] if ident else None)

    # --- openness grades ------------------------------------------------------------------------

    @cached_property
    def _openness(self) -> dict:
        return self._read("openness.yaml")

    def dimensions(self, source: str) -> dict[str, tuple[str, str]]:
        """The source's dimension keys (as written) -> (slug, IRI) of openness dimensions."""
        known = vocab.slugs("OpennessDimension")
        table = self._openness[source]["dimensions"]
        for key, slug in table.items():
            if slug not in known:
                raise MappingError(f"openness.yaml {source}: '{slug}' is not an openness dimension")
        return {key: (slug, known[slug]) for key, slug in table.items()}

    def grade(self, source: str, value) -> tuple[str, str] | None:
        """(slug, IRI) of the openness grade for a source's grade string; None when unknown."""
        known = vocab.slugs("OpennessGrade")
        table = self._keyed(self._openness[source]["grades"], f"openness.yaml {source} grades")
        slug = table.get(name_key(value))
        return (slug, known[slug]) if slug else None

    # --- organizations, countries, indicators ---------------------------------------------------

    @cached_property
    def organizations(self) -> dict:
        return self._read("organizations.yaml")

    def owner_type(self, category: str) -> tuple[bool, str | None]:
        table = self._keyed(self.organizations["epoch_categories"], "organizations.yaml epoch_categories")
        key = name_key(category)
        if key not in table:
            return False, None
        slug = table[key]
        return True, (vocab.slugs("OwnerType")[slug] if slug else None)

    @cached_property
    def _countries(self) -> dict[str, str | None]:
        return self._keyed(self._read("countries.yaml"), "countries.yaml")

    def country(self, name: str) -> tuple[bool, str | None]:
        key = name_key(name)
        return (key in self._countries, self._countries.get(key))

    def indicator_names(self, edition: str) -> dict[str, str]:
        """Score-sheet indicator name key -> indicator-list name key, for one FMTI edition."""
        table = self._read("transparency-indicators.yaml").get(edition) or {}
        return {name_key(k): name_key(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def default() -> Mappings:
    return Mappings()
