"""A model-based stage labeller: one backend call per conversation labels every turn.

The prompt is compact: the pack's stage ids with their one-line descriptions (and the side a one-sided stage
belongs to), then the numbered turns with their side. The answer is constrained by a JSON schema: `etapas`, an
array with exactly one item per turn, each item an enum of the stage ids allowed on that turn's side (pack `lado`).
The first attempt is greedy; an answer that is not valid JSON, has the wrong length or a stage the turn's side may
not have (a backend without schema support can give one) is asked again, sampled, up to `max_attempts`; after
that, or when the backend fails, the keyword labeller labels the conversation and the result says so (`fallback`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from scsf.domains import DomainPack
from scsf.errors import GenerationError
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stages import KeywordStageLabeller, StageLabeller, StageLabelling, label_stages, side_allows
from scsf.eval.text import clip
from scsf.generation.backends.base import Backend, attempt_request

TOKENS_PER_TURN = 12


class ModelStageLabeller:
    """The StageLabeller described in the module docstring; `fallback` labels when the model gives no valid answer."""

    def __init__(
        self,
        backend: Backend,
        max_attempts: int = 2,
        fallback: StageLabeller | None = None,
        max_turn_chars: int = 300,
        sampling_seed: int = 0,
    ) -> None:
        self.backend = backend
        self.max_attempts = max_attempts
        self.fallback = fallback or KeywordStageLabeller()
        self.max_turn_chars = max_turn_chars
        self.sampling_seed = sampling_seed

    def __call__(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> list[str]:
        return self.label(turns, pack).labels

    def label(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> StageLabelling:
        """The model's labels, or the fallback labeller's with the reason the model's were not used."""
        if not turns:
            return StageLabelling([])
        allowed = [allowed_stages(pack, turn.side) for turn in turns]
        messages = self.messages(turns, pack)
        failures = []
        for attempt in range(1, self.max_attempts + 1):
            request = attempt_request(
                self.backend, messages, labels_schema(allowed), attempt=attempt,
                max_tokens=20 + TOKENS_PER_TURN * len(turns), seed=self.sampling_seed,
            )  # fmt: skip
            try:
                return StageLabelling(parse_labels(self.backend.complete(request).text, turns, allowed))
            except GenerationError as exc:
                failures.append(f"attempt {attempt}: the model failed: {exc.msg}")
                break
            except ValueError as exc:
                failures.append(f"attempt {attempt}: {exc}")
        reason = f"model labeller gave no valid answer ({'; '.join(failures)}): keyword labeller used"
        fallen = label_stages(self.fallback, turns, pack)
        return replace(fallen, fallback=reason)

    def messages(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> list[dict[str, str]]:
        """System: the task and the stage list; user: the numbered turns."""
        stages = "\n".join(
            f"- {stage.id}: {stage.descripcion}" + ("" if stage.lado == "ambos" else f" (solo {stage.lado})")
            for stage in pack.etapas
        )
        system = (
            f"Eres anotador de conversaciones de {pack.nombre}. Asigna a cada turno numerado la etapa de la "
            "conversación que mejor describe lo que ese turno hace. Etapas posibles (id: descripción):\n"
            f"{stages}\n"
            "La lista no es el orden de la conversación: lee cada turno y elige su etapa; turnos seguidos pueden "
            "compartir etapa.\n"
            'Responde solo JSON: {"etapas": [la etapa de cada turno, en orden]}.'
        )
        lines = "\n".join(
            f"{turn.number}. [{turn.side or turn.role}] {clip(turn.text, self.max_turn_chars)}" for turn in turns
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": f"Turnos:\n{lines}"}]

    prompt_version = "stage-labels-v1"
    """Changes whenever `messages` or the answer schema changes what the model is asked."""

    def identity(self) -> dict[str, object]:
        """What decides the labels besides the pack and the fallback labeller: the model (name, sha256), the prompt
        version and the attempt and clipping settings."""
        info = self.backend.model_info
        return {
            "class": type(self).__qualname__, "model": info.get("name"), "sha256": info.get("sha256"),
            "prompt_version": self.prompt_version, "max_attempts": self.max_attempts,
            "max_turn_chars": self.max_turn_chars, "sampling_seed": self.sampling_seed,
        }  # fmt: skip


def allowed_stages(pack: DomainPack, side: str | None) -> list[str]:
    """Stage ids of `pack` a turn of `side` may have, in the pack's order."""
    return [stage.id for stage in pack.etapas if side_allows(stage.lado, side)]


def labels_schema(allowed: Sequence[Sequence[str]]) -> dict[str, object]:
    """JSON schema: `etapas`, exactly one item per turn, item i an enum of the stages allowed on turn i."""
    items = [{"type": "string", "enum": list(stages)} for stages in allowed]
    return {
        "type": "object",
        "properties": {
            "etapas": {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
        },
        "required": ["etapas"],
        "additionalProperties": False,
    }


def parse_labels(text: str, turns: Sequence[DialogueTurn], allowed: Sequence[Sequence[str]]) -> list[str]:
    """The stage ids of an answer.

    Raises:
        ValueError: not JSON, not one stage per turn, or a stage the turn's side may not have.
    """
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"answer is not JSON: {exc.msg}") from exc
    labels = answer.get("etapas") if isinstance(answer, dict) else None
    if not isinstance(labels, list) or len(labels) != len(turns):
        raise ValueError(f"etapas: expected a list of {len(turns)} stage ids")
    for turn, label, stages in zip(turns, labels, allowed, strict=True):
        if label not in stages:
            raise ValueError(f"etapas[{turn.number - 1}]: {label!r} is not a stage of side {turn.side}")
    return labels
