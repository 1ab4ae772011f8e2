"""``deid run``: publish every input roster under one pipeline into an output folder.

read → profile → policy → transform → write + audit, file by file. A file that fails is named with a
one-line reason and leaves nothing behind in the output folder; the other files are still published.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deid import __version__
from deid.audit import AuditWriter, audit_block, workbook_record
from deid.check import CHECK, Checker, CheckResult, CsvGate, check_spec
from deid.errors import DeidError, OutputError
from deid.fingerprint import Fingerprinter, load_or_create_key
from deid.io import (
    SUFFIXES,
    Sheet,
    Workbook,
    atomic_output,
    open_writer,
    output_name,
    sha256_file,
    use_workbook,
    write_atomically,
)
from deid.parallel import BlockMapper, Finish, bind_to_run, interrupts_deferred
from deid.policy import Pipeline, load_pipeline
from deid.report import build_report
from deid.transform import SheetPlan


@dataclass
class ColumnReport:
    header: str
    type: str
    title: str
    typed_by: str
    evidence: str
    action: str
    rule: str


@dataclass
class SheetReport:
    name: str | None
    rows: int
    header_rows: list[int]  # 1-based, as in Excel
    text_rows: int
    columns: list[ColumnReport]
    warnings: list[str] = field(default_factory=list)


@dataclass
class FileReport:
    input: str
    output: str | None = None
    audit: str | None = None
    status: str = "failed"
    error: str | None = None
    input_sha256: str | None = None
    output_sha256: str | None = None
    records: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    sheets: list[SheetReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    check: dict | None = None  # the publication gate's result on the written copy (masked values only)


@dataclass
class RunReport:
    tool: str
    version: str
    pipeline: str
    pipeline_title: str
    pipeline_source: str
    policy_hash: str
    key_id: str
    files: list[FileReport]

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status != "published"]


def collect_inputs(inputs: list[Path], out_dir: Path) -> list[tuple[Path, Path]]:
    """(input file, output path relative to the output folder) for every roster named or found in folders.

    Folders are walked in name order; Excel's lock files (``~$…``), hidden files and anything inside the
    output folder are skipped, and a file named twice is published once.
    """
    out_dir = out_dir.resolve()
    found: dict[Path, Path] = {}
    for item in inputs:
        if item.is_dir():
            for path in sorted(item.rglob("*")):
                relative = path.relative_to(item)
                if _is_roster(path) and out_dir not in path.resolve().parents:
                    found.setdefault(path.resolve(), relative.parent / output_name(path))
        else:
            found.setdefault(item.resolve(), Path(output_name(item)))
    return [(path, relative) for path, relative in found.items()]


def _is_roster(path: Path) -> bool:
    hidden = any(part.startswith((".", "~$")) for part in path.parts[-1:])
    return path.is_file() and path.suffix.lower() in SUFFIXES and not hidden


def audit_name(relative: Path) -> Path:
    """The audit log's path beside the published file's.

    >>> str(audit_name(Path('sub/名单.xlsx')))
    'sub/名单.audit.jsonl'
    """
    return relative.with_name(relative.stem + ".audit.jsonl")


class Publisher:
    """Publishes files under one pipeline with one key; the analyzer and jieba are loaded once."""

    def __init__(self, pipeline: Pipeline, fingerprint: Fingerprinter, jobs: int = 1) -> None:
        """With ``jobs`` > 1 the blocks of a large CSV are transformed (and checked) in worker processes."""
        self.pipeline = pipeline
        self.fingerprint = fingerprint
        self.mapper = BlockMapper({PUBLISH: (pipeline, fingerprint), CHECK: check_spec(load_pipeline("default"))}, jobs)
        self.transformer = self.mapper.transformers[PUBLISH]
        self.checker = Checker(mapper=self.mapper)

    def publish(self, source: Path, relative: Path, out_dir: Path) -> FileReport:
        report = FileReport(input=str(source))
        try:
            self._publish(source, relative, out_dir, report)
        except DeidError as error:
            report.error = str(error)
        except Exception as error:  # fail closed: an unexpected fault fails this file, never publishes it
            if os.environ.get("DEID_DEBUG"):
                raise
            report.error = (
                f"{source.name}: could not be processed ({type(error).__name__}); nothing was published for it"
            )
        if report.status != "published":
            for name in (relative, audit_name(relative)):
                (out_dir / name).unlink(missing_ok=True)
        return report

    def _publish(self, source: Path, relative: Path, out_dir: Path, report: FileReport) -> None:
        target, audit_target = out_dir / relative, out_dir / audit_name(relative)
        # hashlib lets other threads run while it hashes: the digests are taken alongside reading and checking.
        with ThreadPoolExecutor(1) as hasher:
            input_digest = hasher.submit(sha256_file, source)
            checked = use_workbook(source, lambda workbook: self._write(workbook, target, audit_target, report))
            report.input_sha256 = input_digest.result()
            report.output, report.audit = str(relative), str(audit_name(relative))
            if checked is None:  # not checked while written (xlsx; a CSV the streaming gate declined)
                output_digest = hasher.submit(sha256_file, target) if report.output_sha256 is None else None
                _pass_gate(self.checker.check(target, self.pipeline), source.name, report)
                report.output_sha256 = output_digest.result() if output_digest else report.output_sha256
        report.status = "published"

    def _write(self, workbook: Workbook, target: Path, audit_target: Path, report: FileReport) -> CheckResult | None:
        """Transform ``workbook`` block by block into the published copy and its audit log (both atomic).

        A copy written block by block (CSV) is checked by the publication gate while it is written, and hashed:
        the gate's result, or None if the finished file is to be checked."""
        label = workbook.path.name
        report.sheets, report.warnings = [], []
        with atomic_output(target) as published, atomic_output(audit_target) as log:
            writer, audit = open_writer(workbook, published), AuditWriter(log)
            gate = CsvGate(self.checker, published, target, self.pipeline) if writer.rows else None
            try:
                for r in workbook.package.removals:
                    fingerprint = self.fingerprint(r.value) if r.value else None
                    audit.write(audit_block(workbook_record(r.action, r.rule, r.cell, fingerprint), label, r.sheet))
                for sheet in workbook.sheets:
                    if sheet.hidden:
                        record = workbook_record("remove_sheet", "hygiene:hidden_sheet")
                        audit.write(audit_block(record, label, sheet.name))
                        continue
                    report.sheets.append(self._write_sheet(sheet, label, writer, audit, log.parent, gate))
                    report.warnings += report.sheets[-1].warnings
            except BaseException:
                if gate is not None:
                    gate.cancel()
                raise
            finally:
                writer.close()
                audit.close()
            # Before the rename: workers read the file by name, and a copy that fails never has a published name.
            checked = gate.result() if gate is not None else None
            if checked is not None:
                _pass_gate(checked, workbook.path.name, report)
        report.records, report.counts = audit.records, audit.counts
        report.output_sha256 = writer.sha256
        return checked

    def _write_sheet(
        self, sheet: Sheet, label: str, writer, audit: AuditWriter, spool: Path, gate: CsvGate | None
    ) -> SheetReport:
        plan = self.transformer.plan(sheet)
        audit.write(audit_block(self.transformer.dropped_records(plan), label, sheet.name))
        writer.start_sheet(sheet)
        rows = text_rows = 0
        finish = Finish((label, sheet.name), writer.rows.render if writer.rows else None, spool)
        for result in self.mapper.map(PUBLISH, plan, sheet.blocks(), finish):
            if result.rendered is None:
                written = writer.write(result.outcome.grid)
            else:
                written = writer.write_rendered(result.rendered)
            if gate is not None:
                gate.appended(*written, result.rows)
            audit.write(result.audit)
            rows, text_rows = rows + result.rows, text_rows + result.outcome.text_rows
        return _sheet_report(sheet.name, rows, plan, text_rows)


