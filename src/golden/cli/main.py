"""The ``golden`` command's entry point: dispatch to a subcommand."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence

COMMANDS = {
    "dedupe": "find the records of one file that are the same entity",
    "link": "find the records of several files that are the same entity",
    "init": "profile a file (or two) and write a starting configuration to run as it is",
    "profile": "describe a file's columns and suggest blocking rules",
    "report": "fit a configuration on a file (or several) and write an interactive HTML report",
    "bench": "run a configuration against data with known truth; accuracy and speed gates",
    "demo": "resolve built-in synthetic customers and show what golden found",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch ``golden <command> ...``; returns the exit code (2 for usage errors). A
    reader that stops early (``golden demo | head``) ends the command quietly."""
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at nothing so that cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _dispatch(args: list[str]) -> int:
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command in ("dedupe", "link", "init", "profile", "report"):
        from golden.cli import commands as _commands

        run = {"dedupe": _commands.dedupe, "link": _commands.link,
               "init": _commands.init_command, "profile": _commands.profile_command,
               "report": _commands.report_command}[command]
        return run(rest)
    if command == "bench":
        from golden import bench

        return bench.main(rest)
    if command == "demo":
        from golden import demo

        return demo.main(rest)
    close = difflib.get_close_matches(command, COMMANDS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    print(f"golden: unknown command {command!r}{hint}\n{_usage()}", file=sys.stderr)
    return 2


def _usage() -> str:
    lines = ["usage: golden <command> [options]", "", "commands:"]
    lines += [f"  {name:<8} {text}" for name, text in COMMANDS.items()]
    lines.append("\nRun `golden <command> --help` for a command's options.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
