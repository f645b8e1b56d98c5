"""A full-name column split into given names and surnames (``gd.split_full_name``), so a
source that writes whole names links to one with first name and surname columns."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp


@pytest.mark.parametrize(("full", "first", "surname"), [
    ("José Luis García López", "José Luis", "García López"),
    ("María del Carmen Ruiz Pérez", "María del Carmen", "Ruiz Pérez"),
    ("Ana de la Fuente", "Ana", "de la Fuente"),
    ("Mª José de la Fuente", "Mª José", "de la Fuente"),
    ("García López, José Luis", "José Luis", "García López"),
    ("GARCÍA LÓPEZ JOSÉ", "JOSÉ", "GARCÍA LÓPEZ"),
    ("J. R. R. Tolkien", "J. R. R.", "Tolkien"),
    ("Mary Smith", "Mary", "Smith"),
    ("Smith", None, "Smith"),
])
def test_full_names_split_the_way_people_write_them(full: str, first: str | None,
                                                    surname: str) -> None:
    parts = gd.split_full_name(pd.Series([full]))
    assert [None if pd.isna(v) else v for v in parts.iloc[0].tolist()] == [first, surname]


def test_the_index_and_nulls_are_kept() -> None:
    names = pd.Series(["Ann Lee", None, "Ann Lee"], index=[7, 8, 9])
    parts = gd.split_full_name(names)
    assert parts.index.tolist() == [7, 8, 9]
    assert parts["surname"].isna().tolist() == [False, True, False]


def test_a_full_name_source_links_to_a_first_and_last_name_source() -> None:
    people = gd.datasets.make_people(4_000, sources=("crm", "web"), random_state=7)
    one_each = people.drop_duplicates(["source", "person_id"])
    crm = one_each[one_each["source"] == "crm"]
    web = one_each[one_each["source"] == "web"]
    truth = one_each.set_index("unique_id")["person_id"]
    full_web = web.assign(name=web["first_name"] + " " + web["surname"]).drop(
        columns=["first_name", "surname"])
    split_web = pd.concat([full_web, gd.split_full_name(full_web["name"])], axis=1)

    def f1(second: pd.DataFrame) -> float:
        linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"),
                            cmp.date_of_birth("dob"), cmp.email("email")],
                           [gd.block_on("surname"), gd.block_on("dob"), gd.block_on("email")],
                           link_type="link", random_state=0)
        frames = {"crm": crm.drop(columns=["source"]), "web": second.drop(columns=["source"])}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pairs = linker.fit_predict(frames, threshold=0.5)
        return gd.evaluate.pairwise_metrics(pairs, truth)["f1"]

    assert f1(split_web) > f1(web) - 0.02
