"""``golden init`` writes a commented starting configuration that ``golden dedupe`` and
``golden link`` run unedited, and that is accurate on data with known truth."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import load_febrl

import golden as gd
from golden import cli
from golden.evaluate import cluster_metrics, pairwise_metrics


def _init(files: list[Path], out: Path, *extra: str) -> dict:
    assert cli.main(["init", *map(str, files), "--out", str(out), "--quiet", *extra]) == 0
    return tomllib.loads(out.read_text())


def _run(command: str, files: list[Path], config: Path, out: Path) -> pd.DataFrame:
    code = cli.main([command, *map(str, files), "--config", str(config), "--out", str(out),
                     "--quiet"])
    assert code == 0
    return pd.read_parquet(out / "pairs.parquet")


def _by_column(config: dict) -> dict[str, str]:
    return {c["column"] if isinstance(c.get("column"), str) else c.get("name"): c["function"]
            for c in config["comparisons"]}


def test_people_get_names_dates_and_a_family_comparison(tmp_path: Path) -> None:
    people = gd.datasets.make_people(3_000, random_state=0)
    truth = people.set_index("unique_id")["person_id"]
    path = tmp_path / "people.csv"
    people.drop(columns=["person_id", "household_id"]).to_csv(path, index=False)
    toml = tmp_path / "golden.toml"
    config = _init([path], toml)
    text = toml.read_text()
    assert config["unique_id"] == "unique_id" and "link_type" not in config
    assert _by_column(config) == {"first_name": "name", "dob": "date_of_birth",
                                  "family": "joint"}
    family = next(c for c in config["comparisons"] if c["function"] == "joint")
    assert [c if isinstance(c, str) else c["column"] for c in family["columns"]] == [
        "surname", "postcode", "phone", "email"]
    assert "# 'email': 64% filled, 1,110 distinct, looks like e-mail addresses" in text
    for left_out in ("'source'", "'updated_at'", "'street'", "'city'"):
        assert f"#   {left_out}: " in text.split("# Left out (not compared):")[1]
    assert "pairs; " in text and "with the rules above" in text  # pair counts as comments
    assert {r["keys"][0]["column"] for r in config["training_blocking"]} == {
        "first_name", "dob"}  # a person's own columns, not a household's
    pairs = _run("dedupe", [path], toml, tmp_path / "out")
    # measured 0.973 (precision 0.985, recall 0.962); the demo's hand-written model: 0.942
    assert pairwise_metrics(pairs, truth, threshold=0.5)["f1"] >= 0.95


def test_febrl3_unedited_is_as_good_as_by_hand(tmp_path: Path) -> None:
    records = load_febrl("dataset3.csv")
    truth = records.set_index("rec_id")["truth"]
    path = tmp_path / "febrl3.csv"
    records.drop(columns="truth").to_csv(path, index=False)
    toml = tmp_path / "golden.toml"
    config = _init([path], toml)
    assert config["unique_id"] == "rec_id"
    assert _by_column(config) == {
        "given_name": "name", "surname": "name", "street_number": "exact",
        "address_1": "jaro_winkler", "address_2": "jaro_winkler", "suburb": "jaro_winkler",
        "postcode": "postcode", "state": "exact", "date_of_birth": "date_of_birth",
        "soc_sec_id": "levenshtein"}
    assert "training_blocking" not in config  # no households: EM on the blocking rules
    out = tmp_path / "out"
    pairs = _run("dedupe", [path], toml, out)
    # measured: pairwise F1 0.9995, B-cubed F1 0.9999
    assert pairwise_metrics(pairs, truth, threshold=0.5)["f1"] >= 0.995
    clusters = pd.read_parquet(out / "clusters.parquet")
    assert cluster_metrics(clusters, truth)["bcubed_f1"] >= 0.995


def test_two_files_make_a_link_configuration(tmp_path: Path) -> None:
    a, b = load_febrl("dataset4a.csv"), load_febrl("dataset4b.csv")
    truth = pd.concat([a, b]).set_index("rec_id")["truth"]
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    a.drop(columns="truth").to_csv(files[0], index=False)
    b.drop(columns="truth").to_csv(files[1], index=False)
    toml = tmp_path / "golden.toml"
    config = _init(files, toml)
    assert config["link_type"] == "link" and config["unique_id"] == "rec_id"
    pairs = _run("link", files, toml, tmp_path / "out")
    assert pairwise_metrics(pairs, truth, threshold=0.5)["f1"] >= 0.995  # measured 0.9999


def test_products_are_free_text_and_numbers(tmp_path: Path) -> None:
    brands = ["Sony", "Bose", "Canon", "Nikon", "Philips", "Samsung", "Garmin", "Logitech"]
    things = ["Turntable", "Speaker System", "Digital Camera", "Headphones", "Monitor",
              "Keyboard", "Sat Nav", "Soundbar"]
    rows = []
    for i in range(120):
        brand, thing = brands[i % 8], things[(i // 8) % 8]
        model = f"{brand[:2].upper()}{100 + i}"
        name = f"{brand} {thing} - {model}"
        description = f"{name} / {i % 5 + 2} year warranty / colour {['black', 'silver'][i % 2]}"
        price = 20 + 7.5 * i
        rows.append((f"p{i}", name, description, f"{price:.2f}"))
        if i % 3 == 0:  # a second listing of the same product, written differently
            rows.append((f"q{i}", f"{brand} {model} {thing}", description.upper(),
                         f"{price * 1.02:.2f}"))
    path = tmp_path / "products.csv"
    pd.DataFrame(rows, columns=["id", "name", "description", "price"]).to_csv(path, index=False)
    toml = tmp_path / "golden.toml"
    config = _init([path], toml)
    assert config["unique_id"] == "id"
    assert _by_column(config) == {"name": "free_text", "description": "free_text",
                                  "price": "percentage_difference"}
    assert [r.get("function") for r in config["blocking"]].count("block_on_any") == 1
    _run("dedupe", [path], toml, tmp_path / "out")


def test_prices_written_with_a_currency_are_read_as_numbers(tmp_path: Path) -> None:
    """Shops write "$1,027.50" and "1.027,50 €": init reads them through the amount step
    (they counted as missing before), and the configuration runs."""
    rows = [(f"p{i}", f"Camera model X{i} black", f"${1000 + 27.5 * i:,.2f}")
            for i in range(60)]
    rows += [(f"q{i}", f"X{i} camera", f"{1000 + 27.5 * i:,.2f} €".replace(",", "#")
              .replace(".", ",").replace("#", ".")) for i in range(0, 60, 3)]
    path = tmp_path / "shop.csv"
    pd.DataFrame(rows, columns=["id", "name", "price"]).to_csv(path, index=False)
    toml = tmp_path / "golden.toml"
    config = _init([path], toml)
    price = next(c for c in config["comparisons"] if c.get("name") == "price")
    assert price["column"] == {"column": "price", "steps": ["amount"]}
    assert price["function"] == "percentage_difference"
    pairs = _run("dedupe", [path], toml, tmp_path / "out")
    same = pairs[(pairs["unique_id_l"] == "p3") & (pairs["unique_id_r"] == "q3")]
    assert (same["gamma_price"] > 0).all() and len(same) == 1


def test_an_existing_out_is_replaced_only_with_force(tmp_path: Path, capsys) -> None:
    path = tmp_path / "people.csv"
    gd.datasets.make_people(300, random_state=1).to_csv(path, index=False)
    toml = tmp_path / "golden.toml"
    toml.write_text("# mine\n")
    assert cli.main(["init", str(path), "--out", str(toml)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err
    assert toml.read_text() == "# mine\n"
    assert cli.main(["init", str(path), "--out", str(toml), "--force"]) == 0
    assert "golden dedupe" in capsys.readouterr().out
    assert "[[comparisons]]" in toml.read_text()


@pytest.mark.parametrize(("content", "said"), [
    ("", "is empty"),
    ("id,name\n", "has no records"),
    ("id\n1\n2\n3\n", "no column besides the id column 'id'"),
    ("id,updated_at\n1,2024-01-01T10:00:00\n2,2024-01-02T11:00:00\n",
     "no column could be compared"),
])
def test_nothing_to_match_on_is_a_clear_error(tmp_path: Path, capsys, content: str,
                                              said: str) -> None:
    path = tmp_path / "records.csv"
    path.write_text(content)
    toml = tmp_path / "golden.toml"
    assert cli.main(["init", str(path), "--out", str(toml)]) == 1
    assert said in capsys.readouterr().err
    assert not toml.exists()
