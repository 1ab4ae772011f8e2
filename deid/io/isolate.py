"""Run a native reader in a child process under a memory ceiling, so that one file cannot end the run.

calamine is Rust: a corrupt or odd workbook can make it reserve more memory than exists (a single cell at
XFD1048576 asks for a grid of 17 billion cells), and a failed allocation aborts the whole process; no
``except`` can catch that. In a forked child the abort or the exhausted memory ends only the child, and
the caller gets :class:`ReaderFailed` to turn into a one-line refusal for that file.

Where ``fork`` does not exist (Windows) the reader runs in-process, as it does with ``DEID_DEBUG`` set so
that tracebacks stay visible while developing.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import signal
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
GIB = 1 << 30


class ReaderFailed(Exception):
    """The child died (abort, signal, exhausted memory) or its reader raised: the file could not be read."""


def memory_budget() -> int:
    """Memory a child may take beyond what it inherits: half the machine's RAM, 2 to 16 GiB.

    Reading a 100,000-row roster takes about 300 MB; what the ceiling stops are requests for hundreds of GiB.

    >>> 2 * GIB <= memory_budget() <= 16 * GIB
    True
    """
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        physical = 8 * GIB
    return min(max(physical // 2, 2 * GIB), 16 * GIB)


def call_isolated(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` run in a forked child; its return value comes back pickled.

    >>> call_isolated(sum, [1, 2, 3])
    6
    >>> call_isolated(int, 'x')
    Traceback (most recent call last):
    deid.io.isolate.ReaderFailed: the reader failed
    """
    if not hasattr(os, "fork") or os.environ.get("DEID_DEBUG"):
        return function(*args)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        _child(function, args, writer)
    os.close(writer)
    try:
        with os.fdopen(reader, "rb") as stream:
            payload = stream.read()
    except BaseException:  # Ctrl-C while waiting: the child goes too
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        raise ReaderFailed("the reader failed")
    return pickle.loads(payload)


def _child(function: Callable, args: tuple, writer: int) -> None:
    status = 1
    try:
        # Rust's own messages (a panic, a failed allocation) and a fault handler's dump would reach the
        # user's terminal; the parent reports the file in one line instead.
        faulthandler.disable()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        _limit_memory(memory_budget())
        payload = pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as stream:
            stream.write(payload)
        status = 0
    except BaseException:
        pass  # no payload tells the parent all it needs
    finally:
        os._exit(status)


def _limit_memory(budget: int) -> None:
    """Cap the child's address space at what it inherited plus ``budget`` (Linux; elsewhere no cap)."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = inherited + budget
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
