"""Public datasets with known truth, loaded the same way for every benchmark.

The data live outside the repository, in ``<repo root>/../shared/data`` (see its
README.md); set the environment variable ``GOLDEN_SHARED_DATA`` to read them from
somewhere else.

Every loader returns a :class:`Dataset`: the record frames to match (with no truth
column in them), the name of the unique-id column, and the truth as a pandas Series
indexed by unique id (equal labels = same real entity). Ids are strings everywhere, so
predictions from any tool can be compared with the truth after ``astype(str)``.

The ten public dev sets (``dev/``, see its README) give their truth in other forms; each
loader turns it into what ``accuracy.py`` scores, and states the count of true pairs
(checked against the sets' READMEs):

* true pairs (Leipzig mappings, RIDDLE gold files): ``truth`` is their transitive
  closure (the entities); where the published pairs are not closed, ``truth_pairs``
  keeps them, and pairwise metrics use those;
* labelled pairs of both classes, not a clustering (Yad Vashem): ``judged_pairs``; only
  those pairs are scored;
* complete entities for a sample of records (PatentsView): ``labelled``; only pairs
  with at least one labelled record are scored.

>>> ds = load("fake_1000")                                  # doctest: +SKIP
>>> ds.link_type, len(ds.frames[0]), ds.truth.index.name    # doctest: +SKIP
('dedupe', 1000, 'unique_id')
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DATASETS",
    "DEV",
    "GROUPS",
    "Dataset",
    "abt_buy",
    "affiliations",
    "amazon_google",
    "census",
    "cora",
    "data_dir",
    "fake_1000",
    "fake_1000_labels",
    "febrl",
    "febrl4",
    "fodors_zagats",
    "load",
    "michigan",
    "patentsview",
    "patstat",
    "read_febrl",
    "yad_vashem",
]

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The shared data folder: ``$GOLDEN_SHARED_DATA`` or ``<repo root>/../shared/data``."""
    override = os.environ.get("GOLDEN_SHARED_DATA")
    path = Path(override) if override else REPO_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        raise FileNotFoundError(
            f"shared data folder not found at {path}; set GOLDEN_SHARED_DATA to the folder "
            "holding febrl/ and splink/"
        )
    return path


@dataclass(frozen=True)
class Dataset:
    """Records to match and their truth.

    Attributes
    ----------
    name : str
        Short name (``febrl3``, ``febrl4``, ``fake_1000``...).
    link_type : {"dedupe", "link"}
        Find duplicates within one frame, or links across the frames.
    frames : list of DataFrame
        One frame (dedupe) or one per source (link), without any truth column.
    unique_id : str
        Id column, unique across all frames (so truth needs no source).
    truth : Series
        Entity label per record, indexed by unique id (str).
    source : Series or None
        For link: source name per record (``a``, ``b``...), indexed by unique id.
    truth_pairs : DataFrame or None
        ``unique_id_l``, ``unique_id_r``: the published true pairs, when they are not the
        transitive closure of ``truth`` (pairwise metrics then use them).
    judged_pairs : DataFrame or None
        ``unique_id_l``, ``unique_id_r``: the only pairs whose truth is known (labelled
        matches and non-matches); only these are scored.
    labelled : Index or None
        Records whose entity is known completely (every record of it is labelled); only
        pairs with at least one labelled record are scored.
    """

    name: str
    link_type: str
    frames: list[pd.DataFrame]
    unique_id: str
    truth: pd.Series
    source: pd.Series | None = None
    truth_pairs: pd.DataFrame | None = None
    judged_pairs: pd.DataFrame | None = None
    labelled: pd.Index | None = None

    @property
    def n_records(self) -> int:
        return sum(len(frame) for frame in self.frames)

    @property
    def source_names(self) -> list[str]:
        """Names of the sources, in the order of ``frames``."""
        return [chr(ord("a") + i) for i in range(len(self.frames))]


# ---------------------------------------------------------------------------
# FEBRL
# ---------------------------------------------------------------------------


def read_febrl(file: str) -> pd.DataFrame:
    """One FEBRL csv (e.g. ``"dataset3.csv"``), all columns as text, values stripped."""
    frame = pd.read_csv(data_dir() / "febrl" / file, skipinitialspace=True, dtype=str)
    frame.columns = [column.strip() for column in frame.columns]
    return frame


def _febrl_truth(rec_id: pd.Series) -> pd.Series:
    """``rec-<N>-org`` / ``rec-<N>-dup-<k>`` -> ``N``, indexed by rec_id."""
    label = rec_id.str.extract(r"^rec-(\d+)-", expand=False)
    if label.isna().any():
        raise ValueError(f"unexpected FEBRL rec_id values: {rec_id[label.isna()].head(3).tolist()}")
    return pd.Series(label.to_numpy(), index=pd.Index(rec_id.to_numpy(), name="rec_id"),
                     name="entity")


