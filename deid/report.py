"""``deid report``: one self-contained HTML page (``report.html``) that a reviewer reads and signs.

Built from what ``deid run`` left in the output folder: ``manifest.json``, each file's audit log and its
published copy. It never opens an input file, so no original value can reach the page: the audit log holds
fingerprints and published values only. The page is the same bytes for the same folder (no clock, no
randomness, fixed sample), has inline CSS, no script and no external address, and escapes every text.

>>> print(entity_title("PERSON+CN_PHONE"), action_title("mask+generalize"), action_title("remove_macro"))
姓名＋电话号码 遮蔽＋泛化 删除宏
>>> is_hygiene("mask+replace"), is_hygiene("remove_comment"), is_hygiene(None)
(False, True, True)
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from deid import __version__
from deid.columns import COLUMN_TYPES
from deid.errors import DeidError
from deid.io import Sheet, Workbook, read_workbook, sha256_file, write_atomically
from deid.policy import Pipeline, describe_rule, load_pipeline

REPORT_NAME = "report.html"
SAMPLE_ROWS = 10
HYGIENE_LISTED = 200  # per file; the rest are counted and left to the audit log
CONTENT_ACTIONS = frozenset({"mask", "generalize", "replace", "pseudonymize", "drop_column"})
# Summary columns: which audit actions each one counts (a pseudonym replaces the value, so it counts as 替换).
SUMMARY_ACTIONS = {
    "遮蔽": ("mask",),
    "泛化": ("generalize",),
    "替换": ("replace", "pseudonymize"),
    "删除列": ("drop_column",),
}

ENTITY_TITLES = {
    "PERSON": "姓名",
    "CN_ID_CARD": "身份证号",
    "CN_DISABILITY_CERT": "残疾人证号",
    "CN_PHONE": "电话号码",
    "CN_PUBLIC_PHONE": "公共服务电话",
    "BANK_CARD": "银行卡号/账号",
    "CN_USCC": "统一社会信用代码",
    "CN_ADDRESS": "住址",
    "CN_PASSPORT": "护照号",
    "CN_TRAVEL_PERMIT": "通行证号",
    "EMAIL_ADDRESS": "电子邮箱",
    "CN_LICENCE_PLATE": "车牌号",
    "DISABILITY": "残疾类别/等级",
    "DIAGNOSIS": "疾病名称/诊断",
    "BIRTH_DATE": "出生日期",
}
ACTION_TITLES = {
    "keep": "原样公开（仍逐格检查）",
    "mask": "遮蔽",
    "generalize": "泛化",
    "replace": "替换",
    "pseudonymize": "化名",
    "drop_column": "整列删除",
    "redact": "去除文字中的个人信息",
    "keep_if_consent": "本人同意才公开",
    "remove_sheet": "删除隐藏工作表",
    "remove_hidden_column": "删除隐藏列",
    "remove_comment": "删除批注",
    "clear_metadata": "清除文档属性",
    "remove_formula": "公式改为数值",
    "remove_defined_name": "删除定义名称",
    "remove_pivot_cache": "删除数据透视缓存",
    "remove_external_link": "删除外部链接",
    "remove_embedded_object": "删除嵌入对象",
    "remove_image": "删除图片",
    "remove_macro": "删除宏",
}
TYPED_BY_TITLES = {"header": "按表头", "values": "按值", "header+values": "按表头和值", "none": "未识别"}

EXPLANATION = (
    "本报告根据输出文件夹中的 manifest.json、各文件的审核日志（.audit.jsonl）和公开版文件生成；"
    "不读取原始名单，页面中没有任何原始值。请对照下列各部分核对，确认公开版可以发布后签字。"
)
PARTS_EXPLAINED = (
    (
        "汇总",
        "每个文件一行。审核记录是日志中的记录条数；遮蔽、泛化、替换（含化名）、删除列按处理方式计数，"
        "一条记录同时有几种处理时每种各计一次；清理项是从工作簿中去掉的隐藏表、批注、文档属性、公式等；"
        "检查结果是公开前对公开版的再次检查（“—”表示没有记录）。",
    ),
    ("列的判定与处理", "每一列被判定为什么（按表头、按值或两者）、判断依据、按策略怎样处理以及对应的规则。"),
    ("处理条数", "按信息类型和处理方式统计的审核记录条数。"),
    ("清理项", "公开版工作簿中去掉的内容，每项一条审核记录。"),
    ("检查结果", "未通过时列出发现的位置和遮蔽后的样子；未通过的文件不应发布。"),
    (
        "警告",
        "运行时的提示（如被 Excel 存成数字、后几位已丢失的身份证号），按值改判、与表头不符的列，以及整列删除的列。",
    ),
    (
        "抽样",
        f"每个工作表前 {SAMPLE_ROWS} 行数据在公开版中的样子，每行下面是这一行的审核记录（单元格按原表的列字母）。",
    ),
    (
        "指纹",
        "用本单位密钥对原始值计算的 HMAC：同一密钥下同一个值指纹相同，持有密钥和内部名单的人可以据此核对，"
        "但无法从指纹还原原始值。",
    ),
)

STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Zen Hei",
sans-serif;margin:24px auto;max-width:1400px;padding:0 16px;color:#1a1a1a;font-size:14px;line-height:1.5}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #345;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;
vertical-align:top;overflow-wrap:anywhere}th{background:#e8edf2;white-space:nowrap}
#summary td:nth-child(-n+2),#summary td:nth-child(9){white-space:nowrap}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:8px 0}dl.meta dt{font-weight:bold}
dl.meta dd{margin:0}.explain{background:#f6f6f0;border-left:4px solid #998;padding:8px 12px;max-width:1100px}
tr.failed td{background:#fdecea}.bad{color:#b00020;font-weight:bold}.good{color:#176c2e;font-weight:bold}
.note{color:#555}
table.sample tr.published td{background:#fff;border-top:2px solid #789}table.sample tr.audit>td{background:#f7f7f2}
table.records{margin:0;font-size:12px}table.records th{background:#eee}
ul.warnings li{margin:2px 0}.sign{margin-top:40px;font-size:16px;line-height:2.4}
@media print{body{margin:0;max-width:none}section.file{page-break-before:always}}
"""


