"""Which chat model answers: the one given, or (with 'auto') the one the settings name — a remote
endpoint, else the embedded model once its server answers — looked up again after a failure.

    picker = ChatPicker(settings, "auto"); picker.current() → OpenAIChatModel(…) or None (extractive)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from assistant.settings import Settings
from question.analysis import Message

# With chat="auto" and no model found, look again at most this often (a local model started in
# the background by `planqa run`, or restarted by its supervisor, is picked up once it answers).
RERESOLVE_SECONDS = 10.0


class ChatPicker:
    def __init__(self, settings: Settings, chat: Any = "auto") -> None:
        self.settings = settings
        self._auto = isinstance(chat, str) and chat == "auto"
        self._chat = None if self._auto else chat
        self._resolved_at = float("-inf")

    def current(self) -> Any:
        """The chat model to use now, or None for extractive answers."""
        if self._auto and self._chat is None and time.monotonic() - self._resolved_at >= RERESOLVE_SECONDS and (
                self._resolved_at == float("-inf") or self.settings.llm_mode in ("auto", "local")):
            from assistant.selectmodel import chat_model_from_settings

            self._resolved_at = time.monotonic()
            self._chat = chat_model_from_settings(self.settings)
        return self._chat

    @property
    def generator_name(self) -> str:
        """'extractive', 'local' or 'remote' (what the current model is: OpenAIChatModel.embedded)."""
        chat = self.current()
        if chat is None:
            return "extractive"
        return "local" if getattr(chat, "embedded", False) else "remote"

    def judge(self) -> Any:
        """The current model if it is trusted to check answers (OpenAIChatModel.judges), else None."""
        chat = self.current()
        return chat if getattr(chat, "judges", False) else None

    def failed(self) -> None:
        """The model failed an answer: with 'auto', drop it and look again shortly."""
        if self._auto:
            self._chat, self._resolved_at = None, time.monotonic()

    def local_down(self) -> bool:
        """Whether the embedded model is wanted but its supervisor reports it restarting or failed."""
        from assistant.modelsupervisor import ModelState, ModelSupervisor, read_status

        if not self._auto or not ModelSupervisor.wanted(self.settings):
            return False
        status = read_status(self.settings)
        return status is not None and status.state in (ModelState.RESTARTING, ModelState.FAILED)

    def rewriter(self) -> Any:
        """A follow-up rewriter backed by a remote model, or None: the embedded model is too slow
        here to spend a second call on it, so rules rewrite instead."""
        chat: Any = self.current()
        if chat is None or self.generator_name != "remote":
            return None

        def by_model(question: str, history: Sequence[Message]) -> str:
            from assistant.prompt import rewrite_messages

            return str(chat.complete(rewrite_messages(question, history), max_tokens=80))

        return by_model
