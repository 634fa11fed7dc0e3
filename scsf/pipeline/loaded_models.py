"""The models one `execute` call holds: the generator and the gate's judge, each opened when first needed and closed
at the end.

Two different in-process (llama.cpp) models are never loaded together: opening the judge closes the generator, and
a regeneration round that needs the generator again closes the judge (the next gate opens it again; the summary adds
up every judge opened). A judge on the generator's own llama.cpp model shares its backend, loaded once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from scsf.domains import DomainPack
from scsf.eval.fidelity import Claim
from scsf.eval.judge import LlmJudge
from scsf.generation.backends.base import Backend
from scsf.pipeline.backend import LOCAL_BACKENDS, BackendFactory
from scsf.pipeline.config import RunConfig
from scsf.pipeline.judge_backend import judge_summary
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed

JudgeFactory = Callable[[Backend], LlmJudge]


class LoadedModels:
    """`config` opens the generator; `judge_config()` (called when the judge first opens) the judge's backend, which
    `judge_factory` wraps (LlmJudge; a double needs `__call__`, `backend`, `usage`, `model_name`)."""

    def __init__(
        self,
        config: RunConfig,
        backend_factory: BackendFactory,
        judge_config: Callable[[], RunConfig],
        judge_factory: JudgeFactory = LlmJudge,
    ) -> None:
        self.config = config
        self.backend_factory = backend_factory
        self.judge_config = judge_config
        self.judge_factory = judge_factory
        self.generator_info: dict[str, Any] | None = None
        self.judges: list[LlmJudge] = []
        self._generator: Backend | None = None
        self._judge: LlmJudge | None = None
        self._judge_config: RunConfig | None = None

    def generator(self) -> Backend:
        if self._generator is None:
            if self._judge_config is not None and self._both_local(self._judge_config):
                self._close_judge()
            self._generator = self.backend_factory(self.config)
            self.generator_info = self._generator.model_info
        return self._generator

    def judge(self) -> LlmJudge:
        if self._judge is None:
            self._judge_config = self.judge_config()
            self._judge = self.judge_factory(self._judge_backend(self._judge_config))
            self.judges.append(self._judge)
        return self._judge

    def current_judge(self) -> CurrentJudge:
        """The ClaimJudge for the gate's evaluator, which outlives any one judge opened."""
        return CurrentJudge(self)

    def judge_summary(self) -> dict[str, Any] | None:
        return judge_summary(self.judges)

    def close(self) -> None:
        self._close_judge()
        if self._generator is not None:
            self._generator.close()
            self._generator = None

    def _judge_backend(self, config: RunConfig) -> Backend:
        """The generator's backend when it runs the judge's model in process, else a new one (the generator closed
        first when both are in process)."""
        if self._generator is not None and self._both_local(config):
            if self._generator.model_info.get("name") == config.model:
                return self._generator
            self._generator.close()
            self._generator = None
        return self.backend_factory(config)

    def _both_local(self, judge_config: RunConfig) -> bool:
        return self.config.backend in LOCAL_BACKENDS and judge_config.backend in LOCAL_BACKENDS

    def _close_judge(self) -> None:
        if self._judge is not None and self._judge.backend is not self._generator:
            self._judge.backend.close()
        self._judge = None


class CurrentJudge:
    """A ClaimJudge that asks whichever judge `models` has open, opening it (again, after a regeneration round)
    when none is."""

    def __init__(self, models: LoadedModels) -> None:
        self.models = models

    @property
    def model_name(self) -> str:
        return self.models.judge().model_name

    def __call__(self, conversation: Conversation, seed: Seed, pack: DomainPack) -> Sequence[Claim]:
        return self.models.judge()(conversation, seed, pack)
