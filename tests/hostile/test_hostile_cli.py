"""Hostile command-line arguments and input files: every one ends in exit code 1 (bad
input) or 2 (usage) with one line naming the option or file, never a traceback, and
nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_data import make_records

from golden import cli

CONFIG = Path(__file__).resolve().parents[2] / "src" / "golden" / "configs" / "people.toml"


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "people.csv"
    make_records(200, seed=12).drop(columns="age").to_csv(path, index=False)
    return path


def write(name: str, content: bytes) -> Callable[[Path], Path]:
    def made(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path
    return made


INPUTS = {  # an input file, and what the error says
    "not UTF-8": (write("latin1.csv", b"unique_id,first_name\n1,Jos\xe9\n"), "not UTF-8"),
    "empty": (write("empty.csv", b""), "empty"),
    "a header only": (write("header.csv", b"unique_id,first_name\n"), "no rows"),
    "a header naming a column twice": (
        write("twice.csv", b"unique_id,surname,surname\n1,Li,Lee\n"), "more than once"),
    "Parquet that is not": (write("fake.parquet", b"PAR1 but not really"), "parquet"),
    "another suffix": (write("people.xlsx", b"PK\x03\x04"), ".csv or .parquet"),
    "a folder": (lambda folder: folder, "is not a file"),
    "missing": (lambda folder: folder / "nowhere.csv", "is not a file"),
}


@pytest.mark.parametrize("case", INPUTS)
def test_a_bad_input_file_is_exit_1_naming_it(tmp_path, capsys, case) -> None:
    make, said = INPUTS[case]
    out = tmp_path / "out"
    code = cli.main(["dedupe", str(make(tmp_path)), "--config", str(CONFIG), "--out",
                     str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and said in err and "Traceback" not in err
    assert not out.exists()


OPTIONS = {  # extra arguments, exit code, what the error says
    "threshold nan": (["--threshold", "nan"], 1, "--threshold: got nan"),
    "threshold inf": (["--threshold", "inf"], 1, "--threshold: got inf"),
    "threshold -0.1": (["--threshold", "-0.1"], 1, "--threshold: got -0.1"),
    "threshold text": (["--threshold", "half"], 2, "--threshold"),
    "seed negative": (["--seed", "-1"], 1, "--seed: got -1"),
    "seed text": (["--seed", "1e3"], 2, "--seed"),
    "format unknown": (["--format", "xlsx"], 2, "--format"),
    "option unknown": (["--treshold", "0.5"], 2, "--treshold"),
}


@pytest.mark.parametrize("case", OPTIONS)
def test_a_bad_option_is_refused_before_any_work(people_csv, tmp_path, capsys, case) -> None:
    extra, expected, said = OPTIONS[case]
    out = tmp_path / "out"
    argv = ["dedupe", str(people_csv), "--config", str(CONFIG), "--out", str(out), *extra]
    try:
        code = cli.main(argv)
    except SystemExit as usage:  # argparse's own usage errors
        code = usage.code
    err = capsys.readouterr().err
    assert code == expected and said in err and "Traceback" not in err
    assert not out.exists()


CONFIGS = {  # a configuration file, and what the error says
    "binary": (write("binary.toml", b"\xff\xfe\x00\x01garbage"), "not valid TOML"),
    "not TOML": (write("broken.toml", b"[[comparisons]\nfunction = "), "not valid TOML"),
    "an unknown function": (write("unknown.toml", b'[[comparisons]]\nfunction = "os:system"'
                                  b'\ncolumn = "surname"\n[[blocking]]\nfunction = "block_on"'
                                  b'\ncolumns = ["dob"]\n'), "os:system"),
    "another suffix": (write("golden.yaml", b"comparisons: []"), "must be a .toml"),
}


@pytest.mark.parametrize("case", CONFIGS)
def test_a_bad_configuration_is_exit_1_naming_it(people_csv, tmp_path, capsys, case) -> None:
    make, said = CONFIGS[case]
    code = cli.main(["dedupe", str(people_csv), "--config", str(make(tmp_path)), "--out",
                     str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and said in err and "Traceback" not in err


def test_an_output_path_that_is_a_file_is_refused_and_left_alone(people_csv, tmp_path,
                                                                 capsys) -> None:
    taken = tmp_path / "results"
    taken.write_text("keep me")
    assert cli.main(["dedupe", str(people_csv), "--config", str(CONFIG), "--out",
                     str(taken), "--quiet"]) == 1
    assert "--out" in capsys.readouterr().err and taken.read_text() == "keep me"


@pytest.mark.parametrize("argv", [["no-such-command"], ["dedupe"], ["link", "one.csv",
                                                                    "--config", "x.toml",
                                                                    "--out", "o"]])
def test_usage_errors_are_exit_2(capsys, argv) -> None:
    try:
        code = cli.main(argv)
    except SystemExit as usage:
        code = usage.code
    assert code == 2 and "Traceback" not in capsys.readouterr().err
