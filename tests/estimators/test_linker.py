"""The Linker end to end on public data with known truth, and its estimator contract."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import ConfigError, NotFittedError, SchemaError
from golden import comparisons as cmp
from golden.evaluate import best_threshold, cluster_metrics, pairwise_metrics

FEBRL_COMPARISONS = [
    cmp.name("given_name"), cmp.name("surname"), cmp.date_of_birth("date_of_birth"),
    cmp.levenshtein("soc_sec_id", (1, 2)), cmp.exact("street_number"),
    cmp.jaro_winkler("address_1", (0.9, 0.8)), cmp.jaro_winkler("suburb", (0.9,)),
    cmp.levenshtein("postcode", (1,)), cmp.exact("state"),
]
FEBRL_BLOCKING = [gd.block_on("given_name"), gd.block_on("surname"),
                  gd.block_on("date_of_birth"), gd.block_on("soc_sec_id"),
                  gd.block_on("postcode", "street_number")]
FAKE_COMPARISONS = [cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
                    cmp.exact("city", term_frequency=True), cmp.email("email")]
FAKE_BLOCKING = [gd.block_on("first_name"), gd.block_on("surname"), gd.block_on("dob"),
                 gd.block_on("email")]


def febrl_linker(**kwargs: object) -> gd.Linker:
    return gd.Linker(FEBRL_COMPARISONS, FEBRL_BLOCKING, unique_id="rec_id", random_state=0,
                     **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def febrl3_fitted(febrl3: pd.DataFrame) -> tuple[gd.Linker, pd.DataFrame]:
    linker = febrl_linker().fit(febrl3)
    return linker, linker.predict(febrl3)


def test_febrl3_dedupe_without_labels(febrl3, febrl3_fitted) -> None:
    linker, pairs = febrl3_fitted
    truth = febrl3.set_index("rec_id")["truth"]
    assert pairwise_metrics(pairs, truth, threshold=0.5)["f1"] >= 0.995
    assert linker.converged_ and 0 < linker.n_iter_ <= linker.max_iter
    clusters = linker.cluster(pairs, febrl3, threshold=0.5)
    assert len(clusters) == len(febrl3)
    assert cluster_metrics(clusters, truth)["bcubed_f1"] >= 0.995


def test_febrl4_link_without_labels(febrl4) -> None:
    a, b = febrl4
    linker = febrl_linker(link_type="link").fit([a, b])
    pairs = linker.predict([a, b], threshold=0.5)
    assert set(pairs["source_l"]) == {"0"} and set(pairs["source_r"]) == {"1"}
    truth = pd.concat([a, b]).set_index("rec_id")["truth"]
    assert pairwise_metrics(pairs, truth)["f1"] >= 0.999
    one_to_one = linker.cluster(pairs, [a, b], threshold=0.5, one_to_one=True)
    assert one_to_one.groupby("entity_id").size().max() == 2


def test_fake_1000(fake_1000) -> None:
    linker = gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING, random_state=0).fit(fake_1000)
    pairs = linker.predict(fake_1000)
    truth = fake_1000.set_index("unique_id")["cluster"]
    assert best_threshold(pairs, truth)["f1"] >= 0.80


def test_predict_output_columns_and_weights_add_up(febrl3_fitted) -> None:
    linker, pairs = febrl3_fitted
    names = [c.name for c in FEBRL_COMPARISONS]
    dependence = ["mw_dependence"] if linker.dependence_corrections_ else []
    assert list(pairs.columns) == [
        "unique_id_l", "unique_id_r", "match_weight", "match_probability", "blocking_rule",
        *(f"gamma_{n}" for n in names), *(f"mw_{n}" for n in names), *dependence]
    parts = pairs[[f"mw_{n}" for n in names] + dependence].sum(axis=1)
    prior = np.log2(linker.lambda_ / (1 - linker.lambda_))
    np.testing.assert_allclose(pairs["match_weight"], prior + parts, atol=1e-4)  # float32 parts
    np.testing.assert_allclose(pairs["match_probability"],
                               1 / (1 + 2.0 ** -pairs["match_weight"]))
    assert np.isfinite(pairs["match_weight"]).all()
    assert (pairs["unique_id_l"] != pairs["unique_id_r"]).all()


def test_thresholds_filter(febrl3, febrl3_fitted) -> None:
    linker, pairs = febrl3_fitted
    high = linker.predict(febrl3, threshold=0.9)
    assert len(high) == (pairs["match_probability"] >= 0.9).sum()
    by_weight = linker.predict(febrl3, threshold_weight=5.0)
    assert len(by_weight) == (pairs["match_weight"] >= 5).sum()


def test_saved_model_predicts_identically(tmp_path, febrl3, febrl3_fitted) -> None:
    linker, pairs = febrl3_fitted
    path = tmp_path / "model.json"
    linker.save(path)
    loaded = gd.Linker.load(path)
    again = loaded.predict(febrl3)
    pd.testing.assert_frame_equal(again, pairs)
    assert loaded.get_params()["link_type"] == "dedupe"


def test_a_version_2_model_still_loads(febrl3_fitted) -> None:
    # Version 2 named the level each comparison of a dependence group agrees from
    # 'top_levels' (always the top level then).
    linker, _ = febrl3_fitted
    model = linker.to_dict()
    names = [c.name for c in linker.comparisons_][:2]
    tops = [len(linker.m_[name]) - 1 for name in names]
    model["version"] = 2
    model["parameters"]["dependence"] = [{"comparisons": names, "top_levels": tops,
                                          "bits": [0.0, 0.0, 0.0, -3.0]}]
    loaded = gd.Linker.from_dict(model)
    assert loaded.dependence_corrections_[0].agree_from == tuple(tops)
    assert loaded.to_dict()["parameters"]["dependence"][0]["agree_from"] == tops


def test_bring_your_own_pairs(febrl3, febrl3_fitted) -> None:
    linker, pairs = febrl3_fitted
    mine = pairs[["unique_id_l", "unique_id_r"]].head(50)
    scored = linker.predict(febrl3, pairs=mine)
    np.testing.assert_allclose(scored["match_weight"], pairs["match_weight"].head(50))
    with pytest.raises(SchemaError, match="not in the records"):
        linker.predict(febrl3, pairs=pd.DataFrame({"unique_id_l": ["nope"],
                                                   "unique_id_r": ["rec-1-org"]}))


def test_labels_give_m(fake_1000, fake_1000_labels) -> None:
    linker = gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING, random_state=0)
    linker.fit(fake_1000, labels=fake_1000_labels)
    exact_first = linker.m_["first_name"][-1]
    matches = fake_1000_labels[fake_1000_labels["clerical_match_score"] >= 0.5]
    first = fake_1000.set_index("unique_id")["first_name"]
    same = (first.loc[matches["unique_id_l"]].to_numpy()
            == first.loc[matches["unique_id_r"]].to_numpy())
    both = (first.loc[matches["unique_id_l"]].notna().to_numpy()
            & first.loc[matches["unique_id_r"]].notna().to_numpy())
    assert exact_first == pytest.approx(same[both].mean(), abs=0.02)


def test_training_sessions_and_deterministic_prior(febrl3) -> None:
    linker = febrl_linker(training_blocking=[gd.block_on("given_name", "surname"),
                                             gd.block_on("date_of_birth")],
                          deterministic_rules=[gd.block_on("soc_sec_id", "date_of_birth")],
                          recall=0.7).fit(febrl3)
    truth = febrl3.set_index("rec_id")["truth"]
    assert pairwise_metrics(linker.predict(febrl3), truth, threshold=0.5)["f1"] >= 0.99
    n = len(febrl3)
    assert 0.5 * 6538 / (n * (n - 1) / 2) < linker.lambda_ < 2 * 6538 / (n * (n - 1) / 2)


def canonical(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs with the smaller id on the left."""
    left, right = pairs["unique_id_l"].to_numpy(), pairs["unique_id_r"].to_numpy()
    return pairs.assign(unique_id_l=np.minimum(left, right), unique_id_r=np.maximum(left, right))


