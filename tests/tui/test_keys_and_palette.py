"""The command palette, slash commands and the rebindable keymap, driven through Pilot."""

from textual.command import CommandPalette
from textual.widgets import Markdown

from tests.tui.test_chat_app import send_turn, type_text, wait_for
from tui.app import MaitreApp
from tui.keymap import APP_ACTIONS, read_keymap
from tui.screens import HelpScreen
from tui.widgets.messages import AnswerMessage, NoticeLine, UserMessage
from tui.widgets.prompt_input import PromptInput


def palette_titles(app: MaitreApp) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


async def test_the_palette_offers_every_action_every_agent_and_the_other_chats(replay_runtime):
    runtime = replay_runtime(["Hello."])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await send_turn(pilot, app, "@chat hi")
        await app.action_new_chat()
        titles = palette_titles(app)
        for action in APP_ACTIONS:
            assert action.title in titles or action.id == "quit"
        assert "Quit" in titles
        for agent in ("chat", "sql", "pdf", "seo", "planner"):
            assert f"Ask {agent}" in titles
        assert "Open chat: @chat hi" in titles  # the first chat, now that a new one is open


async def test_choosing_a_palette_entry_runs_it(replay_runtime):
    runtime = replay_runtime(["Hello."])
    app = MaitreApp(runtime)
    async with app.run_test(size=(100, 30)) as pilot:
        first = app.session.id
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "New chat")
        await pilot.pause(0.3)  # the palette searches in a worker
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.id != first)

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "Ask sql")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query_one(PromptInput).text == "/sql ")
        assert app.focused is app.query_one(PromptInput)


async def test_an_unknown_slash_command_is_refused_and_kept_in_the_input(replay_runtime):
    app = MaitreApp(replay_runtime(["should not be asked"]))
    async with app.run_test() as pilot:
        typed = "/sqll how many members"
        await type_text(pilot, typed)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.query(UserMessage) and app.query_one(PromptInput).text == typed
        [toast] = list(app._notifications)
        assert "/sqll" in toast.message and "/sql" in toast.message and "/plan" in toast.message


async def test_a_path_is_not_mistaken_for_a_command(replay_runtime):
    runtime = replay_runtime(["It lists host names."])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "/etc/hosts holds what")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(UserMessage) and not app.turn_running)
        assert app.query_one(UserMessage).text == "/etc/hosts holds what"


async def test_keys_from_the_settings_file_rebind_actions_and_the_input(settings, replay_runtime):
    settings.keys = {"new_chat": "ctrl+t", "send": "ctrl+s", "newline": "enter"}
    runtime = replay_runtime(["Fine."])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat one")
        await pilot.press("enter")  # now a new line
        await type_text(pilot, "two")
        assert app.query_one(PromptInput).text == "@chat one\ntwo"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.query(AnswerMessage) and not app.turn_running)
        first = app.session.id
        await pilot.press("ctrl+n")  # no longer bound
        await pilot.pause()
        assert app.session.id == first
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: app.session.id != first)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "| Ctrl+T | New chat (`new_chat`) |" in app.screen.text
        assert "| Ctrl+S | Send the message |" in app.screen.text
        assert app.screen.query_one(Markdown)


async def test_a_mistyped_key_setting_is_said_in_the_chat_not_fatal(settings, replay_runtime):
    settings.keys = {"new_chta": "ctrl+t"}
    app = MaitreApp(replay_runtime([]))
    async with app.run_test() as pilot:
        await pilot.pause()
        notes = [str(n.render()) for n in app.query(NoticeLine)]
        assert any("no action called 'new_chta'" in n and "new_chat" in n for n in notes)


def test_send_and_newline_cannot_share_a_key():
    keymap = read_keymap({"send": "ctrl+s", "newline": "ctrl+s,ctrl+j"})
    assert keymap.send == {"ctrl+s"}
    assert keymap.newline == {"ctrl+j"}
    assert "both send and newline" in keymap.problems[0]


async def test_slash_commands_and_the_remaining_keys_act_on_the_app(replay_runtime):
    from tui.widgets.sidebar import ChatSidebar

    runtime = replay_runtime(["First answer."])
    app = MaitreApp(runtime)
    async with app.run_test(size=(100, 30)) as pilot:
        await send_turn(pilot, app, "@chat hello")
        first = app.session.id
        await type_text(pilot, "/export jsonl")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (runtime.settings.data_dir / "exports" / f"chat-{first[:8]}.jsonl").exists())
        await type_text(pilot, "/help")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await type_text(pilot, "/new")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.id != first)
        assert not app.messages.query(UserMessage)
        sidebar = app.query_one(ChatSidebar)
        await pilot.press("ctrl+b")
        assert not sidebar.display
        await pilot.press("ctrl+b")
        assert sidebar.display
        app.query_one("#chat-search").focus()
        await pilot.press("ctrl+l")
        assert app.focused is app.query_one(PromptInput)
