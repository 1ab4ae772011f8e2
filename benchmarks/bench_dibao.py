"""Speed and memory benchmark (issue 6): a 1,000,000-row, 9-column 低保 roster CSV, on this machine.

    .venv/bin/python benchmarks/bench_dibao.py [--rows 1000000] [--structured-rows N] [--jobs N]

Measures, each in a fresh process:
1. the floor: pandas reading and writing the same CSV, every column as text;
2. ``deid run --pipeline dibao`` on it (end to end: read, profile, transform, write, audit, check gate, report);
3. presidio-structured (PandasAnalysisBuilder + StructuredEngine) in whole-column mode, configured with deid's own
   zh recognizers, on the same rows (``--structured-rows`` runs it on the first N rows and scales the time
   linearly, saying so, when the full run would take hours);
4. peak memory of 2, and of 2 on a file three times as long: of its largest process, and of all its processes
   together (sampled proportional set size, so pages workers share with their parent count once).
It prints the ratios 2/1 and 2/3 and the memory figures as a table. Data are generated with a fixed seed into
benchmarks/data/ (ignored by git) and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from examples.synthetic import CAUSES, COUNTIES, GIVEN, ROADS, SURNAMES, TOWNS, VILLAGES  # noqa: E402
from recognizers.id_card import calc_check_digit  # noqa: E402

HEADER = ["序号", "户主姓名", "身份证号码", "家庭住址", "联系电话", "保障人数", "月保障金额（元）", "银行卡号", "备注"]


def _luhn(digits: str) -> str:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)


def write_roster(path: Path, rows: int, seed: int = 20261123) -> Path:
    """A dibao roster: a title row, the header, ``rows`` records (about 10 % with a 备注 naming a person or a
    phone, the rest an empty or short cause), and a footer; fictitious people, real place names."""
    if path.exists():
        return path
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write("望城区2024年第四季度城乡最低生活保障对象名单" + "," * 8 + "\r\n")
        handle.write(",".join(HEADER) + "\r\n")
        for n in range(1, rows + 1):
            province, city, county, code = rng.choice(COUNTIES)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            born = f"{rng.randrange(1940, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            body = code + born + f"{rng.randrange(1000):03d}"
            village = rng.choice(VILLAGES)
            detail = (
                f"{rng.choice(ROADS)}{rng.randrange(1, 300)}号{rng.randrange(1, 20)}栋{rng.randrange(1, 6)}单元{rng.randrange(1, 30)}0{rng.randrange(1, 5)}室"
                if village.endswith("社区")
                else f"{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号"
            )
            address = f"{province}{city}{county}{rng.choice(TOWNS)}{village}{detail}"
            phone = rng.choice(("138", "139", "150", "186", "199")) + f"{rng.randrange(10**8):08d}"
            card = _luhn("622848" + f"{rng.randrange(10**12):012d}")
            roll = rng.random()
            if roll < 0.05:
                other = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                note = f"户主{name}{rng.choice(CAUSES)}，其子{other}在读"
            elif roll < 0.10:
                note = f"{rng.choice(CAUSES)}，联系电话1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            elif roll < 0.40:
                note = rng.choice(CAUSES)
            else:
                note = ""
            fields = [str(n), name, body + calc_check_digit(body), address, phone, str(rng.randrange(1, 6)),
                      f"{rng.randrange(300, 2000)}.00", card, note]  # fmt: skip
            handle.write(",".join(fields) + "\r\n")
        handle.write("制表人：王建国    审核人：李秀英    联系电话：13912345678" + "," * 8 + "\r\n")
    os.replace(temporary, path)
    return path


def timed(command: list[str], sample_tree: bool = False) -> tuple[float, int, int]:
    """(wall seconds, peak resident MiB of its largest process, peak MiB of its whole process tree) of a
    command run in its own process. The tree's figure (``sample_tree``; else 0) is sampled every 50 ms as
    proportional set size, so pages that forked workers share with their parent count once; sampling costs
    CPU, so a run that is timed is not sampled. Dirty pages of earlier steps are flushed first: otherwise the
    kernel writes back the last run's gigabyte of output on the cores this run is timed on."""
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, tree_peak), daemon=True)
    if sample_tree:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if sample_tree:
        sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss // 1024, tree_peak[0] // 1024


