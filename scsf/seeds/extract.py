"""Seed extraction (whitepaper 4.1, objection 2): draft seeds derived from clean imported conversations.

Each draft field is decided by one of two sources, and the draft's evidence records which and why:

- code (heuristics): roles (the mapped roles of the dialogue turns), length (observed dialogue turns ±30 %, clamped to
  2..200), language (detected per turn at ingest), the privacy declaration and the Table 1 thresholds;
- the local model, under a JSON schema whose enums are the domain pack's vocabulary: interaction type, the stage of
  every turn (the flow is their ordered, de-duplicated sequence), tone, tools, and the key entities and constraints
  as snake_case identifiers with their numbers (`enganche_20pct`).

The model proposes, code compares: it normalises what the model said, keeps an entity, constraint or tool only where
the dialogue supports it (its numbers, else one of its words; for a tool, what the tool works on), drops what it
cannot use (unknown stages or tools, phrases copied from the conversation, person names), rejects a draft whose
identifiers the PII scanner flags, and validates the document as a Seed against the domain registry: every draft
that comes out IS a valid SeedSchema v1 document, holding nothing of the conversation's text but short identifiers.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from scsf.domains import DomainPack, DomainRegistry
from scsf.errors import GenerationError, SeedError
from scsf.generation.backends.base import Backend, Completion, attempt_request
from scsf.hashing import content_id
from scsf.privacy.lexicon import fold
from scsf.seeds.schema import SCHEMA_VERSION, Seed
from scsf.store.drafts import SeedDraft
from scsf.validation import describe_first_error

__all__ = ["ExtractionSkipped", "SeedDraft", "SeedExtractor", "ineligible_reason", "to_identifier"]

PROMPT_VERSION = "extract-v1"
ELIGIBLE_STATUS = "clean"
LENGTH_MARGIN_PCT = 30
TURNS_RANGE = (2, 200)
MAX_PROMPT_TURNS = 40  # turns shown to (and labelled by) the model; the length heuristic counts all of them
MAX_TURN_CHARS = 300
MAX_ENTITIES = 8
MAX_CONSTRAINTS = 4
MAX_TOOLS = 3  # the pilot seeds name 0 to 3
MAX_IDENTIFIER_CHARS = 48
MAX_IDENTIFIER_WORDS = 6
VERBATIM_WORDS = 5  # an identifier of this many words or more that is a run of the conversation's words is text
LONG_NUMBER = re.compile(r"\d{10,}")  # phone, account or ID numbers; prices and amounts are shorter
THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}(?!\d))")
GROUNDING_STOPWORDS = frozenset("con sin por para del las los una uno que the and for with pct mxn usd".split())
IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_]*$")
# The bounded form of the seed's Identifier pattern, so that a constrained model cannot write forever.
SCHEMA_PATTERN = f"^[a-z0-9][a-z0-9_]{{0,{MAX_IDENTIFIER_CHARS - 1}}}$"
DEFAULT_METRICS = {"rouge_l_min": 0.65, "fidelidad_factual_min": 0.9}
PRIVACY = {"contiene_pii": False, "nivel_sensibilidad": "medio"}

SYSTEM_PROMPT = (
    "Eres un analista que etiqueta conversaciones reales de {industria} para crear semillas de datos sintéticos. "
    "Solo clasificas y extraes hechos como identificadores cortos en snake_case; nunca copias frases de la "
    "conversación ni escribes datos personales (nombres de personas, teléfonos, correos, direcciones, CURP, RFC, "
    "cuentas). Responde solo con el JSON pedido."
)


class PiiScan(Protocol):
    """What the extractor needs of `scsf.privacy.PiiScanner`."""

    def scan_structured(
        self, texts: Sequence[str], langs: Sequence[str | None] | str | None = None
    ) -> list[list[Any]]: ...


class ExtractionSkipped(SeedError):
    """A conversation yields no draft; `reason` says why (shown per conversation, never stored)."""

    title = "skipped"

    def __init__(self, conversation_id: str, reason: str) -> None:
        super().__init__(f"conversation {conversation_id}: {reason}")
        self.conversation_id = conversation_id
        self.reason = reason


class UnusableAnswer(ExtractionSkipped):
    """The model's answer has nothing usable for a required field: the next attempt asks again."""


