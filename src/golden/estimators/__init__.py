"""Estimators: the Linker and the other estimators built on the stages."""
