"""The sql agent on the real embedded model (SmolLM2-135M): small, but the whole path is real.

The model is too small to be right often; what must hold is the contract: structured output
that parses, every try visible, an answer or a sentence, and an untouched database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sql.agent_helpers import of_type, run_agent
from tests.sql.conftest import database_checksum
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice

pytestmark = pytest.mark.embedded


async def test_embedded_model_answers_or_explains_and_never_writes(private_demo_copy: Path, tmp_path: Path) -> None:
    # Kept small (one try, a short card, 80 tokens): the shared test machine may run it at a few tokens a second.
    hub = ModelHub(ModelConfig(backend="embedded", max_tokens=80), BackendChoice("embedded", "test"))
    before = database_checksum(private_demo_copy)
    events = await run_agent(
        "How many members are in each tier?",
        settings={"db_url": f"duckdb:///{private_demo_copy}", "max_attempts": 1, "few_shot": 0, "card_share": 0.12},
        data_dir=tmp_path, hub=hub,
    )
    calls = of_type(events, "tool_call")
    assert len(calls) == 1
    assert all(isinstance(c.arguments["sql"], str) and c.arguments["sql"] for c in calls)
    assert len(of_type(events, "tool_result")) == len(calls)
    tables, errors = of_type(events, "table_result"), of_type(events, "error")
    assert len(tables) + len(errors) == 1
    if errors:
        assert errors[0].kind in ("sql_failed", "sql_refused") and errors[0].message.endswith(".")
    assert database_checksum(private_demo_copy) == before
