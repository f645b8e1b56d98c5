"""golden bench: configurations as TOML, datasets, the table and JSON, and the gates."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

import golden as gd
from golden import bench, cli, demo
from golden.config import linker_config, load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "src" / "golden" / "configs"
SHARED = Path(os.environ.get("GOLDEN_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared(*parts: str) -> Path:
    """A file of the shared datasets, or a skip saying it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared dataset {path} is not present (set GOLDEN_SHARED_DATA)")
    return path

WEAK = """
threshold = 0.5
random_state = 0
[[comparisons]]
function = "exact"
column = "surname"
[[blocking]]
keys = ["dob"]
"""


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def run_cli(tmp_path: Path, *args: str) -> tuple[int, dict | None]:
    out = tmp_path / "result.json"
    code = bench.main([*args, "--json", str(out)])
    return code, json.loads(out.read_text()) if out.exists() else None


def test_toml_config_is_the_demo_configuration() -> None:
    config = load_config(CONFIGS / "people.toml")
    linker = config.linker
    assert list(linker.comparisons) == list(demo.COMPARISONS)
    assert list(linker.blocking) == list(demo.BLOCKING)
    assert list(linker.training_blocking) == list(demo.TRAINING)
    assert config.threshold == 0.5
    assert config.golden is not None and config.golden.get_params() == demo.GOLDEN.get_params()


def test_every_config_problem_is_reported_at_once() -> None:
    data = {
        "treshold": 0.5,
        "comparisons": [{"function": "nmae", "column": "surname"},
                        {"function": "jaro_winkler", "colum": "surname"},
                        {"function": "exact", "column": {"column": "dob", "steps": ["dat"]}}],
        "blocking": [{"keys": ["dob"], "max_block_size": -1}],
        "link_type": "merge",
    }
    with pytest.raises(gd.ConfigError) as err:
        linker_config(data)
    text = str(err.value)
    assert "unknown key 'treshold' (did you mean 'threshold'?)" in text
    assert "function 'nmae' is unknown (did you mean 'name'?)" in text
    assert "comparisons[1] (jaro_winkler)" in text and "colum" in text
    assert "step 'dat' is unknown" in text
    assert "max_block_size" in text


def test_config_errors_surface_before_fitting() -> None:
    data = {"comparisons": [{"function": "name", "column": "surname"}],
            "blocking": [{"keys": ["dob"]}], "link_type": "merge"}
    with pytest.raises(gd.ConfigError, match="link_type"):
        linker_config(data)


def test_bench_prints_a_table_writes_json_and_passes_gates(tmp_path, capsys) -> None:
    code, result = run_cli(tmp_path, "--dataset", "people-2k", "--min-f1", "0.8",
                           "--min-recall", "0.7")
    assert code == 0
    out = capsys.readouterr().out
    assert "candidate pairs" in out and "clusters bcubed_f1" in out and "seconds total" in out
    assert result["format"] == "golden.bench" and result["n_records"] == 2000
    assert result["pairwise"]["f1"] > 0.8 and 0 < result["blocking_recall"] <= 1
    assert set(result["seconds"]) == {"fit", "predict", "cluster", "total"}
    assert result["peak_rss_mib"] > 0


def test_a_weakened_configuration_trips_the_gates(tmp_path, capsys) -> None:
    weak = tmp_path / "weak.toml"
    weak.write_text(WEAK)
    code, result = run_cli(tmp_path, "--dataset", "people-2k", "--config", str(weak),
                           "--min-f1", "0.8", "--min-recall", "0.7")
    assert code == bench.EXIT_GATE
    err = capsys.readouterr().err.splitlines()
    failed = [line for line in err if line.startswith("FAILED: ")]
    assert len(failed) == 2
    assert "below --min-f1 0.8" in failed[0] and "below --min-recall 0.7" in failed[1]
    assert result is not None  # the results are still written for inspection