@dataclass
class AuditLog:
    """What the report needs from one audit log: hygiene records, the sample rows' records and a line count."""

    hygiene: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    lines: int = 0
    problem: str | None = None


def build_report(out_dir: Path) -> Path:
    """Write ``out_dir/report.html`` from the manifest, audit logs and published files; return its path."""
    out_dir = Path(out_dir)
    manifest = load_manifest(out_dir)
    page = render(manifest, out_dir).encode("utf-8")
    target = out_dir / REPORT_NAME
    write_atomically(target, lambda temporary: temporary.write_bytes(page))
    return target


def load_manifest(out_dir: Path) -> dict:
    """The run's manifest; a folder without a readable one is a user error naming the folder."""
    try:
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise DeidError(f"{out_dir}: no readable manifest.json; run `deid run … --out {out_dir}` first")
    return manifest


def render(manifest: dict, out_dir: Path) -> str:
    """The whole page as text."""
    pipeline = current_pipeline(manifest)
    files = [f for f in manifest["files"] if isinstance(f, dict)]
    parts = [
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
        f"<title>去标识化审核报告 · {_e(manifest.get('pipeline_title'))}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        _header(manifest, files, pipeline),
        _explanation(),
        "<h2>汇总</h2>\n",
        _summary(files),
        _failures(files),
        *(_file_section(number, entry, out_dir, pipeline) for number, entry in _published(files)),
        '<p class="sign">审核意见：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿<br>'
        "审核人：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿</p>\n",
        f'<p class="note">由 deid {_e(__version__)} 生成（deid report）。</p>\n</body>\n</html>\n',
    ]
    return "".join(parts)


