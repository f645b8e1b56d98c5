"""The ``golden dedupe``, ``link``, ``profile`` and ``report`` commands.

Each reads CSV or Parquet, validates everything before working, shows progress bars (unless
``--quiet``), prints a summary table and returns an exit code: 0 done, 1 bad input (with the
reason), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from golden.cli.init import MAX_PAIRS, write_starting_config
from golden.cli.profiling import blocking_toml, find_unique_id, suggest_blocking
from golden.config import load_config
from golden.datasets import read_table
from golden.errors import ConfigError, GoldenError
from golden.report.html import profile, write_report

if TYPE_CHECKING:
    from golden.households.grouper import Households
    from golden.survivorship.build import GoldenRecords

EXIT_OK, EXIT_BAD_INPUT = 0, 1
# what dedupe and link write to --out (file stems), which a second run would replace
OUTPUTS = frozenset({"pairs", "clusters", "model", "golden", "provenance", "members",
                     "households", "dwellings"})


def dedupe(argv: Sequence[str]) -> int:
    """``golden dedupe INPUT --config golden.toml --out DIR``."""
    parser = _parser("dedupe", "find the records of one file that are the same entity")
    parser.add_argument("input", help="CSV or Parquet file of records")
    _run_options(parser)
    args = parser.parse_args(argv)
    return _guarded(lambda: _match(args, [args.input], "dedupe"), args.quiet)


def link(argv: Sequence[str]) -> int:
    """``golden link A B ... --config golden.toml --out DIR`` (pairs across files only)."""
    parser = _parser("link", "find the records of several files that are the same entity")
    parser.add_argument("inputs", nargs="+", help="two or more CSV or Parquet files")
    parser.add_argument("--and-dedupe", action="store_true",
                        help="also match records within each file (link_and_dedupe)")
    _run_options(parser)
    args = parser.parse_args(argv)
    if len(args.inputs) < 2:
        parser.error("link needs two or more files")
    mode = "link_and_dedupe" if args.and_dedupe else "link"
    return _guarded(lambda: _match(args, args.inputs, mode), args.quiet)


def profile_command(argv: Sequence[str]) -> int:
    """``golden profile INPUT``: completeness, cardinality, top values, the id column, and
    suggested blocking rules as TOML."""
    parser = _parser("profile", "describe a file's columns and suggest blocking rules")
    parser.add_argument("input", help="CSV or Parquet file of records")
    parser.add_argument("--unique-id", help="the id column (default: found in the file, a "
                        "column with a distinct value on every record)")
    parser.add_argument("--quiet", action="store_true", help="hide warnings")
    args = parser.parse_args(argv)

    def run() -> None:
        records = read_table(args.input)
        print(profile(records).to_string(index=False))
        unique_id = args.unique_id
        if unique_id is None:
            unique_id = find_unique_id(records)
            print(f"\nid column: {unique_id!r} (a distinct value on every record; "
                  "--unique-id to choose another)")
        suggestions = suggest_blocking(records, unique_id)
        if len(suggestions):
            print("\nSuggested blocking rules, cheapest first, as TOML for "
                  "`golden dedupe --config`\n(with [[comparisons]] tables added):\n")
            print(blocking_toml(suggestions, unique_id))
    return _guarded(run, args.quiet)


def init_command(argv: Sequence[str]) -> int:
    """``golden init FILE [FILE2] --out golden.toml``: a commented starting configuration."""
    parser = _parser("init", "profile one file (dedupe) or two (link) and write a commented "
                     "starting configuration for `golden dedupe` / `golden link`")
    parser.add_argument("inputs", nargs="+", metavar="FILE",
                        help="one CSV or Parquet file to dedupe, or two to link")
    parser.add_argument("--out", required=True, help="the TOML file to write")
    parser.add_argument("--unique-id", help="the id column (default: found in the file, a "
                        "column with a distinct value on every record)")
    parser.add_argument("--max-pairs", type=int, default=MAX_PAIRS,
                        help=f"most candidate pairs the blocking rules may make together "
                        f"(default {MAX_PAIRS:,})")
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    if len(args.inputs) > 2:
        parser.error("init takes one file (dedupe) or two (link)")

    def run() -> None:
        out = write_starting_config(args.inputs, args.out, unique_id=args.unique_id,
                                    max_pairs=args.max_pairs, force=args.force)
        if not args.quiet:
            command = "link" if len(args.inputs) == 2 else "dedupe"
            print(f"wrote {out}; read it, then run\n  golden {command} "
                  f"{' '.join(args.inputs)} --config {out} --out results/")
    return _guarded(run, args.quiet)


def report_command(argv: Sequence[str]) -> int:
    """``golden report FILE [FILE ...] --config golden.toml --out report.html [--truth COLUMN]``:
    one file is deduplicated, several are linked (as ``golden link``)."""
    parser = _parser("report", "fit a configuration on one file (dedupe) or several (link) "
                     "and write an interactive, self-contained HTML report")
    parser.add_argument("inputs", nargs="+", metavar="FILE",
                        help="one CSV or Parquet file to dedupe, or two or more to link")
    parser.add_argument("--and-dedupe", action="store_true",
                        help="with several files, also match records within each file")
    parser.add_argument("--config", required=True, help="TOML or Python configuration")
    parser.add_argument("--out", required=True, help="the HTML file to write")
    parser.add_argument("--truth", help="a column holding each record's true entity "
                        "(adds accuracy; it is not used for matching)")
    parser.add_argument("--threshold", type=float, help="match probability threshold "
                        "(default: the config's, else 0.5)")
    parser.add_argument("--seed", type=int, help="random seed (default: the config's)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars or warnings")
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")
    args = parser.parse_args(argv)
    mode = ("dedupe" if len(args.inputs) == 1
            else "link_and_dedupe" if args.and_dedupe else "link")

    def run() -> None:
        # Everything is checked before any work: the output, the inputs, the settings.
        out = Path(args.out)
        if out.is_dir():
            raise ConfigError(f"--out: {str(out)!r} is a folder; give the HTML file to write")
        if out.exists() and not args.force:
            raise ConfigError(f"--out: {str(out)!r} exists; pass --force to replace it, or "
                              "give another file")
        config = load_config(args.config)
        frames = _frames(args.inputs)
        linker, threshold = _configured(config, args, mode)
        truth = None
        if args.truth is not None:
            frames, truth = _truth(frames, args.truth, linker.unique_id)
        records: Any = next(iter(frames.values())) if mode == "dedupe" else frames
        pairs = linker.fit_predict(records)
        clusters = linker.cluster(pairs, records, threshold=threshold)
        golden = households = None
        if config.golden is not None:
            golden, households = _golden_and_households(config, frames, clusters, mode, {})
        names = " + ".join(Path(p).name for p in args.inputs)
        path = write_report(out, linker, records, pairs=pairs, clusters=clusters,
                            truth=truth, golden=golden, households=households,
                            threshold=threshold, title=f"golden report: {names}")
        if not args.quiet:
            print(f"wrote {path}")
    return _guarded(run, args.quiet)


def _frames(inputs: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The input files by name (the file's stem, which names its source)."""
    frames = {Path(p).stem: read_table(p) for p in inputs}
    if len(frames) != len(inputs):
        raise ConfigError("inputs: give files with different names (the names tell the "
                          "sources apart)")
    return frames


