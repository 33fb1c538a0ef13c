"""Parameter files (YAML), validated on load: a unit's audit parameters (``params/<unit>.yaml``)
and the rule and scoring sections that ``perfkit check`` and ``perfkit score`` take (``--params``).

Those sections are named for the step they steer, e.g.::

    checks:
      boilerplate_satisfaction: {min_projects: 4}
      description_repeats_name: {enabled: false}
    scoring:
      upper_bound_method: linear
    rescoring:
      over_achievement: {enabled: false}

Defaults live with each rule in the catalogue (``perfkit check --list-rules`` shows them).

papermill passes parameters as plain JSON types and only logs a warning for an unknown one, and
YAML dates stay strings; this module closes both gaps: every key is known, every value has the
declared type, paths are resolved against the parameter file and the unit code cannot escape
the output folder.

>>> sorted(UNIT_PARAMETERS)[:3]
['actuals', 'checks', 'output_dir']
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from perfkit.errors import InputError
from perfkit.review.sample import sample_params
from perfkit.review.store import STORE_NAME
from perfkit.run import profiles

SECTIONS = ("checks", "scoring", "rescoring")


def read_yaml(path: str | Path) -> Any:
    """A YAML file's content (safe types only), or :class:`InputError` naming the file and line.

    Text may be UTF-8 or GBK. Aliases (``*name``) are refused: a few lines of nested aliases
    expand to billions of values when the parameters are later written out.
    """
    from perfkit.load.formats.sniff import decode_text

    file = str(path)
    try:
        text = decode_text(Path(path).read_bytes(), file)
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = f"第{event.start_mark.line + 1}行"
                raise InputError(file, line, "参数文件不支持 YAML 别名（*引用），请直接写出值")
        return yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError(file, None, "参数文件不存在") from None
    except IsADirectoryError:
        raise InputError(
            file, None, "是文件夹，不是参数文件（从文件夹中的文件开始审计：perfkit batch 文件夹 -o 输出文件夹）"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"第{mark.line + 1}行" if mark else None
        raise InputError(file, place, f"YAML 格式错误（{getattr(exc, 'problem', exc)}）") from None


def read_params(path: str | Path | None, rules_profile: str | None = None) -> dict[str, Any]:
    """The parameter file as a dict of sections, its ``rules_profile`` (or ``rules_profile`` given
    here, which wins) merged beneath them; an empty dict when ``path`` is None and no profile is given."""
    if path is None and rules_profile is None:
        return {}
    file = str(path)
    data = (read_yaml(path) or {}) if path is not None else {}
    if rules_profile is not None and isinstance(data, dict):
        data = {**data, profiles.KEY: rules_profile}
    if not isinstance(data, dict):
        raise InputError(file, None, "参数文件应是键值映射（YAML mapping）")
    unknown = sorted(set(data) - {*SECTIONS, profiles.KEY})
    if unknown:
        raise InputError(file, unknown[0], f"未知的参数段（可用：{', '.join([*SECTIONS, profiles.KEY])}）")
    for section, value in data.items():
        if section != profiles.KEY and not isinstance(value, dict):
            raise InputError(file, section, "应是键值映射")
    return profiles.with_profile(data, file)


# name → (type, required, description); the notebook's parameters cell declares the same names
UNIT_PARAMETERS: dict[str, tuple[type, bool, str]] = {
    "unit_code": (str, True, "六位单位编码（没有编码的单位写空字符串，并给出 unit_name）"),
    "unit_name": (str, False, "单位名称：没有单位编码的单位以名称识别"),
    "year": (int, True, "预算年度"),
    "targets": (list, True, "绩效目标表文件或文件夹"),
    "actuals": (list, False, "自评表或填报表（可为空）"),
    "checks": (dict, False, "审核规则开关与阈值"),
    "scoring": (dict, False, "评分参数"),
    "rescoring": (dict, False, "自评复核规则开关"),
    "output_dir": (str, False, "输出文件夹（默认 build/units）"),
    "sample": (dict, False, "抽样参数（方法、数量、种子、关键项目）"),
    "review_store": (str, False, "复核库文件（默认：输出文件夹中的 review.sqlite）"),
    "year_in_name": (bool, False, "输出文件夹与文件以单位和年度命名（如 562202-2024）：同一单位审计多个年度时"),
}
# name → (type, description): how the unit runs; validated here, read by perfkit.run.ship, not passed to the notebook
RUN_OPTIONS: dict[str, tuple[type, str]] = {
    "shared_storage": (bool, "输入文件在 Dask 各工作节点可见的共享存储上：按绝对路径传递，不随任务传送"),
    # its settings are merged into checks, scoring and rescoring here (perfkit.run.profiles)
    profiles.KEY: (str, "规则集（如 sichuan）：省级阈值，作为 checks、scoring、rescoring 的默认值"),
}
_UNIT_CODE = re.compile(r"[0-9]{6}")  # ASCII digits only: \d and $ would pass "５６２３０１" and "562301\n"


def read_unit_params(path: str | Path) -> dict[str, Any]:
    """Read and validate ``path``; returns JSON-typed parameters with absolute paths."""
    path = Path(path)
    file = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(file, None, "参数文件应是键值映射")
    return validate_unit_params(data, file, base=path.parent)


def validate_unit_params(data: dict[str, Any], file: str, base: Path) -> dict[str, Any]:
    """Check keys, types and the unit code; resolve paths against ``base``."""
    unknown = sorted(set(data) - set(UNIT_PARAMETERS) - set(RUN_OPTIONS))
    if unknown:
        raise InputError(file, unknown[0], f"未知的参数（可用：{', '.join([*UNIT_PARAMETERS, *RUN_OPTIONS])}）")
    for name, (kind, required, _) in UNIT_PARAMETERS.items():
        if name not in data or data[name] is None:
            if required:
                raise InputError(file, name, "缺少必需的参数")
            continue
        value = data[name]
        if kind is str and isinstance(value, int) and name == "unit_code":
            raise InputError(file, name, '单位编码应写成带引号的字符串，如 "562301"（否则前导零会丢失）')
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise InputError(file, name, f"应为 {kind.__name__}，得到 {value!r}")
    for name, (kind, _) in RUN_OPTIONS.items():
        if data.get(name) is not None and not isinstance(data[name], kind):
            raise InputError(file, name, f"应为 {kind.__name__}，得到 {data[name]!r}")
    if data["unit_code"] == "" and not (data.get("unit_name") or "").strip():
        raise InputError(file, "unit_code", "单位编码为空时应给出 unit_name（单位名称）")
    if data["unit_code"] and not _UNIT_CODE.fullmatch(data["unit_code"]):
        raise InputError(file, "unit_code", f"单位编码“{data['unit_code']}”应为六位数字")
    for name in ("targets", "actuals"):
        for item in data.get(name) or []:
            if not isinstance(item, str):
                raise InputError(file, name, f"应为路径列表，得到 {item!r}")
            if not (base / item).exists():
                raise InputError(file, name, f"路径不存在：{item}")
    sample_params(data.get("sample"), file)
    data = profiles.with_profile(data, file)
    # the name goes to the notebook only for a unit known by it: a coded unit's parameters stay as they were
    named = {"unit_name": data["unit_name"].strip()} if data["unit_code"] == "" else {}
    # likewise the year in the names only where it is asked for
    named |= {"year_in_name": True} if data.get("year_in_name") else {}
    return named | {
        "unit_code": data["unit_code"],
        "year": data["year"],
        "targets": [str((base / p).resolve()) for p in data["targets"]],
        "actuals": [str((base / p).resolve()) for p in data.get("actuals") or []],
        "checks": data.get("checks") or {},
        "scoring": data.get("scoring") or {},
        "rescoring": data.get("rescoring") or {},
        "output_dir": str((base / data["output_dir"]).resolve()) if data.get("output_dir") else "",
        "sample": data.get("sample") or {},
        "review_store": str((base / data["review_store"]).resolve()) if data.get("review_store") else "",
    }


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]+')


def unit_key(unit_code: str, unit_name: str = "", year: int | None = None) -> str:
    """The name of a unit's output folder and files: its code, or for a unit without one its name
    (characters a file name cannot hold as ``_``); with ``year``, followed by ``-`` and the year
    (a unit audited for several years has one folder per year).

    The review store knows a unit by this key without the year (its findings carry their year).

    >>> unit_key("562301", "天津市妇女联合会"), unit_key("", "某区 妇联/办公室"), unit_key("562202", "", 2024)
    ('562301', '某区_妇联_办公室', '562202-2024')
    """
    key = unit_code or _UNSAFE.sub("_", unit_name.strip()).lstrip(".") or "_"
    return f"{key}-{year}" if year is not None else key


def run_key(params: dict[str, Any]) -> str:
    """The name of the unit's output folder and files, and its key in a batch's manifest, from its
    validated parameters: :func:`unit_key`, with the year when ``year_in_name`` is set."""
    year = params["year"] if params.get("year_in_name") else None
    return unit_key(params["unit_code"], params.get("unit_name", ""), year)


def unit_output_dir(params: dict[str, Any], root: Path) -> Path:
    """The unit's own output folder under ``root``; the unit code cannot point outside it."""
    key = run_key(params)
    folder = (root / key).resolve()
    if root.resolve() not in folder.parents:
        raise InputError(key, "unit_code", "单位编码会使输出超出输出文件夹")
    return folder


