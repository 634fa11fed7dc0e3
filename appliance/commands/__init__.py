"""One Typer sub-application per command group."""
