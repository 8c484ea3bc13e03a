"""Publishing incidents: exports, statistics and a tile-grid map, as pure functions.

Input is a list of `rows.IncidentRow`; nothing here reads the database or
knows about HTTP, so the web layer (and any script) calls these directly.
"""
