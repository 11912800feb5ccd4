"""`maitre eval-planner`: run the planner's modes over the Game of 24, as in the ToT paper."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

# The puzzles ship with the source tree (tests/data/game24/24.csv, from the ToT repository).
DEFAULT_PUZZLES = Path(__file__).resolve().parents[2] / "tests" / "data" / "game24" / "24.csv"


def register(cli: click.Group) -> None:
    cli.add_command(eval_planner)


@click.command("eval-planner")
@click.argument("task", type=click.Choice(["game24"]))
@click.option("--mode", type=click.Choice(["one_step", "cot", "branches", "tot"]), default="tot", show_default=True,
              help="one_step = IO prompting, cot = chain of thought, branches = CoT-SC, tot = tree of thoughts.")
@click.option("--limit", type=click.IntRange(min=1), help="Run only the first N puzzles of the range.")
@click.option("--start", type=int, default=901, show_default=True,
              help="First puzzle rank (the paper tests 901–1000).")
@click.option("--end", type=int, default=1000, show_default=True, help="Last puzzle rank.")
@click.option("--file", "puzzles_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A 24.csv in the ToT repository's format (default: the copy in tests/data/game24/).")
@click.option("-b", "--breadth", type=int, help="tot: states kept per level (bfs) / children tried (dfs).")
@click.option("-d", "--depth", type=int, help="tot: depth of the tree (the Game of 24 needs 3).")
@click.option("-k", "--proposals", type=int, help="tot: thoughts proposed per expansion.")
@click.option("--search", type=click.Choice(["bfs", "dfs"]), help="tot: breadth-first beam or depth-first.")
@click.option("--branches", type=int, help="branches: how many chains vote.")
@click.option("--nodes", "max_nodes", type=int, help="Node budget per puzzle.")
@click.option("--tokens", "max_tokens", type=int, help="Token budget per puzzle.")
@click.option("--seconds", "max_seconds", type=float, help="Time budget per puzzle.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (with every case) instead of text.")
@click.pass_context
def eval_planner(ctx: click.Context, task: str, mode: str, limit: int | None, start: int, end: int,
                 puzzles_file: Path | None, as_json: bool, **knobs: Any) -> None:
    """Solve Game-of-24 puzzles with one planner mode and report the success rate.

    Prints cases, success_rate (answers the exact checker accepts), mean_nodes, mean_tokens and
    p50_ms. With a large Ollama model, compare the modes as the Tree of Thoughts paper does
    (GPT-4: IO 7.3%, CoT 4.0%, CoT-SC 9.0%, ToT b=5 74%).
    """
    from agents.planner import PlannerSettings, load_prompt_sets, search_options
    from tools.models.errors import describe_model_failure
    from tools.models.hub import ModelHub
    from tools.reasoning.engine import ReasoningEngine
    from tools.reasoning.evaluation import CaseResult, evaluate_game24
    from tools.reasoning.tasks import load_game24_puzzles
    from tools.reasoning.thinker import Thinker
    from tools.reasoning.tree import Budget
    from tui.cli import settings_from

    path = puzzles_file or DEFAULT_PUZZLES
    if not path.is_file():
        raise click.ClickException(f"no puzzle file at {path}; pass --file with a copy of the ToT repository's 24.csv")
    puzzles = [p for p in load_game24_puzzles(path) if start <= p.rank <= end][: limit or None]
    if not puzzles:
        raise click.ClickException(f"no puzzles with ranks {start}–{end} in {path}")
    settings = settings_from(ctx)
    section = dict(settings.agent_settings().get("planner", {}))
    section.update({k: v for k, v in knobs.items() if v is not None})
    try:
        planner = PlannerSettings.model_validate(section)
        options = search_options(planner.model_dump(), mode)
    except ValueError as exc:
        raise click.ClickException(f"invalid planner setting: {exc}") from None
    hub = ModelHub(settings.model)
    prompts = load_prompt_sets(planner.prompts_dir)

    def make_engine() -> ReasoningEngine:
        budget = Budget(planner.max_nodes, planner.max_tokens, planner.max_seconds)
        return ReasoningEngine(Thinker(hub.client("planner"), prompts), options, budget)

    def show(case: CaseResult) -> None:
        if not as_json:
            mark = "✓" if case.solved else "✗"
            answer = case.answer.splitlines()[0][:60] if case.answer else "(no answer)"
            click.echo(f"{mark} #{case.rank:<5} {case.puzzle:<12} {case.nodes:>3} nodes {case.tokens:>6} tok "
                       f"{case.ms / 1000:>6.1f} s  {answer}")

    if not as_json:
        ranks = f"{puzzles[0].rank}–{puzzles[-1].rank}"
        click.echo(f"{len(puzzles)} puzzles (ranks {ranks}), mode {mode}, {hub.describe()}")
    try:
        report = asyncio.run(evaluate_game24(puzzles, make_engine, show))
    except Exception as exc:
        failure = describe_model_failure(exc, backend=hub.backend, host=settings.model.ollama_host,
                                         model=hub.model_name("planner"))
        if failure is None:
            raise
        raise click.ClickException(failure.message) from None
    if as_json:
        data = report.as_dict() | {"backend": hub.backend, "model": hub.model_name("planner")}
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    summary = report.as_dict(with_cases=False)
    click.echo(" ".join(f"{k}={v}" for k, v in summary.items()))