def febrl(number: int) -> Dataset:
    """FEBRL dataset 1, 2 or 3 (dedupe); ``rec_id`` is the id, truth comes from it."""
    if number not in (1, 2, 3):
        raise ValueError(f"febrl: dataset {number} is not a dedupe set (use 1, 2 or 3)")
    frame = read_febrl(f"dataset{number}.csv")
    return Dataset(f"febrl{number}", "dedupe", [frame], "rec_id", _febrl_truth(frame["rec_id"]))


def febrl4() -> Dataset:
    """FEBRL 4a x 4b (link, 5,000 true links); rec_ids are distinct across the files."""
    frames = [read_febrl("dataset4a.csv"), read_febrl("dataset4b.csv")]
    ids = pd.concat([frame["rec_id"] for frame in frames], ignore_index=True)
    if ids.duplicated().any():
        raise ValueError("febrl4: rec_id values repeat across dataset4a and dataset4b")
    source = pd.Series(
        [name for name, frame in zip("ab", frames, strict=True) for _ in range(len(frame))],
        index=pd.Index(ids.to_numpy(), name="rec_id"), name="source")
    return Dataset("febrl4", "link", frames, "rec_id", _febrl_truth(ids), source)


# ---------------------------------------------------------------------------
# Splink's fake_1000
# ---------------------------------------------------------------------------


def fake_1000() -> Dataset:
    """Splink's fake_1000 (dedupe, 1,000 records); truth is its ``cluster`` column."""
    frame = pd.read_csv(data_dir() / "splink" / "fake_1000.csv", dtype=str)
    truth = pd.Series(frame["cluster"].to_numpy(),
                      index=pd.Index(frame["unique_id"].to_numpy(), name="unique_id"),
                      name="entity")
    return Dataset("fake_1000", "dedupe", [frame.drop(columns="cluster")], "unique_id", truth)


def fake_1000_labels() -> pd.DataFrame:
    """The 3,176 clerically labelled pairs of fake_1000: ``unique_id_l``, ``unique_id_r``
    (str) and ``clerical_match_score`` (1.0 / 0.0)."""
    labels = pd.read_csv(data_dir() / "splink" / "fake_1000_labels.csv",
                         dtype={"unique_id_l": str, "unique_id_r": str})
    return labels[["unique_id_l", "unique_id_r", "clerical_match_score"]]


# ---------------------------------------------------------------------------
# the public dev sets (../shared/data/dev): shared helpers
# ---------------------------------------------------------------------------


def _dev(folder: str, file: str, **read: Any) -> pd.DataFrame:
    """One csv of a dev set, every value as text."""
    return pd.read_csv(data_dir() / "dev" / folder / file, dtype=str, **read)


def _ids(values: object, name: str) -> pd.Index:
    return pd.Index(pd.Series(values, dtype=str).to_numpy(), name=name)


