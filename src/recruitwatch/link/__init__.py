"""Linking: near-copies of one text are one cluster; reports of one incident are one Incident."""
