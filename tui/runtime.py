"""Wire the layers together from Settings: registry, router, model hub, store, sessions."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.registry import AgentRegistry, default_registry
from router.routing import Router, build_router
from router.session import Session, SessionOptions
from router.store import Store
from tools.models.hub import ModelHub
from tools.toolbox import ToolBox
from tui.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    registry: AgentRegistry
    router: Router
    models: ModelHub
    store: Store
    toolbox: ToolBox = field(default_factory=ToolBox)
    notes: list[str] = field(default_factory=list)

    def session(self, session_id: str | None = None) -> Session:
        return Session(
            registry=self.registry,
            router=self.router,
            models=self.models,
            store=self.store,
            session_id=session_id,
            options=SessionOptions(
                agent_settings=self.settings.agent_settings(),
                data_dir=self.settings.data_dir,
                tools=list(self.toolbox),
            ),
        )

    def close(self) -> None:
        self.store.close()


def build_runtime(settings: Settings, *, models: ModelHub | None = None, load_plugins: bool = True) -> Runtime:
    """May raise StoreError (the store file is unusable) with a message for the user."""
    registry = default_registry(load_plugins=load_plugins)
    store = Store(settings.store_file)
    hub = models or ModelHub(settings.model)
    router = build_router(list(registry), models=hub, config=settings.router, prompts_dir=settings.prompts_dir)
    toolbox = ToolBox()
    if load_plugins:
        toolbox.load_entry_points()
    # MCP servers are named in the user's own settings, so they load even without plug-ins.
    toolbox.load_mcp_servers(settings.mcp_servers)
    notes = [f"plug-in agent {f.name} was skipped: {f.error}" for f in registry.failures]
    notes += [f"plug-in tool {f.name} was skipped: {f.error}" for f in toolbox.failures]
    notes += [f"{r.error} It was skipped." for r in toolbox.mcp_servers if r.failed]
    return Runtime(settings, registry, router, hub, store, toolbox, notes)
