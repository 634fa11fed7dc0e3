"""Imported once by the server process that evaluator workers fork from (`scsf.eval.evaluator._worker_context`): it
loads the PII scanner's spaCy pipelines and language model there, so that every worker forked from it inherits them
loaded (copy-on-write) instead of loading its own (seconds each). Forking after this is as safe as after the imports
alone: loading starts no thread (numpy's BLAS threads, started at import, were already there) and imports neither
DuckDB nor llama.cpp. Where the pipelines cannot be loaded, nothing is: each worker's own `warm_up` then raises the
error where it can be reported."""

from scsf.errors import ScsfError
from scsf.privacy.engine import PiiScanner

try:
    PiiScanner().warm_up()
except ScsfError:
    pass