def _explanation() -> str:
    items = "".join(f"<dt>{_e(term)}</dt><dd>{_e(meaning)}</dd>" for term, meaning in PARTS_EXPLAINED)
    return f'<h2>说明</h2>\n<div class="explain"><p>{_e(EXPLANATION)}</p><dl class="meta">{items}</dl></div>\n'


def current_pipeline(manifest: dict) -> Pipeline | None:
    """The installed pipeline the run used, if it still has the same rules (same policy hash)."""
    try:
        pipeline = load_pipeline(str(manifest.get("pipeline")))
    except DeidError:
        return None
    return pipeline if pipeline.policy_hash == manifest.get("policy_hash") else None


def _published(files: list[dict]) -> Iterable[tuple[int, dict]]:
    return ((n, f) for n, f in enumerate(files, 1) if f.get("status") == "published")


# ---- text helpers -------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escaped text; nothing shows as a dash."""
    return "—" if value is None or value == "" else escape(str(value))


def entity_title(entity: object) -> str:
    """Chinese for an entity code, or for several joined with ``+``; whole-file records have none."""
    if entity is None or entity in ("", "-"):
        return "—"
    return "＋".join(ENTITY_TITLES.get(part, part) for part in str(entity).split("+"))


def action_title(action: object) -> str:
    """Chinese for an action code, or for several joined with ``+``."""
    return "＋".join(ACTION_TITLES.get(part, part) for part in str(action or "").split("+"))


def is_hygiene(action: object) -> bool:
    """Whether an audit action cleans the workbook (anything but the five ways of treating a value)."""
    return not set(str(action or "").split("+")) <= CONTENT_ACTIONS


def _row(cells: list[object], css: str = "") -> str:
    html = "".join(f"<td>{_e(cell)}</td>" for cell in cells)
    return f'<tr class="{css}">{html}</tr>' if css else f"<tr>{html}</tr>"


def _wrap_table(headers: list[str], rows: list[str], attrs: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return f"<table{attrs}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"


def _table(headers: list[str], rows: list[list[object]], attrs: str = "", row_classes: list[str] | None = None) -> str:
    classes = row_classes or [""] * len(rows)
    return _wrap_table(headers, [_row(row, css) for row, css in zip(rows, classes, strict=True)], attrs)


def _paragraph(text: str, css: str = "note") -> str:
    return f'<p class="{css}">{_e(text)}</p>\n'


# ---- header and summary -------------------------------------------------------------------------------------


def _header(manifest: dict, files: list[dict], pipeline: Pipeline | None) -> str:
    published = sum(1 for f in files if f.get("status") == "published")
    items = [
        ("工具版本", f"{manifest.get('tool', 'deid')} {manifest.get('version', '')}".strip()),
        ("策略", f"{manifest.get('pipeline', '')}（{manifest.get('pipeline_title', '')}）"),
        ("策略指纹", str(manifest.get("policy_hash") or "")[:12]),
        ("密钥编号", manifest.get("key_id")),
        ("文件", f"已公开 {published} 个，失败 {len(files) - published} 个"),
    ]
    if pipeline is not None and pipeline.description:
        items.append(("策略内容", pipeline.description))
    if pipeline is None:
        items.append(("注意", "本机安装的策略与运行时的策略指纹不同（或已不存在），下面的处理方式按动作代码说明"))
    rows = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in items)
    return f'<h1>去标识化审核报告</h1>\n<dl class="meta">{rows}</dl>\n'


def _action_total(counts: dict, actions: Iterable[str]) -> int:
    wanted = set(actions)
    return sum(
        n for per_entity in counts.values() for action, n in per_entity.items() if wanted & set(action.split("+"))
    )


def _hygiene_total(counts: dict) -> int:
    return sum(n for per_entity in counts.values() for action, n in per_entity.items() if is_hygiene(action))


def _check_title(entry: dict) -> str:
    check = entry.get("check")
    if not isinstance(check, dict):
        return "—"
    return "通过" if check.get("passed") else f"未通过（{len(check.get('findings') or [])} 处）"