def review_store_path(params: dict[str, Any], root: Path) -> str:
    """The review store of a run into ``root``: the one the parameters name, else ``root/review.sqlite``.

    The store is shared by every unit of the run, so it lies beside the unit folders, not in one.
    """
    return params.get("review_store") or str(root.resolve() / STORE_NAME)


def relative_parameters(params: dict[str, Any], unit_folder: Path) -> dict[str, Any]:
    """``params`` as the unit notebook receives them: every path relative to ``unit_folder``.

    The executed notebook then names no folder of the machine that ran it: it writes its outputs
    to ``.`` (the folder it lies in) and re-runs wherever its inputs sit at the same relative places
    (a bundle keeps them so, see :mod:`perfkit.run.bundle`). The review store defaults to the one
    beside the unit folders, shared by every unit of the run.

    >>> p = {"targets": ["/a/data/t.txt"], "actuals": [], "output_dir": "", "review_store": ""}
    >>> relative_parameters(p, Path("/a/build/units/562301"))
    {'targets': ['../../../data/t.txt'], 'actuals': [], 'output_dir': '.', 'review_store': '../review.sqlite'}
    """

    def relative(path: str) -> str:
        return os.path.relpath(path, unit_folder)

    return params | {
        "targets": [relative(p) for p in params["targets"]],
        "actuals": [relative(p) for p in params["actuals"]],
        "output_dir": ".",
        "review_store": relative(review_store_path(params, unit_folder.parent)),
    }
