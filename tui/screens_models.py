"""The Models screen: which backend runs, what Ollama has, which agent uses which model, and pulls.

Opened with F3 or `/model`. Everything that talks to Ollama runs in a worker, so a slow or
absent server never freezes the chat; a server that does not answer is shown as a sentence.
A model picked for an agent applies from that agent's next call (ModelHub.set_model).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker

from tools.models.hub import ModelChoiceError, ModelHub
from tools.models.ollama_admin import OllamaAdmin, OllamaAdminError, OllamaOverview, human_size
from tools.models.probe import model_present

ROUTER_ROLE = "router"


def admin_for(hub: ModelHub) -> OllamaAdmin:
    return OllamaAdmin(hub.config.ollama_host, timeout_s=hub.config.connect_timeout_s, transport=hub.ollama_transport)


async def model_command(hub: ModelHub, agent_names: list[str], args: list[str]) -> tuple[str, str]:
    """`/model NAME` (every agent) or `/model AGENT NAME`: a sentence and a notify severity."""
    agent_names = [ROUTER_ROLE, *[n for n in agent_names if n != ROUTER_ROLE]]
    if len(args) == 1 and args[0] in agent_names:
        return f"The {args[0]} agent uses {hub.model_name(args[0])} ({hub.backend}).", "information"
    if len(args) > 2:
        return "Use /model, /model NAME or /model AGENT NAME.", "error"
    role, name = (None, args[0]) if len(args) == 1 else (args[0], args[1])
    if role is not None and role not in agent_names:
        return f"There is no agent called {role}: choose one of {', '.join(agent_names)}.", "error"
    if hub.can_use_ollama_models() and not name.endswith(".gguf"):
        try:
            installed = [m.name for m in await admin_for(hub).installed()]
        except OllamaAdminError as exc:
            return str(exc), "error"
        if not model_present(name, installed):
            return (
                f"Ollama at {hub.config.ollama_host} has not pulled {name}: pull it in the Models screen (F3) "
                f"or run `maitre pull {name}`.",
                "error",
            )
    try:
        return hub.set_model(role, name), "information"
    except ModelChoiceError as exc:
        return str(exc), "error"


class ModelsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close / cancel pull"),
        Binding("f5", "refresh", "Refresh"),
    ]
    DEFAULT_CSS = """
    ModelsScreen { align: center middle; }
    ModelsScreen > VerticalScroll { width: 96; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
    ModelsScreen .heading { text-style: bold; margin-top: 1; }
    ModelsScreen DataTable { height: auto; max-height: 8; }
    ModelsScreen #pickers, ModelsScreen .pick-row { height: auto; }
    ModelsScreen .pick-row Label { width: 12; padding: 1 1 0 0; }
    ModelsScreen .pick-row Select { width: 1fr; }
    ModelsScreen #pull-row { height: auto; }
    ModelsScreen #pull-name { width: 1fr; }
    ModelsScreen .-error { color: $error; }
    """

    def __init__(self, hub: ModelHub, agent_names: list[str]) -> None:
        super().__init__()
        self.hub = hub
        self.roles = [ROUTER_ROLE, *[n for n in agent_names if n != ROUTER_ROLE]]
        self.overview: OllamaOverview | None = None
        self.pull_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="backend")
            yield Static("Asking Ollama…", id="server")
            yield Label("Installed models", classes="heading")
            yield DataTable(id="installed", cursor_type="row", zebra_stripes=True)
            yield Label("Loaded now (/api/ps)", classes="heading")
            yield DataTable(id="loaded", cursor_type="none")
            yield Label("Model per agent", classes="heading")
            yield Vertical(id="pickers")
            yield Label("Pull a model", classes="heading")
            with Horizontal(id="pull-row"):
                yield Input(placeholder="a model name, e.g. llama3.2:3b", id="pull-name")
                yield Button("Pull", id="pull", variant="primary")
            yield ProgressBar(total=100, show_eta=False, id="pull-progress")
            yield Static("", id="pull-status")

    def on_mount(self) -> None:
        self.query_one("#installed", DataTable).add_columns("model", "size", "parameters", "quantization")
        self.query_one("#loaded", DataTable).add_columns("model", "size", "in VRAM", "unloads at")
        self.show_backend()
        self.action_refresh()

    def show_backend(self) -> None:
        hub = self.hub
        self.query_one("#backend", Static).update(
            Text(f"Backend: {hub.backend} · host {hub.config.ollama_host} — {hub.choice.reason}")
        )

    def action_refresh(self) -> None:
        self.load_overview()

    @work(group="overview", exclusive=True)
    async def load_overview(self) -> None:
        overview = await admin_for(self.hub).overview()
        self.overview = overview
        server = self.query_one("#server", Static)
        server.set_class(not overview.reachable, "-error")
        if overview.reachable:
            server.update(Text(f"Ollama {overview.version} answers at {overview.host}."))
        else:
            server.update(Text(overview.error))
        installed = self.query_one("#installed", DataTable)
        installed.clear()
        for m in overview.installed:
            installed.add_row(m.name, human_size(m.size), m.parameter_size, m.quantization_level, key=m.name)
        loaded = self.query_one("#loaded", DataTable)
        loaded.clear()
        for m in overview.loaded:
            until = m.expires_at.strftime("%H:%M:%S") if m.expires_at else "?"
            loaded.add_row(m.name, human_size(m.size), f"{m.on_gpu_fraction:.0%}", until, key=m.name)
        await self.show_pickers()

    async def show_pickers(self) -> None:
        pickers = self.query_one("#pickers", Vertical)
        await pickers.remove_children()
        overview = self.overview
        if not self.hub.can_use_ollama_models() or overview is None or not overview.reachable:
            # One model for every agent: show it, and what would change it.
            note = self.hub.one_model_sentence() if not self.hub.can_use_ollama_models() else (
                f"Every agent uses {self.hub.model_name('chat')}; start Ollama to pick models per agent."
            )
            await pickers.mount(Static(Text(note), id="one-model"))
            if self.hub.backend == "embedded":
                await pickers.mount(Input(placeholder="path to a .gguf file", id="gguf"))
            return
        names = overview.installed_names
        rows = []
        for role in self.roles:
            current = self.hub.config.model_for(role)
            options = [(n, n) for n in names] + ([] if model_present(current, names) else [(f"{current} (not pulled)", current)])
            select: Select[str] = Select(options, value=current, allow_blank=False, id=f"pick-{role}")
            rows.append(Horizontal(Label(role), select, classes="pick-row"))
        await pickers.mount_all(rows)

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        role = (event.select.id or "").removeprefix("pick-")
        if role not in self.roles or not isinstance(event.value, str):
            return
        if event.value == self.hub.config.model_for(role):
            return  # filling the picker, or no change
        try:
            self.app.notify(self.hub.set_model(role, event.value))
        except ModelChoiceError as exc:
            self.app.notify(str(exc), severity="error")
        self.show_backend()

    @on(Input.Submitted, "#gguf")
    def _gguf(self, event: Input.Submitted) -> None:
        try:
            self.app.notify(self.hub.set_model(None, event.value.strip()))
        except ModelChoiceError as exc:
            self.app.notify(str(exc), severity="error")
        self.show_backend()

    @on(Input.Submitted, "#pull-name")
    @on(Button.Pressed, "#pull")
    def _start_pull(self) -> None:
        name = self.query_one("#pull-name", Input).value.strip()
        if not name:
            self.app.notify("Type the name of a model to pull, e.g. llama3.2:3b.", severity="warning")
            return
        if self.pull_running:
            self.app.notify("A pull is running: wait, or press Esc to cancel it.", severity="warning")
            return
        self.pull_worker = self.pull(name)

    @property
    def pull_running(self) -> bool:
        return self.pull_worker is not None and self.pull_worker.is_running

    @work(group="pull", exclusive=True)
    async def pull(self, name: str) -> None:
        bar = self.query_one("#pull-progress", ProgressBar)
        status = self.query_one("#pull-status", Static)
        status.remove_class("-error")
        bar.update(total=100, progress=0)
        try:
            async for step in admin_for(self.hub).pull(name):
                if step.total and step.completed is not None:
                    bar.update(total=step.total, progress=step.completed)
                elif step.status == "success":
                    bar.update(total=100, progress=100)
                status.update(Text(f"{name}: {step.status}"))
        except OllamaAdminError as exc:
            status.add_class("-error")
            status.update(Text(str(exc)))
            return
        self.app.notify(f"Pulled {name}.")
        self.load_overview()

    def action_close(self) -> None:
        if self.pull_running and self.pull_worker is not None:
            self.pull_worker.cancel()
            self.query_one("#pull-status", Static).update(Text("Pull cancelled; Ollama keeps what it downloaded."))
            return
        self.dismiss(None)
