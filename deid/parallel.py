"""Blocks of a large sheet transformed in worker processes, results in input order (``--jobs N``).

Each worker builds its own analyzer once; a bounded number of blocks is in flight, so memory stays flat
however long the file. The output is the same as with one process: blocks are transformed independently
under a plan made once from the sheet's first rows, and written in their order.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import pandas as pd

from deid.fingerprint import Fingerprinter
from deid.policy import Pipeline
from deid.text import TextRedactor
from deid.transform import ChunkOutcome, SheetPlan, SheetTransformer

_transformers: dict[str, SheetTransformer] = {}
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Make this worker process end when the run that started it is killed (Linux), so that no orphan keeps
    writing into the output folder after a ``kill -9``."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: workers end when their task queue closes
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def build_transformer(pipeline: Pipeline, fingerprint: Fingerprinter) -> SheetTransformer:
    return SheetTransformer(pipeline, TextRedactor(pipeline.text, fingerprint), fingerprint)


def _start_worker(specs: dict[str, tuple[Pipeline, Fingerprinter]]) -> None:
    die_with_parent()
    _transformers.update({key: build_transformer(*spec) for key, spec in specs.items()})


def _transform_block(key: str, plan: SheetPlan, block: pd.DataFrame) -> ChunkOutcome:
    return _transformers[key].transform_chunk(plan, block)


class BlockMapper:
    """Maps ``transform_chunk`` over blocks: in this process, or spread over ``jobs`` worker processes."""

    def __init__(self, specs: dict[str, tuple[Pipeline, Fingerprinter]], jobs: int = 1) -> None:
        self.transformers = {key: build_transformer(*spec) for key, spec in specs.items()}
        self._specs, self._jobs = specs, jobs
        self._pool: ProcessPoolExecutor | None = None

    def map(self, key: str, plan: SheetPlan, blocks: Iterable[pd.DataFrame]) -> Iterator[tuple[int, ChunkOutcome]]:
        """(rows in the block, its outcome) for every block, in order."""
        blocks = iter(blocks)
        first = next(blocks, None)
        if first is None:
            return
        second = next(blocks, None)
        if second is None or self._jobs <= 1:
            # One block (every workbook, small CSVs) is not worth a worker's start-up.
            for block in itertools.chain((first,), () if second is None else (second,), blocks):
                yield len(block), self.transformers[key].transform_chunk(plan, block)
            return
        pool = self._ensure_pool()
        pending: deque[tuple[int, Future]] = deque()
        for block in itertools.chain((first, second), blocks):
            pending.append((len(block), pool.submit(_transform_block, key, plan, block)))
            if len(pending) > 2 * self._jobs:
                rows, future = pending.popleft()
                yield rows, future.result()
        while pending:
            rows, future = pending.popleft()
            yield rows, future.result()

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._jobs, initializer=_start_worker, initargs=(self._specs,))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
