"""The screen comes up before the runtime: typing works at once, nothing sent is lost, and a
runtime that cannot be built ends the app with the reason."""

import threading

from router.store import StoreError
from tests.tui.test_chat_app import type_text, wait_for
from tui.app import MaitreApp
from tui.widgets.messages import AnswerMessage, UserMessage
from tui.widgets.prompt_input import PromptInput


async def test_a_message_sent_while_starting_waits_and_goes_out_when_ready(settings, replay_runtime):
    release = threading.Event()
    runtime = replay_runtime(["Ready now."])

    def slow_load(_settings):  # type: ignore[no-untyped-def]
        release.wait(10)
        return runtime

    app = MaitreApp(settings=settings, load=slow_load)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not app.ready
        assert "starting" in str(app.query_one("#status").render())
        assert app.focused is app.query_one(PromptInput)
        await type_text(pilot, "@chat hello")
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(PromptInput).text == "@chat hello"  # kept, not lost
        assert not app.query(UserMessage)
        await pilot.press("ctrl+n")  # needs the runtime: waits, no error
        release.set()
        await wait_for(pilot, lambda: app.ready and app.turn_worker is not None and not app.turn_running)
        assert app.messages.query_one(UserMessage).text == "@chat hello"
        assert app.messages.query_one(AnswerMessage).text == "Ready now."
        assert app.query_one(PromptInput).text == ""


async def test_a_runtime_that_cannot_be_built_ends_the_app_with_the_reason(settings):
    def broken(_settings):  # type: ignore[no-untyped-def]
        raise StoreError("the store file is not a maitre store: move it away or pass --store")

    app = MaitreApp(settings=settings, load=broken)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.return_code == 1)
    assert app.return_code == 1
