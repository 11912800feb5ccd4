"""A person at a terminal: the installed `maitre` script in a real tmux pane, on the embedded
model, driven with send-keys and read with capture-pane. Type and send, start a second chat,
switch back through the command palette, export, quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.embedded,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

MAITRE = Path(sys.executable).with_name("maitre")


class Pane:
    """One tmux session on its own server socket, so the test never touches the user's tmux."""

    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 36)) -> None:
        self.socket = f"maitre-test-{os.getpid()}"
        variables = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
        self._tmux("new-session", "-d", "-s", "maitre", "-x", str(size[0]), "-y", str(size[1]), *variables,
                   " ".join(command))

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "maitre", "-l", text)

    def press(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "maitre", *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "maitre")

    def wait_for(self, check, what: str, timeout: float = 90.0) -> str:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the screen never showed {what}:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "maitre"],
                              capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def pane(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not MAITRE.exists():
        pytest.fail(f"the maitre script is not installed at {MAITRE}: pip install -e . (the README's test command does)")
    config = tmp_path / "config.toml"
    config.write_text("max_tokens = 24\n", encoding="utf-8")
    env = {"MAITRE_CONFIG": str(config), "MAITRE_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color"}
    made = Pane([str(MAITRE), "--backend", "embedded", "chat"], env)
    yield made, tmp_path / "data"
    made.close()


def test_a_person_chats_switches_exports_and_quits_in_a_real_terminal(pane):  # type: ignore[no-untyped-def]
    pane, data = pane
    pane.wait_for(lambda s: "embedded" in s and "asked for" in s, "the status line of a started chat")

    pane.type("@chat Say hello to Ada")
    pane.press("Enter")
    pane.wait_for(lambda s: "chat · explicit" in s and " turn " in s, "the first answer's finished route card")

    pane.press("C-n")
    pane.wait_for(lambda s: "█ @chat Say hello to Ada" not in s, "a new, empty chat")
    pane.type("@chat Name one colour")
    pane.press("Enter")
    screen = pane.wait_for(lambda s: "Name one colour" in s and " turn " in s, "the second answer")
    assert "@chat Say hello to Ada" in screen  # listed in the sidebar

    pane.press("C-p")
    pane.wait_for(lambda s: "Search for commands" in s or "palette" in s.lower(), "the command palette")
    pane.type("Open chat: @chat Say hello")
    time.sleep(0.5)
    pane.press("Enter")
    pane.wait_for(lambda s: "█ @chat Say hello to Ada" in s and "█ @chat Name one colour" not in s,
                  "the first chat again")

    pane.type("/export md")
    pane.press("Enter")
    pane.wait_for(lambda s: "Exported to" in s, "the export notice")
    [exported] = (data / "exports").glob("chat-*.md")
    assert "Say hello to Ada" in exported.read_text(encoding="utf-8")
    assert "Name one colour" not in exported.read_text(encoding="utf-8")

    pane.press("C-q")
    deadline = time.monotonic() + 15
    while pane.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not pane.alive(), "maitre did not quit on Ctrl+Q"
