"""Stage 1 of the cascade: a calibrated classifier trained from the agents' example utterances.

Word and character n-grams (TF-IDF) feed a linear SVM wrapped in scikit-learn's
CalibratedClassifierCV (sigmoid), so a score is a probability the thresholds can be set against. It
trains at start-up in well under a second, needs no model and no network, and learns a plug-in
agent from its declared examples the moment it is registered. When an embedder is given (an
Ollama embedding model), its vectors are appended to the n-gram features; if the embedder fails
later, the n-gram-only model trained beside it answers instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from tools.retrieval.embedders import normalise as unit_rows

# Only the start of a very long turn is classified: the request is nearly always there, and
# stage 1 must stay within milliseconds on a 100 000-character paste.
MAX_CLASSIFIED_CHARS = 2000
# The weight of the embedding block beside the (unit-length) TF-IDF blocks.
EMBEDDING_WEIGHT = 1.0

Embedder = Callable[[Sequence[str]], np.ndarray]

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text[:MAX_CLASSIFIED_CHARS].lower()).strip()


@dataclass(frozen=True)
class TrainingReport:
    labels: tuple[str, ...]
    examples: int
    train_ms: float
    calibrated: bool
    uses_embeddings: bool


class _NgramModel:
    """TF-IDF word 1-2-grams + char_wb 3-5-grams → a linear classifier with calibrated probabilities."""

    def __init__(self, texts: list[str], labels: list[str], dense: np.ndarray | None, seed: int) -> None:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        self._hstack, self._csr = hstack, csr_matrix
        self.features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
        ])
        x = self.features.fit_transform(texts)
        if dense is not None:
            x = hstack([x, csr_matrix(dense * EMBEDDING_WEIGHT)]).tocsr()
        smallest = min(labels.count(label) for label in set(labels))
        # Calibration needs a few examples of every label in each fold; an agent that declares
        # only one or two examples still routes, with the regression's own probabilities.
        if smallest >= 3:
            folds = StratifiedKFold(n_splits=min(3, smallest), shuffle=True, random_state=seed)
            # A linear SVM calibrated by Platt scaling matches logistic regression's accuracy
            # here and fits 4x faster (10 agents in ~0.3 s), which keeps start-up quick.
            self.model = CalibratedClassifierCV(LinearSVC(C=1.0), method="sigmoid", cv=folds)
            self.calibrated = True
        else:
            self.model = LogisticRegression(C=10.0, max_iter=1000)
            self.calibrated = False
        with _single_thread():
            self.model.fit(x, labels)
        self.classes: list[str] = [str(c) for c in self.model.classes_]
        self._fast = _FastCalibrated.from_model(self.model) if self.calibrated else None
        # Per vectorizer: its analyzer, vocabulary, idf and where its columns start.
        self._blocks = []
        offset = 0
        for _, vectorizer in self.features.transformer_list:
            self._blocks.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)

    def _sparse_features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """TfidfVectorizer.transform (sublinear tf, idf, l2 per block) for one text, without
        sklearn's per-call validation, which dominates the time for a single short turn."""
        all_indices: list[np.ndarray] = []
        all_values: list[np.ndarray] = []
        for analyzer, vocabulary, idf, offset in self._blocks:
            counts: dict[int, int] = {}
            for token in analyzer(text):
                column = vocabulary.get(token)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[columns]
            values /= np.linalg.norm(values)
            all_indices.append(columns + offset)
            all_values.append(values)
        if not all_indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(all_indices), np.concatenate(all_values)

    def probabilities(self, text: str, dense: np.ndarray | None) -> np.ndarray:
        if self._fast is not None:
            indices, values = self._sparse_features(text)
            tail = None if dense is None else np.asarray(dense, dtype=np.float64).ravel() * EMBEDDING_WEIGHT
            return self._fast.probabilities_from(indices, values, tail)
        blocks = [vectorizer.transform([text]) for _, vectorizer in self.features.transformer_list]
        if dense is not None:
            blocks.append(self._csr(dense * EMBEDDING_WEIGHT))
        x = self._hstack(blocks).tocsr()
        from sklearn import config_context

        with config_context(assume_finite=True):
            return self.model.predict_proba(x)[0]


