"""Rule sets (规则集): a province's thresholds named in one key of a params file.

``rules_profile: sichuan`` in a params file takes the ``checks``, ``scoring`` and ``rescoring``
settings of ``perfkit/reference/rules_profiles/sichuan.yaml`` as its defaults; what the file
itself sets wins, key by key. A profile sets only the thresholds in which it differs from
perfkit's defaults, and cites its sources.

>>> sorted(PROFILES)
['default', 'sichuan']
>>> with_profile({"rules_profile": "sichuan", "rescoring": {"over_achievement": {"enabled": False}}}, "p.yaml")["rescoring"]
{'budget_adjusted_targets_unchanged': {'min_change_share': 0.0}, 'over_achievement': {'enabled': False}}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from perfkit.errors import InputError

PROFILE_FOLDER = Path(__file__).resolve().parents[1] / "reference" / "rules_profiles"
PROFILES = {p.stem: p for p in sorted(PROFILE_FOLDER.glob("*.yaml"))}
KEY = "rules_profile"
SECTIONS = ("checks", "scoring", "rescoring")


def profile(name: str, source: str = "params") -> dict[str, Any]:
    """The profile ``name`` (``name``, ``sources`` and the three sections), or :class:`InputError`."""
    if not isinstance(name, str) or name not in PROFILES:
        raise InputError(source, KEY, f"未知的规则集“{name}”（可用：{', '.join(PROFILES)}）")
    data = yaml.safe_load(PROFILES[name].read_text(encoding="utf-8"))
    return {"name": data["name"], "sources": data["sources"], **{s: data.get(s) or {} for s in SECTIONS}}


def with_profile(params: dict[str, Any], source: str = "params") -> dict[str, Any]:
    """``params`` with the sections of its ``rules_profile`` (if any) beneath its own settings."""
    if params.get(KEY) is None:
        return params
    base = profile(params[KEY], source)
    merged = dict(params)
    for section in SECTIONS:
        own = params.get(section) or {}
        if section == "scoring":
            merged[section] = {**base[section], **own}
            continue
        rules = {**base[section], **own}
        merged[section] = {
            rule: {**base[section].get(rule, {}), **own[rule]}
            if isinstance(own.get(rule), dict) and isinstance(base[section].get(rule), dict)
            else value
            for rule, value in rules.items()
        }
    return merged


def rule_listing(params: dict[str, Any], source: str = "params") -> list[str]:
    """The lines of ``perfkit check --list-rules``: the profile, then every review and re-scoring
    rule with the values it runs with under ``params`` (a value the profile or the file changed
    shows its default beside it)."""
    from perfkit.checks import RULES
    from perfkit.checks.engine import resolve_settings
    from perfkit.scoring.params import scoring_params
    from perfkit.scoring.rescoring import RESCORING_RULES

    params = with_profile(params, source)
    name = params.get(KEY) or "default"
    lines = [
        f"规则集：{name}（{profile(name, source)['name']}）",
        *(f"  依据：{s}" for s in profile(name, source)["sources"]),
    ]
    for title, rules, section in (
        ("审核规则（check）", RULES, "checks"),
        ("自评复核规则（score）", RESCORING_RULES, "rescoring"),
    ):
        settings = resolve_settings(params.get(section), source, rules, section)
        lines.append(title)
        for rid, rule in rules.items():
            values = settings[rid]
            shown = ", ".join(
                f"{k}={v}" + (f"（默认 {rule.params[k]}）" if v != rule.params[k] else "")
                for k, v in values.items()
                if k != "enabled"
            )
            off = "" if values["enabled"] else "  （已停用）"
            lines.append(
                f"{rid:<34} {rule.severity:<6} {rule.criterion}  {rule.title}{f'  [{shown}]' if shown else ''}{off}"
            )
    scoring = scoring_params(params.get("scoring"), source)
    if params.get("scoring"):
        lines.append("评分参数（scoring，与默认不同者）")
        lines += [f"  {k}={getattr(scoring, k)}" for k in params["scoring"]]
    return lines
