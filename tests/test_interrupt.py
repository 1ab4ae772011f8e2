"""Issue 7: an interrupted run leaves no partial file under a published name, and running again finishes it.

A real ``deid run`` (with its worker processes) is killed (SIGKILL) as soon as its first output appears: every file it left under
a published name is complete, and a second run gives outputs and audit logs byte-identical to an
uninterrupted run with the same key. Ctrl-C (SIGINT) ends the run with exit code 130 and one line.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from deid.parallel import bind_to_run, interrupts_deferred
from deid.publish import run
from examples.synthetic import dibao_roster, write_csv, write_xlsx

DEID = Path(sys.executable).parent / "deid"
ROWS = 400  # per roster: big enough that the run is still busy when its first file appears
NAMES = ["r1.csv", "r2.xlsx", "r3.csv", "r4.xlsx", "r5.csv"]


@pytest.fixture(scope="module")
def rosters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interrupt") / "in"
    for n, name in enumerate(NAMES):
        roster = dibao_roster(ROWS, seed=200 + n)
        (write_xlsx if name.endswith(".xlsx") else write_csv)(roster, folder / name)
    return folder


@pytest.fixture(scope="module")
def reference(rosters, tmp_path_factory, key_file) -> Path:
    """An uninterrupted run with the session's key (which it creates if no test has yet)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    report = run([rosters], "dibao", out, key_file)
    assert [f.status for f in report.files] == ["published"] * len(NAMES)
    return out


def _command(rosters: Path, out: Path, key_file: Path) -> list[str]:
    return [str(DEID), "run", str(rosters), "--pipeline", "dibao", "--out", str(out), "--key-file", str(key_file)]


def _visible(out: Path) -> list[Path]:
    """Files under published names: a run's temporary files are hidden (``.<name>.<random>.part``)."""
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def _wait_for_first_file(process: subprocess.Popen, out: Path) -> None:
    deadline = time.monotonic() + 60
    while not (out.is_dir() and _visible(out)):
        assert process.poll() is None, "the run ended before it could be interrupted; make the rosters bigger"
        assert time.monotonic() < deadline, "no output appeared within 60 s"
        time.sleep(0.01)


def test_a_killed_run_leaves_only_complete_files_and_a_rerun_finishes_the_job(rosters, reference, tmp_path, key_file):
    out = tmp_path / "out"
    process = subprocess.Popen(
        _command(rosters, out, key_file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _wait_for_first_file(process, out)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its worker processes, as when a machine goes down
        process.wait()
    left = _visible(out)
    assert 0 < len(left) < len(_visible(reference)), "the run was not killed midway"
    for path in left:
        assert (reference / path.name).is_file(), f"{path.name} is no published name"
        assert path.read_bytes() == (reference / path.name).read_bytes(), f"{path.name} is partial"
    assert not [p for p in out.iterdir() if not p.name.startswith(".") and p.suffix == ".part"]

    again = subprocess.run(_command(rosters, out, key_file), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in _visible(out)] == [p.name for p in _visible(reference)]
    for name in [*NAMES, *(Path(n).stem + ".audit.jsonl" for n in NAMES), "manifest.json"]:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), f"{name} differs from the reference run"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "a temporary file survived the rerun"


def test_ctrl_c_ends_the_run_with_one_line_and_exit_code_130(rosters, reference, tmp_path, key_file):
    out = tmp_path / "out"
    # A wide terminal: how rich wraps long lines on a narrow one is test_bad_input's concern.
    environment = {**os.environ, "COLUMNS": "400"}
    process = subprocess.Popen(
        _command(rosters, out, key_file),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,
    )
    try:
        _wait_for_first_file(process, out)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches every process of the terminal's foreground group
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert "Traceback" not in stdout + stderr
    assert stderr.splitlines() == [
        f"deid: interrupted; no partial file is left in {out}; run the same command again to finish"
    ]
    assert not [p.name for p in out.iterdir() if p.suffix == ".part"], "Ctrl-C leaves no temporary file"
    for path in _visible(out):
        assert path.read_bytes() == (reference / path.name).read_bytes(), f"{path.name} is partial"


def _interrupt_myself() -> str:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # a KeyboardInterrupt would surface by now
    return "finished"


def test_a_worker_process_leaves_ctrl_c_to_the_run() -> None:
    """A worker interrupted midway would leave a half-written file behind and then take the next task."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=bind_to_run) as pool:
        assert pool.submit(_interrupt_myself).result(timeout=30) == "finished"


def test_ctrl_c_while_workers_may_be_forked_is_raised_once_they_are() -> None:
    reached = False
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        reached = True
    assert reached
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_pool_fed_from_another_thread_forks_without_touching_signal_handlers() -> None:
    """Only the main thread may set a handler: a run started in a thread still works."""
    errors: list[BaseException] = []

    def deferred() -> None:
        try:
            with interrupts_deferred():
                pass
        except BaseException as error:  # whatever escaped is the failure
            errors.append(error)

    thread = threading.Thread(target=deferred)
    thread.start()
    thread.join()
    assert errors == []