class _FastCalibrated:
    """CalibratedClassifierCV(LinearSVC, sigmoid).predict_proba for one row, as three matrix
    products: sklearn's own path re-validates inputs per fold and per class, which costs
    several milliseconds a turn; this keeps stage 1 well under 10 ms on a busy machine."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, a: np.ndarray, b: np.ndarray, folds: int) -> None:
        self.weights_t = np.ascontiguousarray(weights.T)  # (features, folds*classes)
        self.bias, self.a, self.b, self.folds = bias, a, b, folds

    @classmethod
    def from_model(cls, model: object) -> "_FastCalibrated | None":
        pairs = getattr(model, "calibrated_classifiers_", [])
        classes = list(getattr(model, "classes_", []))
        weights, bias, a, b = [], [], [], []
        for pair in pairs:
            estimator = pair.estimator
            # The shortcut holds for 3+ classes seen in every fold; otherwise sklearn answers.
            if len(classes) < 3 or list(estimator.classes_) != classes or len(pair.calibrators) != len(classes):
                return None
            weights.append(estimator.coef_)
            bias.append(estimator.intercept_)
            a.append([c.a_ for c in pair.calibrators])
            b.append([c.b_ for c in pair.calibrators])
        if not weights:
            return None
        return cls(np.vstack(weights), np.concatenate(bias), np.concatenate(a), np.concatenate(b), len(pairs))

    def probabilities_from(self, indices: np.ndarray, values: np.ndarray, tail: np.ndarray | None) -> np.ndarray:
        """`indices`/`values`: the sparse n-gram features; `tail`: dense features after them."""
        decision = values @ self.weights_t[indices] + self.bias
        if tail is not None:
            decision = decision + tail @ self.weights_t[-len(tail):]
        calibrated = (1.0 / (1.0 + np.exp(self.a * decision + self.b))).reshape(self.folds, -1)
        totals = calibrated.sum(axis=1, keepdims=True)
        n_classes = calibrated.shape[1]
        normalised = np.divide(
            calibrated, totals, out=np.full_like(calibrated, 1.0 / n_classes), where=totals != 0
        )
        return normalised.mean(axis=0)


class ExampleClassifier:
    """Scores a turn against every label (agent names, plus any extra labels such as out_of_scope)."""

    def __init__(
        self,
        examples: Mapping[str, Sequence[str]],
        *,
        embedder: Embedder | None = None,
        seed: int = 0,
    ) -> None:
        started = time.perf_counter()
        texts: list[str] = []
        labels: list[str] = []
        for label, utterances in examples.items():
            for utterance in utterances:
                if utterance.strip():
                    texts.append(normalise(utterance))
                    labels.append(label)
        if len(set(labels)) < 2:
            # One label cannot be told apart from anything: it takes every turn.
            self.labels = tuple(examples)
            self._only = self.labels[0] if self.labels else None
            self.report = TrainingReport(self.labels, len(texts), 0.0, False, False)
            self._plain = self._rich = None
            self.embedder = None
            return
        self._only = None
        self._plain = _NgramModel(texts, labels, None, seed)
        self._rich: _NgramModel | None = None
        self.embedder = embedder
        if embedder is not None:
            try:
                self._rich = _NgramModel(texts, labels, _unit_rows(embedder(texts)), seed)
            except Exception:  # no embeddings: the n-gram model alone is still a good router
                self.embedder = None
        self.labels = tuple(self._plain.classes)
        self.report = TrainingReport(
            self.labels, len(texts), (time.perf_counter() - started) * 1000,
            self._plain.calibrated, self._rich is not None,
        )

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, best first. Never raises on odd input."""
        if self._only is not None:
            return [(self._only, 1.0)]
        if self._plain is None:
            return []
        clean = normalise(text)
        model, dense = self._plain, None
        if self._rich is not None and self.embedder is not None:
            try:
                dense = _unit_rows(self.embedder([clean or " "]))
                model = self._rich
            except Exception:
                model, dense = self._plain, None
        probs = model.probabilities(clean, dense)
        ranked = sorted(zip(model.classes, probs.tolist()), key=lambda item: item[1], reverse=True)
        return [(label, float(p)) for label, p in ranked]


@contextmanager
def _single_thread() -> Iterator[None]:
    """BLAS threads fight over a busy machine's cores: a tiny model fits 20x faster on one."""
    from sklearn import config_context
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), config_context(assume_finite=True):
        yield


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    # float64: the calibrated model was fitted on float64 features.
    return unit_rows(matrix, dtype=np.float64)
