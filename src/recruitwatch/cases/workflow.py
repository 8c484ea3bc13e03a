"""The case workflow: which status changes are allowed, and the referral kinds.

A case moves forward (new → triaged → in_progress → referred → closed); a step
may be skipped (a clear case goes straight to referred), and a closed case
may be reopened (→ in_progress). Going back otherwise is refused, so the
status the person sees never jumps backwards without a reopening.
"""

from __future__ import annotations

from ..errors import RecruitWatchError

STATUSES = ("new", "triaged", "in_progress", "referred", "closed")
REOPENED = "in_progress"
REFERRAL_KINDS = ("consulate", "ngo", "lawyer", "un_body")


class CaseError(RecruitWatchError):
    """A case action that cannot be done as asked; the message says what to do instead.

    `key` names the message for the public appeal form (web/data/appeal_strings.yaml),
    which speaks the submitter's language; staff see the English message.
    """

    exit_code = 2

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def check_transition(before: str, after: str) -> None:
    """Allowed: forward (skipping is fine) and closed → in_progress; anything else raises CaseError."""
    if after not in STATUSES:
        raise CaseError(f"unknown status {after!r}; choose one of: {', '.join(STATUSES)}")
    if before == after:
        raise CaseError(f"the case is already {after}")
    if before == "closed":
        if after == REOPENED:
            return
        raise CaseError(f"a closed case can only be reopened (set it to {REOPENED}), not moved to {after}")
    if STATUSES.index(after) < STATUSES.index(before):
        forward = ", ".join(STATUSES[STATUSES.index(before) + 1 :])
        raise CaseError(f"a case cannot go back from {before} to {after}; from {before} it may go to: {forward}")


def next_statuses(before: str) -> tuple[str, ...]:
    """The statuses a case may be moved to from `before` (for the caseworker's form)."""
    if before == "closed":
        return (REOPENED,)
    return STATUSES[STATUSES.index(before) + 1 :] if before in STATUSES else STATUSES
