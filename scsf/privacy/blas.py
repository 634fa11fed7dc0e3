"""Matrix products of the spaCy pipelines through numpy's OpenBLAS on one thread, instead of thinc's `blis`.

The `blis` wheel runs its generic kernels on some CPUs (this appliance's AMD EPYC: `BLIS_ARCH_DEBUG=1` prints
"generic"), about 2.8x slower than OpenBLAS on one thread for the NER's products, which are most of the scan's cost.
OpenBLAS by default spreads a product over every core, and on 2 cores shared with other work that makes it several
times slower than one thread; so each product limits OpenBLAS to one thread for the calling thread only
(`openblas_set_num_threads_local`, OpenBLAS >= 0.3.27, looked up among the loaded libraries) and restores it after.
Where that function is not found (another BLAS, another OS), the pipelines keep `blis`. The results are the same
products (the PII benchmark and the scanner's findings do not change).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from thinc.api import Model, NumpyOps


@lru_cache(maxsize=1)
def _thread_local_setter() -> Callable[[int], int] | None:
    """`openblas_set_num_threads_local` of the OpenBLAS that numpy loaded, or None."""
    import numpy  # noqa: F401  (loads its BLAS)

    maps = Path("/proc/self/maps")
    if not sys.platform.startswith("linux") or not maps.exists():
        return None
    lines = maps.read_text().splitlines()
    loaded = {line.split()[-1] for line in lines if "openblas" in line.rsplit("/", 1)[-1].lower()}
    for path in sorted(loaded, key=lambda path: ("numpy" not in path, path)):  # numpy's own first (torch has one too)
        try:
            setter = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.argtypes, setter.restype = [ctypes.c_int], ctypes.c_int
        return setter
    return None


class OneThreadBlasOps(NumpyOps):
    """thinc's NumpyOps with `gemm` through numpy (OpenBLAS), one BLAS thread per product."""

    def __init__(self, setter: Callable[[int], int]) -> None:
        super().__init__(use_blis=False)
        self._set_threads = setter

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:  # noqa: D102
        previous = self._set_threads(1)
        try:
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        finally:
            if previous != 1:
                self._set_threads(previous)


def use_one_thread_blas(nlp: Any) -> bool:
    """Switch every model of the spaCy pipeline `nlp` to `OneThreadBlasOps`; False (nothing changed) if the
    thread-local OpenBLAS setting is not available."""
    setter = _thread_local_setter()
    if setter is None:
        return False
    ops = OneThreadBlasOps(setter)
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops
    return True
