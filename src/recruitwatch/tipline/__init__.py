"""The Telegram tipline: the appeal form and the help questionnaire as a chat, where families already are.

Stages: `texts` (words), `conversation` (the questions, pure), `rights` (a help
answer as chat messages, pure), `bot` (Telegram I/O, files, cases, caseworkers' replies).
"""
