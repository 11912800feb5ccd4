"""Fixtures for the chat UI's tests: a small real demo database for the sql agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.sql.demo_db import build_demo_db


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    # Scale 0.05 builds in about a second and has every table the full database has.
    path: Path = build_demo_db(tmp_path_factory.mktemp("tui-demo") / "demo.duckdb", scale=0.05).path
    return f"duckdb:///{path}"
