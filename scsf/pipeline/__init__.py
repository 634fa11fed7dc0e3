"""The run pipeline: plan, generate, store, export, report. The CLI and the TUI both drive it."""
