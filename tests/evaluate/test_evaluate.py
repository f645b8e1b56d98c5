"""Tests for golden.evaluate: hand-computed metrics, invariances and validation."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import ConfigError, DataWarning, SchemaError
from golden.evaluate import (
    best_threshold,
    blocking_metrics,
    cluster_metrics,
    pairwise_metrics,
    precision_recall_curve,
    truth_pairs,
)

# Records 1-3 are entity x, record 4 is y: true pairs (1,2), (1,3), (2,3).
TRUTH = pd.Series(["x", "x", "x", "y"], index=[1, 2, 3, 4])


def scored(rows: list[tuple[object, object, float]]) -> pd.DataFrame:
    left, right, prob = zip(*rows, strict=True)
    return pd.DataFrame(
        {"unique_id_l": list(left), "unique_id_r": list(right), "match_probability": list(prob)}
    )


PAIRS = scored([(1, 2, 0.9), (3, 1, 0.4), (2, 4, 0.8), (3, 4, 0.1)])


def swapped(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.rename(columns={"unique_id_l": "unique_id_r", "unique_id_r": "unique_id_l"})


# ---------------------------------------------------------------------------
# truth_pairs
# ---------------------------------------------------------------------------


def test_truth_pairs_lists_within_entity_pairs_in_canonical_order() -> None:
    truth = pd.Series(["x", "y", "x", "x", "y", None], index=["d", "e", "b", "a", "c", "f"])
    expected = pd.DataFrame(
        {"unique_id_l": ["a", "a", "b", "c"], "unique_id_r": ["b", "d", "d", "e"]}
    )
    pd.testing.assert_frame_equal(truth_pairs(truth), expected, check_dtype=False)


def test_truth_pairs_accepts_a_frame_and_keeps_int_ids() -> None:
    frame = pd.DataFrame({"unique_id": [30, 10, 20], "person": [1, 1, 1]})
    result = truth_pairs(frame)
    assert result.to_numpy().tolist() == [[10, 20], [10, 30], [20, 30]]
    assert result["unique_id_l"].dtype == np.int64


def test_truth_pairs_with_source_keeps_only_cross_source_pairs() -> None:
    truth = pd.Series(["x", "x", "x", "y", "y"], index=[1, 2, 3, 4, 5])
    source = pd.Series(["a", "a", "b", "a", "b"], index=[1, 2, 3, 4, 5])
    assert truth_pairs(truth, source=source).to_numpy().tolist() == [[1, 3], [2, 3], [4, 5]]


def test_truth_pairs_without_any_match_is_empty() -> None:
    result = truth_pairs(pd.Series([1, 2, 3], index=[1, 2, 3]))
    assert result.empty
    assert list(result.columns) == ["unique_id_l", "unique_id_r"]


# ---------------------------------------------------------------------------
# pairwise_metrics
# ---------------------------------------------------------------------------


def test_pairwise_metrics_all_pairs() -> None:
    assert pairwise_metrics(PAIRS, TRUTH) == {
        "precision": 0.5,
        "recall": 2 / 3,
        "f1": 4 / 7,
        "tp": 2,
        "fp": 2,
        "fn": 1,
        "n_predicted": 4,
        "n_true": 3,
    }


def test_pairwise_metrics_threshold_keeps_pairs_at_or_above() -> None:
    m = pairwise_metrics(PAIRS, TRUTH, threshold=0.8)
    assert (m["tp"], m["fp"], m["fn"], m["n_predicted"]) == (1, 1, 2, 2)
    assert m["precision"] == 0.5
    assert m["recall"] == 1 / 3
    assert m["f1"] == 0.4
    assert all(type(m[key]) is int for key in ("tp", "fp", "fn", "n_predicted", "n_true"))


def test_pairwise_metrics_other_score_column() -> None:
    pairs = PAIRS.assign(match_weight=[5.0, -1.0, 3.0, -4.0])
    m = pairwise_metrics(pairs, TRUTH, threshold=0.0, score="match_weight")
    assert (m["tp"], m["fp"]) == (1, 1)


def test_pairwise_metrics_ignores_pair_order_and_duplicates() -> None:
    doubled = pd.concat([PAIRS, swapped(PAIRS).assign(match_probability=0.0)])
    mixed = pd.concat([PAIRS.iloc[:2], swapped(PAIRS.iloc[2:])])
    expected = pairwise_metrics(PAIRS, TRUTH, threshold=0.5)
    assert pairwise_metrics(doubled, TRUTH, threshold=0.5) == expected
    assert pairwise_metrics(mixed, TRUTH, threshold=0.5) == expected


def test_duplicate_pair_takes_its_highest_score() -> None:
    pairs = scored([(1, 2, 0.2), (2, 1, 0.9), (1, 3, float("nan"))])
    m = pairwise_metrics(pairs, TRUTH, threshold=0.5)
    assert (m["tp"], m["n_predicted"]) == (1, 1)


def test_pairwise_metrics_ignores_self_pairs() -> None:
    with_self = pd.concat([PAIRS, scored([(1, 1, 1.0), (4, 4, 1.0)])])
    assert pairwise_metrics(with_self, TRUTH) == pairwise_metrics(PAIRS, TRUTH)


def test_truth_given_as_pairs_or_frame_agrees_with_series() -> None:
    expected = pairwise_metrics(PAIRS, TRUTH, threshold=0.3)
    as_pairs = pd.DataFrame({"unique_id_l": [2, 3, 1, 1], "unique_id_r": [1, 2, 3, 1]})
    as_frame = pd.DataFrame({"unique_id": TRUTH.index, "cluster": TRUTH.to_numpy()})
    assert pairwise_metrics(PAIRS, as_pairs, threshold=0.3) == expected
    assert pairwise_metrics(PAIRS, as_frame, threshold=0.3) == expected


def test_string_ids() -> None:
    truth = pd.Series(["x", "x", "y"], index=["a", "b", "c"])
    pairs = pd.DataFrame({"unique_id_l": ["b", "a"], "unique_id_r": ["a", "c"]})
    m = pairwise_metrics(pairs, truth)
    assert (m["tp"], m["fp"], m["fn"]) == (1, 1, 0)


def test_ids_absent_from_truth_are_singletons_and_warned_once() -> None:
    pairs = scored([(1, 2, 0.9), (5, 6, 0.9), (5, 1, 0.9)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = pairwise_metrics(pairs, TRUTH)
    assert [str(w.message)[:3] for w in caught if w.category is DataWarning] == ["2 u"]
    assert caught[0].filename == __file__
    assert (m["tp"], m["fp"], m["n_true"]) == (1, 2, 3)


def test_no_warning_when_all_ids_known() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pairwise_metrics(PAIRS, TRUTH)


def test_empty_prediction_gives_nan_precision_and_zero_recall() -> None:
    m = pairwise_metrics(PAIRS.iloc[:0], TRUTH)
    assert math.isnan(m["precision"])
    assert (m["recall"], m["f1"], m["fn"]) == (0.0, 0.0, 3)


# ---------------------------------------------------------------------------
# link setting
# ---------------------------------------------------------------------------

# Source a holds 1-3, source b holds 4-5; true cross-source pairs (1,4), (2,4).
LINK_TRUTH = pd.Series(["x", "x", "y", "x", "z"], index=[1, 2, 3, 4, 5])
LINK_SOURCE = pd.Series(["a", "a", "a", "b", "b"], index=[1, 2, 3, 4, 5])
LINK_PAIRS = scored([(1, 4, 0.9), (2, 1, 0.8), (3, 5, 0.7), (4, 2, 0.6)])


def test_link_truth_pairs() -> None:
    assert truth_pairs(LINK_TRUTH, source=LINK_SOURCE).to_numpy().tolist() == [[1, 4], [2, 4]]


def test_link_pairwise_metrics_ignores_within_source_pairs() -> None:
    m = pairwise_metrics(LINK_PAIRS, LINK_TRUTH, source=LINK_SOURCE)
    assert (m["tp"], m["fp"], m["fn"], m["n_true"]) == (2, 1, 0, 2)
    unrestricted = pairwise_metrics(LINK_PAIRS, LINK_TRUTH)
    assert (unrestricted["tp"], unrestricted["n_true"]) == (3, 3)


def test_link_with_truth_pairs() -> None:
    as_pairs = truth_pairs(LINK_TRUTH)
    m = pairwise_metrics(LINK_PAIRS, as_pairs, source=LINK_SOURCE)
    assert (m["tp"], m["fp"], m["n_true"]) == (2, 1, 2)


def test_link_blocking_metrics_uses_product_of_source_sizes() -> None:
    m = blocking_metrics(LINK_PAIRS, LINK_TRUTH, source=LINK_SOURCE)
    assert m == {
        "pair_completeness": 1.0,
        "reduction_ratio": 0.5,
        "n_candidates": 3,
        "n_possible_pairs": 6,
        "n_true": 2,
        "n_true_found": 2,
    }


def test_source_missing_an_id_is_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="source: no value for 1"):
        pairwise_metrics(LINK_PAIRS, LINK_TRUTH, source=LINK_SOURCE.drop(5))


# ---------------------------------------------------------------------------
# precision_recall_curve and best_threshold
# ---------------------------------------------------------------------------


def test_precision_recall_curve_hand_computed() -> None:
    curve = precision_recall_curve(PAIRS, TRUTH)
    assert list(curve.columns) == ["threshold", "precision", "recall", "f1", "tp", "fp", "fn"]
    assert curve["threshold"].tolist() == [0.1, 0.4, 0.8, 0.9]
    assert curve[["tp", "fp", "fn"]].to_numpy().tolist() == [
        [2, 2, 1],
        [2, 1, 1],
        [1, 1, 2],
        [1, 0, 2],
    ]
    np.testing.assert_allclose(curve["precision"], [0.5, 2 / 3, 0.5, 1.0])
    np.testing.assert_allclose(curve["recall"], [2 / 3, 2 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(curve["f1"], [4 / 7, 2 / 3, 0.4, 0.5])


def test_curve_groups_tied_scores() -> None:
    pairs = scored([(1, 2, 0.5), (1, 3, 0.5), (1, 4, 0.5), (2, 3, 0.2)])
    curve = precision_recall_curve(pairs, TRUTH)
    assert curve[["threshold", "tp", "fp"]].to_numpy().tolist() == [[0.2, 3, 1], [0.5, 2, 1]]


def test_curve_rows_match_pairwise_metrics_at_each_threshold() -> None:
    rng = np.random.default_rng(1)
    truth = pd.Series(rng.integers(0, 15, 60), index=np.arange(60))
    left, right = rng.integers(0, 60, (2, 300))
    pairs = pd.DataFrame(
        {"unique_id_l": left, "unique_id_r": right, "match_probability": rng.random(300).round(2)}
    )
    for row in precision_recall_curve(pairs, truth).itertuples():
        m = pairwise_metrics(pairs, truth, threshold=row.threshold)
        assert (row.tp, row.fp, row.fn, row.f1) == (m["tp"], m["fp"], m["fn"], m["f1"])


def test_best_threshold_matches_curve_maximum() -> None:
    best = best_threshold(PAIRS, TRUTH)
    assert best == {"threshold": 0.4, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3}
    assert best["f1"] == precision_recall_curve(PAIRS, TRUTH)["f1"].max()
    assert pairwise_metrics(PAIRS, TRUTH, threshold=best["threshold"])["f1"] == best["f1"]


def test_best_threshold_prefers_the_highest_of_tied_thresholds() -> None:
    pairs = scored([(1, 2, 0.9), (1, 4, 0.8), (2, 4, 0.7), (3, 4, 0.6), (1, 3, 0.5)])
    # f1 = 2 tp / (n_predicted + 3): 0.9 -> 2/4, 0.8 -> 2/5, 0.7 -> 2/6, 0.6 -> 2/7, 0.5 -> 4/8
    curve = precision_recall_curve(pairs, TRUTH)
    assert curve["f1"].tolist()[::-1] == [0.5, 0.4, 1 / 3, 2 / 7, 0.5]
    assert best_threshold(pairs, TRUTH) == {
        "threshold": 0.9,
        "precision": 1.0,
        "recall": 1 / 3,
        "f1": 0.5,
    }


def test_best_threshold_without_scores_is_nan() -> None:
    pairs = scored([(1, 2, float("nan"))])
    assert all(math.isnan(v) for v in best_threshold(pairs, TRUTH).values())


# ---------------------------------------------------------------------------
# blocking_metrics
# ---------------------------------------------------------------------------


def test_blocking_metrics_dedupe_known_case() -> None:
    truth = pd.Series(["x", "x", "y", "y", "z"], index=[1, 2, 3, 4, 5])
    candidates = pd.DataFrame({"unique_id_l": [1, 2, 3, 3], "unique_id_r": [2, 1, 3, 5]})
    assert blocking_metrics(candidates, truth) == {
        "pair_completeness": 0.5,
        "reduction_ratio": 0.8,
        "n_candidates": 2,
        "n_possible_pairs": 10,
        "n_true": 2,
        "n_true_found": 1,
    }
    assert blocking_metrics(candidates, truth, n_records=100)["reduction_ratio"] == 1 - 2 / 4950


def test_blocking_metrics_with_truth_pairs_needs_n_records() -> None:
    candidates = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2]})
    truth = pd.DataFrame({"unique_id_l": [1, 3], "unique_id_r": [2, 4]})
    with pytest.raises(ConfigError, match="n_records"):
        blocking_metrics(candidates, truth)
    m = blocking_metrics(candidates, truth, n_records=4)
    assert (m["pair_completeness"], m["reduction_ratio"]) == (0.5, 1 - 1 / 6)


@pytest.mark.parametrize("n_records", [-1, 2.5, True])
def test_blocking_metrics_rejects_bad_n_records(n_records: object) -> None:
    with pytest.raises(ConfigError, match="n_records"):
        blocking_metrics(PAIRS, TRUTH, n_records=n_records)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# cluster_metrics
# ---------------------------------------------------------------------------


def test_cluster_metrics_hand_computed() -> None:
    truth = pd.Series(["x", "x", "y", "y"], index=[1, 2, 3, 4])
    clusters = pd.DataFrame({"unique_id": [1, 2, 3, 4], "entity_id": ["A", "A", "A", "B"]})
    m = cluster_metrics(clusters, truth)
    # B-cubed precision (2/3 + 2/3 + 1/3 + 1) / 4, recall (1 + 1 + 1/2 + 1/2) / 4
    assert m["bcubed_precision"] == pytest.approx(2 / 3)
    assert m["bcubed_recall"] == 0.75
    assert m["bcubed_f1"] == pytest.approx(2 * (2 / 3) * 0.75 / (2 / 3 + 0.75))
    # predicted pairs 12 13 23, true pairs 12 34: tp 1
    assert m["pairwise_precision"] == 1 / 3
    assert m["pairwise_recall"] == 0.5
    assert m["pairwise_f1"] == 0.4
    assert (m["n_records"], m["n_clusters"], m["n_true_clusters"], m["largest_cluster"]) == (
        4,
        2,
        2,
        3,
    )


def test_perfect_clustering_scores_one() -> None:
    clusters = pd.DataFrame({"unique_id": TRUTH.index, "entity_id": [7, 7, 7, 8]})
    m = cluster_metrics(clusters, TRUTH)
    for key in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_f1"):
        assert m[key] == 1.0


def test_all_singletons_have_bcubed_precision_one() -> None:
    clusters = pd.DataFrame({"unique_id": TRUTH.index, "entity_id": range(4)})
    m = cluster_metrics(clusters, TRUTH)
    assert m["bcubed_precision"] == 1.0
    assert m["bcubed_recall"] == (1 / 3 * 3 + 1) / 4
    assert math.isnan(m["pairwise_precision"])
    assert m["pairwise_recall"] == 0.0


def test_records_missing_from_clusters_are_singletons() -> None:
    clusters = pd.DataFrame({"unique_id": [1, 2], "entity_id": [0, 0]})
    m = cluster_metrics(clusters, TRUTH)
    assert (m["n_records"], m["n_clusters"], m["pairwise_precision"]) == (4, 3, 1.0)
    assert m["pairwise_recall"] == 1 / 3


def test_cluster_ids_absent_from_truth_warn() -> None:
    clusters = pd.DataFrame({"unique_id": [1, 2, 9], "entity_id": [0, 0, 0]})
    with pytest.warns(DataWarning, match="^1 unique_id values in clusters"):
        m = cluster_metrics(clusters, TRUTH)
    assert m["n_true_clusters"] == 3


def test_duplicate_cluster_ids_are_a_schema_error() -> None:
    clusters = pd.DataFrame({"unique_id": [1, 1], "entity_id": [0, 1]})
    with pytest.raises(SchemaError, match="unique"):
        cluster_metrics(clusters, TRUTH)


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 3)),
            st.one_of(st.none(), st.integers(0, 4)),
            st.booleans(),
        ),
        max_size=14,
    )
)
def test_cluster_pairwise_metrics_equal_pairwise_metrics_on_enumerated_pairs(
    data: list[tuple[int | None, int | None, bool]],
) -> None:
    ids = [f"r{i}" for i in range(len(data))]
    truth = pd.Series([label for label, _, _ in data], index=ids, dtype=object)
    listed = [(uid, cluster) for uid, (_, cluster, keep) in zip(ids, data, strict=True) if keep]
    clusters = pd.DataFrame(listed, columns=["unique_id", "entity_id"], dtype=object)
    pairs = pd.DataFrame(
        [
            (a, b)
            for (a, ca), (b, cb) in itertools.combinations(listed, 2)
            if ca is not None and ca == cb
        ],
        columns=["unique_id_l", "unique_id_r"],
        dtype=object,
    )
    from_clusters = cluster_metrics(clusters, truth)
    from_pairs = pairwise_metrics(pairs, truth)
    for key in ("precision", "recall", "f1"):
        np.testing.assert_equal(from_clusters[f"pairwise_{key}"], from_pairs[key])
    for key in ("bcubed_precision", "bcubed_recall"):
        assert 0.0 <= from_clusters[key] <= 1.0 or math.isnan(from_clusters[key])


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


def test_missing_pair_column_names_it_and_lists_present_columns() -> None:
    with pytest.raises(SchemaError) as info:
        pairwise_metrics(PAIRS.drop(columns="unique_id_r"), TRUTH)
    message = str(info.value)
    assert "'unique_id_r' is missing" in message
    assert "['unique_id_l', 'match_probability']" in message


def test_missing_cluster_column_is_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="'entity_id' is missing"):
        cluster_metrics(pd.DataFrame({"unique_id": [1]}), TRUTH)


def test_truth_frame_without_unique_id_is_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="'unique_id' is missing"):
        pairwise_metrics(PAIRS, pd.DataFrame({"id": [1], "label": [1]}))


def test_unknown_score_column_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'weight' is not in pairs"):
        precision_recall_curve(PAIRS, TRUTH, score="weight")
    with pytest.raises(ConfigError, match="must be numeric"):
        best_threshold(PAIRS.assign(label="a"), TRUTH, score="label")


@pytest.mark.parametrize("threshold", [1.5, -0.1, float("nan"), "0.5", True])
def test_bad_threshold_is_a_config_error(threshold: object) -> None:
    with pytest.raises(ConfigError, match="threshold"):
        pairwise_metrics(PAIRS, TRUTH, threshold=threshold)  # type: ignore[arg-type]


def test_threshold_outside_zero_one_is_fine_for_weights() -> None:
    pairs = PAIRS.assign(match_weight=[5.0, -1.0, 3.0, -4.0])
    assert pairwise_metrics(pairs, TRUTH, threshold=4, score="match_weight")["tp"] == 1


def test_duplicate_truth_ids_are_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="unique"):
        pairwise_metrics(PAIRS, pd.Series([1, 2], index=[1, 1]))


def test_null_pair_id_is_a_schema_error() -> None:
    pairs = pd.DataFrame({"unique_id_l": [1.0, None], "unique_id_r": [2.0, 3.0]})
    with pytest.raises(SchemaError, match="1 null unique_id"):
        pairwise_metrics(pairs, TRUTH)


# ---------------------------------------------------------------------------
# realistic data
# ---------------------------------------------------------------------------


def test_febrl_dataset1_has_500_true_pairs(febrl1: pd.DataFrame) -> None:
    truth = febrl1.set_index("rec_id")["truth"]
    pairs = truth_pairs(truth)
    assert len(pairs) == 500
    assert (pairs["unique_id_l"] < pairs["unique_id_r"]).all()
    m = pairwise_metrics(pairs, truth)
    assert (m["precision"], m["recall"], m["n_true"]) == (1.0, 1.0, 500)
    clusters = pd.DataFrame({"unique_id": truth.index, "entity_id": truth.to_numpy()})
    assert cluster_metrics(clusters, truth)["bcubed_f1"] == 1.0
    assert blocking_metrics(pairs, truth)["reduction_ratio"] == 1 - 500 / (1000 * 999 / 2)