def file_label(entry: dict) -> str:
    """The file's name as the clerk knows it (never the input's full path)."""
    return Path(str(entry.get("input") or entry.get("output") or "?")).name


def _summary(files: list[dict]) -> str:
    headers = ["文件", "状态", "审核记录", *SUMMARY_ACTIONS, "清理项", "检查结果", "说明"]
    rows, classes = [], []
    for entry in files:
        if entry.get("status") == "published":
            counts = entry.get("counts") or {}
            totals = [_action_total(counts, actions) for actions in SUMMARY_ACTIONS.values()]
            note = f"公开版：{entry.get('output')}"
            rows.append([file_label(entry), "已公开", entry.get("records", 0), *totals, _hygiene_total(counts)])
            rows[-1] += [_check_title(entry), note]
            classes.append("")
        else:
            dashes = ["—"] * (len(headers) - 4)
            rows.append([file_label(entry), "失败", *dashes, _check_title(entry), entry.get("error") or "未知原因"])
            classes.append("failed")
    if not rows:
        return _paragraph("manifest 中没有任何文件。", "bad")
    return _table(headers, rows, ' id="summary"', classes)


def _failures(files: list[dict]) -> str:
    """Failed files: nothing of them was published; the gate's findings say why, where it ran."""
    failed = [f for f in files if f.get("status") != "published"]
    if not failed:
        return ""
    parts = ["<h2>失败的文件（未公开）</h2>\n"]
    for entry in failed:
        parts.append(f"<h3>{_e(file_label(entry))}</h3>\n")
        parts.append(_paragraph(entry.get("error") or "未知原因", "bad"))
        if isinstance(entry.get("check"), dict):
            parts.append(_check(entry))
    return "".join(parts)


# ---- one published file -------------------------------------------------------------------------------------


def _file_section(number: int, entry: dict, out_dir: Path, pipeline: Pipeline | None) -> str:
    sheets = [s for s in entry.get("sheets") or [] if isinstance(s, dict)]
    workbook, integrity = _published_workbook(entry, out_dir)
    sample_rows = [_sample_rows(_published_sheet(workbook, sheet, i), sheet) for i, sheet in enumerate(sheets)]
    wanted = {(sheet.get("name"), row) for sheet, rows in zip(sheets, sample_rows, strict=True) for row in rows}
    log = read_audit(_inside(out_dir, entry.get("audit")), wanted)
    integrity += _log_problems(entry, log)
    parts = [
        f'<section class="file" id="file-{number}">\n<h2>{_e(file_label(entry))} → {_e(entry.get("output"))}</h2>\n',
        _paragraph(
            f"审核日志：{entry.get('audit')}；公开版 SHA-256：{str(entry.get('output_sha256') or '')[:16]}…；"
            f"审核记录 {entry.get('records', 0)} 条"
        ),
        "<h3>列的判定与处理</h3>\n",
        *(_profile(sheet, pipeline) for sheet in sheets),
        "<h3>按信息类型的处理条数</h3>\n",
        _counts(entry.get("counts") or {}),
        "<h3>清理项</h3>\n",
        _hygiene(log),
        "<h3>检查结果</h3>\n",
        _check(entry),
        "<h3>警告</h3>\n",
        _warnings(entry, sheets, integrity),
        f"<h3>抽样：每个工作表前 {SAMPLE_ROWS} 行数据</h3>\n",
        _samples(sheets, workbook, sample_rows, log),
        "</section>\n",
    ]
    return "".join(parts)


def _inside(out_dir: Path, relative: object) -> Path | None:
    """A manifest path inside the output folder, or None (missing, or pointing elsewhere)."""
    if not relative:
        return None
    path = (out_dir / str(relative)).resolve()
    return path if out_dir.resolve() in path.parents else None


def _sheet_title(sheet: dict) -> str:
    return f"工作表「{sheet['name']}」" if sheet.get("name") is not None else "CSV 表格"


