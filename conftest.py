"""Collection settings for the whole tree: golden's Spark modules import pyspark, so their
doctests are not collected where pyspark is not installed."""

from __future__ import annotations

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("pyspark") else ["src/golden/engines/spark/*"]
