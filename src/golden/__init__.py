"""golden: entity resolution for customer data.

Block records into candidate pairs, compare them field by field, score pairs with a
Fellegi–Sunter model learned without labels, and cluster them into entities.

Examples
--------
>>> import golden as gd
>>> from golden import comparisons as cmp
>>> linker = gd.Linker([cmp.name("surname")], gd.block_on("dob"))
>>> linker.link_type
'dedupe'
"""

from __future__ import annotations

from golden import comparisons, datasets, evaluate, plot, privacy, survivorship
from golden.blocking import (
    Blocking,
    BlockingRule,
    BlockOn,
    BlockOnAny,
    SortedNeighbourhood,
    analyse_blocking,
    block_on,
    block_on_any,
    generate_pairs,
    sorted_neighbourhood,
)
from golden.clustering.components import cluster_pairs, cluster_sizes
from golden.clustering.decisions import load_decisions
from golden.config import LinkerConfig, load_config
from golden.engines.local import LocalEngine
from golden.engines.spark.engine import SparkEngine
from golden.errors import (
    ConfigError,
    ConvergenceWarning,
    DataWarning,
    GoldenError,
    MissingDependencyError,
    NotFittedError,
    SchemaError,
    StoreError,
)
from golden.estimators.active import (
    ActiveLearner,
    forget_labels,
    labels_from_truth,
    load_labels,
)
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.estimators.linker import Linker
from golden.estimators.supervised import SupervisedLinker
from golden.households.address import standardise_address
from golden.households.grouper import HouseholdGrouper, Households
from golden.report.html import write_report
from golden.resolver.health import StoreCheck
from golden.resolver.resolver import Added, Resolver
from golden.survivorship.build import GoldenRecords
from golden.survivorship.pins import load_pins
from golden.values import Expr, col
from golden.values.names import split_full_name

__all__ = [
    "ActiveLearner",
    "Added",
    "BlockOn",
    "BlockOnAny",
    "Blocking",
    "BlockingRule",
    "ConfigError",
    "ConvergenceWarning",
    "DataWarning",
    "Expr",
    "GoldenError",
    "GoldenRecordBuilder",
    "GoldenRecords",
    "HouseholdGrouper",
    "Households",
    "Linker",
    "LinkerConfig",
    "LocalEngine",
    "MissingDependencyError",
    "NotFittedError",
    "Resolver",
    "SchemaError",
    "SortedNeighbourhood",
    "SparkEngine",
    "StoreCheck",
    "StoreError",
    "SupervisedLinker",
    "analyse_blocking",
    "block_on",
    "block_on_any",
    "cluster_pairs",
    "cluster_sizes",
    "col",
    "comparisons",
    "datasets",
    "evaluate",
    "forget_labels",
    "generate_pairs",
    "labels_from_truth",
    "load_config",
    "load_decisions",
    "load_labels",
    "load_pins",
    "plot",
    "privacy",
    "sorted_neighbourhood",
    "split_full_name",
    "standardise_address",
    "survivorship",
    "write_report",
]
__version__ = "0.1.0"