def _profile(sheet: dict, pipeline: Pipeline | None) -> str:
    rows = []
    for column in sheet.get("columns") or []:
        typed = f"{column.get('title')}（{TYPED_BY_TITLES.get(column.get('typed_by'), column.get('typed_by'))}）"
        rows.append(
            [column.get("header"), typed, column.get("evidence"), treatment(column, pipeline), column.get("rule")]
        )
    header_rows = "、".join(str(r) for r in sheet.get("header_rows") or []) or "未找到"
    caption = f"{_sheet_title(sheet)}：表头在第 {header_rows} 行，{sheet.get('rows', 0)} 行表体，{sheet.get('text_rows', 0)} 行按文字检查"
    return _paragraph(caption, "") + _table(["列", "判定类型", "判断依据", "处理方式", "规则"], rows)


def treatment(column: dict, pipeline: Pipeline | None) -> str:
    """How a column was treated, in plain Chinese: the pipeline's own wording when its rules are unchanged."""
    rule = pipeline.columns.get(column.get("type")) if pipeline else None
    if rule is not None and rule.action == column.get("action"):
        return describe_rule(rule, COLUMN_TYPES[column["type"]].entity)
    return action_title(column.get("action"))


def _counts(counts: dict) -> str:
    rows = [
        [entity_title(entity), entity if entity != "-" else None, action_title(action), n]
        for entity, per_entity in sorted(counts.items())
        for action, n in sorted(per_entity.items())
    ]
    return _table(["信息类型", "代码", "处理", "条数"], rows) if rows else _paragraph("没有改动任何单元格。")


def _hygiene(log: AuditLog) -> str:
    if not log.hygiene:
        return _paragraph("无：公开版中没有需要清理的隐藏内容、批注、文档属性或公式。")
    shown = log.hygiene[:HYGIENE_LISTED]
    rows = [
        [r.get("sheet"), r.get("cell") or r.get("column") or "整个文件", action_title(r.get("action")), r.get("rule")]
        for r in shown
    ]
    table = _table(["工作表", "位置", "清理动作", "规则"], rows)
    rest = len(log.hygiene) - len(shown)
    return table + (_paragraph(f"另有 {rest} 项清理记录未列出，见审核日志。") if rest else "")


def _check(entry: dict) -> str:
    check = entry.get("check")
    if not isinstance(check, dict):
        return _paragraph("本次运行没有记录公开前检查的结果。")
    findings = [f for f in check.get("findings") or [] if isinstance(f, dict)]
    if check.get("passed"):
        return _paragraph("通过：在公开版中没有发现个人信息。", "good")
    verdict = f"未通过：在公开版中发现 {len(findings)} 处疑似个人信息，不应发布。"
    if check.get("error"):
        verdict = f"未通过：无法完成检查（{check['error']}），不应发布。"
    rows = [
        [f.get("sheet"), f.get("cell") or f.get("place"), entity_title(f.get("entity")), f.get("masked")]
        for f in findings
    ]
    table = _table(["工作表", "位置", "信息类型", "发现的值（已遮蔽）"], rows) if rows else ""
    return _paragraph(verdict, "bad") + table


def _warnings(entry: dict, sheets: list[dict], integrity: list[str]) -> str:
    lines = [*integrity, *(str(w) for w in entry.get("warnings") or [])]
    columns = []
    for sheet in sheets:
        for column in sheet.get("columns") or []:
            where = f"{_sheet_title(sheet)} 列「{column.get('header')}」"
            evidence = str(column.get("evidence") or "")
            if column.get("typed_by") == "values" and not evidence.startswith("表头未识别"):
                columns.append([where, f"按值判定为{column.get('title')}，与表头不符", evidence])
            if column.get("action") == "drop_column":
                columns.append([where, f"{column.get('title')}：整列删除，未公开", column.get("rule")])
    html = "".join(f"<li>{_e(line)}</li>" for line in lines)
    parts = [f'<ul class="warnings">{html}</ul>\n' if lines else _paragraph("运行时没有警告。")]
    if columns:
        parts.append(_paragraph("需要留意的列：", ""))
        parts.append(_table(["列", "情况", "依据或规则"], columns))
    return "".join(parts)


