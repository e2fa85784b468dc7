"""Write a synthetic Hugging Face Hub metadata dump: N models, one JSON object per line.

Each line has the shape the Hub's public model API returns (``id``, ``author``, ``createdAt``,
``downloads``, ``likes``, ``pipeline_tag``, ``library_name``, ``tags`` with ``base_model:...`` and
``license:...``, ``gated``, ``cardData``). Every id is made up (``lab-00042/model-000123-ft``); no
line describes a real model.

The lineage grows by preferential attachment, as the Hub's does: a new model is a root (no base)
or derives from an existing model picked with a probability that grows with the number of models
already derived from it, so a few families become huge while most models stay singletons.
Derivations are fine-tunes, quantizations, adapters and merges (of two or three models); quantized
models and adapters are rarely used as bases again. Licences mostly follow the base, some drift;
a few base references point at models that do not exist, a few pairs form cycles, a few
derivatives are dated before their base, and ``--bad-lines`` lines are broken on purpose
(truncated JSON, invalid UTF-8, ids with spaces or non-ASCII letters, absurd numbers).

    python bench/gen_hub.py 100000 /tmp/hub-100k.jsonl [--seed 8] [--bad-lines 12]

The summary it prints (and returns from ``generate``) says how many of each were written, which is
what the benchmark's validation must find.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections import Counter
from pathlib import Path

# Licence tags as the Hub writes them (license:TAG), with how often roots use each.
ROOT_LICENCES = [("apache-2.0", 30), ("mit", 12), ("llama2", 5), ("llama3", 5), ("gemma", 3),
                 ("cc-by-nc-4.0", 5), ("cc-by-4.0", 3), ("openrail", 4), ("creativeml-openrail-m", 3),
                 ("other", 6), (None, 24)]
KINDS = [("finetune", 45), ("quantized", 30), ("adapter", 15), ("merge", 10)]
TASKS = ["text-generation", "text-classification", "text-to-image", "automatic-speech-recognition",
         "feature-extraction", "image-classification", "translation", None]
LIBRARIES = {"finetune": "transformers", "quantized": "gguf", "adapter": "peft", "merge": "transformers"}
GATED = [(False, 96), ("auto", 3), ("manual", 1)]
START = dt.datetime(2022, 3, 2, 23, 29, 4, tzinfo=dt.timezone.utc)
SPAN_DAYS = 1300
P_ROOT = 0.25
P_DRIFT = 0.12
P_DANGLING = 0.004
P_EARLY = 0.001
CYCLES_PER_100K = 3


def _weighted(rng: random.Random, table):
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Hub:
    """The growing population: ids, creation times, licences, and the attachment list."""

    def __init__(self, n: int, rng: random.Random):
        self.rng = rng
        self.n = n
        self.ids: list[str] = []
        self.created: list[dt.datetime] = []
        self.licences: list[str | None] = []
        self.targets: list[int] = []          # model indices, once each plus once per derivative
        self.authors: list[str] = []
        self.author_targets: list[int] = []
        self.counts: Counter = Counter()

    def author(self) -> str:
        if not self.authors or self.rng.random() < 0.25:
            self.authors.append(f"lab-{len(self.authors):05d}")
            self.author_targets.append(len(self.authors) - 1)
        index = self.rng.choice(self.author_targets)
        self.author_targets.append(index)
        return self.authors[index]

    def base(self) -> int:
        return self.rng.choice(self.targets)

    def add(self, model_id: str, created: dt.datetime, licence: str | None, reusable: bool) -> int:
        index = len(self.ids)
        self.ids.append(model_id)
        self.created.append(created)
        self.licences.append(licence)
        if reusable:
            self.targets.append(index)
        return index


def record(model_id: str, author: str, created: dt.datetime, kind: str | None, bases: list[str],
           licence: str | None, rng: random.Random) -> dict:
    """One model as the Hub's API lists it."""
    tags = [LIBRARIES.get(kind, "transformers")]
    task = rng.choice(TASKS)
    if task:
        tags.append(task)
    for base in bases:
        tags.append(f"base_model:{base}")
        tags.append(f"base_model:{kind}:{base}")
    if licence:
        tags.append(f"license:{licence}")
    tags += ["endpoints_compatible", "region:us"]
    card = {"library_name": LIBRARIES.get(kind, "transformers")}
    if licence:
        card["license"] = licence
        if licence == "other":
            card["license_name"] = f"custom-licence-{rng.randrange(50)}"
    if bases:
        card["base_model"] = bases[0] if len(bases) == 1 else bases
    downloads = int(rng.paretovariate(1.2)) - 1
    return {"_id": f"{rng.getrandbits(96):024x}", "id": model_id, "author": author,
            "createdAt": _stamp(created), "downloads": downloads, "likes": downloads // 50,
            "pipeline_tag": task, "library_name": LIBRARIES.get(kind, "transformers"), "tags": tags,
            "private": False, "gated": _weighted(rng, GATED), "cardData": card}


