"""Real SPARQL servers for the store tests: Oxigraph's server and Virtuoso open source.

Each runs as a child process bound to 127.0.0.1 on free ports, with a throw-away database folder,
and is stopped at the end. Virtuoso (Debian's ``virtuoso-opensource``, installed by ``make
virtuoso``, part of ``make test``) starts from a copy of the package's ``virtuoso.ini`` with its
ports and folders rewritten, and its ``dba`` password changed to a random one.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait until *url* answers (any HTTP status), or fail when the process dies or time is up."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server for {url} exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class Server:
    """A running SPARQL server: where to query and update, and the credentials for updates."""

    kind: str
    query_url: str
    update_url: str
    user: str = ""
    password: str = ""
    folder: Path = field(default_factory=Path)

    @property
    def store(self) -> str:
        """The ``--store`` value for reads."""
        return f"sparql:{self.query_url}"

    def env(self) -> dict[str, str]:
        """The environment a writing certpath needs."""
        out = {"CERTPATH_SPARQL_UPDATE_URL": self.update_url}
        if self.user:
            out |= {"CERTPATH_SPARQL_USER": self.user, "CERTPATH_SPARQL_PASSWORD": self.password}
        return out


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def oxigraph_server(folder: Path, *, read_only: bool = False) -> Iterator[Server]:
    """Oxigraph's server on *folder* (``serve``: read-write, no authentication)."""
    existed = folder.is_dir() and any(folder.iterdir())
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [OXIGRAPH, command, "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # a large store takes a minute to open on a busy machine
        wait_for(f"{base}/query?query=ASK%7B%7D", process, seconds=600 if existed else 60)
        yield Server("oxigraph", f"{base}/query", f"{base}/update", folder=folder)
    finally:
        _stop(process)


def virtuoso_ini(
    folder: Path, sql_port: int, http_port: int, max_rows: int = 10000, buffers: int = 10000
) -> Path:
    """A copy of the package's virtuoso.ini: loopback ports, database in *folder*, answers cut
    at *max_rows* (Virtuoso's default: 10,000), *buffers* 8 KB pages of cache (default 10,000;
    the ini suggests 340,000 for 4 GB of memory)."""
    text = VIRTUOSO_INI.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^NumberOfBuffers\s*=.*$", f"NumberOfBuffers = {buffers}", text)
    text = re.sub(r"(?m)^MaxDirtyBuffers\s*=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", text)
    text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {max_rows}", text)
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{sql_port}", text)
    text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {folder}", text)
    ini = folder / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


@contextlib.contextmanager
def virtuoso_server(
    folder: Path, *, max_rows: int = 10000, buffers: int = 10000, reuse: bool = False
) -> Iterator[Server]:
    """Virtuoso open source on *folder*: reads at /sparql, digest-authenticated writes at
    /sparql-auth as ``dba`` with a fresh random password (with *reuse*, a database folder
    that already exists is opened for reading only: no credentials)."""
    if VIRTUOSO is None or ISQL is None or not VIRTUOSO_INI.is_file():
        raise RuntimeError("virtuoso-opensource is not installed (make virtuoso installs it)")
    sql_port, http_port = free_port(), free_port()
    existed = (folder / "virtuoso.db").is_file()
    folder.mkdir(parents=True, exist_ok=True)
    ini = virtuoso_ini(folder, sql_port, http_port, max_rows, buffers)
    log = (folder / "virtuoso.out").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for(f"{base}/sparql?query=ASK%7B%7D", process, seconds=600 if reuse else 60)
        if reuse and existed:
            yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-auth", folder=folder)
            return
        password = "cp" + secrets.token_hex(
            12
        )  # a word: SET PASSWORD reads a leading digit as a number
        subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec=SET PASSWORD dba {password};"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-auth", "dba", password, folder)
    finally:
        _stop(process)
        log.close()
