"""Appeals from victims and relatives, and their handling by caseworkers.

The modules here are pure (no database, no network): case codes and secrets,
the workflow's allowed status changes, checks of uploaded files, and the
anonymisation that decides what of an appeal may reach the statistics. The
SQL lives in `store.cases`, the pages in `web.ui.appeals` and `web.ui.cases`.
"""