def _configured(config: Any, args: argparse.Namespace, mode: str) -> tuple[Any, float]:
    """The configuration's Linker set up for this run (progress, seed, link type), and the
    threshold; bad settings refused before any work."""
    threshold = config.threshold if args.threshold is None else args.threshold
    if not 0 <= threshold <= 1:
        raise ConfigError(f"--threshold: got {threshold!r}, expected a probability in [0, 1]")
    if args.seed is not None and args.seed < 0:
        raise ConfigError(f"--seed: got {args.seed}, expected a whole number >= 0")
    linker = config.linker
    settings: dict[str, Any] = {"progress": not args.quiet}
    if args.seed is not None:
        settings["random_state"] = args.seed
    if mode != "dedupe":
        settings["link_type"] = mode
    linker.set_params(**settings)
    return linker, threshold


def _truth(frames: dict[str, pd.DataFrame], column: str, unique_id: str
           ) -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """Take the truth column out of every input: the inputs without it, and each record's
    true entity by unique id."""
    missing = [name for name, f in frames.items() if column not in f.columns]
    if missing:
        raise ConfigError(f"--truth: column {column!r} is not in the input "
                          f"({', '.join(missing)})")
    if any(unique_id not in f.columns for f in frames.values()):
        raise ConfigError(f"--truth: the id column {unique_id!r} is missing, so the truth "
                          "cannot be matched to the records")
    # labels as text, so a CSV's "7" and a Parquet file's 7 are one entity
    truth = pd.concat([f.set_index(unique_id)[column].astype("string")
                       for f in frames.values()])
    if truth.index.duplicated().any():
        raise ConfigError(f"--truth: ids in {unique_id!r} repeat across the files; give each "
                          "record an id of its own to compare with the truth")
    return {name: f.drop(columns=column) for name, f in frames.items()}, truth


