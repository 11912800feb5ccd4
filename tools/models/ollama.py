"""The Ollama backend: autogen-ext's Ollama client, with our host, timeouts and options.

autogen-ext hands only `host` to the underlying `ollama.AsyncClient`, so the connect and read
timeouts would be lost; we build the AsyncClient ourselves and give it to the autogen client.
`transport` lets tests put recorded HTTP responses (httpx.MockTransport) under the real code.
"""

from __future__ import annotations

import httpx
from autogen_core.models import ModelFamily, ModelInfo
from autogen_ext.models.ollama import OllamaChatCompletionClient
from ollama import AsyncClient

from tools.models.config import ModelConfig

# For model names autogen-ext does not know (most of the Ollama library), assume what every
# current chat model on Ollama supports: JSON output constrained by a schema.
GENERIC_MODEL_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=True,
    family=ModelFamily.UNKNOWN,
    structured_output=True,
    multiple_system_messages=True,
)


def _known_model_info(model: str) -> ModelInfo | None:
    from autogen_ext.models.ollama import _model_info

    try:
        return _model_info.get_info(model)
    except KeyError:
        return None


def make_ollama_client(
    config: ModelConfig, model: str, transport: httpx.AsyncBaseTransport | None = None
) -> OllamaChatCompletionClient:
    info = _known_model_info(model) or GENERIC_MODEL_INFO
    client = OllamaChatCompletionClient(
        model=model,
        host=config.ollama_host,
        model_info=info,
        options={"num_ctx": config.num_ctx, "temperature": config.temperature, "num_predict": config.max_tokens},
        keep_alive=config.keep_alive,  # type: ignore[typeddict-unknown-key]
    )
    timeout = httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s)
    extra = {"transport": transport} if transport is not None else {}
    client._client = AsyncClient(host=config.ollama_host, timeout=timeout, **extra)  # noqa: SLF001
    return client
