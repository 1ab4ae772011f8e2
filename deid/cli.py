"""The ``deid`` command line: thin typer commands over plain functions that return data."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from deid.columns import COLUMN_TYPES
from deid.errors import DeidError
from deid.policy import describe_rule, list_pipelines, load_pipeline
from deid.publish import FileReport
from deid.publish import run as run_batch

app = typer.Typer(
    help="deid：把内部名单（低保、特困、临时救助……）变成可以公开的表格，并写下审核日志。\n\n"
    "例：deid run 名单.xlsx --pipeline 低保 --out 公开版",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# soft_wrap: a message stays one line in a log file, whatever the width rich assumes for a non-terminal.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(error: DeidError) -> typer.Exit:
    err.print(f"deid: {error}", markup=False)
    return typer.Exit(1)


@app.command()
def run(
    inputs: Annotated[
        list[Path], typer.Argument(help="名单文件或文件夹（.xlsx .xlsm .xls .csv .txt），文件夹会逐个处理")
    ],
    pipeline: Annotated[
        str, typer.Option("--pipeline", "-p", help="策略名称或中文别名，如 dibao / 低保；或自己的 .yaml")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="公开版输出文件夹（不能是输入文件夹）")],
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="指纹密钥文件；不存在时自动创建。不要随公开版发布")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="并行处理的进程数；0 = 本机的核数")] = 0,
) -> None:
    """按策略处理名单：写出公开版、审核日志（.audit.jsonl）、manifest.json 和 report.html。"""
    progress = _progress()
    task = progress.add_task("处理名单", total=None) if progress else None

    def on_file(report: FileReport) -> None:
        if progress:
            progress.advance(task)
        _print_file(report)

    try:
        if progress:
            progress.start()
        report = run_batch(inputs, pipeline, out_dir, key_file, on_file=on_file, jobs=jobs or os.cpu_count() or 1)
    except DeidError as error:
        raise _fail(error) from None
    except KeyboardInterrupt:
        err.print(
            f"deid: interrupted; no partial file is left in {out_dir}; run the same command again to finish",
            markup=False,
        )
        raise typer.Exit(130) from None
    finally:
        if progress:
            progress.stop()
    done = len(report.files) - len(report.failed)
    out.print(f"完成：{done} 个文件已公开到 {out_dir}，{len(report.failed)} 个失败。", markup=False)
    for failed in report.failed:
        err.print(f"  失败 {failed.error}", markup=False)
    raise typer.Exit(1 if report.failed or not report.files else 0)


def _progress() -> Progress | None:
    if not sys.stderr.isatty():
        return None
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _print_file(report: FileReport) -> None:
    if report.status == "published":
        out.print(f"✓ {Path(report.input).name} → {report.output}（{report.records} 条审核记录）", markup=False)
        for warning in report.warnings:
            out.print(f"  注意：{warning}", markup=False)
    else:
        err.print(f"✗ {report.error}", markup=False)


@app.command()
def scan(
    inputs: Annotated[list[Path], typer.Argument(help="名单文件")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """查看每一列是什么、含有哪些个人信息。只读，不写任何文件。"""
    from deid.scan import Scanner

    scanner = Scanner()
    results, failed = [], False
    for path in inputs:
        try:
            results += scanner.scan(path)
        except DeidError as error:
            err.print(f"deid: {error}", markup=False)
            failed = True
    if as_json:
        out.print_json(json.dumps([asdict(r) for r in results], ensure_ascii=False))
    else:
        for sheet in results:
            _print_scan(sheet)
    raise typer.Exit(1 if failed else 0)


def _print_scan(sheet) -> None:
    title = (
        f"{sheet.file}"
        + (f" / {sheet.sheet}" if sheet.sheet else "")
        + f"（表头在第 {'、'.join(map(str, sheet.header_rows)) or '—'} 行，{sheet.rows} 行）"
    )
    table = Table(title=title, title_justify="left")
    for name in ("列", "类型", "依据", "非空", "发现的个人信息"):
        table.add_column(name)
    for column in sheet.columns:
        findings = "、".join(f"{k} {v}" for k, v in sorted(column.findings.items())) or "—"
        table.add_row(column.column, column.title, column.evidence, str(column.cells), findings)
    out.print(table)
    for warning in sheet.warnings:
        out.print(f"注意：{warning}", markup=False)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="要公开的文件（任何来源，不限于 deid 生成的）")]) -> None:
    """发布前的关口：文件任何地方（隐藏工作表、隐藏列、批注、文档属性……）还有个人信息就返回 1。"""
    from deid.check import Checker

    checker, failed = Checker(), False
    for path in files:
        result = checker.check(path)
        failed |= not result.passed
        if result.error:
            err.print(f"✗ {result.error}", markup=False)
        elif result.count:
            out.print(f"✗ {path.name}：发现 {result.count} 处个人信息", markup=False)
            for finding in result.findings:
                where = f"{finding.sheet}!{finding.place}" if finding.sheet else finding.place
                out.print(f"  {where}  {finding.entity}  {finding.masked}", markup=False)
            if result.count > len(result.findings):
                out.print(f"  ……另有 {result.count - len(result.findings)} 处未列出", markup=False)
        else:
            out.print(f"✓ {path.name}：未发现个人信息", markup=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def pipelines(
    name: Annotated[str | None, typer.Argument(help="策略名称：给出时说明这个策略做什么")] = None,
) -> None:
    """列出内置策略；给出名称时用中文说明它怎么处理每一类信息。"""
    try:
        if name is None:
            table = Table("名称", "名单", "领域")
            for pipeline in list_pipelines():
                table.add_row(pipeline.name, pipeline.title, pipeline.domain)
            out.print(table)
            return
        pipeline = load_pipeline(name)
    except DeidError as error:
        raise _fail(error) from None
    out.print(f"{pipeline.name}：{pipeline.title}（{pipeline.domain}）", markup=False)
    out.print(f"依据：{pipeline.basis}", markup=False)
    if pipeline.description:
        out.print(pipeline.description, markup=False)
    out.print("\n按列：", markup=False)
    for column, rule in pipeline.columns.items():
        out.print(f"  {COLUMN_TYPES[column].title}：{describe_rule(rule, COLUMN_TYPES[column].entity)}", markup=False)
    out.print("\n文字中（备注、事由、标题和表尾）：", markup=False)
    for entity, rule in pipeline.text.items():
        out.print(f"  {entity}：{describe_rule(rule, entity)}", markup=False)


@app.command()
def report(out_dir: Annotated[Path, typer.Argument(help="deid run 的输出文件夹")]) -> None:
    """根据输出文件夹里的 manifest.json 和审核日志重新生成 report.html。"""
    from deid.report import build_report

    try:
        path = build_report(out_dir)
    except DeidError as error:
        raise _fail(error) from None
    out.print(f"已生成 {path}", markup=False)


def main() -> None:  # pragma: no cover - console entry point
    app()
