"""Clustering: entities from scored pairs, and entity ids that stay stable."""
