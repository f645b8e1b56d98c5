"""Steps shared by the Splink child processes: train as the config says, then predict,
cluster and read the results back as pandas frames, each step timed as a phase."""

from __future__ import annotations

from typing import Any

import pandas as pd


def train(linker: Any, training: Any) -> None:
    """λ from deterministic rules, u by random sampling, then the EM sessions."""
    linker.training.estimate_probability_two_random_records_match(
        training.deterministic_rules, recall=training.recall)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=training.u_max_pairs, seed=training.u_seed)
    for rule in training.em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, **training.em_kwargs)


def predict_cluster_export(linker: Any, meter: Any, threshold: float, unique_id: str
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs (``unique_id_l``, ``unique_id_r``, ...) and clusters (``unique_id``,
    ``entity_id``) as pandas frames, in phases predict, cluster and export."""
    with meter.phase("predict"):
        predictions = linker.inference.predict()
    with meter.phase("cluster"):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold)
    with meter.phase("export"):
        pairs = predictions.as_pandas_dataframe().rename(
            columns={f"{unique_id}_l": "unique_id_l", f"{unique_id}_r": "unique_id_r"})
        clusters = clusters.as_pandas_dataframe().rename(
            columns={unique_id: "unique_id", "cluster_id": "entity_id"})
    return pairs, clusters
