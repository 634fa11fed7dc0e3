"""Values stated in Spanish text: amounts, percentages and terms, in the formats people and models write them.

`$389,900`, `389,900 pesos`, `389 mil`, `$3.2 millones` -> monto; `20 %`, `13.9%`, `13,9 por ciento` -> porcentaje;
`48 meses`, `4 años` -> plazo (years also as months: 4 años -> 4 and 48). A bare number with a thousands separator
(`40,000`) is a cantidad. Small bare numbers (turn 2, 3 documentos, 10:30) are not values to check.

Numbers written in words are read too ("a cinco años", "treinta por ciento", "nueve mil pesos": text2num's
`alpha2digit` writes them in digits first), and so are fractions of a whole ("una cuarta parte" -> 25 %). "Cien por
ciento" is left out: it is mostly an idiom ("seguro al cien por ciento"), not a stated share.

A number with groups of exactly three digits after `,` or `.` has thousands separators (`1.500` is 1500), a last
group of one or two digits after the other separator is decimal (`389,900.50`); otherwise `,` or `.` is the decimal
point (`13,9`, `13.9`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit

GROUPED = r"\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*(?:(?!(?P=sep))[.,]\d{1,2})?(?![\d.,]\d)"  # thousands groups, decimals after
NUMBER = rf"{GROUPED}|\d+(?:[.,]\d+)?"
MENTION = re.compile(
    rf"(?:(?P<currency>\$|\bmxn|\busd)\s?)?(?<!\d)(?P<number>{NUMBER})"
    r"(?:\s*(?P<scale>millones|millón|millon|mil)\b)?"
    r"(?:\s*(?P<unit>%|por\s*ciento\b|(?:de\s+)?(?:pesos|mxn|usd|dólares|dolares)\b"
    r"|meses\b|mes\b|años\b|año\b|anios\b))?",
    re.IGNORECASE,
)
SCALES = {"mil": 1_000, "millones": 1_000_000, "millón": 1_000_000, "millon": 1_000_000}
THOUSANDS = re.compile(rf"^{GROUPED}$")
# Where a Spanish number word or fraction may start (a filter that spares most texts the conversion; not a parser).
NUMBER_WORD = re.compile(
    r"\b(?:uno\b|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|dieci|veint|treinta"
    r"|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|quinient|setecient|novecient|mil|terc|cuart|quint"
    r"|sext|s[eé]ptim|octav|noven|d[eé]cim|por\s*ciento)",
    re.IGNORECASE,
)
PER_CENT = re.compile(r"\bpor\s*ciento\b", re.IGNORECASE)
HUNDRED_PER_CENT_IDIOM = re.compile(r"\bcien\s+por\s*ciento\b", re.IGNORECASE)
FRACTION = re.compile(r"\b(?:una|1)\s+(?P<whole>[3-9]|10)ª\s+parte\b", re.IGNORECASE)  # "una cuarta parte" in_digits
APPROXIMATELY = re.compile(r"\b[uU]n[oa]s\b")  # text2num reads "unos" as 1: its first letter is hidden
HIDDEN = {"u": "\x01", "U": "\x02"}
YEARS = (1900, 2100)
LONG_INTEGER = re.compile(r"(?<![\d.,])\d{4,}(?![\d.,])")
DIGIT = re.compile(r"\d")  # every mention has one: a text without digits is not searched further


@dataclass(frozen=True)
class StatedValue:
    """A value found in a text: its kind and the numbers it may stand for (a term in years is stated in months: a bare
    5 would be supported by any 5 of the seed or the tools)."""

    kind: str  # monto | porcentaje | plazo | cantidad
    values: tuple[float, ...]
    start: int
    end: int


def parse_number(text: str) -> float:
    """`389,900` -> 389900, `389,900.50` -> 389900.5, `1.500` -> 1500, `13,9` -> 13.9."""
    match = THOUSANDS.match(text)
    if not match:
        return float(text.replace(",", "."))
    separator = match["sep"]
    integer, point, fraction = text.rpartition("." if separator == "," else ",")
    if not point:
        integer, fraction = text, "0"
    return float(f"{integer.replace(separator, '')}.{fraction}")


def stated_values(text: str) -> list[StatedValue]:
    """Every monto, porcentaje, plazo and cantidad stated in `text` (numbers in words written in digits first: the
    positions are those of that text), in order."""
    found: list[StatedValue] = []
    text = in_digits(text)
    if not DIGIT.search(text):
        return found
    for match in FRACTION.finditer(text):
        found.append(StatedValue("porcentaje", (round(100 / int(match["whole"]), 2),), match.start(), match.end()))
    for match in MENTION.finditer(text):
        number = parse_number(match["number"])
        unit = (match["unit"] or "").lower()
        scale = (match["scale"] or "").lower()
        if unit == "%" or unit.startswith("por"):
            kind, values = "porcentaje", (number,)
        elif unit in ("meses", "mes"):
            kind, values = "plazo", (number,)
        elif unit in ("años", "año", "anios"):
            kind, values = "plazo", (number * 12,)
        elif match["currency"] or unit or scale:
            kind, values = "monto", (number * SCALES.get(scale, 1),)
        elif THOUSANDS.match(match["number"]):
            kind, values = "cantidad", (number,)
        else:
            continue
        found.append(StatedValue(kind, values, match.start(), match.end()))
    return sorted(found, key=lambda value: value.start)


def in_digits(text: str) -> str:
    """`text` with its Spanish number words in digits ("a cinco años" -> "a 5 años", "treinta por ciento" -> "30 %"),
    the idiom "cien por ciento" removed. Numbers already in digits are kept as written ("40 mil" is not "40 1000"),
    and so are "un"/"una" ("si un mes le va mejor": an article, not a term)."""
    if not NUMBER_WORD.search(text):
        return text
    text = PER_CENT.sub("%", HUNDRED_PER_CENT_IDIOM.sub("", text))
    pieces, last = [], 0
    for match in MENTION.finditer(text):
        pieces += [_words_in_digits(text[last : match.start()]), match.group()]
        last = match.end()
    return "".join([*pieces, _words_in_digits(text[last:])])


def _words_in_digits(text: str) -> str:
    """Number words of a text without digits in digits, thousands grouped ("nueve mil" -> "9,000", an amount as
    "9,000" is); "unos"/"unas" stay words ("unos nueve mil": about 9,000, not "1 9000")."""
    if not NUMBER_WORD.search(text):
        return text
    hidden = APPROXIMATELY.sub(lambda match: HIDDEN[match[0][0]] + match[0][1:], text)
    converted = alpha2digit(hidden, "es", threshold=2)
    for letter, mark in HIDDEN.items():
        converted = converted.replace(mark, letter)
    return LONG_INTEGER.sub(_grouped, converted)


def _grouped(match: re.Match[str]) -> str:
    """A converted integer in thousands groups, but a year ("dos mil veinte") as written."""
    number = int(match[0])
    return match[0] if YEARS[0] <= number <= YEARS[1] else f"{number:,}"
