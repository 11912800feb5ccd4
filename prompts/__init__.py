"""Prompt templates as text files, with user overrides.

A template is `prompts/<name>.txt`, formatted with `str.format` fields. A user may drop a file
of the same name into their override folder (the `prompts_dir` setting) to change it without
touching the install.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


class PromptNotFound(LookupError):
    pass


def load_prompt(name: str, override_dir: Path | None = None) -> str:
    """Return the text of template `name`, preferring the user's override."""
    if override_dir is not None:
        candidate = Path(override_dir) / f"{name}.txt"
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    resource = files(__package__).joinpath(f"{name}.txt")
    if not resource.is_file():
        raise PromptNotFound(f"no prompt template named {name!r}")
    return resource.read_text(encoding="utf-8")


def render_prompt(name: str, override_dir: Path | None = None, **fields: object) -> str:
    return load_prompt(name, override_dir).format(**fields)


def load_examples(agent: str) -> tuple[str, ...]:
    """An agent's example utterances, one per line in `prompts/examples/<agent>.txt`.

    The router learns from them; blank lines and lines starting with `#` are skipped.
    """
    resource = files(__package__).joinpath("examples", f"{agent}.txt")
    if not resource.is_file():
        return ()
    lines = (line.strip() for line in resource.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))
