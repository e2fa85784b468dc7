"""A fixed pool of query worker processes with a real per-query time limit.

Each worker (``aivc.server.worker``) holds the store open read-only and answers one query at a
time. A request waits for an idle worker (at most ``queue_wait`` seconds, else ``Busy``); a query
that runs past the time limit has its worker killed and replaced in the background, so a runaway
query costs at most ``time_limit`` seconds of one core.
"""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .worker import Answer


class Busy(RuntimeError):
    """Every worker stayed busy for as long as a request may wait."""


class TimeLimitExceeded(RuntimeError):
    """The query ran longer than the time limit and was stopped."""


class WorkerFailed(RuntimeError):
    """A worker process died or answered outside the protocol."""


class Worker:
    """One worker process and the buffered end of its stdout pipe."""

    def __init__(self, store_dir: Path, start_timeout: float = 60.0):
        self.process = subprocess.Popen([sys.executable, "-m", "aivc.server.worker", str(store_dir)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self._fd = self.process.stdout.fileno()
        self._buffer = bytearray()
        if self._read_line(time.monotonic() + start_timeout) != b"ready":
            self.kill()
            raise WorkerFailed(f"the query worker for {store_dir} did not start")

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self._fd], [], [], remaining)[0]:
            raise TimeLimitExceeded()
        chunk = os.read(self._fd, 1 << 20)
        if not chunk:
            raise WorkerFailed(f"the query worker stopped (exit code {self.process.poll()})")
        self._buffer += chunk

    def _read_line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            self._fill(deadline)
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        return line

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self._buffer) < n:
            self._fill(deadline)
        data, self._buffer = bytes(self._buffer[:n]), self._buffer[n:]
        return data

    def ask(self, request: dict, time_limit: float) -> Answer:
        deadline = time.monotonic() + time_limit
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
        except (BrokenPipeError, OSError) as gone:
            raise WorkerFailed(f"the query worker is gone ({gone})") from gone
        try:
            header = json.loads(self._read_line(deadline))
        except ValueError as garbled:
            raise WorkerFailed("the query worker answered outside its protocol") from garbled
        body = self._read_exact(int(header["length"]), deadline)
        return Answer(header["status"], header["media_type"], body, header.get("headers") or {})

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()


class WorkerPool:
    """``size`` workers on the live store at ``store_dir()``; ``ask`` runs one request on an idle one."""

    def __init__(self, store_dir: Callable[[], Path], size: int, time_limit: float, queue_wait: float | None = None):
        self.store_dir, self.time_limit = store_dir, time_limit
        self.queue_wait = time_limit if queue_wait is None else queue_wait
        self.size = size
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add(Worker(store_dir()))

    def _add(self, worker: Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` and start its replacement in the background (starting takes a moment)."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()

        def start() -> None:
            try:
                self._add(Worker(self.store_dir()))
            except Exception as failed:  # noqa: BLE001 - the pool shrinks; /health shows it
                print(f"aivc serve: could not replace a query worker: {failed}", file=sys.stderr)
        threading.Thread(target=start, daemon=True).start()

    @property
    def alive(self) -> int:
        with self._lock:
            return len(self._all)

    def ask(self, request: dict) -> Answer:
        try:
            worker = self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise Busy(f"all {self.size} query workers stayed busy for {self.queue_wait:g} s") from None
        try:
            answer = worker.ask(request, self.time_limit)
        except (TimeLimitExceeded, WorkerFailed):
            self._replace(worker)
            raise
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