def _match(args: argparse.Namespace, inputs: list[str], mode: str) -> None:
    config = load_config(args.config)
    frames = _frames(inputs)
    linker, threshold = _configured(config, args, mode)
    records: Any = frames[Path(inputs[0]).stem] if mode == "dedupe" else frames
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out: {str(out)!r} is a file; give a folder (made if missing)")
    earlier = sorted(p.name for p in out.glob("*") if p.stem in OUTPUTS) if out.is_dir() else []
    if earlier and not args.force:
        raise ConfigError(f"--out: {str(out)!r} already holds results ({', '.join(earlier)}); "
                          "pass --force to replace them, or give another folder")
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    pairs = linker.fit_predict(records)
    seconds["fit + predict"] = time.perf_counter() - start
    start = time.perf_counter()
    clusters = linker.cluster(pairs, records, threshold=threshold)
    seconds["cluster"] = time.perf_counter() - start
    matches = pairs[pairs["match_probability"] >= threshold]
    out.mkdir(parents=True, exist_ok=True)  # once the input has proved good
    _write(matches, out / "pairs", args.format)
    _write(clusters, out / "clusters", args.format)
    linker.save(out / "model.json")
    n_records = sum(len(f) for f in frames.values())
    summary = {
        "records": f"{n_records:,}",
        "candidate pairs": f"{len(pairs):,}",
        f"matches (p >= {threshold:g})": f"{len(matches):,}",
        "entities": f"{clusters['entity_id'].nunique():,}",
        "prior λ": f"{linker.lambda_:.3g}",
    }
    if config.golden is not None:
        golden, homes = _golden_and_households(config, frames, clusters, mode, seconds)
        _write(golden.records, out / "golden", args.format)
        _write(golden.provenance, out / "provenance", args.format)
        summary["golden records"] = f"{len(golden):,}"
        if homes is not None:
            _write(homes.members, out / "members", args.format)
            _write(homes.households, out / "households", args.format)
            _write(homes.dwellings, out / "dwellings", args.format)
            summary["households"] = f"{len(homes.households):,}"
    summary |= {f"seconds {k}": f"{v:.1f}" for k, v in seconds.items()}
    summary["written to"] = str(out)
    width = max(len(k) for k in summary)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in summary.items()))


def _golden_and_households(config: Any, frames: dict[str, pd.DataFrame],
                           clusters: pd.DataFrame, mode: str, seconds: dict[str, float]
                           ) -> tuple[GoldenRecords, Households | None]:
    """Golden records of the entities, and households when configured (their seconds go in
    ``seconds``)."""
    builder = config.golden
    if mode == "dedupe":
        records = next(iter(frames.values()))
    else:  # several files: the file name is each record's source
        records = pd.concat([f.assign(source=name) for name, f in frames.items()],
                            ignore_index=True)
        builder.set_params(source=builder.source or "source")
    start = time.perf_counter()
    golden = builder.build(records, clusters)
    seconds["golden records"] = time.perf_counter() - start
    homes = None
    if config.households is not None:
        start = time.perf_counter()
        homes = config.households.fit_transform(golden.records)
        seconds["households"] = time.perf_counter() - start
    return golden, homes


def _write(frame: pd.DataFrame, stem: Path, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(stem.with_suffix(".csv"), index=False)
    else:
        frame.to_parquet(stem.with_suffix(".parquet"), index=False)


def _parser(command: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"golden {command}", description=description)


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, help="TOML or Python configuration")
    parser.add_argument("--out", required=True, help="folder for pairs, clusters and model")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                        help="output format (default parquet)")
    parser.add_argument("--threshold", type=float, help="match probability threshold "
                        "(default: the config's, else 0.5)")
    parser.add_argument("--seed", type=int, help="random seed (default: the config's)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars or warnings")
    parser.add_argument("--force", action="store_true",
                        help="replace the results of an earlier run in --out")


def _guarded(work: Any, quiet: bool) -> int:
    """Run ``work``; bad input becomes exit code 1 with the reason on stderr."""
    try:
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore")
            work()
    except (GoldenError, OSError, ValueError) as exc:
        print(f"golden: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


__all__ = ["blocking_toml", "dedupe", "find_unique_id", "init_command", "link",
           "profile_command",
           "report_command", "suggest_blocking"]