def test_baseline_gate_catches_a_regression(tmp_path, capsys) -> None:
    good = tmp_path / "good.json"
    assert bench.main(["--dataset", "people-2k", "--json", str(good)]) == 0
    weak = tmp_path / "weak.toml"
    weak.write_text(WEAK)
    code, _ = run_cli(tmp_path, "--dataset", "people-2k", "--config", str(weak),
                      "--baseline", str(good))
    assert code == bench.EXIT_GATE
    err = capsys.readouterr().err
    assert "dropped below the baseline's" in err and "--tolerance 0.01" in err
    same, _ = run_cli(tmp_path, "--dataset", "people-2k", "--baseline", str(good),
                      "--time-tolerance", "100")
    assert same == 0


def test_max_seconds_gate(tmp_path, capsys) -> None:
    code, _ = run_cli(tmp_path, "--dataset", "people-1k", "--max-seconds", "0")
    assert code == bench.EXIT_GATE
    assert "above --max-seconds 0" in capsys.readouterr().err


def test_labels_file_scores_only_the_labelled_pairs(tmp_path) -> None:
    code, result = run_cli(tmp_path, "--data", str(shared("splink", "fake_1000.csv")),
                           "--labels", str(shared("splink", "fake_1000_labels.csv")),
                           "--config", str(ROOT / "examples" / "fake_1000.toml"), "--min-f1", "0.5")
    assert code == 0
    assert result["pairwise"]["n_labelled"] == 3176 and result["clusters"] == {}


def test_own_file_with_a_truth_column(tmp_path) -> None:
    people = gd.datasets.make_people(1_000, random_state=4).drop(columns="household_id")
    path = tmp_path / "people.parquet"
    people.to_parquet(path)
    code, result = run_cli(tmp_path, "--data", str(path), "--truth", "person_id",
                           "--config", str(CONFIGS / "people.toml"))
    assert code == 0 and result["clusters"]["bcubed_f1"] > 0.85


def test_bad_input_and_usage(tmp_path, capsys) -> None:
    assert bench.main(["--dataset", "nope", "--json", ""]) == bench.EXIT_BAD_INPUT
    assert "dataset 'nope' is unknown" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("comparisons = [")
    assert bench.main(["--dataset", "people-1k", "--config", str(broken)]) == 1
    assert "not valid TOML" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        bench.main([])
    assert usage.value.code == bench.EXIT_USAGE


def test_golden_command_dispatches(tmp_path, capsys) -> None:
    assert cli.main(["bench", "--dataset", "people-1k", "--json", ""]) == 0
    assert cli.main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


# --- this repository's own regression gates, on the small datasets ---------------------


@pytest.mark.parametrize(("arguments", "min_f1"), [
    (["--dataset", "people-5k", "--config", str(CONFIGS / "people.toml")], 0.9),
    (["--dataset", "febrl3", "--config", str(CONFIGS / "febrl3.toml")], 0.99),
])
def test_golden_itself_passes_its_accuracy_gates(tmp_path, arguments, min_f1) -> None:
    # Measured: people-5k pairwise F1 0.924, FEBRL3 0.998 (golden/configs).
    code, result = run_cli(tmp_path, *arguments, "--min-f1", str(min_f1))
    assert code == 0, result


def test_febrl3_ships_with_golden_and_equals_the_public_file() -> None:
    import pandas as pd

    shipped = gd.datasets.load_febrl3()
    public = pd.read_csv(shared("febrl", "dataset3.csv"), skipinitialspace=True, dtype=str)
    pd.testing.assert_frame_equal(shipped, public)


def test_python_configuration(tmp_path) -> None:
    config = tmp_path / "golden_config.py"
    config.write_text(
        "import golden as gd\n"
        "from golden import comparisons as cmp\n"
        "linker = gd.Linker([cmp.name('first_name'), cmp.name('surname'),\n"
        "                    cmp.date_of_birth('dob')], [gd.block_on('dob')], random_state=0)\n"
        "threshold = 0.7\n")
    code, result = run_cli(tmp_path, "--dataset", "people-1k", "--config", str(config))
    assert code == 0 and result["threshold"] == 0.7
    config.write_text("x = 1\n")
    assert bench.main(["--dataset", "people-1k", "--config", str(config), "--json", ""]) == 1


def test_built_in_datasets_run_with_their_shipped_configuration(tmp_path) -> None:
    code, result = run_cli(tmp_path, "--dataset", "febrl3")
    assert code == 0 and result["config"] == "built in (golden/configs)"
    assert result["pairwise"]["f1"] > 0.99
