"""Engines: where the stages run (this process, or Spark)."""
