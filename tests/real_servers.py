"""Real servers for the endpoint, remote-store and linking tests, each on 127.0.0.1 and a free port,
and the real headless Chromium of the browser tests.

``aivc serve`` and ``oxigraph serve`` run as subprocesses started and stopped by fixtures; the
small misbehaving servers (one that never answers, one that answers garbage, a proxy that fails the
first requests) are real sockets served from a thread, each with a bounded life.
"""

from __future__ import annotations

import base64
import ctypes
import os
import signal
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


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the test process dies, so that a
    test run that is killed leaves no server behind (prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


@contextmanager
def running(command: list[str], ready_url: str, **popen) -> Iterator[subprocess.Popen]:
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log,
                               preexec_fn=_die_with_parent if sys.platform == "linux" else None, **popen)
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


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers in one call."""

    def reply(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self) -> bytes | None:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None

    def forward(self, url: str, body: bytes | None) -> None:
        """Pass the request on to ``url`` and its answer back."""
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(url, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, data, media_type = answer.status, answer.read(), answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as failed:
            status, data, media_type = failed.code, failed.read(), failed.headers.get("Content-Type", "")
        self.reply(status, data, Content_Type=media_type)

    def log_message(self, *args):
        pass


def canned(status: int, media_type: str, body: bytes) -> type[BaseHTTPRequestHandler]:
    """A handler answering every request with the same response."""
    class Canned(QuietHandler):
        def _answer(self):
            self.body()
            self.reply(status, body, Content_Type=media_type)
        do_GET = do_POST = _answer
    return Canned


def flaky_proxy(target: str, failures: int, arrivals: list[float]) -> type[BaseHTTPRequestHandler]:
    """Answers 503 (Retry-After: 0) to the first ``failures`` requests, forwards the rest to ``target``;
    records when each request arrived."""
    lock = threading.Lock()

    class Flaky(QuietHandler):
        def do_POST(self):
            body = self.body()
            with lock:
                arrivals.append(time.monotonic())
                fail = len(arrivals) <= failures
            if fail:
                self.reply(503, b"busy", Retry_After="0")
            else:
                self.forward(target, body)
    return Flaky


def basic_auth_proxy(target: str, user: str, password: str, refused: list[str]) -> type[BaseHTTPRequestHandler]:
    """A Graph Store in front of ``target`` that asks for HTTP Basic credentials (401 until they are right)."""
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Guarded(QuietHandler):
        def _forward(self):
            body = self.body()
            if self.headers.get("Authorization") != expected:
                refused.append(self.command)
                self.reply(401, b"", WWW_Authenticate='Basic realm="graph store"')
            else:
                self.forward(target + self.path.removeprefix("/store"), body)
        do_PUT = do_DELETE = _forward
    return Guarded


def recording_proxy(target: str, seen: list[str]) -> type[BaseHTTPRequestHandler]:
    """A Graph Store in front of ``target`` that notes each request (method and path) and passes it on."""
    class Recording(QuietHandler):
        def _forward(self):
            seen.append(f"{self.command} {self.path}")
            self.forward(target + self.path.removeprefix("/store"), self.body())
        do_PUT = do_DELETE = _forward
    return Recording


def aivc_cli(*args: str):
    """The aivc command line run in this process (same code as the script, without its start-up time)."""
    from typer.testing import CliRunner

    from aivc.cli import app
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@contextmanager
def headless_chromium(*flags: str, logs: bool = False):
    """Debian's chromium driven by chromedriver (selenium), with a fresh profile and none of Chrome's
    own background traffic; ``flags`` add to the command line, ``logs`` keeps the network and console
    logs. Skips the test when chromium is not installed (.ci/run installs it)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    profile = tempfile.mkdtemp(prefix="aivc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", *flags):
        options.add_argument(flag)
    if logs:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
