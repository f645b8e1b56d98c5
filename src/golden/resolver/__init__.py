"""The incremental resolver: a persistent store of entities and golden records."""
