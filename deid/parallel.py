"""Blocks of a large sheet transformed in worker processes, results in input order (``--jobs N``).

Workers are forked from the process that built the transformers, so they start with its analyzer and
jieba dictionaries loaded. They take unparsed CSV lines where they can, and hand back a block's audit text
and rendered rows through spool files (deid.io.spool), so the writing process mostly appends bytes. A
bounded number of blocks is in flight, so memory stays flat however long the file. The output is the same
as with one process: blocks are transformed independently under a plan made once from the sheet's first
rows, and written in their order. The same workers run other tasks with their transformers: the publication
gate checks each block of a published CSV there once it is written (``BlockMapper.submit``).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import itertools
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from deid.audit import AuditBlock, audit_block
from deid.fingerprint import Fingerprinter
from deid.io.sheets import Block, block_frame
from deid.io.spool import Payload, discard_payload, spool
from deid.policy import Pipeline
from deid.text import TextRedactor
from deid.transform import ChunkOutcome, SheetPlan, SheetTransformer

_transformers: dict[str, SheetTransformer] = {}
T = TypeVar("T")
_PR_SET_PDEATHSIG = 1


def bind_to_run() -> None:
    """Bind this worker process to the run that started it. It ends when the run is killed (Linux), so that no
    orphan keeps writing into the output folder after a ``kill -9``. Ctrl-C is the run's to handle: a worker
    interrupted midway would leave a half-written spool or temporary file, and then take the next task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: workers end when their task queue closes
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while worker processes may be forked (a pool's submit), then raise it: an interrupt in
    the middle of a fork stops the at-fork handlers of logging and the like, which print a traceback."""
    previous = signal.getsignal(signal.SIGINT)
    # Only the main thread may set handlers, and Python runs them there alone: a pool fed from another thread,
    # or a handler Python did not set, is left as it is.
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield
        return
    interrupted = []
    signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt


def build_transformer(pipeline: Pipeline, fingerprint: Fingerprinter) -> SheetTransformer:
    return SheetTransformer(pipeline, TextRedactor(pipeline.text, fingerprint), fingerprint)


def _start_worker(transformers: dict[str, SheetTransformer]) -> None:
    bind_to_run()
    _transformers.update(transformers)


@dataclass(frozen=True)
class Finish:
    """What becomes of a transformed block where it was transformed (a worker, in parallel runs): its audit
    records serialised for ``audit_as`` (file, sheet), its published rows rendered by ``render`` if the
    output format can be written block by block, both spooled to files in ``spool`` (a worker's) rather than
    sent back through the pool's pipe. The writing process then only appends bytes."""

    audit_as: tuple[str, str | None]
    render: Callable[[pd.DataFrame], bytes] | None = None
    spool: Path | None = None


@dataclass
class BlockResult:
    rows: int  # in the input block
    outcome: ChunkOutcome  # without the records (and the grid, if rendered) when finished
    audit: AuditBlock | None = None
    rendered: Payload | None = None

    def discard(self) -> None:
        """Remove what this result spooled (a result that will not be written)."""
        discard_payload(self.rendered)
        if self.audit is not None:
            discard_payload(self.audit.text)


def transform_block(transformer: SheetTransformer, plan: SheetPlan, block: Block, finish: Finish | None) -> BlockResult:
    block = block_frame(block)
    outcome = transformer.transform_chunk(plan, block)
    if finish is None:
        return BlockResult(len(block), outcome)
    audit = audit_block(outcome.records, *finish.audit_as)
    rendered = finish.render(outcome.grid) if finish.render else None
    kept = dataclasses.replace(
        outcome, records=outcome.records.cleared(), grid=outcome.grid.iloc[:0] if rendered is not None else outcome.grid
    )
    if finish.spool is not None:
        audit = dataclasses.replace(audit, text=spool(audit.text, finish.spool))
        rendered = spool(rendered, finish.spool) if rendered is not None else None
    return BlockResult(len(block), kept, audit, rendered)


def _run_in_worker(task: Callable[..., T], key: str, *args: object) -> T:
    return task(_transformers[key], *args)


def _discard(pending: deque[Future]) -> None:
    for future in pending:
        if future.cancel():
            continue
        with contextlib.suppress(Exception):  # results with nothing spooled (a gate's findings) have no discard
            future.result().discard()


class BlockMapper:
    """Maps ``transform_chunk`` over blocks: in this process, or spread over ``jobs`` worker processes."""

    def __init__(self, specs: dict[str, tuple[Pipeline, Fingerprinter]], jobs: int = 1) -> None:
        self.transformers = {key: build_transformer(*spec) for key, spec in specs.items()}
        # The analyzer, jieba's dictionaries and the recognizers are millions of long-lived objects: frozen, the
        # garbage collector stops walking them again and again while blocks are transformed.
        gc.freeze()
        self._jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def map(
        self, key: str, plan: SheetPlan, blocks: Iterable[Block], finish: Finish | None = None
    ) -> Iterator[BlockResult]:
        """Every block's result, in order."""
        blocks, spread = self._spread(blocks)
        if not spread:
            here = dataclasses.replace(finish, spool=None) if finish else None  # nothing to hand over
            for block in blocks:
                yield transform_block(self.transformers[key], plan, block, here)
            return
        yield from self._in_workers(transform_block, key, ((plan, block, finish) for block in blocks))

    def map_task(self, task: Callable[..., T], key: str, arguments: Iterable[tuple]) -> Iterator[T]:
        """``task(transformer, *args)`` for every ``args``, in order, where ``map`` would transform blocks."""
        arguments, spread = self._spread(arguments)
        if not spread:
            for args in arguments:
                yield task(self.transformers[key], *args)
            return
        yield from self._in_workers(task, key, arguments)

    def submit(self, task: Callable[..., T], key: str, *args: object) -> Future[T]:
        """``task(transformer, *args)`` in a worker if the workers run (a large sheet is being transformed),
        otherwise here and now."""
        if self._pool is not None:
            with interrupts_deferred():
                return self._pool.submit(_run_in_worker, task, key, *args)
        done: Future[T] = Future()
        try:
            done.set_result(task(self.transformers[key], *args))
        except Exception as error:
            done.set_exception(error)
        return done

    def _spread(self, items: Iterable[T]) -> tuple[Iterator[T], bool]:
        """``items``, and whether they go to the workers: one alone (every workbook, small CSVs) is not worth a
        worker's start-up."""
        items = iter(items)
        head = list(itertools.islice(items, 2))
        return itertools.chain(head, items), len(head) > 1 and self._jobs > 1

    def _in_workers(self, task: Callable[..., T], key: str, arguments: Iterable[tuple]) -> Iterator[T]:
        pool = self._ensure_pool()
        pending: deque[Future] = deque()
        try:
            for args in arguments:
                with interrupts_deferred():
                    pending.append(pool.submit(_run_in_worker, task, key, *args))
                if len(pending) > 2 * self._jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            _discard(pending)  # a file that failed midway: the results still coming are not written

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Forked workers inherit this process's transformers, analyzers and loaded jieba dictionary as they
            # are (nothing is pickled), instead of spending seconds each on building their own.
            self._pool = ProcessPoolExecutor(
                self._jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
                initargs=(self.transformers,),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            # Every block handed out has ended by now (results are awaited or discarded in order), and a gate
            # check still running only reads: the workers are left to exit while the run writes its manifest
            # and report.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
