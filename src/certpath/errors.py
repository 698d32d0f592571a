"""One exception tree for certpath; the CLI edge turns each class into an exit code.

Every message is one line that names the file, line, entity or option at fault.
"""

from __future__ import annotations


class CertpathError(Exception):
    """Base class of every error certpath raises on purpose."""

    exit_code = 1


class InputError(CertpathError):
    """Input that cannot be read: missing file, bad syntax, unknown format (exit 2)."""

    exit_code = 2


class ValidationError(CertpathError):
    """Readable data that breaks the vocabulary's rules (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, violations: list[object] | None = None) -> None:
        super().__init__(message)
        self.violations = violations or []


class EntityNotFound(CertpathError):
    """A name that matches no entity; carries the closest names (exit 4)."""

    exit_code = 4

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class AmbiguousName(CertpathError):
    """A name that matches several entities; carries the candidates (exit 4)."""

    exit_code = 4

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


class NoPlan(CertpathError):
    """No learning path exists for the question asked; carries the reasons (exit 3)."""

    exit_code = 3

    def __init__(self, message: str, reasons: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.reasons = reasons or []


class MixedCurrencies(CertpathError):
    """Money in several currencies would have to be added without a rate (exit 1)."""

    exit_code = 1


class OutputError(CertpathError):
    """An output file that cannot or must not be written (exit 2)."""

    exit_code = 2


class SolveTimeLimit(CertpathError):
    """A least-cost search stopped by its time limit before the answer was proven (exit 5)."""

    exit_code = 5


class SolverError(CertpathError):
    """The MILP solver failed on every retry and no exact answer could be had (exit 7)."""

    exit_code = 7


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while certpath had handlers installed (not a CertpathError).

    A :class:`KeyboardInterrupt`, as Ctrl-C raises: ``except Exception`` does not swallow it,
    every ``finally`` (temporary files, stores) runs on the way out, and code that must let
    Ctrl-C through lets it through too (asyncio's event loop re-raises KeyboardInterrupt but logs
    and drops any other exception a signal handler raises). The CLI edge then ends the process
    by the same signal.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
