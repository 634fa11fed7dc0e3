"""Redaction of detected PII, in one of three operator-chosen modes.

- `redact`: each finding becomes its type in brackets: `[PERSON]`, `[CURP]`.
- `mask`: each finding becomes `*` repeated to its length (the text keeps its layout).
- `pseudonymize`: each finding becomes an invented value of the same kind, consistent within one conversation (the
  same original always gets the same surrogate; a person keeps the same invented Mexican name, and "Juan" alone
  still maps to the first name given to "Juan Pérez") and deterministic given the conversation seed.

Surrogates never re-trigger the scanner, so a pseudonymised conversation rescans clean except for invented names:
CURPs, CLABEs and cards get a WRONG check digit, RFCs an impossible date (day 00), phones a reserved or unassigned
range (Mexico: the unassigned `10` prefix; NANP: 555-01XX, reserved for fiction), e-mails the reserved
`example.com` domain, IPs the documentation networks (192.0.2.0/24, 2001:db8::/32). Coordinates are generalised to
2 decimals (about 1 km), below the scanner's 4-decimal precision rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from enum import StrEnum

import phonenumbers

from scsf.privacy.base import (
    CLABE, CREDIT_CARD, CURP, EMAIL_ADDRESS, GEO_COORDINATE, IP_ADDRESS, PERSON, PHONE_NUMBER, RFC, PiiFinding,
)  # fmt: skip
from scsf.privacy.checkdigits import (
    calc_clabe_check_digit, calc_curp_check_digit, calc_luhn_check_digit, calc_rfc_check_digit, wrong_digit,
)  # fmt: skip
from scsf.privacy.lexicon import fold


class RedactionMode(StrEnum):
    REDACT = "redact"
    MASK = "mask"
    PSEUDONYMIZE = "pseudonymize"


# Surrogate pools (invented people: common Mexican given names and surnames, no real person meant).
FIRST_MALE = ("Alberto", "Bruno", "Camilo", "Darío", "Esteban", "Federico", "Germán", "Hernán", "Ismael", "Jacinto",
              "Lázaro", "Mateo", "Noé", "Orlando", "Patricio", "Reynaldo", "Silvio", "Teodoro", "Valentín",
              "Wenceslao", "Aurelio", "Benito", "Ciro", "Domingo", "Emilio", "Fausto", "Gonzalo", "Homero",
              "Isidro", "Julián")  # fmt: skip
FIRST_FEMALE = ("Amparo", "Bárbara", "Celia", "Delia", "Eugenia", "Flor", "Gloria", "Hilda", "Irene", "Juana",
                "Lidia", "Matilde", "Noemí", "Olga", "Pilar", "Raquel", "Soledad", "Tere", "Úrsula", "Virginia",
                "Aurora", "Blanca", "Carlota", "Dora", "Emma", "Fabiola", "Gisela", "Helena", "Ivonne", "Jazmín")
SURNAMES = ("Aranda", "Benítez", "Carrasco", "Dávila", "Echeverría", "Fajardo", "Galindo", "Huerta", "Iturbide",
            "Jaramillo", "Lozada", "Mercado", "Nava", "Olvera", "Pineda", "Quintero", "Rangel", "Segura", "Tovar",
            "Uribe", "Villalobos", "Zepeda", "Arellano", "Bustos", "Cisneros", "Duarte", "Elizondo", "Franco",
            "Gallardo", "Hinojosa")  # fmt: skip
COMMON_SURNAMES = frozenset(fold(s) for s in """
    García Hernández Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez Morales Vázquez Reyes
    Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz Moreno Castillo Romero Álvarez Méndez Chávez Rivera
    Juárez Ramos Domínguez Herrera Medina Castro Vargas Guzmán Velázquez Muñoz Rojas Contreras Salazar Luna Ortega
    Santiago Guerrero Estrada Bautista Cortés Soto Alvarado Espinoza Lara Ávila Ríos Cervantes Silva Delgado Vega
    Márquez Sandoval Fernández León Carrillo Mejía Solís Núñez Campos Rosas Valdez Acosta Pacheco Salinas Smith
    Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin White Harris
