"""Roles and what each may do. Routes declare the roles they allow; this module names them once.

Two kinds of staff meet here and see different personal data: analysts and
viewers work on incidents (names from the press), caseworkers on appeals
(names, contacts and stories people sent us). Admins see both. A caseworker
sees incidents only as the public does, and an analyst never sees a case.
"""

from __future__ import annotations

ADMIN, ANALYST, VIEWER, CASEWORKER = "admin", "analyst", "viewer", "caseworker"
ROLES = (ADMIN, ANALYST, VIEWER, CASEWORKER)

STAFF = ROLES  # anyone signed in: their own account pages
INCIDENT_STAFF = (ADMIN, ANALYST, VIEWER)  # unpublished incidents, victims' names, documents, full exports
REVIEWERS = (ADMIN, ANALYST)  # may confirm, correct, reject, merge, split and grade outlets
CASE_STAFF = (ADMIN, CASEWORKER)  # appeals and their handling
ADMINS = (ADMIN,)

# What the public (and anyone without a role that sees personal data) is shown.
PUBLISHED_STATES = ("verified",)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role
