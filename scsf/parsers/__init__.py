"""Parsers: real conversation exports (whitepaper Listing 2 formats) into one normalised form."""

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.plugins import PARSERS, load_plugin, plugin_names


def parser_names() -> list[str]:
    return plugin_names(PARSERS)


def parser_class(name: str) -> type[Parser]:
    return load_plugin(PARSERS, name, "format")


__all__ = [
    "ParseError",
    "ParsedConversation",
    "ParsedTurn",
    "Parser",
    "Provenance",
    "Sniff",
    "parser_class",
    "parser_names",
]