def test_row_order_does_not_change_results(fake_1000) -> None:
    linker = gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING, random_state=0).fit(fake_1000)
    pairs = linker.predict(fake_1000)
    shuffled = fake_1000.sample(frac=1, random_state=3)
    again = linker.predict(shuffled)
    key = ["unique_id_l", "unique_id_r"]
    pairs, again = canonical(pairs), canonical(again)
    merged = pairs.merge(again, on=key, suffixes=("", "_again"))
    assert len(merged) == len(pairs) == len(again)
    np.testing.assert_allclose(merged["match_weight"], merged["match_weight_again"])
    clusters = linker.cluster(pairs, fake_1000).sort_values("unique_id")
    clusters_again = linker.cluster(again, shuffled).sort_values("unique_id")
    assert clusters["entity_id"].tolist() == clusters_again["entity_id"].tolist()


def test_unfitted_linker_raises() -> None:
    linker = gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING)
    for call in (lambda: linker.predict(pd.DataFrame()), lambda: linker.save("x.json"),
                 linker.weight_table):
        with pytest.raises(NotFittedError, match="fit"):
            call()


def test_constructor_stores_params_and_validation_happens_in_fit(fake_1000) -> None:
    linker = gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING, link_type="dedup", max_iter=0,
                       recall=2)
    assert linker.link_type == "dedup"
    with pytest.raises(ConfigError) as info:
        linker.fit(fake_1000)
    assert len(info.value.problems) == 3
    assert "expected one of ['dedupe', 'link', 'link_and_dedupe']" in str(info.value)
    assert linker.set_params(link_type="dedupe") is linker
    with pytest.raises(ConfigError, match="unknown parameter"):
        linker.set_params(linktype="dedupe")


