"""Shell completion through the real entry point, as bash, zsh and fish ask for it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_BESIDE = Path(sys.executable).parent / "certpath"
CERTPATH = str(_BESIDE) if _BESIDE.exists() else shutil.which("certpath") or "certpath"


def complete(words: str, shell: str = "bash", cache: Path | None = None) -> list[str]:
    """What ``certpath`` answers to a completion request for *words* (the last is incomplete)."""
    # bash's COMP_WORDS keeps an escaped space inside its word; COMP_CWORD counts those words.
    parts = re.split(r"(?<!\\) ", words)
    env = {
        **os.environ,
        "_CERTPATH_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    if cache is not None:
        env["CERTPATH_CACHE_DIR"] = str(cache)
    if shell == "fish":  # fish passes the incomplete word itself, not its index
        env["COMP_CWORD"] = parts[-1].replace("\\ ", " ")
    if shell != "bash":  # zsh and fish pass the words without the incomplete one's escapes
        env["COMP_WORDS"] = words.replace("\\ ", " ")
    done = subprocess.run([CERTPATH], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line for line in done.stdout.splitlines() if line]  # nothing offered: one empty line


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_target_completes_roles_escaped_for_bash(cache: Path) -> None:
    lines = complete("certpath path --target safe\\ product", cache=cache)
    assert "plain,SAFe\\ Product\\ Owner" in lines and "plain,SAFe\\ Product\\ Manager" in lines
    assert all(line.startswith("plain,") for line in lines)


def test_have_completes_competencies_and_levels(cache: Path) -> None:
    assert "plain,PI\\ Planning" in complete("certpath path --have pi\\ pl", cache=cache)
    assert complete("certpath gaps --have pi-planning@wor", cache=cache) == [
        "plain,pi-planning@working"
    ]


def test_holds_exclude_and_show(cache: Path) -> None:
    assert "plain,CSPO" in complete("certpath path --holds csp", cache=cache)
    exclude = complete("certpath path --exclude scrum", cache=cache)
    assert "plain,Scrum\\ Alliance" in exclude  # a provider
    assert "plain,Scrum\\ Guide\\ and\\ Scrum\\ Open\\ \\(self-study\\)" in exclude  # an offer
    assert "plain,scrum-master" not in exclude  # a role
    assert "plain,scrum-master" in complete("certpath show scrum-m", cache=cache)
    assert "plain,Product\\ Owner" in complete("certpath career --from product\\ o", cache=cache)


def test_zsh_and_fish_get_names_with_descriptions(cache: Path) -> None:
    zsh = complete("certpath path --target safe", shell="zsh", cache=cache)
    at = zsh.index("SAFe Product Owner")
    assert zsh[at - 1 : at + 2] == ["plain", "SAFe Product Owner", "role"]
    fish = complete("certpath path --holds pspo-1", shell="fish", cache=cache)
    assert fish == ["plain,pspo-1\toffer: Professional Scrum Product Owner I"]


def test_completion_reads_the_data_options(tmp_path: Path, cache: Path) -> None:
    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://ex.org/r> a cp:Role ; skos:prefLabel "Zebra keeper"@en .\n',
        encoding="utf-8",
    )
    words = f"certpath --data bundled --data {data} path --target zeb"
    assert complete(words, cache=cache) == ["plain,Zebra\\ keeper"]
    assert complete("certpath path --target zeb", cache=cache) == []


def test_a_broken_data_file_completes_nothing_quietly(tmp_path: Path, cache: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert complete(f"certpath --data {bad} path --target pro", cache=cache) == []
