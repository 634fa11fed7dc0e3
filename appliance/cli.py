"""`scsf-appliance`: the thin Typer front end. Every command calls the scsf library; errors are one line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.exceptions import TyperException

from appliance.state import state

app = typer.Typer(
    name="scsf-appliance",
    help="SCSF appliance: privacy-free seeds to validated synthetic conversations, fully offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    home: Annotated[Path | None, typer.Option("--home", help="Data directory (default: $SCSF_HOME or user data dir)")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors")] = False,
) -> None:
    state.configure(home=home, debug=debug)


def _register_commands() -> None:
    from appliance.commands import bench, domains, evaluate, ingest, init, models, pii, report, run, runs, seeds

    app.command("init")(init.init)
    app.add_typer(seeds.app, name="seeds")
    app.command("ingest")(ingest.ingest)
    app.add_typer(pii.app, name="pii")
    app.add_typer(domains.app, name="domains")
    app.add_typer(models.app, name="models")
    app.command("run")(run.run)
    app.add_typer(runs.app, name="runs")
    app.command("eval")(evaluate.eval_run)
    app.command("quality")(evaluate.quality)
    app.add_typer(report.app, name="report")
    app.add_typer(bench.app, name="bench")


_register_commands()


def main() -> None:
    """Entry point: ScsfError and friends become one line on stderr and exit code 1 (traceback with --debug)."""
    from scsf.errors import ScsfError

    try:
        # Outside standalone mode Typer returns the code of `typer.Exit(n)` instead of exiting with it.
        code = app(standalone_mode=False)
    except ScsfError as exc:
        _fail(exc, f"error: {exc.msg}")
    except KeyboardInterrupt:
        _fail(None, "interrupted", code=130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _fail(None, "aborted", code=1)
    except TyperException as exc:  # usage errors (Typer's vendored click) carry their own exit code
        if not hasattr(exc, "show"):
            _fail(None, f"error: {exc.format_message()}", code=exc.exit_code)
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:
        _fail(exc, f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
    if isinstance(code, int) and code:
        sys.exit(code)


def _fail(exc: BaseException | None, line: str, code: int = 1) -> None:
    from appliance.output import err_console

    if exc is not None and state.debug:
        import traceback

        traceback.print_exception(exc)
    err_console.print(line, markup=False, highlight=False)
    sys.exit(code)
