"""Tool injection (whitepaper 4.4): tool calls whose results are computed deterministically from the seed.

`plan_tool_calls` places one call per tool of a seed in the conversation's flow, with arguments read from the seed
(`derive_arguments`) and the result of the simulated tool (`run_tool`), so tool-calling data is verified by
construction. What the seed states that a result reports beyond its arguments (`derive_stated`: a trade-in value, a
sensor reading) wins over the simulated value, so a result never contradicts its seed. Implementations sit in one
module per domain; fictional catalogues in `data/`.
"""

from scsf.generation.tools.base import ToolError, ToolInvocation
from scsf.generation.tools.planning import call_stage, plan_tool_calls
from scsf.generation.tools.registry import derive_arguments, derive_stated, run_tool

__all__ = [
    "ToolError", "ToolInvocation", "call_stage", "derive_arguments", "derive_stated", "plan_tool_calls", "run_tool",
]  # fmt: skip
