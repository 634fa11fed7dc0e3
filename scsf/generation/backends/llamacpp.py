"""In-process llama.cpp through llama-cpp-python, with JSON-schema-constrained output."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from pydantic import Field

from scsf.errors import GenerationError, ModelError
from scsf.generation.backends.base import Backend, Completion, GenRequest


class LlamaCppBackend(Backend):
    """One GGUF model loaded in this process; calls are serialised by a lock (llama.cpp contexts are not thread-safe)."""

    name = "llamacpp"
    supports_json_schema = True

    class Options(Backend.Options):
        model_path: Path
        model_name: str
        model_sha256: str
        n_ctx: int = Field(default=4096, ge=512, le=131072)
        n_threads: int = Field(default=2, ge=1, le=256)
        n_batch: int = Field(default=256, ge=8, le=8192)

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        from llama_cpp import Llama

        if not options.model_path.is_file():
            raise ModelError(f"{options.model_path}: model file not found")
        self._lock = threading.Lock()
        try:
            self._llama = Llama(
                model_path=str(options.model_path),
                n_ctx=options.n_ctx,
                n_threads=options.n_threads,
                n_threads_batch=options.n_threads,
                n_batch=options.n_batch,
                verbose=False,
            )
        except ValueError as exc:
            raise ModelError(f"{options.model_path}: llama.cpp cannot load the model: {exc}") from exc

    @property
    def model_info(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "name": self.options.model_name,
            "file": self.options.model_path.name,
            "sha256": self.options.model_sha256,
            "n_ctx": self.options.n_ctx,
        }

    def complete(self, request: GenRequest) -> Completion:
        kwargs: dict[str, Any] = {}
        if request.json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": request.json_schema}
        started = time.perf_counter()
        with self._lock:
            if request.seed is not None:
                self._llama.set_seed(request.seed)
            try:
                result = self._llama.create_chat_completion(
                    messages=request.messages,
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    top_p=request.top_p,
                    seed=request.seed,
                    **kwargs,
                )
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise GenerationError(f"llama.cpp refused the request: {exc}") from exc
        choice = result["choices"][0]
        usage = result.get("usage", {})
        return Completion(
            text=choice["message"]["content"] or "",
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            finish_reason=choice.get("finish_reason") or "stop",
            seconds=time.perf_counter() - started,
        )

    def close(self) -> None:
        self._llama.close()
