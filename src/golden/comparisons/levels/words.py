"""Free-text levels: the values' words, each weighed by how rare it is (TF-IDF cosine).

Product names, affiliations and titles share common words ("inc", "black", "the") by
chance and rare ones ("kdl-40xbr", "ibm") when they are one thing. ``WordsCosine`` compares
the values as vectors of word counts times inverse document frequencies and keeps pairs
whose cosine reaches a threshold. The document frequencies are learned by ``Linker.fit``
over every record (``WordWeights``) and saved in the model, so batch, Spark and the
resolver weigh a word the same, however few records they see at a time.

Examples
--------
>>> import numpy as np
>>> weights = WordWeights.learn(np.array(["sony tv", "sony radio", "lg tv"], dtype=object),
...                             np.array([1, 1, 1]))
>>> weights.documents, weights.words, weights.counts
(3, ('sony', 'tv'), (2, 2))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from golden._base.spec import Spec
from golden.comparisons.levels.base import Level, ValuePairs
from golden.errors import ConfigError

WORD = r"\w+"


def words_of(values: np.ndarray) -> pd.Series:
    """Each value's words (case-folded runs of letters and digits), exploded: one row per
    word, indexed by the value's position.

    Examples
    --------
    >>> words_of(np.array(["Sony KDL-40", None], dtype=object)).tolist()
    ['sony', 'kdl', '40']
    """
    text = pd.Series(values, dtype="string").str.casefold()
    return text.str.findall(WORD).explode().dropna().astype(object)


@dataclass(frozen=True, repr=False)
class WordWeights(Spec):
    """How many of ``documents`` records hold each word: the inverse document frequencies
    of a free-text column, learned at fit. Words held by one record only are not kept; they
    weigh as a word never seen (the rarest).

    Build with ``WordWeights.learn``; ``idf`` reads it.
    """

    kind = "word_weights"
    documents: int
    words: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.words))
        object.__setattr__(self, "counts", tuple(self.counts))
        problems = []
        if not isinstance(self.documents, int) or self.documents < 0:
            problems.append(f"word weights: documents got {self.documents!r}, expected a "
                            "count >= 0")
        elif len(self.words) != len(self.counts):
            problems.append(f"word weights: {len(self.words)} words but {len(self.counts)} "
                            "counts; expected one count per word")
        elif any(not isinstance(c, int) or not 1 <= c <= self.documents for c in self.counts):
            problems.append("word weights: every count must be a whole number from 1 to "
                            f"documents ({self.documents})")
        if problems:
            raise ConfigError(problems)

    def __repr__(self) -> str:
        return f"WordWeights(documents={self.documents}, {len(self.words)} words)"

    @classmethod
    def learn(cls, values: np.ndarray, records: np.ndarray) -> WordWeights:
        """Document frequencies from distinct ``values`` and how many ``records`` hold each
        (a word counts once per record, however often it is written there)."""
        records = np.asarray(records, dtype=np.int64)
        counts = _document_frequencies(values, records)
        counts = counts[counts >= 2]
        documents = int(records[pd.Series(values, dtype=object).notna().to_numpy()].sum())
        return cls(documents, tuple(counts.index.tolist()), tuple(int(c) for c in counts))

    def idf(self, words: np.ndarray) -> np.ndarray:
        """Smoothed inverse document frequency of each word: ln((1 + n) / (1 + df)) + 1,
        with df = 1 for a word not kept.

        Examples
        --------
        >>> WordWeights(3, ("tv",), (2,)).idf(np.array(["tv", "kdl"], dtype=object)).round(3)
        array([1.288, 1.693])
        """
        position = pd.Index(self.words).get_indexer(pd.Index(words, dtype=object))
        counts = np.append(np.asarray(self.counts, dtype=np.float64), 1.0)[position]
        return np.log((1.0 + self.documents) / (1.0 + counts)) + 1.0


def word_vectors(values: np.ndarray, weights: WordWeights | None) -> sparse.csr_matrix:
    """One unit-length row per value: its word counts times their inverse document
    frequencies (from ``weights``, or from ``values`` themselves, each counted once, when
    there are none). A value without words is a row of zeros.

    Examples
    --------
    >>> v = word_vectors(np.array(["a b", "a c", "b"], dtype=object), None)
    >>> np.round((v @ v.T).toarray(), 2).tolist()
    [[1.0, 0.43, 0.71], [0.43, 1.0, 0.0], [0.71, 0.0, 1.0]]
    """
    if weights is None:
        counts = _document_frequencies(values, np.ones(len(values), dtype=np.int64))
        documents = int(pd.Series(values, dtype=object).notna().sum())
        weights = WordWeights(documents, tuple(counts.index.tolist()),
                              tuple(int(c) for c in counts))
    found = words_of(values)
    codes, distinct = pd.factorize(found.to_numpy())
    matrix = sparse.csr_matrix(
        (weights.idf(np.asarray(distinct, dtype=object))[codes],
         (found.index.to_numpy(dtype=np.int64), codes)),
        shape=(len(values), len(distinct)))
    matrix.sum_duplicates()  # a word written twice counts twice
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(np.divide(1.0, norms, out=np.zeros(len(norms)),
                                                    where=norms > 0)) @ matrix)


def _document_frequencies(values: np.ndarray, records: np.ndarray) -> pd.Series:
    """Per word (sorted), how many records hold it: the ``records`` of each distinct value
    that holds it, added up."""
    found = words_of(values)
    held = pd.DataFrame({"value": found.index.to_numpy(dtype=np.int64),
                         "word": found.to_numpy()}).drop_duplicates()
    return pd.Series(records[held["value"].to_numpy()],
                     index=held["word"].to_numpy()).groupby(level=0).sum()


def cosines(vectors: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine similarity of rows ``left`` and ``right`` of unit-length ``vectors``."""
    if len(left) == 0:
        return np.zeros(0)
    return np.asarray(vectors[left].multiply(vectors[right]).sum(axis=1)).ravel()


@dataclass(frozen=True)
class WordsCosine(Level):
    """The values' words, weighed by rarity (TF-IDF), make a cosine of at least
    ``threshold``. ``weights`` are learned by ``Linker.fit``; without them, words are
    weighed by the values being compared.

    Examples
    --------
    >>> WordsCosine(0.6).label
    'words cosine >= 0.6'
    """

    kind = "words_cosine"
    threshold: float
    weights: WordWeights | None = None
    input: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int | float) \
                or not 0 <= self.threshold <= 1:
            raise ConfigError(f"words cosine threshold: got {self.threshold!r}, expected a "
                              "similarity in [0, 1]")
        if self.weights is not None and not isinstance(self.weights, WordWeights):
            raise ConfigError(f"words cosine weights: got {type(self.weights).__name__}, "
                              "expected WordWeights or None")

    @property
    def label(self) -> str:
        return f"words cosine >= {self.threshold}"

    @property
    def learns_from_data(self) -> bool:
        return True

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        score = values.cached(("words cosine", self.input),
                              lambda: _cosine(values, self.weights, self.input))
        return score >= self.threshold


def _cosine(values: ValuePairs, weights: WordWeights | None, i: int) -> np.ndarray:
    present = values.both_present(i)
    out = np.full(values.size, -np.inf)
    vectors = values.per_value_table(("word vectors", i), i,
                                     lambda v: word_vectors(v, weights))
    out[present] = cosines(vectors, *values.codes(present))
    return out