# ---- published file, audit log and the sample ---------------------------------------------------------------


def _published_workbook(entry: dict, out_dir: Path) -> tuple[Workbook | None, list[str]]:
    """The published copy as deid reads it, and what is wrong with it (missing, changed since the run)."""
    path = _inside(out_dir, entry.get("output"))
    if path is None or not path.is_file():
        return None, ["公开版文件不在输出文件夹中：无法抽样，请重新运行 deid run"]
    # hashlib lets other threads run while it hashes: the file is hashed while it is read for the sample.
    with ThreadPoolExecutor(1) as hasher:
        digest = hasher.submit(sha256_file, path) if entry.get("output_sha256") else None
        try:
            workbook, problems = read_workbook(path), []
        except DeidError as error:
            workbook, problems = None, [f"公开版文件无法读取，无法抽样：{error}"]
        if digest is not None and digest.result() != entry["output_sha256"]:
            problems.insert(0, "公开版文件在运行后被改动过（校验值与 manifest 不一致）：请重新运行 deid run 后再审核")
    return workbook, problems


def _published_sheet(workbook: Workbook | None, sheet: dict, index: int) -> Sheet | None:
    if workbook is None:
        return None
    by_name = [s for s in workbook.sheets if s.name == sheet.get("name")]
    if by_name:
        return by_name[0]
    return workbook.sheets[index] if index < len(workbook.sheets) else None


def _sample_rows(published: Sheet | None, sheet: dict) -> list[int]:
    """The 1-based rows sampled from a published sheet: the first non-empty rows below the header."""
    if published is None:
        return []
    grid = published.grid
    below_header = range(max(sheet.get("header_rows") or [0]), len(grid))
    filled = (r + 1 for r in below_header if any(str(v).strip() for v in grid.iloc[r]))
    return list(itertools.islice(filled, SAMPLE_ROWS))


def read_audit(path: Path | None, wanted: set[tuple[object, int]]) -> AuditLog:
    """Read an audit log, keeping hygiene records and the records of sampled rows (``wanted``: sheet, row).

    A log can hold millions of cell records: lines are counted with numpy, one regular expression finds the
    lines that matter in each block, and only those are parsed.
    """
    log = AuditLog()
    if path is None:
        log.problem = "审核日志不在输出文件夹中"
        return log
    rows = "|".join([*(str(row) for row in sorted({row for _, row in wanted})), "null"])
    # Whole-column and workbook records (a comment removed at B40 has row 40) and the sampled rows' records.
    picked = re.compile(rf'"row"\s*:\s*(?:{rows})\s*[,}}]|'.encode() + _WORKBOOK.pattern)
    last_wanted = max((row for _, row in wanted), default=0)
    try:
        for block in _line_blocks(path):
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == _NEWLINE)
            log.lines += len(ends)
            if _past_wanted(block, ends, last_wanted):
                continue
            block = bytes(block)
            for match in picked.finditer(block):
                start = block.rfind(b"\n", 0, match.start()) + 1
                _keep(json.loads(block[start : block.index(b"\n", match.end())]), wanted, log)
    except (OSError, ValueError):
        log.problem = "审核日志无法读取，或有一行不是有效的 JSON"
    return log


_SHEET_ROW = re.compile(rb'"sheet"\s*:\s*(null|"(?:[^"\\]|\\.)*")\s*,\s*"row"\s*:\s*(\d+|null)')
_NEWLINE = ord("\n")
_WORKBOOK = re.compile(rb'"detector"\s*:\s*"workbook"')
_BLOCK_BYTES = 1 << 22


def _past_wanted(block: memoryview, ends: np.ndarray, last_wanted: int) -> bool:
    """Whether no line of ``block`` (its newlines at ``ends``) can be a sampled row or a hygiene record: its
    first and last lines are cells of one sheet, below the last sampled row. deid writes workbook records
    before any sheet, a sheet's whole-column records before its cells, and its cells in row order, so every
    line between is such a cell too; skipping such blocks spares a regular expression over most of a large log."""
    lines = (bytes(block[: ends[0] + 1]), bytes(block[ends[-2] + 1 if len(ends) > 1 else 0 :]))
    if any(_WORKBOOK.search(line) for line in lines):
        return False
    first, last = (_SHEET_ROW.search(line) for line in lines)
    if first is None or last is None or first.group(1) != last.group(1):
        return False
    return all(row.isdigit() and int(row) > last_wanted for row in (first.group(2), last.group(2)))


