"""Collect this folder's *.convo.yaml files as tests (see tui/convo/pytest_plugin.py).

When maitre is installed with its `pytest11` entry point, that plugin collects them already;
this hook then steps aside so no conversation runs twice.
"""

from tui.convo.pytest_plugin import PLUGIN_NAME, collect_convo_file
from tui.convo.pytest_plugin import pytest_configure  # noqa: F401  (registers the `convo` marker)


def pytest_collect_file(parent, file_path):  # type: ignore[no-untyped-def]
    if parent.config.pluginmanager.has_plugin(PLUGIN_NAME):
        return None
    return collect_convo_file(parent, file_path)