def test_bad_input_gets_clear_errors(fake_1000) -> None:
    linker = gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING)
    duplicated = pd.concat([fake_1000, fake_1000.head(3)])
    with pytest.raises(SchemaError, match="repeated ids"):
        linker.fit(duplicated)
    with pytest.raises(SchemaError, match="missing"):
        linker.fit(fake_1000.drop(columns=["email", "dob"]))
    with pytest.raises(SchemaError, match="no rows"):
        linker.fit(fake_1000.head(0))
    with pytest.raises(SchemaError, match="null"):
        linker.fit(fake_1000.assign(unique_id=fake_1000["unique_id"].where(
            fake_1000.index > 0)))
    with pytest.raises(ConfigError, match="DataFrame"):
        linker.fit("records.csv")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="two sources"):
        gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING, link_type="link").fit(fake_1000)


def test_all_null_column_warns_and_still_fits(fake_1000) -> None:
    with pytest.warns(gd.DataWarning, match="entirely null"):
        gd.Linker(FAKE_COMPARISONS, FAKE_BLOCKING, random_state=0).fit(
            fake_1000.assign(city=None))


def test_numbers_in_text_columns_do_not_crash(febrl3) -> None:
    numeric = febrl3.assign(postcode=pd.to_numeric(febrl3["postcode"], errors="coerce"),
                            street_number=pd.to_numeric(febrl3["street_number"],
                                                        errors="coerce"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = febrl_linker().fit(numeric).predict(numeric, threshold=0.5)
    assert len(pairs) > 5000


def test_fit_predict_equals_fit_then_predict(febrl3, febrl3_fitted) -> None:
    _, pairs = febrl3_fitted
    together = febrl_linker().fit_predict(febrl3)
    pd.testing.assert_frame_equal(together, pairs)
    with pytest.raises(ConfigError, match="threshold"):
        febrl_linker().fit_predict(febrl3, threshold=2)


def test_too_many_pairs_are_refused_before_any_pair_is_drawn_or_compared(monkeypatch) -> None:
    import golden.engines.local

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the max_pairs guard")

    monkeypatch.setattr(golden.engines.local, "random_pairs", no_work)
    monkeypatch.setattr(golden.engines.local, "comparison_indexes", no_work)
    people = gd.datasets.make_people(300, random_state=2).assign(country="uk")
    linker = gd.Linker([cmp.name("first_name")], [gd.block_on("surname"), gd.block_on("country")],
                       max_pairs=1_000)
    with pytest.raises(ConfigError, match="rule 'country' alone gives"):
        linker.fit(people)
    with pytest.raises(ConfigError, match="rule 'country' alone gives"):
        linker.fit_predict(people)


def test_progress_bars_name_each_long_stage_and_stay_off_when_asked(capsys) -> None:
    people = gd.datasets.make_people(2_000, random_state=4)
    config = dict(comparisons=[cmp.name("first_name"), cmp.date_of_birth("dob")],
                  blocking=[gd.block_on("surname"), gd.block_on("dob")],
                  training_blocking=[gd.block_on("postcode")], random_state=0)
    gd.Linker(**config, progress=True).fit_predict(people)
    shown = capsys.readouterr().err
    for stage in ("preparing", "blocking", "comparing", "training"):
        assert stage in shown, stage
    gd.Linker(**config, progress=False).fit_predict(people)
    assert capsys.readouterr().err == ""
