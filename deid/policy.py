"""Pipelines: publication policies as data (YAML in ``pipelines/``), validated on load.

A pipeline says, per column type (``columns:``) and per entity found inside text (``text:``), what is
published. Every pipeline extends ``default`` unless it names another base, and overrides single rules.
A bad key, action or entity is one line naming the file, the key and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from deid.columns import COLUMN_TYPES
from deid.errors import PolicyError

TOP_LEVEL_KEYS = ("name", "title", "aliases", "domain", "basis", "description", "extends", "columns", "text")
ACTIONS = ("keep", "mask", "generalize", "replace", "pseudonymize", "drop_column", "redact", "keep_if_consent")
TEXT_ACTIONS = ("keep", "mask", "generalize", "replace", "pseudonymize")
TEXT_ENTITIES = (
    "CN_ID_CARD",
    "CN_DISABILITY_CERT",
    "CN_PHONE",
    "CN_PUBLIC_PHONE",
    "BANK_CARD",
    "CN_USCC",
    "PERSON",
    "CN_ADDRESS",
    "CN_PASSPORT",
    "CN_TRAVEL_PERMIT",
    "EMAIL_ADDRESS",
    "CN_LICENCE_PLATE",
)
# Options each action takes; anything else under a rule is a typo the user must hear about.
ACTION_OPTIONS = {
    "keep": (),
    "mask": ("keep_first", "keep_last", "child"),
    "generalize": ("level",),
    "replace": ("value",),
    "pseudonymize": (),
    "drop_column": (),
    "redact": (),
    "keep_if_consent": ("value",),  # the name is published where the row's consent column says 是/同意
}
LEVELS = ("village", "township", "county")
# Publishing these in full is never what a roster needs; a policy that tries is refused on load.
NEVER_KEPT = frozenset({"CN_ID_CARD", "CN_DISABILITY_CERT", "BANK_CARD", "CN_PHONE"})


@dataclass(frozen=True)
class Rule:
    action: str
    origin: str  # "<pipeline>:<section>.<key>", the audit record's rule
    keep_first: int | None = None
    keep_last: int | None = None
    child: bool = False
    level: str = "village"
    value: str = ""


@dataclass
class Pipeline:
    name: str
    title: str
    aliases: list[str]
    domain: str
    basis: str
    description: str
    columns: dict[str, Rule]
    text: dict[str, Rule]
    source: str
    chain: list[str] = field(default_factory=list)  # this pipeline and the ones it extends

    @property
    def policy_hash(self) -> str:
        """sha256 of the resolved rules, so a manifest says exactly which policy produced an output."""
        body = {
            "name": self.name,
            "columns": {k: asdict(v) for k, v in sorted(self.columns.items())},
            "text": {k: asdict(v) for k, v in sorted(self.text.items())},
        }
        return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def builtin_files() -> dict[str, Path]:
    """The shipped pipeline files by name."""
    folder = resources.files("deid.pipelines")
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the pipeline file ({error.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise PolicyError(f"{path}: not valid YAML{line}; check indentation and colons") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a pipeline file must be a mapping with keys {', '.join(TOP_LEVEL_KEYS)}")
    return data


def _unknown(path: Path, where: str, key: object, allowed: tuple[str, ...] | list[str]) -> PolicyError:
    return PolicyError(f"{path}: unknown {where} '{key}'; allowed: {', '.join(allowed)}")


def _parse_rule(path: Path, name: str, section: str, key: str, raw: object) -> Rule:
    allowed_actions = ACTIONS if section == "columns" else TEXT_ACTIONS
    if isinstance(raw, str):
        raw = {"action": raw}
    if not isinstance(raw, dict) or "action" not in raw:
        raise PolicyError(f"{path}: {section}.{key} needs an action, one of {', '.join(allowed_actions)}")
    action = raw["action"]
    if action not in allowed_actions:
        raise _unknown(path, f"action in {section}.{key}", action, allowed_actions)
    for option in raw:
        if option != "action" and option not in ACTION_OPTIONS[action]:
            allowed = ACTION_OPTIONS[action] or ("(no options)",)
            raise _unknown(path, f"option of {section}.{key} ({action})", option, allowed)
    entity = COLUMN_TYPES[key].entity if section == "columns" else key
    if action == "keep_if_consent" and entity != "PERSON":
        raise PolicyError(f"{path}: {section}.{key}: keep_if_consent is for name columns only")
    if action == "keep" and entity in NEVER_KEPT:
        raise PolicyError(f"{path}: {section}.{key} cannot be kept in full; use mask or drop_column")
    if raw.get("level", "village") not in LEVELS:
        raise _unknown(path, f"level in {section}.{key}", raw["level"], LEVELS)
    for option in ("keep_first", "keep_last"):
        if option in raw and (not isinstance(raw[option], int) or raw[option] < 0):
            raise PolicyError(f"{path}: {section}.{key}.{option} must be a whole number ≥ 0")
    return Rule(
        action=action,
        origin=f"{name}:{section}.{key}",
        keep_first=raw.get("keep_first"),
        keep_last=raw.get("keep_last"),
        child=bool(raw.get("child", False)),
        level=raw.get("level", "village"),
        value=str(raw.get("value", "")),
    )


def _parse_section(path: Path, data: dict, name: str, section: str, allowed: tuple[str, ...]) -> dict[str, Rule]:
    raw = data.get(section) or {}
    if not isinstance(raw, dict):
        raise PolicyError(
            f"{path}: '{section}' must be a mapping of {'column types' if section == 'columns' else 'entities'} to rules"
        )
    rules = {}
    for key, value in raw.items():
        if key not in allowed:
            raise _unknown(path, "column type" if section == "columns" else "entity", key, allowed)
        rules[key] = _parse_rule(path, name, section, key, value)
    return rules


def _locate(name_or_path: str) -> Path:
    builtins = builtin_files()
    if name_or_path in builtins:
        return builtins[name_or_path]
    for path in builtins.values():
        if name_or_path in (_read_yaml(path).get("aliases") or []):
            return path
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise PolicyError(f"{candidate}: no such pipeline file")
        return candidate
    raise PolicyError(f"unknown pipeline '{name_or_path}'; built-in: {', '.join(sorted(builtins))} (or a .yaml path)")


def load_pipeline(name_or_path: str, _seen: tuple[str, ...] = ()) -> Pipeline:
    """Load a built-in pipeline by name or Chinese alias, or a user's YAML file, resolving ``extends``."""
    path = _locate(name_or_path)
    data = _read_yaml(path)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise _unknown(path, "key", key, TOP_LEVEL_KEYS)
    name = str(data.get("name") or path.stem)
    if name in _seen:
        raise PolicyError(f"{path}: 'extends' loops back to '{name}'")
    columns = _parse_section(path, data, name, "columns", tuple(COLUMN_TYPES))
    text = _parse_section(path, data, name, "text", TEXT_ENTITIES)
    base_name = data.get("extends", None if name == "default" else "default")
    base = None if base_name is None else load_pipeline(str(base_name), (*_seen, name))
    pipeline = Pipeline(
        name=name,
        title=str(data.get("title") or (base.title if base else name)),
        aliases=[str(a) for a in data.get("aliases") or []],
        domain=str(data.get("domain") or (base.domain if base else "")),
        basis=str(data.get("basis") or (base.basis if base else "")),
        description=str(data.get("description") or ""),
        columns={**(base.columns if base else {}), **columns},
        text={**(base.text if base else {}), **text},
        source=str(path),
        chain=[name, *(base.chain if base else [])],
    )
    _require_complete(path, pipeline)
    return pipeline