def generate(n: int, out: Path, seed: int = 8, bad_lines: int | None = None) -> dict:
    """Write ``n`` models (plus cycles and bad lines) to ``out``; returns what was written."""
    rng = random.Random(seed)
    hub = Hub(n, rng)
    cycles = max(1, n * CYCLES_PER_100K // 100_000)
    bad = max(6, n * 6 // 100_000) if bad_lines is None else bad_lines
    plain = n - 2 * cycles
    bad_at = set(rng.sample(range(plain), min(bad, plain)))
    step = dt.timedelta(days=SPAN_DAYS) / max(plain, 1)
    written = Counter()
    with open(out, "wb") as f:
        def write(obj: dict) -> None:
            f.write(json.dumps(obj, separators=(",", ":")).encode() + b"\n")

        for i in range(plain):
            created = START + step * i
            author = hub.author()
            if i in bad_at:
                f.write(_bad_line(written["bad lines"], written, author, created, rng))
                written["bad lines"] += 1
                continue
            if not hub.targets or rng.random() < P_ROOT:
                licence = _weighted(rng, ROOT_LICENCES)
                model_id = f"{author}/model-{i:07d}"
                hub.add(model_id, created, licence, reusable=True)
                write(record(model_id, author, created, None, [], licence, rng))
                written["roots"] += 1
                continue
            kind = _weighted(rng, KINDS)
            parents = [hub.base() for _ in range(rng.choice((2, 2, 3)) if kind == "merge" else 1)]
            parents = list(dict.fromkeys(parents))
            first = parents[0]
            licence = hub.licences[first]
            if rng.random() < P_DRIFT:
                drifted = _weighted(rng, ROOT_LICENCES)
                if drifted != licence and drifted is not None and licence is not None:
                    written["licence drifts"] += 1
                licence = drifted
            bases = [hub.ids[p] for p in parents]
            if rng.random() < P_DANGLING:
                bases[0] = f"gone-{i % 97:02d}/removed-model-{i:07d}"
                written["dangling base references"] += 1
            if rng.random() < P_EARLY:
                created = hub.created[first] - dt.timedelta(days=30)
                written["dated before their base"] += 1
            model_id = f"{author}/{hub.ids[first].split('/')[1][:13]}-{kind[:5]}-{i:07d}"
            hub.add(model_id, created, licence, reusable=kind in ("finetune", "merge") or rng.random() < 0.02)
            hub.targets.extend(parents)
            write(record(model_id, author, created, kind, bases, licence, rng))
            written[kind] += 1
            written["derived"] += 1
        for c in range(cycles):
            a, b = f"loop-{c:03d}/model-a", f"loop-{c:03d}/model-b"
            created = START + dt.timedelta(days=SPAN_DAYS)
            write(record(a, f"loop-{c:03d}", created, "finetune", [b], "apache-2.0", rng))
            write(record(b, f"loop-{c:03d}", created, "finetune", [a], "apache-2.0", rng))
        written["models in cycles"] = 2 * cycles
    written["lines"] = n
    written["authors"] = len(hub.authors)
    return dict(sorted(written.items()))


def _bad_line(k: int, written: Counter, author: str, created: dt.datetime, rng: random.Random) -> bytes:
    """One broken line, cycling through the kinds of bad input the loader must report."""
    kind = k % 6
    good = record(f"{author}/broken-{k:05d}", author, created, None, [], "mit", rng)
    if kind == 0:
        written["bad: truncated JSON"] += 1
        return json.dumps(good).encode()[:57] + b"\n"
    if kind == 1:
        written["bad: invalid UTF-8"] += 1
        return json.dumps(good).encode().replace(b"broken", b"br\xff\xfeken", 1) + b"\n"
    if kind == 2:
        written["bad: id with a space"] += 1
        good["id"] = f"{author}/broken model {k}"
    elif kind == 3:
        written["bad: id with non-ASCII letters"] += 1
        good["id"] = f"{author}/modèle-{k}"
    elif kind == 4:
        written["bad: absurd downloads"] += 1
        good["downloads"] = -17 if k % 2 else 10 ** 30
        return json.dumps(good).encode() + b"\n"     # the record still loads, without the count
    else:
        written["bad: not an object"] += 1
        return b'["not", "a", "model"]\n'
    return json.dumps(good, ensure_ascii=False).encode() + b"\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of lines (models) to write")
    parser.add_argument("out", type=Path, help="JSONL file to write")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--bad-lines", type=int, default=None,
                        help="broken lines to include (default: 6 per 100,000, at least 6)")
    args = parser.parse_args(argv)
    summary = generate(args.n, args.out, args.seed, args.bad_lines)
    for key, value in summary.items():
        print(f"{key:>32}: {value:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
