"""Who may do what: roles, password hashing and tokens."""