def _require_complete(path: Path, pipeline: Pipeline) -> None:
    missing = [t for t in COLUMN_TYPES if t not in pipeline.columns] + [
        e for e in TEXT_ENTITIES if e not in pipeline.text
    ]
    if missing:
        raise PolicyError(f"{path}: no rule for {', '.join(missing)}; add them or extend a built-in pipeline")


def list_pipelines() -> list[Pipeline]:
    """The built-in pipelines, default last."""
    pipelines = [load_pipeline(name) for name in sorted(builtin_files())]
    return sorted(pipelines, key=lambda p: p.name == "default")


_LEVEL_TITLES = {"village": "村（社区）", "township": "乡镇（街道）", "county": "县（区）"}


def describe_rule(rule: Rule, entity: str | None) -> str:
    """A rule in plain Chinese, for ``deid pipelines NAME``.

    >>> describe_rule(Rule("mask", "x", keep_first=6, keep_last=4), "CN_ID_CARD")
    '保留前 6 位和后 4 位，其余用 * 遮蔽'
    >>> describe_rule(Rule("mask", "x", child=True), "PERSON")
    '只留姓，名字全部遮蔽（张**）'
    """
    if rule.action == "mask" and entity == "PERSON":
        return "只留姓，名字全部遮蔽（张**）" if rule.child else "遮蔽名字中间的字（张*明、张*、欧阳*峰、买*·艾*）"
    if rule.action == "mask":
        if rule.child or rule.keep_first == rule.keep_last == 0:
            return "全部用 * 遮蔽"
        if rule.keep_first is None and rule.keep_last is None:
            return "部分遮蔽（如 138****1234）"
        return f"保留前 {rule.keep_first or 0} 位和后 {rule.keep_last or 0} 位，其余用 * 遮蔽"
    return {
        "keep": "原样公开（仍逐格检查，夹带的个人信息照样去除）",
        "redact": "保留文字，去除其中的身份证号、电话、银行卡号、门牌地址和人名",
        "drop_column": "整列删除，不公开",
        "generalize": f"地址只保留到{_LEVEL_TITLES[rule.level]}",
        "replace": f"替换为「{rule.value}」",
        "pseudonymize": "替换为化名编号（同一密钥下各文件一致）",
        "keep_if_consent": f"本人同意公开（是/同意）才公布，否则写「{rule.value}」；单位名称照常公布",
    }[rule.action]
