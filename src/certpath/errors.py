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


# ---------------------------------------------------------------- SPARQL


class QueryRefused(CertpathError):
    """A query that must not run here: an update, SERVICE/FROM without permission, or a function
    the engine does not support (exit 2)."""

    exit_code = 2

    def __init__(self, message: str, *, update: bool = False) -> None:
        super().__init__(message)
        self.update = update


class QuerySyntaxError(InputError):
    """A query that does not parse; the message gives line, column and token (exit 2)."""


class ParamError(InputError):
    """A ``--param`` that is malformed, unknown to the query, or missing (exit 2)."""


class FormatError(InputError):
    """A result format that does not fit the query form (exit 2)."""


class QueryLimitError(CertpathError):
    """A query stopped by the program: it timed out or returned too many rows (exit 5)."""

    exit_code = 5


class QueryTimeout(QueryLimitError):
    """The query ran past its deadline and was killed (or the endpoint gave up on it)."""


class QueryTruncated(QueryLimitError):
    """The query returned more rows than the cap allows (ours, or the endpoint's own)."""


class QueryFailed(CertpathError):
    """The engine failed while evaluating a query, or an endpoint refused it (exit 1)."""

    exit_code = 1


class UnknownQuery(EntityNotFound):
    """A name that is not in the query library (exit 4)."""


# ---------------------------------------------------------------- stores


class StoreUnavailable(CertpathError):
    """A store that cannot be reached or read: down, too slow, or answering garbage (exit 6)."""

    exit_code = 6


class StoreRefused(StoreUnavailable):
    """A store that refuses a write: wrong or missing credentials, read-only (exit 6)."""


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
