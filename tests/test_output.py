"""Tests of certpath.output: atomic writes, refusals, stdout, signals."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from certpath.errors import Interrupted, OutputError
from certpath.output import (
    atomic_file,
    atomic_path,
    check_target,
    open_output,
    signals_raise,
    write_bytes,
    write_text,
)


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_text("x", tmp_path / "a.txt")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o600)
    write_text("new", target, force=True)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_error_in_the_block_leaves_the_target(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError), atomic_file(target, force=True) as out:
        out.write("half")
        _ = 1 / 0
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_an_input_error_is_not_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "a.txt"):
        (tmp_path / "missing-input.csv").read_text()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: os.mkfifo(p), r"is a FIFO \(named pipe\), not a regular file"),
        (lambda p: p.symlink_to(p.parent / "elsewhere"), "is a symbolic link"),
        (lambda p: p.mkdir(), "is a folder, not a file"),
    ],
    ids=["fifo", "symlink", "folder"],
)
def test_only_regular_files_are_replaced(tmp_path: Path, make: object, message: str) -> None:
    target = tmp_path / "out"
    make(target)  # type: ignore[operator]
    for force in (False, True):
        with pytest.raises(OutputError, match=message):
            write_text("x", target, force=force)
    assert not (tmp_path / "elsewhere").exists()


def test_devices_are_refused() -> None:
    with pytest.raises(OutputError, match="/dev/null: is a character device"):
        check_target("/dev/null", force=True)


def test_stdout_only_where_allowed(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(OutputError, match="standard output is not available"):
        check_target("-")
    assert write_bytes(b"data\n", "-", stdout=True) == Path("-")
    with open_output("-") as out:
        out.write("text\n")
    assert capfdbinary.readouterr().out == b"data\ntext\n"
    monkeypatch.chdir(tmp_path)
    write_text("file", "./-")  # a file named '-'
    assert (tmp_path / "-").read_text() == "file"


def test_sigterm_inside_a_write_raises_and_cleans_up(tmp_path: Path) -> None:
    with pytest.raises(Interrupted) as raised, atomic_file(tmp_path / "a.txt") as out:
        out.write("half")
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)  # let the handler run
    assert raised.value.signum == signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored


def test_ignored_signals_stay_ignored() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with signals_raise():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