""".split())
_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})
_MALE_ENDING_A = frozenset({"luca", "nikita", "bautista", "garcia", "elias", "josua", "sasha"})

_CURP_STATES = "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS".split()
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _match_case(surrogate: str, original: str) -> str:
    if original.isupper():
        return surrogate.upper()
    if original.islower():
        return surrogate.lower()
    return surrogate


def _with_digits(template: str, digits: str) -> str:
    """Write `digits` into the digit positions of `template`, keeping every other character."""
    out, it = [], iter(digits)
    for ch in template:
        out.append(next(it) if ch.isdigit() else ch)
    return "".join(out)


class Pseudonymizer:
    """Consistent, deterministic surrogates for one conversation (create one per conversation)."""

    def __init__(self, seed: str | int = 0) -> None:
        self.seed = str(seed)
        self._values: dict[tuple[str, str], str] = {}
        self._used: dict[str, set[str]] = {}

    # -- deterministic randomness --------------------------------------------------------------------------------

    def _digest(self, *parts: object) -> bytes:
        return hashlib.sha256("\x1f".join([self.seed, *map(str, parts)]).encode()).digest()

    def _number(self, *parts: object) -> int:
        return int.from_bytes(self._digest(*parts)[:8], "big")

    def _digits(self, count: int, *parts: object) -> str:
        digest = hashlib.sha256(self._digest(*parts)).hexdigest()
        while len(digest) < count * 2:
            digest += hashlib.sha256(digest.encode()).hexdigest()
        return "".join(str(int(digest[2 * i : 2 * i + 2], 16) % 10) for i in range(count))

    def _choose(self, kind: str, key: str, pool: Sequence[str], original: str = "") -> str:
        """A pool member for `key`, never one already given to another key of `kind`, never `original` itself."""
        used = self._used.setdefault(kind, set())
        start = self._number(kind, key)
        for offset in range(len(pool)):
            candidate = pool[(start + offset) % len(pool)]
            if candidate not in used and fold(candidate) != fold(original):
                used.add(candidate)
                return candidate
        return f"{pool[start % len(pool)]} {len(used)}"  # pool exhausted: still distinct

    def _remember(self, entity_type: str, key: str, make: Callable[[], str]) -> str:
        if (entity_type, key) not in self._values:
            self._values[(entity_type, key)] = make()
        return self._values[(entity_type, key)]

    # -- public --------------------------------------------------------------------------------------------------

    def surrogate(self, entity_type: str, original: str) -> str:
        """The invented value for `original` (same input, same output, for this pseudonymizer)."""
        maker = {
            PERSON: self._person, PHONE_NUMBER: self._phone, EMAIL_ADDRESS: self._email, CURP: self._curp,
            RFC: self._rfc, CLABE: self._clabe, CREDIT_CARD: self._card, GEO_COORDINATE: self._geo,
            IP_ADDRESS: self._ip,
        }.get(entity_type)  # fmt: skip
        if maker is None:
            return f"[{entity_type}]"
        return maker(original)

    # -- per type ------------------------------------------------------------------------------------------------

    def _person(self, original: str) -> str:
        """Token by token, so that "Juan" alone later gets the first name given to "Juan Pérez"."""
        tokens = original.split()
        content = [i for i, t in enumerate(tokens) if fold(t) not in _PARTICLES]
        out = list(tokens)
        for rank, i in enumerate(content):
            token, key = tokens[i], fold(tokens[i])
            if len(content) == 1:
                surname = key in COMMON_SURNAMES  # "Sr. Ramírez"
            elif rank == 0:
                surname = False
            elif rank == 1 and len(content) >= 3:
                surname = key in COMMON_SURNAMES  # "Juan Carlos Pérez" vs "Juan Pérez López"
            else:
                surname = True
            if surname:
                pool, kind = SURNAMES, "surname"
            elif key.endswith("a") and key not in _MALE_ENDING_A:
                pool, kind = FIRST_FEMALE, "first_f"
            else:
                pool, kind = FIRST_MALE, "first_m"
            value = self._remember(PERSON, key, lambda p=pool, k=kind, key=key, t=token: self._choose(k, key, p, t))
            out[i] = _match_case(value, token)
        return " ".join(out)

    def _phone(self, original: str) -> str:
        digits = re.sub(r"\D", "", original)
        try:
            parsed = phonenumbers.parse(original, "MX")
            key = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            country = str(parsed.country_code)
        except phonenumbers.NumberParseException:
            key, country = digits, ""
        explicit_cc = original.strip().startswith("+") and digits.startswith(country)
        prefix = country if explicit_cc else ""
        rest = digits[len(prefix) :]
        if country == "52" and explicit_cc and len(rest) == 11 and rest.startswith("1"):
            prefix, rest = prefix + "1", rest[1:]  # legacy "+52 1" mobile form

        def make() -> str:
            tail = self._digits(len(rest), PHONE_NUMBER, key)
            if country == "1" and len(rest) == 10:  # NANP: 555-0100..0199 is reserved for fiction
                return "2" + tail[1:3] + "55501" + tail[8:10]
            if country == "52" or not prefix:  # Mexico: the 10 prefix is unassigned
                return "10" + tail[2:]
            national = tail
            for attempt in range(50):
                try:
                    valid = phonenumbers.is_valid_number(phonenumbers.parse("+" + prefix + national))
                except phonenumbers.NumberParseException:
                    valid = False
                if not valid:
                    break
                national = self._digits(len(rest), PHONE_NUMBER, key, attempt)
            return national

        # the national digits are remembered; each occurrence keeps its own format ("55 1234 5678", "+52 (55)...")
        national = self._remember(PHONE_NUMBER, f"{key}|{len(rest)}", make)
        return _with_digits(original, prefix + national)

    def _email(self, original: str) -> str:
        key = original.lower()

        def make() -> str:
            first = fold(self._choose("email_first", key, FIRST_MALE + FIRST_FEMALE))
            last = fold(self._choose("email_last", key, SURNAMES))
            number = self._number(EMAIL_ADDRESS, key) % 90 + 10
            user = f"{first}.{last}{number}".replace("ñ", "n")
            return f"{user}@example.com"

        return self._remember(EMAIL_ADDRESS, key, make)

    def _curp(self, original: str) -> str:
        key = re.sub(r"[\s-]", "", original.upper())

        def make() -> str:
            n = self._number(CURP, key)
            letters = _LETTERS[n % 26] + "AEIOU"[(n >> 5) % 5] + _LETTERS[(n >> 8) % 26] + _LETTERS[(n >> 13) % 26]
            date = f"{n % 90 + 10:02d}{(n >> 3) % 12 + 1:02d}{(n >> 7) % 28 + 1:02d}"
            sex = key[10] if len(key) > 10 and key[10] in "HM" else "HM"[n % 2]
            state = _CURP_STATES[(n >> 17) % len(_CURP_STATES)]
            inner = "".join(_CONSONANTS[(n >> (20 + 5 * i)) % len(_CONSONANTS)] for i in range(3))
            body = letters + date + sex + state + inner + str((n >> 40) % 10)
            return _match_case(body + wrong_digit(calc_curp_check_digit(body)), original)

        return self._remember(CURP, key, make)

    def _rfc(self, original: str) -> str:
        key = re.sub(r"[\s-]", "", original.upper())
        letters = 3 if len(key) == 12 else 4

        def make() -> str:
            n = self._number(RFC, key)
            prefix = "".join(_LETTERS[(n >> (5 * i)) % 26] for i in range(letters))
            date = f"{(n >> 20) % 90 + 10:02d}{(n >> 27) % 12 + 1:02d}00"  # day 00: not a date
            homoclave = _LETTERS[(n >> 33) % 26] + str((n >> 38) % 9 + 1)
            body = prefix + date + homoclave
            check = wrong_digit(calc_rfc_check_digit(body), "0123456789A")
            plain = body + check
            # keep the original's separators ("GODE-561231-GR8")
            if "-" in original or " " in original.strip():
                sep = "-" if "-" in original else " "
                plain = sep.join([plain[:letters], plain[letters : letters + 6], plain[letters + 6 :]])
            return _match_case(plain, original)

        return self._remember(RFC, key, make)

    def _clabe(self, original: str) -> str:
        key = re.sub(r"\D", "", original)

        def make() -> str:
            body = key[:3] + self._digits(14, CLABE, key)  # bank code kept: it names a bank, not a person
            return _with_digits(original, body + wrong_digit(calc_clabe_check_digit(body)))

        return self._remember(CLABE, key, make)

    def _card(self, original: str) -> str:
        key = re.sub(r"\D", "", original)

        def make() -> str:
            body = key[:1] + self._digits(len(key) - 2, CREDIT_CARD, key)  # network digit kept
            return _with_digits(original, body + wrong_digit(calc_luhn_check_digit(body)))

        return self._remember(CREDIT_CARD, key, make)

    def _geo(self, original: str) -> str:
        if "°" in original:  # DMS: drop the seconds
            return re.sub(r"\s*\d{1,2}(?:\.\d+)?\s*(?:\"|″|'')", "", original)
        return re.sub(r"(\d+\.\d{2})\d+", r"\1", original)

    def _ip(self, original: str) -> str:
        def make() -> str:
            used = self._used.setdefault("ip", set())
            host = self._number(IP_ADDRESS, original) % 254 + 1
            while str(host) in used:
                host = host % 254 + 1
            used.add(str(host))
            return f"2001:db8::{host:x}" if ":" in original else f"192.0.2.{host}"

        return self._remember(IP_ADDRESS, original, make)


def redact_text(
    text: str,
    findings: Sequence[PiiFinding],
    mode: RedactionMode | str = RedactionMode.REDACT,
    pseudonymizer: Pseudonymizer | None = None,
) -> str:
    """`text` with every finding replaced; findings must come from scanning this exact text (non-overlapping)."""
    mode = RedactionMode(mode)
    if mode is RedactionMode.PSEUDONYMIZE and pseudonymizer is None:
        pseudonymizer = Pseudonymizer()
    out, cursor = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < cursor:
            continue  # overlapping: the earlier finding already covers it
        original = text[finding.start : finding.end]
        if mode is RedactionMode.REDACT:
            replacement = f"[{finding.entity_type}]"
        elif mode is RedactionMode.MASK:
            replacement = "*" * len(original)
        else:
            replacement = pseudonymizer.surrogate(finding.entity_type, original)  # type: ignore[union-attr]
        out += [text[cursor : finding.start], replacement]
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out)


def redact_conversation(
    texts: Sequence[str],
    findings: Sequence[Sequence[PiiFinding]],
    mode: RedactionMode | str = RedactionMode.REDACT,
    seed: str | int = 0,
    *,
    key: str | int | None = None,
) -> list[str]:
    """Redact every turn of one conversation; in `pseudonymize` mode one Pseudonymizer serves all turns, seeded by
    `seed` (or `key`, e.g. the conversation id, when given)."""
    if len(texts) != len(findings):
        raise ValueError(f"{len(texts)} turns but {len(findings)} finding lists")
    seed = seed if key is None else key
    pseudonymizer = Pseudonymizer(seed) if RedactionMode(mode) is RedactionMode.PSEUDONYMIZE else None
    return [redact_text(t, f, mode, pseudonymizer) for t, f in zip(texts, findings, strict=True)]
