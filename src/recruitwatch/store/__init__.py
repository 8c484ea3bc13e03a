"""The store: the only layer that speaks SQL. SQLite (embedded) or PostgreSQL, through SQLAlchemy 2."""