def _line_blocks(path: Path) -> Iterator[memoryview]:
    """The file in blocks of whole lines, each ending with a newline. A block is a view of what was read,
    never a copy (a log can be gigabytes); only a line that two reads cut in two is pieced together."""
    with open(path, "rb") as handle:
        tail = b""
        while data := handle.read(_BLOCK_BYTES):
            first, last = data.find(b"\n") + 1, data.rfind(b"\n") + 1
            if not first:
                tail += data
                continue
            if tail:
                yield memoryview(tail + data[:first])
            if last > (start := first if tail else 0):
                yield memoryview(data)[start:last]
            tail = data[last:]
    if tail:
        yield memoryview(tail + b"\n")


def _keep(record: object, wanted: set[tuple[object, int]], log: AuditLog) -> None:
    if not isinstance(record, dict):
        raise ValueError("not a record")
    if is_hygiene(record.get("action")):
        log.hygiene.append(record)
    elif (record.get("sheet"), record.get("row")) in wanted:
        log.sample.append(record)


def _log_problems(entry: dict, log: AuditLog) -> list[str]:
    if log.problem:
        return [f"{log.problem}：无法核对清理项和抽样行的审核记录"]
    if log.lines != entry.get("records"):
        return [f"审核日志有 {log.lines} 条记录，manifest 记为 {entry.get('records')} 条：日志可能在运行后被改动"]
    return []


def _samples(sheets: list[dict], workbook: Workbook | None, sample_rows: list[list[int]], log: AuditLog) -> str:
    if workbook is None:
        return _paragraph("公开版文件无法读取，没有抽样。", "bad")
    parts = []
    for index, (sheet, rows) in enumerate(zip(sheets, sample_rows, strict=True)):
        records = [r for r in log.sample if r.get("sheet") == sheet.get("name")]
        parts.append(
            _paragraph(f"{_sheet_title(sheet)}：第 {_span(rows)} 行（公开版原样），每行下面是这一行的审核记录", "")
        )
        published = _published_sheet(workbook, sheet, index)
        parts.append(_sample_table(published.grid, sheet, rows, records) if rows else _paragraph("没有数据行。"))
    return "".join(parts)


def _span(rows: list[int]) -> str:
    return f"{rows[0]}–{rows[-1]}" if rows else "—"


def _sample_table(grid: pd.DataFrame, sheet: dict, rows: list[int], records: list[dict]) -> str:
    """The sampled rows as published, each followed by its own audit records."""
    header_rows = sheet.get("header_rows") or []
    if header_rows and header_rows[-1] <= len(grid):
        headers = [str(v) for v in grid.iloc[header_rows[-1] - 1]]
    else:
        headers = [f"第 {c + 1} 列" for c in range(grid.shape[1])]
    body = []
    for row in rows:
        body.append(_row([row, *grid.iloc[row - 1].tolist()], "published"))
        own = _record_table([r for r in records if r.get("row") == row])
        body.append(f'<tr class="audit"><td></td><td colspan="{len(headers)}">{own}</td></tr>')
    return _wrap_table(["行", *headers], body, ' class="sample"')


def _record_table(records: list[dict]) -> str:
    if not records:
        return '<span class="note">本行没有改动</span>'
    rows = [
        [
            r.get("cell"),
            entity_title(r.get("entity")),
            action_title(r.get("action")),
            r.get("rule"),
            r.get("fingerprint"),
            r.get("published"),
        ]
        for r in records
    ]
    return _table(["单元格", "信息类型", "处理", "规则", "指纹", "公开值"], rows, ' class="records"')
