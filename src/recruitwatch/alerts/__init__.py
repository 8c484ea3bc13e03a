"""Alerts on saved searches: find what newly matches a watched search, and tell its owner by feed, e-mail or webhook.

Stages: `items` (what of each incident an alert may carry), `messages` (the
texts, pure), `channels` (SMTP and HTTP), `runner` (a check and a delivery round).
"""
