"""Read a user's parameter file (YAML): rule switches and thresholds, validated on load.

The file holds sections named for the step they steer, e.g.::

    checks:
      boilerplate_satisfaction: {min_projects: 4}
      description_repeats_name: {enabled: false}
    scoring:
      upper_bound_method: linear
    rescoring:
      over_achievement: {enabled: false}

Defaults live with each rule in the catalogue (``perfkit check --list-rules`` shows them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from perfkit.errors import InputError

SECTIONS = ("checks", "scoring", "rescoring")


def read_yaml(path: str | Path) -> Any:
    """A YAML file's content (safe types only), or :class:`InputError` naming the file and line.

    Text may be UTF-8 or GBK. Aliases (``*name``) are refused: a few lines of nested aliases
    expand to billions of values when the parameters are later written out.
    """
    from perfkit.load.sniff import decode_text

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
        raise InputError(file, None, "是文件夹，不是参数文件") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"第{mark.line + 1}行" if mark else None
        raise InputError(file, place, f"YAML 格式错误（{getattr(exc, 'problem', exc)}）") from None


def read_params(path: str | Path | None) -> dict[str, Any]:
    """The parameter file as a dict of sections; an empty dict when ``path`` is None."""
    if path is None:
        return {}
    file = str(path)
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise InputError(file, None, "参数文件应是键值映射（YAML mapping）")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise InputError(file, unknown[0], f"未知的参数段（可用：{', '.join(SECTIONS)}）")
    for section, value in data.items():
        if not isinstance(value, dict):
            raise InputError(file, section, "应是键值映射")
    return data
