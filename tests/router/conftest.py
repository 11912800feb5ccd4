from __future__ import annotations

import pytest
from router_test_agents import standard_agents

from router.routing import CascadeRouter, build_router


@pytest.fixture(scope="session")
def stage1_router() -> CascadeRouter:
    """The five agents with their real example files, stage 1 only (no router model)."""
    router = build_router(standard_agents())
    assert isinstance(router, CascadeRouter)
    return router