def _entities(ids: pd.Index, left: object, right: object) -> pd.Series:
    """Entity label per id: the connected components of the true pairs ``left``-``right``
    (ids of the pairs missing from ``ids`` are kept: truth the data cannot reach)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    left, right = _ids(left, ids.name), _ids(right, ids.name)
    every = ids.append(left).append(right).unique()
    i, j = every.get_indexer(left), every.get_indexer(right)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(len(every), len(every)))
    labels = connected_components(graph, directed=False)[1]
    return pd.Series(labels.astype(str), index=pd.Index(every, name=ids.name), name="entity")


def _pair_frame(left: object, right: object, value: object = None, *,
                distinct: bool = True) -> pd.DataFrame:
    """Unordered pairs as ``unique_id_l`` < ``unique_id_r`` (text), self pairs dropped,
    with ``value`` per pair if given; ``distinct`` drops repeated pairs."""
    left, right = pd.Series(left, dtype=str).to_numpy(), pd.Series(right, dtype=str).to_numpy()
    low, high = np.where(left <= right, left, right), np.where(left <= right, right, left)
    frame = pd.DataFrame({"unique_id_l": low, "unique_id_r": high})
    if value is not None:
        frame["value"] = np.asarray(value)
    frame = frame[low != high]
    return frame.drop_duplicates(ignore_index=True) if distinct else frame


def _link(name: str, frames: list[pd.DataFrame], unique_id: str, truth: pd.Series
          ) -> Dataset:
    """A link Dataset; ids must be distinct across the frames."""
    ids = pd.concat([frame[unique_id] for frame in frames], ignore_index=True)
    if ids.duplicated().any():
        raise ValueError(f"{name}: {unique_id} values repeat across the files")
    source = pd.Series([chr(ord("a") + k) for k, frame in enumerate(frames) for _ in frame.index],
                       index=_ids(ids, unique_id), name="source")
    return Dataset(name, "link", frames, unique_id, truth, source)


def _unquote(frame: pd.DataFrame) -> pd.DataFrame:
    """Magellan's values wrapped in single quotes with ``\\'`` escapes, as plain text."""
    text = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{
        column: frame[column].str.replace(r"^'(.*)'$", r"\1", regex=True)
        .str.replace("\\'", "'", regex=False) for column in text})


# ---------------------------------------------------------------------------
# the public dev sets, one loader each
# ---------------------------------------------------------------------------


def michigan() -> Dataset:
    """Michigan voter rolls, two snapshots of 1,500 (link; the 1,500-record sample).

    The voter ``id`` is the truth (same id in both files = same voter, as the gold file
    lists), so it is replaced by a row id (``a0``…, ``b0``…). 150 true links.
    """
    frames, labels = [], []
    for side in "ab":
        frame = _dev("michigan_voters_sample", f"michiganvoters_1500_0.1_{side}.csv")
        frame.insert(0, "rec_id", [f"{side}{k}" for k in range(len(frame))])
        labels.append(pd.Series(frame["id"].to_numpy(), index=_ids(frame["rec_id"], "rec_id")))
        frames.append(frame.drop(columns="id"))
    truth = pd.concat(labels).rename("entity")
    return _link("michigan", frames, "rec_id", truth)


def census() -> Dataset:
    """RIDDLE's census sample (dedupe, 828 records); 345 true pairs, each its own entity
    of two (the gold pairs are already closed)."""
    frame = _dev("census_riddle", "processed_census_a.csv")
    gold = _dev("census_riddle", "processed_census_gold.csv")
    truth = _entities(_ids(frame["id"], "id"), gold["id1"], gold["id2"])
    return Dataset("census", "dedupe", [frame], "id", truth)


def yad_vashem() -> Dataset:
    """Yad Vashem's Italian victims (dedupe, 9,499 records), truth only on labelled pairs.

    The gold file's 11,769 rows are 6,094 distinct unordered pairs: 2,577 matches, 3,414
    non-matches and 103 labelled both ways (left out). Only the 5,991 consistent pairs are
    judged; ``truth`` (the closure of the matches) is what they imply, not scored as is.
    """
    frame = _dev("yad_vashem_italy", "processed_yver_a.csv")
    gold = _dev("yad_vashem_italy", "processed_yver_gold.csv")
    pairs = _pair_frame(gold["id1"], gold["id2"], gold["is_match"], distinct=False)
    labels = pairs.groupby(["unique_id_l", "unique_id_r"])["value"].agg(["min", "max"])
    judged = labels[labels["min"] == labels["max"]].reset_index()
    matches = judged.loc[judged["min"] == "1", ["unique_id_l", "unique_id_r"]]
    truth = _entities(_ids(frame["id"], "id"), matches["unique_id_l"], matches["unique_id_r"])
    return Dataset("yad_vashem", "dedupe", [frame], "id", truth,
                   truth_pairs=matches.reset_index(drop=True),
                   judged_pairs=judged[["unique_id_l", "unique_id_r"]])


def patentsview() -> Dataset:
    """PatentsView inventor mentions (dedupe, all 133,541), truth for a labelled sample.

    13,467 mentions of 401 inventors are labelled, and those inventors' entities are
    complete: 1,437,465 true pairs. A pair with one labelled mention is judged (a link to
    an unlabelled mention is a false match); pairs of two unlabelled mentions are not.
    """
    frame = pd.read_parquet(data_dir() / "dev" / "patentsview_inventors"
                            / "pv_inventor_mentions_all_blocks.parquet")
    known = frame[frame["unique_id"].notna()]
    truth = pd.Series(known["unique_id"].to_numpy(), index=_ids(known["mention_id"], "mention_id"),
                      name="entity")
    return Dataset("patentsview", "dedupe", [frame.drop(columns="unique_id")], "mention_id",
                   truth, labelled=truth.index)


def patstat() -> Dataset:
    """dedupe's PATSTAT applicants (dedupe, 2,379 records); truth is KU Leuven's
    ``leuven_id``: 102 entities, 293,785 true pairs."""
    frame = _dev("dedupe_patstat", "patstat_input.csv")
    reference = _dev("dedupe_patstat", "patstat_reference.csv")
    truth = pd.Series(reference["leuven_id"].to_numpy(),
                      index=_ids(reference["person_id"], "person_id"), name="entity")
    return Dataset("patstat", "dedupe", [frame], "person_id", truth)


def affiliations() -> Dataset:
    """Leipzig's affiliation strings (dedupe, 2,260 records).

    The mapping's 32,816 rows (both directions) are 16,408 distinct true pairs, which
    pairwise metrics use; their closure (330 entities, 16,795 pairs) is ``truth``.
    """
    frame = _dev("leipzig_affiliations", "affiliationstrings.csv")
    mapping = _dev("leipzig_affiliations", "affiliationstrings_mapping.csv", header=None)
    truth = _entities(_ids(frame["id1"], "id1"), mapping[0], mapping[1])
    return Dataset("affiliations", "dedupe", [frame], "id1", truth,
                   truth_pairs=_pair_frame(mapping[0], mapping[1]))


def fodors_zagats() -> Dataset:
    """Fodor's x Zagat's restaurants (link 533 x 331); 112 true links, one to one.

    Values lose Magellan's quoting; ``class`` is dropped: it is equal across every true
    link (a label, not an attribute). Ids are distinct across the files.
    """
    frames = [_unquote(_dev("magellan_fodors_zagats", file)).drop(columns="class")
              for file in ("fodors.csv", "zagats.csv")]
    gold = _dev("magellan_fodors_zagats", "matches_fodors_zagats.csv")
    ids = _ids(pd.concat([frame["id"] for frame in frames]), "id")
    return _link("fodors_zagats", frames, "id",
                 _entities(ids, gold["fodors_id"], gold["zagats_id"]))


def cora() -> Dataset:
    """Cora citations (dedupe, 1,295 records); 17,184 true pairs (closed: 93 entities of
    two or more, 112 with the singletons)."""
    frame = _dev("cora", "cora.csv", sep="|")
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("Unnamed")])
    frame = frame.rename(columns={"Entity Id": "rec_id"})
    gold = _dev("cora", "cora_gt.csv", sep="|", header=None)
    truth = _entities(_ids(frame["rec_id"], "rec_id"), gold[0], gold[1])
    return Dataset("cora", "dedupe", [frame], "rec_id", truth)


def abt_buy() -> Dataset:
    """Leipzig Abt x Buy products (link 1,081 x 1,080); 1,097 true links, not one to one
    (their closure adds none). 12 point to Buy records missing from this copy, so recall
    is at most 1,085 / 1,097."""
    frames = [_dev("leipzig_abt_buy", file) for file in ("Abt.csv", "Buy.csv")]
    gold = _dev("leipzig_abt_buy", "abt_buy_perfectMapping.csv")
    ids = _ids(pd.concat([frame["id"] for frame in frames]), "id")
    data = _link("abt_buy", frames, "id", _entities(ids, gold["idAbt"], gold["idBuy"]))
    missing = data.truth.index.difference(ids)  # the 12 Buy ids: scored as Buy records
    source = pd.concat([data.source, pd.Series("b", index=missing, name="source")])
    return dataclasses.replace(data, source=source)


def amazon_google() -> Dataset:
    """Leipzig Amazon x Google products (link 1,363 x 3,226, latin-1 text); 1,300 true
    links, not one to one (their closure adds none)."""
    frames = [_dev("leipzig_amazon_google", file, encoding="latin-1")
              for file in ("Amazon.csv", "GoogleProducts.csv")]
    gold = _dev("leipzig_amazon_google", "Amzon_GoogleProducts_perfectMapping.csv")
    ids = _ids(pd.concat([frame["id"] for frame in frames]), "id")
    return _link("amazon_google", frames, "id",
                 _entities(ids, gold["idAmazon"], gold["idGoogleBase"]))


DEV_LOADERS: tuple[Callable[[], Dataset], ...] = (
    michigan, census, yad_vashem, patentsview, patstat, affiliations, fodors_zagats, cora,
    abt_buy, amazon_google)
DEV = tuple(loader.__name__ for loader in DEV_LOADERS)
DATASETS: dict[str, Callable[[], Dataset]] = {
    "febrl1": lambda: febrl(1),
    "febrl2": lambda: febrl(2),
    "febrl3": lambda: febrl(3),
    "febrl4": febrl4,
    "fake_1000": fake_1000,
    **{loader.__name__: loader for loader in DEV_LOADERS},
}
GROUPS: dict[str, tuple[str, ...]] = {"dev": DEV}


def load(name: str) -> Dataset:
    """Load a dataset by name (a key of :data:`DATASETS`)."""
    try:
        loader = DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; choose from {sorted(DATASETS)}") from None
    return loader()
