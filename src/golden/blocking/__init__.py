"""Blocking: rule specs and candidate-pair generation."""
