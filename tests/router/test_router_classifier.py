"""Stage 1: the classifier learns every agent from its declared examples."""

from __future__ import annotations

import asyncio

import httpx
import numpy as np
import pytest
from router_test_agents import DESCRIPTIONS, EchoAgent, standard_agents

from prompts import load_examples
from router.classifier import ExampleClassifier, normalise
from router.embeddings import OllamaEmbedder, ollama_embedder_for
from router.routing import build_router, router_examples

BUILTIN = tuple(DESCRIPTIONS)


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_agent_declares_thirty_distinct_examples(name: str) -> None:
    examples = load_examples(name)
    assert len(examples) >= 30
    assert len({normalise(e) for e in examples}) == len(examples), "an example is repeated"


def test_no_example_teaches_two_routes() -> None:
    owners: dict[str, str] = {}
    sources = {name: load_examples(name) for name in BUILTIN}
    sources["out_of_scope"] = tuple(router_examples("router_out_of_scope"))
    sources["clarify"] = tuple(router_examples("router_ambiguous"))
    for label, examples in sources.items():
        for example in examples:
            key = normalise(example)
            assert owners.setdefault(key, label) == label, f"{example!r} is in {owners[key]} and {label}"


def test_scores_are_probabilities_over_every_label(stage1_router) -> None:
    scores = stage1_router.scores("how many gold members joined in march?")
    labels = [label for label, _ in scores]
    assert set(labels) == {*BUILTIN, "out_of_scope", "clarify"}
    assert sum(p for _, p in scores) == pytest.approx(1.0)
    assert scores[0][0] == "sql" and scores[0][1] > 0.5
    assert [p for _, p in scores] == sorted((p for _, p in scores), reverse=True)


def test_a_plugin_agent_is_routable_from_its_examples_at_once() -> None:
    recipes = EchoAgent("recipes", "Cooking recipes from the store's food range.", (
        "give me a recipe for lasagne", "what can I cook with leeks and potatoes?",
        "a quick vegetarian dinner recipe please", "how long do I bake a chicken?",
        "suggest a dessert with strawberries", "recipe ideas for a picnic",
    ))
    router = build_router([*standard_agents(), recipes])
    decision = asyncio.run(router.route("any recipe for a pumpkin soup?", ()))
    assert decision.agent == "recipes"


def test_an_agent_with_one_example_or_none_still_routes() -> None:
    sparse = EchoAgent("weather_desk", "Reads the shop-floor thermometers.", ("what does the thermometer say",))
    bare = EchoAgent("empty", "Knows about nothing in particular.", ())
    router = build_router([*standard_agents(), sparse, bare])
    decision = asyncio.run(router.route("what does the thermometer in aisle 3 say?", ()))
    assert decision.label in router.names + ["clarify", "out_of_scope"]


def test_a_single_agent_takes_every_turn() -> None:
    classifier = ExampleClassifier({"only": ["anything at all"]})
    assert classifier.scores("hello") == [("only", 1.0)]


def _hash_embedder(texts):
    # Deterministic stand-in vectors: a bag of hashed words, 64 dimensions.
    out = np.zeros((len(texts), 64))
    for row, text in enumerate(texts):
        for word in text.split():
            out[row, hash(word) % 64] += 1.0
    return out


def test_embedding_features_join_the_ngrams_and_a_failing_embedder_is_survived() -> None:
    examples = {name: load_examples(name) for name in BUILTIN}
    calls = {"n": 0}

    def flaky(texts):
        calls["n"] += 1
        if calls["n"] > 1:  # training works, every later call fails
            raise httpx.ConnectError("ollama went away")
        return _hash_embedder(texts)

    classifier = ExampleClassifier(examples, embedder=flaky)
    assert classifier.report.uses_embeddings
    assert classifier.scores("how many platinum members are there?")[0][0] == "sql"


def test_ollama_embedder_posts_to_api_embed() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["body"] = request.read().decode()
        return httpx.Response(200, json={"embeddings": [[1.0, 0.0], [0.0, 1.0]]})

    embed = OllamaEmbedder("http://ollama.test:11434", "nomic-embed-text", transport=httpx.MockTransport(handler))
    vectors = embed(["a", "b"])
    assert seen["path"] == "/api/embed" and '"nomic-embed-text"' in seen["body"]
    assert vectors.shape == (2, 2)


def test_no_embedder_unless_ollama_has_the_model() -> None:
    from tools.models.config import ModelConfig
    from tools.models.hub import BackendChoice, ModelHub
    from tools.models.probe import OllamaStatus

    config = ModelConfig(backend="ollama")
    without = ModelHub(config, BackendChoice("ollama", "test", OllamaStatus("http://x", True, ("llama3.2:3b",))))
    with_it = ModelHub(config, BackendChoice("ollama", "test", OllamaStatus("http://x", True, ("nomic-embed-text:latest",))))
    embedded = ModelHub(ModelConfig(backend="embedded"), BackendChoice("embedded", "test"))
    assert ollama_embedder_for(without, "nomic-embed-text") is None
    assert ollama_embedder_for(embedded, "nomic-embed-text") is None
    assert isinstance(ollama_embedder_for(with_it, "nomic-embed-text"), OllamaEmbedder)
