"""The JSON API under /api/v1, for scripts, mirrors and researchers' copies."""