def _pass_gate(gate: CheckResult, name: str, report: FileReport) -> None:
    """Record the publication gate's result; raise if the published copy failed it."""
    report.check = gate.summary()
    if gate.passed:
        return
    first = gate.findings[0] if gate.findings else None
    where = f"first: {first.sheet + '!' if first.sheet else ''}{first.place} {first.entity}" if first else gate.error
    raise DeidError(
        f"{name}: the published copy failed deid check ({gate.count} finding(s), {where}); nothing was published for it"
    )


def _sheet_report(name: str | None, rows: int, plan: SheetPlan, text_rows: int) -> SheetReport:
    columns = [
        ColumnReport(p.header, p.type, p.title, p.typed_by, p.evidence, rule.action, rule.origin)
        for p, rule in zip(plan.profiles, plan.rules)
    ]
    body_rows = rows - plan.layout.body_start
    return SheetReport(name, body_rows, [r + 1 for r in plan.layout.header_rows], text_rows, columns, plan.warnings)


def check_output_folder(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse an output folder that would overwrite or sit beside the inputs' own files."""
    out = out_dir.resolve()
    for item in inputs:
        if item.resolve() == out:
            raise OutputError(f"{out_dir}: --out is the input folder; choose a separate folder for published files")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{out_dir}: cannot create the output folder ({error.strerror}); choose another --out"
        ) from None
    # A run killed midway leaves its temporary files (never a published name); they go before this run starts.
    for stale in out.rglob(".*.part"):
        stale.unlink(missing_ok=True)
    probe = out / ".deid-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise OutputError(
            f"{out_dir}: the output folder is not writable ({error.strerror}); choose another --out"
        ) from None


