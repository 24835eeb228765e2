"""The few ways a use case says no. Routers and consumers translate them; use cases never
speak HTTP (services.common.web maps each to its status code)."""

from __future__ import annotations

from collections.abc import Sequence


class UseCaseError(Exception):
    """A request that cannot be carried out as asked; nothing was stored."""


class NotFound(UseCaseError):
    """No such thing, or not one the caller may know of: the same answer for both (404)."""

    def __init__(self, what: str, detail: str | None = None) -> None:
        super().__init__(detail or f"{what} not found")
        self.what = what


class Forbidden(UseCaseError):
    """The caller may see the thing but not do this to it (403)."""


class Conflict(UseCaseError):
    """The thing is not in a state that allows this, or another request got there first (409)."""


class Invalid(UseCaseError):
    """A well-formed request that names something it may not (422, naming the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidFields(Invalid):
    """A request with several problems at once, each naming its field (422, one entry per
    problem, so the caller can fix them all in one go)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        if not problems:
            raise ValueError("InvalidFields needs at least one problem")
        super().__init__(*problems[0])
        self.problems = list(problems)


class Busy(UseCaseError):
    """Another writer held the document too long; the caller may try again (503)."""


class EditConflict(Busy):
    """Another process wrote the document between this edit's read and its write (the
    version it read no longer matches): nothing was written; reading again and redoing the
    change is safe (a consumer does so within the handler, services.common.consuming)."""
