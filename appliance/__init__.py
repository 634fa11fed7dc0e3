"""The scsf-appliance front ends: the Typer CLI (and, later, the Textual TUI)."""