def ineligible_reason(record: Mapping[str, Any]) -> str | None:
    """Why an imported conversation may not be drafted, or None: only clean ones that passed validation may."""
    status = record.get("review_status")
    if status != ELIGIBLE_STATUS:
        return f"review_status is {status}: only clean conversations are drafted"
    validation = record.get("validation") or {}
    if validation.get("passed") is not True:
        failed = [check["name"] for check in validation.get("checks", []) if check.get("passed") is False]
        return "validation did not pass" + (f" ({', '.join(failed)})" if failed else "")
    return None


def to_identifier(value: object) -> str | None:
    """`'Enganche 20%'` -> `enganche_20pct`, `'Sedán compacto'` -> `sedan_compacto`; None if nothing usable is left."""
    if not isinstance(value, str):
        return None
    text = fold(value).replace("ñ", "n").replace("%", "pct")
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    text = text[:MAX_IDENTIFIER_CHARS].rstrip("_")
    return text if IDENTIFIER.match(text) else None


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", fold(text).replace("ñ", "n").replace("%", "pct")) if word]


def _name_words() -> frozenset[str]:
    """Person names the pseudonymiser invents (an entity naming one is a name, whether real or invented)."""
    from scsf.privacy.redact import FIRST_FEMALE, FIRST_MALE, SURNAMES

    return frozenset(word for name in (*FIRST_MALE, *FIRST_FEMALE, *SURNAMES) for word in _words(name))


class _Grounding:
    """What the dialogue says, to check the model's identifiers against it in code (the model proposes, code
    keeps what the conversation supports)."""

    def __init__(self, texts: Sequence[str]) -> None:
        per_turn = [_words(text) for text in texts]
        self.words = {word for words in per_turn for word in words}
        self.numbers = set(re.findall(r"\d+", THOUSANDS.sub("", " ".join(texts))))
        self.runs = {tuple(ws[i : i + VERBATIM_WORDS]) for ws in per_turn for i in range(len(ws) - VERBATIM_WORDS + 1)}

    def said(self, word: str, prefix: int = 5) -> bool:
        """A dialogue word starts like `word` (tolerates plurals and inflection: versión/versiones)."""
        stem = word[:prefix]
        return any(candidate.startswith(stem) for candidate in self.words)

    def mentions(self, identifier: str) -> bool:
        """Every number of the identifier occurs in the dialogue; without numbers, one of its words does."""
        parts = re.findall(r"\d+|[a-z]+", identifier)
        numbers = [part for part in parts if part.isdigit()]
        if numbers:
            return all(number in self.numbers for number in numbers)
        return any(self.said(part) for part in parts if len(part) >= 3 and part not in GROUNDING_STOPWORDS)

    def copies(self, words: Sequence[str]) -> bool:
        """The identifier's words contain a run of VERBATIM_WORDS consecutive words of one turn."""
        return any(tuple(words[i : i + VERBATIM_WORDS]) in self.runs for i in range(len(words) - VERBATIM_WORDS + 1))


@dataclass(frozen=True)
class _Dialogue:
    """The dialogue turns of a conversation: kind `message`, role of the pack (system and tool turns left out)."""

    roles: list[str]
    texts: list[str]
    langs: list[str | None]


@dataclass
class _Draft:
    """Fields as they are decided, with the evidence of each."""

    fields: dict[str, Any]
    evidence: dict[str, dict[str, str]]
    fixes: list[str]

    def set(self, name: str, value: Any, source: str, why: str) -> None:
        self.fields[name] = value
        self.evidence[name] = {"source": source, "why": why}


