"""Screening, field analysers and incident segmentation: pure functions of text."""
