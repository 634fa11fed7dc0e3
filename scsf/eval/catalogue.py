"""Offered products against the domain pack's catalogue (factual fidelity, deterministic part): an assistant turn that
names a kind of product of `catalogo_productos` ("SUV mediana", "pickup cabina sencilla") is checked against what the
seed and the recorded tools name.

A mention matches a catalogue id when the id's words occur in that order, each by its first PREFIX letters (gender and
number inflect at the end: compacto/compacta, medianas; a shorter word whole or plural: "auto" is not "autonomía"), with at most a "de"/"con" between them; where matches
overlap only the longest counts ("SUV híbrida enchufable", not "SUV híbrida"). It is supported when a seed entity or
a tool result string names it (its words are among theirs), or when it names a seed entity more precisely (every
word of the entity is among the mention's: "SUV híbrida enchufable" for `hibrido_enchufable`). An unsupported one is
a critical claim of kind `producto`: the assistant offers a product the seed never mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from scsf.domains import DomainPack
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.fidelity import Claim, tool_strings
from scsf.eval.judge_grounding import PREFIX
from scsf.eval.text import fold, folded_words
from scsf.seeds.schema import Seed

FILLERS = frozenset({"de", "con"})
PRODUCT = "producto"


def catalogue_claims(
    turns: Sequence[DialogueTurn], seed: Seed, pack: DomainPack, tools: Sequence[Mapping]
) -> list[Claim]:
    """One claim per catalogue product an assistant turn names, supported or not (see the module docstring)."""
    if not pack.catalogo_productos:
        return []
    references = [_stems(name) for name in [*seed.parametros_factuales.entidades_clave, *tool_strings(tools)]]
    claims = []
    for turn in turns:
        if turn.side != "asistente":
            continue
        for product in mentioned_products(turn.text, tuple(pack.catalogo_productos)):
            words = _stems(product)
            supported = any(words <= reference or (reference and reference <= words) for reference in references)
            claims.append(Claim(turn.number, PRODUCT, (), f"catalogue product {product}", supported))
    return claims


def mentioned_products(text: str, catalogue: tuple[str, ...]) -> list[str]:
    """The catalogue ids `text` names, longest match where matches overlap, each once, in order of appearance."""
    folded = fold(text.replace("_", " "))  # a judge may write a name as an id: "sedán_compacto"
    spans = [
        (match.start(), match.end(), product)
        for product, pattern in _patterns(catalogue)
        for match in pattern.finditer(folded)
    ]  # fmt: skip
    kept = [
        (start, product) for start, end, product in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    ]  # fmt: skip
    return list(dict.fromkeys(product for _, product in sorted(kept)))


@cache
def _patterns(catalogue: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
    between = rf"(?:\s+(?:{'|'.join(sorted(FILLERS))}))?\s+"
    return [
        (product, re.compile(r"\b" + between.join(map(_word_pattern, _words(product)))))
        for product in catalogue
    ]  # fmt: skip


def _word_pattern(word: str) -> str:
    """A word by its first PREFIX letters, any ending; a shorter word whole, or plural ("auto" is not "autonomía")."""
    if len(word) >= PREFIX:
        return rf"{re.escape(word[:PREFIX])}\w*"
    return rf"{re.escape(word)}(?:e?s)?\b"


def _words(name: str) -> list[str]:
    return [word for word in folded_words(name.replace("_", " ")) if word not in FILLERS]


def _stems(name: str) -> frozenset[str]:
    return frozenset(word[:PREFIX] for word in _words(name))
