"""Real servers for the endpoint, remote-store and linking tests, each on 127.0.0.1 and a free port.

``aivc serve`` and ``oxigraph serve`` run as subprocesses started and stopped by fixtures; the
small misbehaving servers (one that never answers, one that answers garbage, a proxy that fails the
first requests) are real sockets served from a thread, each with a bounded life.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
WIKIDATA_FIXTURE = TESTS / "fixtures" / "wikidata" / "items.ttl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited with {process.returncode}: {log.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {timeout} s")


@contextmanager
def running(command: list[str], ready_url: str, **popen) -> Iterator[subprocess.Popen]:
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, **popen)
    try:
        wait_until_up(ready_url, process, log)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def aivc_serve(store: Path, *options: str) -> Iterator[str]:
    """``aivc serve`` on the store; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "aivc.cli", "serve", "--store", str(store), "--port", str(port), *options]
    with running(command, f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}"


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not os.path.exists(found):
        pytest.skip("the Oxigraph server (PyPI package 'oxigraph') is not installed")
    return found


@contextmanager
def oxigraph_serve(location: Path, *options: str, load: Path | None = None) -> Iterator[str]:
    """An Oxigraph server on ``location`` (loaded with ``load`` first); yields its base URL."""
    binary = oxigraph_binary()
    if load is not None:
        subprocess.run([binary, "load", "--location", str(location), "--file", str(load)], check=True,
                       capture_output=True, timeout=120)
    port = free_port()
    command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *options]
    with running(command, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def wikidata_endpoint(tmp_path_factory) -> Iterator[str]:
    """The Wikidata-shaped fixture on a real Oxigraph server: its SPARQL query URL."""
    with oxigraph_serve(tmp_path_factory.mktemp("wikidata") / "db", load=WIKIDATA_FIXTURE) as base:
        yield base + "/query"


# --- misbehaving servers ---------------------------------------------------------------------------

@contextmanager
def thread_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers (a hung endpoint)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join(timeout=2)
        for s in held:
            s.close()
        listener.close()


def canned(status: int, media_type: str, body: bytes) -> type[BaseHTTPRequestHandler]:
    """A handler answering every request with the same response."""
    class Canned(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass
    return Canned


def flaky_proxy(target: str, failures: int, arrivals: list[float]) -> type[BaseHTTPRequestHandler]:
    """Answers 503 (Retry-After: 0) to the first ``failures`` requests, forwards the rest to ``target``;
    records when each request arrived."""
    lock = threading.Lock()

    class Flaky(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                arrivals.append(time.monotonic())
                fail = len(arrivals) <= failures
            if fail:
                self.send_response(503)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "4")
                self.end_headers()
                self.wfile.write(b"busy")
                return
            request = urllib.request.Request(target, data=body, method="POST",
                                             headers={k: v for k, v in self.headers.items()
                                                      if k.lower() in ("content-type", "accept")})
            with urllib.request.urlopen(request, timeout=30) as answer:
                data = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, *args):
            pass
    return Flaky


def aivc_cli(*args: str) -> "click.testing.Result":
    """The aivc command line run in this process (same code as the script, without its start-up time)."""
    from typer.testing import CliRunner

    from aivc.cli import app
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def basic_auth_proxy(target: str, user: str, password: str, refused: list[str]) -> type[BaseHTTPRequestHandler]:
    """A Graph Store in front of ``target`` that asks for HTTP Basic credentials (401 until they are right)."""
    import base64
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Guarded(BaseHTTPRequestHandler):
        def _forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
            if self.headers.get("Authorization") != expected:
                refused.append(self.command)
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="graph store"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            request = urllib.request.Request(target + self.path.removeprefix("/store"), data=body, method=self.command,
                                             headers={"Content-Type": self.headers.get("Content-Type", "")})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, data = answer.status, answer.read()
            except urllib.error.HTTPError as failed:
                status, data = failed.code, failed.read()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        do_PUT = do_DELETE = _forward

        def log_message(self, *args):
            pass
    return Guarded
