"""Households: who lives with whom, with roles and dwellings."""
