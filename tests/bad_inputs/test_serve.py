"""The endpoint (``certpath serve``) against hostile request paths: nothing outside it is served."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

TRAVERSALS = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "//etc/passwd",
    "/sparql/../../etc/passwd",
    "/static/../../../../etc/passwd",
]


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", "serve", "--port", "0"],
        cwd=tmp_path_factory.mktemp("serve"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stderr is not None
    line = process.stderr.readline().decode()
    found = re.search(r":(\d+)/sparql", line)
    assert found, line
    yield int(found.group(1))
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_not_served(port: int, path: str) -> None:
    """Worked at 403bafe: every such path is a 404 and no file content comes back."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status in (400, 404), (response.status, body[:200])
    assert b"root:" not in body