class SeedExtractor:
    """Derives one draft seed per conversation of `pack`'s domain with `backend` (one constrained call each).

    :param domains: registry the drafts are validated against (default: one holding `pack`)
    :param scanner: PII scanner for the draft's identifiers (default: a `scsf.privacy.PiiScanner`, loaded lazily)
    :param max_attempts: model calls per conversation when the output is unusable (truncated, not JSON)
    """

    def __init__(
        self,
        pack: DomainPack,
        backend: Backend,
        *,
        domains: DomainRegistry | None = None,
        scanner: PiiScan | None = None,
        max_attempts: int = 2,
        sampling_seed: int = 20261127,
    ) -> None:
        self.pack = pack
        self.backend = backend
        self.domains = domains if domains is not None else DomainRegistry([pack])
        self._scanner = scanner
        self.max_attempts = max_attempts
        self.sampling_seed = sampling_seed
        self._names = _name_words()

    @property
    def scanner(self) -> PiiScan:
        if self._scanner is None:
            from scsf.privacy import PiiScanner

            self._scanner = PiiScanner()
        return self._scanner

    # -- the pipeline ------------------------------------------------------------------------------------------

    def check_eligible(self, record: Mapping[str, Any]) -> None:
        """Raises ExtractionSkipped unless the record is a clean, validated conversation of this pack's domain."""
        conversation_id = record["conversation_id"]
        reason = ineligible_reason(record)
        if reason is None and self.domains.canonical(record.get("domain", "")) != self.pack.namespace:
            reason = f"domain {record.get('domain')} is not {self.pack.namespace}"
        if reason is None:
            dialogue = self._dialogue(record)
            sides = {self.pack.role(role).lado for role in dialogue.roles}
            if sides != {"asistente", "usuario"}:
                reason = "needs dialogue turns of both an assistant-side and a user-side role"
        if reason is not None:
            raise ExtractionSkipped(conversation_id, reason)

    def extract(self, record: Mapping[str, Any]) -> SeedDraft:
        """One draft from one imported conversation record (as `SeedDraftRepository.candidates` returns them).

        Raises:
            ExtractionSkipped: ineligible conversation, unusable model output, PII in an identifier, or a draft that
                cannot be made valid; `reason` says which.
        """
        self.check_eligible(record)
        conversation_id = record["conversation_id"]
        dialogue = self._dialogue(record)
        unusable: UnusableAnswer | None = None
        for answer, call in self._answers(conversation_id, dialogue):
            draft = _Draft({}, {}, [])
            self._heuristics(dialogue, draft)
            try:
                self._model_fields(conversation_id, answer, dialogue, draft)
                break
            except UnusableAnswer as exc:  # asked again, sampling, up to max_attempts
                unusable = exc
        else:
            raise unusable or ExtractionSkipped(conversation_id, "no usable model answer")
        document = self._document(conversation_id, draft)
        seed_id = document["seed_id"]
        language = {"value": draft.fields["idioma"], **draft.evidence.pop("idioma")}  # not a seed field
        evidence = {
            "fields": draft.evidence,
            "language": language,
            "stages_per_turn": draft.fields["stages_per_turn"],
            "fixes": draft.fixes,
            "model": call,
            "dialogue_turns": len(dialogue.roles),
        }
        return SeedDraft(
            draft_id=f"draft-{uuid.uuid4().hex[:12]}",
            seed_id=seed_id,
            source_conversation_id=conversation_id,
            import_id=record.get("import_id"),
            domain=self.pack.namespace,
            document=document,
            evidence=evidence,
        )

    # -- heuristics (code) -------------------------------------------------------------------------------------

    def _dialogue(self, record: Mapping[str, Any]) -> _Dialogue:
        roles, texts, langs = [], [], []
        for turn in record.get("turns", []):
            if turn.get("kind", "message") == "message" and self.pack.role(turn.get("role") or "") is not None:
                roles.append(turn["role"])
                texts.append(turn.get("text") or "")
                langs.append(turn.get("lang"))
        return _Dialogue(roles, texts, langs)

    def _heuristics(self, dialogue: _Dialogue, draft: _Draft) -> None:
        counts = Counter(dialogue.roles)
        order = list(dict.fromkeys(dialogue.roles))
        roles = [r for r in order if self.pack.role(r).lado == "asistente"] + [
            r for r in order if self.pack.role(r).lado == "usuario"
        ]
        draft.set(
            "roles", roles, "heuristic",
            "mapped roles of the dialogue turns (assistant side first): "
            + ", ".join(f"{role} ({counts[role]} turns)" for role in roles),
        )  # fmt: skip

        observed = len(dialogue.roles)
        low, high = TURNS_RANGE
        turns_min = min(high, max(low, len(roles), observed * (100 - LENGTH_MARGIN_PCT) // 100))
        turns_max = min(high, max(turns_min, -(-observed * (100 + LENGTH_MARGIN_PCT) // 100)))  # ceiling
        draft.set(
            "longitud_objetivo", {"turnos_min": turns_min, "turnos_max": turns_max}, "heuristic",
            f"{observed} dialogue turns observed, ±{LENGTH_MARGIN_PCT} % clamped to {low}..{high} "
            "and at least one turn per role",
        )  # fmt: skip

        detected = Counter(lang for lang in dialogue.langs if lang)
        if detected:
            language, hits = detected.most_common(1)[0]
            why = f"{language} in {hits}/{observed} dialogue turns (detected in code at ingest)"
        else:
            from scsf.langid import detect_language

            language = detect_language(" ".join(dialogue.texts)) or "unknown"
            why = f"{language} detected in code over the whole dialogue (no per-turn language stored)"
        pack_language = self.pack.idioma.split("-")[0]
        if language != pack_language:
            why += f"; the domain's language is {self.pack.idioma}: conversations generated from this seed will be"
            why += f" in {self.pack.idioma}"
        draft.set("idioma", language, "heuristic", why)
        draft.set(
            "privacidad", dict(PRIVACY), "heuristic",
            "fixed: a draft holds only identifiers, PII-scanned; imported data is rated medio until a reviewer says "
            "otherwise",
        )  # fmt: skip
        draft.set("metricas_calidad", dict(DEFAULT_METRICS), "heuristic", "Table 1 defaults (as Listing 1)")

    # -- the model -----------------------------------------------------------------------------------------------

    def schema(self, turns: int) -> dict[str, Any]:
        """The JSON schema of the model's answer for a dialogue of `turns` labelled turns."""
        identifier = {"type": "string", "pattern": SCHEMA_PATTERN}
        properties: dict[str, Any] = {
            "tipo_interaccion": {"type": "string", "enum": [t.id for t in self.pack.tipos_interaccion]},
            "etapas": {
                "type": "array",
                "items": {"type": "string", "enum": [s.id for s in self.pack.etapas]},
                "minItems": turns,
                "maxItems": turns,
            },
            "tono": {"type": "string", "enum": list(self.pack.tonos)},
            "entidades": {"type": "array", "items": identifier, "minItems": 1, "maxItems": MAX_ENTITIES},
            "restricciones": {"type": "array", "items": identifier, "maxItems": MAX_CONSTRAINTS},
        }
        if self.pack.herramientas:
            properties["herramientas"] = {
                "type": "array",
                "items": {"type": "string", "enum": [t.nombre for t in self.pack.herramientas]},
                "maxItems": min(MAX_TOOLS, len(self.pack.herramientas)),
            }
        return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}

    def messages(self, dialogue: _Dialogue) -> list[dict[str, str]]:
        """System and user messages: the pack's vocabulary, the (redacted) dialogue, and what to return."""
        pack = self.pack
        shown = list(zip(dialogue.roles, dialogue.texts, strict=True))[:MAX_PROMPT_TURNS]
        lines = ["Tipos de interacción:", *(f"- {t.id}: {t.descripcion}" for t in pack.tipos_interaccion)]
        lines += ["Etapas:", *(f"- {s.id}: {s.descripcion}" for s in pack.etapas)]
        lines.append(f"Tonos: {', '.join(pack.tonos)}")
        if pack.herramientas:
            lines.append("Herramientas del lado que atiende:")
            lines += [f"- {t.nombre}: {t.descripcion}" for t in pack.herramientas]
        lines.append(f"Conversación ({len(shown)} turnos):")
        for number, (role, text) in enumerate(shown, start=1):
            flat = " ".join(text.split())
            if len(flat) > MAX_TURN_CHARS:
                flat = flat[: MAX_TURN_CHARS - 1] + "…"
            lines.append(f"{number}. [{role}] {flat}")
        examples = ", ".join([*pack.entidades_tipicas[:4], "precio_389900_mxn"])
        lines += [
            "Devuelve un JSON con:",
            "- tipo_interaccion: el tipo que mejor describe la conversación;",
            f"- etapas: la etapa de cada turno, en orden ({len(shown)} en total);",
            "- tono: el tono del lado que atiende;",
            f"- entidades: los hechos clave (productos, montos, plazos, tasas) como identificadores snake_case en "
            f"minúsculas y sin acentos, con sus cifras, por ejemplo {examples};",
            f"- restricciones: condiciones o limitaciones del cliente como identificadores, por ejemplo "
            f"{', '.join(pack.restricciones_tipicas[:3])}; lista vacía si no hay;",
        ]
        if pack.herramientas:
            lines.append("- herramientas: las que el lado que atiende usó o necesitaría; lista vacía si ninguna.")
        lines.append("Sin nombres de personas, teléfonos, correos ni ningún otro dato personal.")
        return [
            {"role": "system", "content": SYSTEM_PROMPT.format(industria=pack.nombre)},
            {"role": "user", "content": "\n".join(lines)},
        ]

    def _answers(self, conversation_id: str, dialogue: _Dialogue) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Parsed answers, one per attempt that parsed (greedy first, then sampled); unparseable ones are noted and
        when none parsed at all the conversation is skipped with every failure."""
        labelled = min(len(dialogue.roles), MAX_PROMPT_TURNS)
        messages = self.messages(dialogue)
        schema = self.schema(labelled)
        failures: list[str] = []
        parsed = False
        for attempt in range(1, self.max_attempts + 1):
            request = attempt_request(
                self.backend, messages, schema, attempt=attempt, max_tokens=240 + 12 * labelled,
                seed=self.sampling_seed,
            )  # fmt: skip
            try:
                completion = self.backend.complete(request)
            except GenerationError as exc:
                raise ExtractionSkipped(conversation_id, f"the model failed: {exc.msg}") from exc
            try:
                answer = _parse(completion)
            except ValueError as exc:
                failures.append(f"attempt {attempt}: {exc}")
                continue
            call = {
                **self.backend.model_info,
                "prompt_version": PROMPT_VERSION,
                "prompt_hash": content_id(messages),
                "attempts": attempt,
                "prompt_tokens": completion.prompt_tokens,
                "completion_tokens": completion.completion_tokens,
                "seconds": round(completion.seconds, 3),
                "labelled_turns": labelled,
            }
            yield answer, call
            parsed = True
        if not parsed:
            raise ExtractionSkipped(conversation_id, "unusable model output (" + "; ".join(failures) + ")")

    def _model_fields(self, conversation_id: str, answer: dict[str, Any], dialogue: _Dialogue, draft: _Draft) -> None:
        pack, fixes = self.pack, draft.fixes
        labelled = min(len(dialogue.roles), MAX_PROMPT_TURNS)
        described = f"chosen by the model from the pack's {{n}} {{what}} over {labelled} labelled turns"

        types = [t.id for t in pack.tipos_interaccion]
        tipo = to_identifier(answer.get("tipo_interaccion"))
        if tipo not in types:
            raise UnusableAnswer(conversation_id, f"the model's interaction type is not one of {pack.namespace}")
        draft.set("tipo_interaccion", tipo, "model", described.format(n=len(types), what="interaction types"))

        raw_stages = answer.get("etapas")
        raw_stages = raw_stages if isinstance(raw_stages, list) else []
        if len(raw_stages) != labelled:
            fixes.append(f"etapas: {len(raw_stages)} labels for {labelled} turns (extra ones ignored)")
        stages = []
        for position, value in enumerate(raw_stages[:labelled], start=1):
            stage = to_identifier(value)
            if stage in pack.stage_ids():
                stages.append(stage)
            else:
                stages.append(None)
                fixes.append(f"etapas[{position}]: not a stage of {pack.namespace}: dropped")
        flow = list(dict.fromkeys(stage for stage in stages if stage))
        if not flow:
            raise UnusableAnswer(conversation_id, "the model labelled no turn with a known stage")
        turns_max = draft.fields["longitud_objetivo"]["turnos_max"]
        if len(flow) > turns_max:
            fixes.append(f"flujo_esperado: {len(flow)} stages trimmed to turnos_max {turns_max}")
            flow = flow[:turns_max]
        draft.fields["stages_per_turn"] = stages
        draft.set(
            "flujo_esperado", flow, "model",
            f"stage of each turn labelled by the model (enum of the pack's {len(pack.etapas)} stages), "
            "ordered and de-duplicated in code",
        )  # fmt: skip

        tone = to_identifier(answer.get("tono"))
        if tone in pack.tonos:
            draft.set("tono_objetivo", tone, "model", described.format(n=len(pack.tonos), what="tones"))
        else:
            fixes.append(f"tono: not a tone of {pack.namespace}: replaced by the pack's first tone")
            why = "the model's tone was unusable: the pack's first tone"
            draft.set("tono_objetivo", pack.tonos[0], "heuristic", why)

        grounding = _Grounding(dialogue.texts)
        self._check_pii(conversation_id, answer)
        entities = self._identifiers("entidades", answer.get("entidades"), MAX_ENTITIES, grounding, fixes)
        if not entities:
            raise UnusableAnswer(conversation_id, "no usable key entity in the model's answer")
        draft.set(
            "entidades_clave", entities, "model",
            "extracted by the model as snake_case identifiers (schema pattern); kept in code when the dialogue "
            "holds their numbers (or, without numbers, one of their words)",
        )  # fmt: skip
        constraints = self._identifiers("restricciones", answer.get("restricciones"), MAX_CONSTRAINTS, grounding, fixes)
        draft.set(
            "restricciones", constraints, "model",
            "extracted by the model as snake_case identifiers; kept in code when the dialogue supports them"
            + ("" if constraints else " (none kept)"),
        )  # fmt: skip

        tool_words = self._tool_words()
        tools: list[str] = []
        raw_tools = answer.get("herramientas")
        for position, value in enumerate(raw_tools if isinstance(raw_tools, list) else [], start=1):
            tool = to_identifier(value)
            where = f"herramientas[{position}]"
            if tool not in tool_words:
                fixes.append(f"{where}: not a tool of {pack.namespace}: dropped")
            elif tool in tools:
                fixes.append(f"{where}: repeated: dropped")
            elif not any(grounding.said(word, prefix=6) for word in tool_words[tool]):
                fixes.append(f"{where}: {tool}: nothing in the dialogue about what it does: dropped")
            elif len(tools) == MAX_TOOLS:
                fixes.append(f"{where}: over the limit of {MAX_TOOLS}: dropped")
            else:
                tools.append(tool)
        draft.set(
            "herramientas_disponibles", tools, "model",
            f"chosen by the model from the pack's {len(tool_words)} tools; kept in code when the dialogue mentions "
            "what the tool works on" + ("" if tools else " (none kept)"),
        )  # fmt: skip

    def _tool_words(self) -> dict[str, set[str]]:
        """Per tool, the distinctive words of its name and description (words shared by 3 or more tools of the pack,
        like `vehiculo`, say nothing about which tool fits)."""
        words = {
            tool.nombre: {w for w in _words(f"{tool.nombre} {tool.descripcion}") if len(w) >= 5 and not w.isdigit()}
            for tool in self.pack.herramientas
        }
        shared = Counter(word for found in words.values() for word in found)
        return {name: {word for word in found if shared[word] < 3} for name, found in words.items()}

    def _identifiers(self, name: str, values: object, limit: int, grounding: _Grounding, fixes: list[str]) -> list[str]:
        """Normalised, de-duplicated identifiers the dialogue supports; phrases, copied text and names are dropped."""
        kept: list[str] = []
        for position, value in enumerate(values if isinstance(values, list) else [], start=1):
            identifier = to_identifier(value)
            where = f"{name}[{position}]"
            if identifier is None:
                fixes.append(f"{where}: not an identifier: dropped")
                continue
            words = identifier.split("_")
            if len(words) > MAX_IDENTIFIER_WORDS:
                fixes.append(f"{where}: {len(words)} words is a phrase, not an identifier: dropped")
            elif grounding.copies(words):
                fixes.append(f"{where}: copies a run of the conversation's words: dropped")
            elif any(word in self._names for word in words):
                fixes.append(f"{where}: contains a person's name: dropped")
            elif not grounding.mentions(identifier):
                fixes.append(f"{where}: not supported by the dialogue: dropped")
            elif identifier in kept:
                fixes.append(f"{where}: repeated: dropped")
            elif len(kept) == limit:
                fixes.append(f"{where}: over the limit of {limit}: dropped")
            else:
                kept.append(identifier)
                if identifier != value:
                    fixes.append(f"{where}: normalised to {identifier}")
        return kept

    # -- checks --------------------------------------------------------------------------------------------------

    def _check_pii(self, conversation_id: str, answer: Mapping[str, Any]) -> None:
        """Reject the draft when any entity or constraint the model wrote (before any is dropped) holds a long
        number or anything the rule-based PII scan flags. Each is scanned as written, normalised as an identifier,
        and with spaces for underscores (`tel_55_1234_5678` -> a phone)."""
        scanned: list[tuple[str, str]] = []  # (where, text)
        for field in ("entidades", "restricciones"):
            values = answer.get(field)
            for i, value in enumerate(values if isinstance(values, list) else [], start=1):
                if not isinstance(value, str):
                    continue
                where = f"{field}[{i}]"
                identifier = to_identifier(value) or ""
                if LONG_NUMBER.search(re.sub(r"[\W_]", "", value)):
                    raise ExtractionSkipped(
                        conversation_id, f"{where} holds a long number (phone, account or ID): draft rejected"
                    )
                forms = dict.fromkeys((value, identifier, identifier.replace("_", " ")))
                scanned += [(where, text) for text in forms if text]
        if not scanned:
            return
        found = self.scanner.scan_structured([text for _, text in scanned], self.pack.idioma.split("-")[0])
        for (where, _), findings in zip(scanned, found, strict=True):
            if findings:
                kinds = ", ".join(sorted({finding.entity_type for finding in findings}))
                reason = f"{where} flagged by the PII scanner ({kinds}): draft rejected"
                raise ExtractionSkipped(conversation_id, reason)

    def _document(self, conversation_id: str, draft: _Draft) -> dict[str, Any]:
        f = draft.fields
        document = {
            "seed_id": str(uuid.uuid4()),
            "dominio": self.pack.namespace,
            "esquema_version": SCHEMA_VERSION,
            "tipo_interaccion": f["tipo_interaccion"],
            "roles": f["roles"],
            "parametros_factuales": {
                "entidades_clave": f["entidades_clave"],
                "restricciones": f["restricciones"],
                "flujo_esperado": f["flujo_esperado"],
            },
            "tono_objetivo": f["tono_objetivo"],
            "longitud_objetivo": f["longitud_objetivo"],
            "herramientas_disponibles": f["herramientas_disponibles"],
            "metricas_calidad": f["metricas_calidad"],
            "privacidad": f["privacidad"],
        }
        try:
            seed = Seed.model_validate(document, context={"domains": self.domains})
        except ValidationError as exc:
            reason = describe_first_error(exc, schema="SeedSchema v1")
            raise ExtractionSkipped(conversation_id, f"the draft is not a valid seed: {reason}") from exc
        return seed.canonical_document()


def _parse(completion: Completion) -> dict[str, Any]:
    if completion.finish_reason == "length":
        raise ValueError("output truncated at the token limit")
    try:
        data = json.loads(completion.text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"output is not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("output is not a JSON object")
    return data
