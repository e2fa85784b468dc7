"""A polite SPARQL client for public endpoints: on-disk cache, rate limit, retries with backoff.

Public endpoints such as the Wikidata Query Service ask clients to identify themselves, to keep a
gap between requests and to back off when told (HTTP 429 / 503 with Retry-After). Every answer is
cached on disk under the hash of endpoint and query, with the time it was retrieved, so a second
run, or a run with ``offline=True``, asks nothing of the network; the retrieval dates become the
provenance of the links made from them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import QueryResultsFormat, parse_query_results

from .. import remote


class CacheMiss(remote.RemoteError):
    """Offline, and the cache holds no answer to this request."""


@dataclass
class PoliteClient:
    endpoint: str
    cache: Path
    offline: bool = False
    interval: float = 1.0          # seconds between two requests to the endpoint
    retries: int = 3
    backoff: float = 2.0           # first wait after a retryable failure; doubles each time
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0              # sent to the network (retries included)
    cache_hits: int = 0
    retrieved: list[str] = field(default_factory=list)   # retrieval times of the answers used
    _last: float = 0.0

    def _path(self, query: str) -> Path:
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        return self.cache / key[:2] / f"{key}.json"

    def _wait_turn(self) -> None:
        gap = self._last + self.interval - time.monotonic()
        if gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def _ask(self, query: str) -> bytes:
        for attempt in range(self.retries + 1):
            self._wait_turn()
            self.requests += 1
            try:
                got = remote.fetch(self.endpoint, query, self.timeout)
            except remote.RemoteError as failed:
                if not failed.transient or attempt == self.retries:
                    suffix = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise remote.RemoteError(f"{failed}{suffix}", failed.status) from failed
                self.sleep(failed.retry_after if failed.retry_after is not None else self.backoff * 2 ** attempt)
                continue
            try:
                list(parse_query_results(got.body, QueryResultsFormat.JSON))
            except (SyntaxError, ValueError) as garbage:
                raise remote.RemoteError(f"{self.endpoint} answered with something that is not SPARQL JSON "
                                         f"results (Content-Type {got.media_type or 'missing'}): {garbage}") from garbage
            return got.body
        raise AssertionError("unreachable")

    def select(self, query: str) -> list[dict]:
        """The solutions of a SELECT query as {variable: pyoxigraph term}, from the cache when it has them."""
        path = self._path(query)
        if path.is_file():
            entry = json.loads(path.read_text())
            self.cache_hits += 1
        elif self.offline:
            raise CacheMiss(f"offline, and the cache ({self.cache}) has no answer from {self.endpoint} for "
                            "one of the requests; run once without --offline to fill it")
        else:
            body = self._ask(query)
            entry = {"endpoint": self.endpoint, "query": query, "body": body.decode(),
                     "retrieved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
            tmp.write_text(json.dumps(entry))
            tmp.replace(path)
        self.retrieved.append(entry["retrieved"])
        solutions = parse_query_results(entry["body"].encode(), QueryResultsFormat.JSON)
        variables = [v.value for v in solutions.variables]
        return [{v: s[v] for v in variables if s[v] is not None} for s in solutions]