def run(
    inputs: list[Path],
    pipeline_name: str,
    out_dir: Path,
    key_file: Path | None = None,
    on_file: Callable[[FileReport], None] | None = None,
    jobs: int = 1,
) -> RunReport:
    """Publish every roster in ``inputs``; write the manifest. Raises DeidError for run-level problems."""
    pipeline = load_pipeline(pipeline_name)
    fingerprint = Fingerprinter(load_or_create_key(key_file))
    check_output_folder(out_dir, inputs)
    report = RunReport(
        "deid",
        __version__,
        pipeline.name,
        pipeline.title,
        pipeline.source,
        pipeline.policy_hash,
        fingerprint.key_id,
        [],
    )
    items, refused = plan_outputs(inputs, out_dir)
    beside = next((source for source, _ in items if source.parent == out_dir.resolve()), None)
    if beside is not None:
        raise OutputError(
            f"{out_dir}: --out is the folder of the input {beside.name}; choose a separate folder for published files"
        )
    report.files += refused
    for file_report in _publish_all(pipeline, fingerprint, items, out_dir, jobs):
        report.files.append(file_report)
        if on_file:
            on_file(file_report)
    write_manifest(report, out_dir / "manifest.json")
    build_report(out_dir)
    return report


def plan_outputs(inputs: list[Path], out_dir: Path) -> tuple[list[tuple[Path, Path]], list[FileReport]]:
    """The files to publish with their output paths, and reports for inputs refused before any work."""
    refused = [FileReport(input=str(p), error=f"{p.name}: no such file or folder") for p in inputs if not p.exists()]
    items, taken = [], set()
    for source, relative in collect_inputs([p for p in inputs if p.exists()], out_dir):
        clash = next((name for name in (relative, audit_name(relative)) if name in taken), None)
        if clash is not None:
            refused.append(
                FileReport(
                    input=str(source), error=f"{source.name}: another input also writes {clash}; rename one of them"
                )
            )
            continue
        taken |= {relative, audit_name(relative)}
        items.append((source, relative))
    return items, refused


_worker: Publisher | None = None
PUBLISH = "publish"


def _start_worker(pipeline: Pipeline, fingerprint: Fingerprinter) -> None:
    global _worker
    bind_to_run()
    _worker = Publisher(pipeline, fingerprint)


def _publish_in_worker(item: tuple[Path, Path, Path]) -> FileReport:
    source, relative, out_dir = item
    return _worker.publish(source, relative, out_dir)


def _publish_all(
    pipeline: Pipeline, fingerprint: Fingerprinter, items: list[tuple[Path, Path]], out_dir: Path, jobs: int
) -> Iterator[FileReport]:
    """Publish in input order. With ``jobs`` > 1, several files go to worker processes one file each;
    a single file has its blocks spread over the workers instead."""
    if jobs <= 1 or len(items) <= 1:
        publisher = Publisher(pipeline, fingerprint, jobs)
        try:
            for source, relative in items:
                yield publisher.publish(source, relative, out_dir)
        finally:
            publisher.mapper.close()
        return
    pool = ProcessPoolExecutor(min(jobs, len(items)), initializer=_start_worker, initargs=(pipeline, fingerprint))
    try:
        with interrupts_deferred():
            results = pool.map(_publish_in_worker, [(source, relative, out_dir) for source, relative in items])
        yield from results
    finally:
        # After Ctrl-C (which workers leave to this process) the files not begun are not, and those being written
        # end whole or fail whole, so that no temporary file outlives the run.
        pool.shutdown(wait=True, cancel_futures=True)


def write_manifest(report: RunReport, target: Path) -> None:
    data = asdict(report)
    data["failed"] = len(report.failed)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomically(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
