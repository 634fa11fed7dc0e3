"""SCSF: Synthetic Conversation Seed Framework core library (never imports Textual)."""

__version__ = "0.1.0"
