"""The ``golden`` command: ``dedupe``, ``link``, ``init``, ``profile``, ``report``, ``bench``,
``demo``.

Examples
--------
>>> main(["--help"])
usage: golden <command> [options]
<BLANKLINE>
commands:
  dedupe   find the records of one file that are the same entity
  link     find the records of several files that are the same entity
  init     profile a file (or two) and write a starting configuration to run as it is
  profile  describe a file's columns and suggest blocking rules
  report   fit a configuration on a file (or several) and write an interactive HTML report
  bench    run a configuration against data with known truth; accuracy and speed gates
  demo     resolve built-in synthetic customers and show what golden found
<BLANKLINE>
Run `golden <command> --help` for a command's options.
0
"""

from __future__ import annotations

from golden.cli.main import (
    main,
)

__all__ = [
    "main",
]