def _sample_tree(root: int, peak: list[int]) -> None:
    while Path(f"/proc/{root}").exists():
        peak[0] = max(peak[0], sum(_pss_kib(pid) for pid in _tree(root)))
        time.sleep(0.05)


def _tree(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return [pid] + [p for child in children for p in _tree(child)]


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # ended meanwhile, or a zombie waiting to be reaped
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")), 0)


FLOOR = """
import sys, pandas as pd
frame = pd.read_csv(sys.argv[1], header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
frame.to_csv(sys.argv[2], header=False, index=False, encoding="utf-8-sig")
"""

STRUCTURED = """
import sys, pandas as pd
from presidio_anonymizer.entities import OperatorConfig
from presidio_structured import PandasAnalysisBuilder, StructuredEngine
from recognizers.analyzer import build_analyzer
rows = int(sys.argv[3])
frame = pd.read_csv(sys.argv[1], skiprows=1, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=rows)
analysis = PandasAnalysisBuilder(analyzer=build_analyzer()).generate_analysis(frame, language="zh")
operators = {entity: OperatorConfig("replace", {"new_value": "*"}) for entity in set(analysis.entity_mapping.values())}
StructuredEngine().anonymize(frame, analysis, operators=operators).to_csv(sys.argv[2], index=False)
print(analysis.entity_mapping, file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--structured-rows", type=int, default=None, help="presidio-structured on the first N rows")
    parser.add_argument("--jobs", type=int, default=None, help="deid run --jobs (default: deid's own default)")
    parser.add_argument("--skip-triple", action="store_true", help="skip the 3x-file memory run")
    args = parser.parse_args()

    source = write_roster(DATA / f"dibao-{args.rows}.csv", args.rows)
    out = DATA / "out"
    key = DATA / "bench.key"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []

    def deid(roster: Path, folder: Path) -> list[str]:
        return [str(Path(PYTHON).with_name("deid")), "run", str(roster), "--pipeline", "dibao", "--out", str(folder),
                "--key-file", str(key), *jobs]  # fmt: skip

    floor, floor_memory, _ = timed([PYTHON, "-c", FLOOR, str(source), str(DATA / "floor-out.csv")])
    deid_seconds, deid_memory, _ = timed(deid(source, out))
    _, _, deid_tree = timed(deid(source, out), sample_tree=True)
    structured_rows = args.structured_rows or args.rows
    structured, _, _ = timed(
        [PYTHON, "-c", STRUCTURED, str(source), str(DATA / "structured-out.csv"), str(structured_rows)]
    )
    structured_full = structured * args.rows / structured_rows
    triple_memory = triple_tree = None
    if not args.skip_triple:
        triple = write_roster(DATA / f"dibao-{3 * args.rows}.csv", 3 * args.rows, seed=20261124)
        _, triple_memory, triple_tree = timed(deid(triple, DATA / "out3"), sample_tree=True)

    scaled = (
        ""
        if structured_rows == args.rows
        else f" (measured on {structured_rows:,} rows, scaled ×{args.rows / structured_rows:g})"
    )
    print(f"\nmachine: {os.cpu_count()} cores; rows: {args.rows:,}; file: {source.stat().st_size / 2**20:.0f} MiB")
    print(f"{'what':<44}{'seconds':>10}{'peak MiB':>10}{'all processes':>15}")
    print(f"{'1. pandas read + write (floor)':<44}{floor:>10.1f}{floor_memory:>10}")
    print(f"{'2. deid run --pipeline dibao':<44}{deid_seconds:>10.1f}{deid_memory:>10}{deid_tree:>15}")
    print(f"{'3. presidio-structured, whole columns':<44}{structured_full:>10.1f}{'':>10}{scaled}")
    if triple_memory is not None:
        print(f"{'4. deid run on the 3x file':<44}{'':>10}{triple_memory:>10}{triple_tree:>15}")
    print(f"\nratio 2/1 (target ≤ 3): {deid_seconds / floor:.2f}")
    print(f"ratio 2/3 (target < 1): {deid_seconds / structured_full:.3f}")
    if triple_memory is not None:
        print(f"memory 3x/1x (target ≤ 1.2): {triple_memory / deid_memory:.2f} (largest process), "
              f"{triple_tree / deid_tree:.2f} (all processes)")  # fmt: skip


if __name__ == "__main__":
    main()
