"""Roles and what each may do. Routes declare the roles they allow; this module names them once."""

from __future__ import annotations

ADMIN, ANALYST, VIEWER = "admin", "analyst", "viewer"
ROLES = (ADMIN, ANALYST, VIEWER)

STAFF = ROLES  # anyone signed in
REVIEWERS = (ADMIN, ANALYST)  # may confirm, correct, reject, merge, split and grade outlets
ADMINS = (ADMIN,)

# What the public (and anyone without a role that sees personal data) is shown.
PUBLISHED_STATES = ("verified",)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role
