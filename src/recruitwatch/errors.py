"""Errors a user can meet, each with the exit code the CLI gives it."""


class RecruitWatchError(Exception):
    """Base class: the message says what went wrong and what to do."""

    exit_code = 1


class InputError(RecruitWatchError):
    """An input that cannot be read as text (missing, binary, too large)."""

    exit_code = 3


class UsageError(RecruitWatchError):
    """Arguments that do not make sense together."""

    exit_code = 2


class DataError(RecruitWatchError):
    """A bundled lexicon or gazetteer is malformed: a bug in the package data."""

    exit_code = 4
