"""The one error family the services raise for what a person can act on: each carries a Swedish `message` that
says what is wrong and what to do, so the UI shows any of them the same way."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal or a failure a person can act on; `message` is the Swedish text to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(ServiceError):
    """The person may not do this (role, company list, allow-list)."""


class NotFound(ServiceError):
    """What was asked for does not exist (any more)."""


class Invalid(ServiceError):
    """The input or the request cannot be carried out as given."""


class Conflict(ServiceError):
    """The data changed or is in a state that forbids the action now."""
