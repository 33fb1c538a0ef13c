"""Rule sets (``rules_profile``): a province's thresholds in one key, cited, merged beneath the
file's own settings, and shown by ``perfkit check --list-rules``."""

from __future__ import annotations

import pytest

from perfkit.checks import RULES
from perfkit.checks.engine import resolve_settings
from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.run.params import read_params, validate_unit_params
from perfkit.run.profiles import PROFILES, profile, with_profile
from perfkit.scoring.params import scoring_params
from perfkit.scoring.rescoring import RESCORING_RULES


def test_the_default_and_a_provincial_profile_ship_with_their_sources():
    assert {"default", "sichuan"} <= set(PROFILES)
    for name in PROFILES:
        p = profile(name)
        assert p["sources"] and all(isinstance(s, str) and s for s in p["sources"]), name
        # every setting a profile makes is one the catalogue knows, of the right type
        resolve_settings(p["checks"], name, RULES, "checks")
        resolve_settings(p["rescoring"], name, RESCORING_RULES, "rescoring")
        scoring_params(p["scoring"], name)
    assert profile("default")["checks"] == profile("default")["rescoring"] == profile("default")["scoring"] == {}
    assert "510000_0013zp" in " ".join(profile("sichuan")["sources"])


def test_sichuan_reports_every_budget_adjustment_and_the_file_still_wins(tmp_path):
    """Sichuan's form asks every mid-year adjustment to be explained: min_change_share 0 (default 0.1);
    a params file's own value overrides the profile's, key by key."""
    path = tmp_path / "p.yaml"
    path.write_text("rules_profile: sichuan\nrescoring:\n  over_achievement: {enabled: false}\n", encoding="utf-8")
    assert read_params(path)["rescoring"] == {
        "budget_adjusted_targets_unchanged": {"min_change_share": 0.0},
        "over_achievement": {"enabled": False},
    }
    own = {"rules_profile": "sichuan", "rescoring": {"budget_adjusted_targets_unchanged": {"min_change_share": 0.05}}}
    assert with_profile(own)["rescoring"]["budget_adjusted_targets_unchanged"] == {"min_change_share": 0.05}


def test_an_unknown_profile_is_bad_input_naming_the_ones_there_are(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("rules_profile: atlantis\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"未知的规则集“atlantis”.*sichuan"):
        read_params(path)


def test_unit_params_take_a_profile_into_their_sections(tmp_path):
    (tmp_path / "t.txt").write_text("", encoding="utf-8")
    data = {"unit_code": "562301", "year": 2025, "targets": ["t.txt"], "rules_profile": "sichuan"}
    params = validate_unit_params(data, "u.yaml", tmp_path)
    assert params["rescoring"] == {"budget_adjusted_targets_unchanged": {"min_change_share": 0.0}}
    assert "rules_profile" not in params  # the notebook receives the merged sections only


def test_list_rules_shows_the_profiles_values(capsys):
    """Default: min_change_share=0.1 as is; Sichuan: 0.0 with the default beside it, and its source."""
    assert main(["check", "--list-rules"]) == 0
    default = capsys.readouterr().out
    assert default.startswith("规则集：default（财政部规则（perfkit 默认））")
    assert "min_change_share=0.1]" in default and "（默认 " not in default
    assert main(["check", "--list-rules", "--rules-profile", "sichuan"]) == 0
    sichuan = capsys.readouterr().out
    assert sichuan.startswith("规则集：sichuan（四川省）")
    assert "budget_adjusted_targets_unchanged" in sichuan and "min_change_share=0.0（默认 0.1）" in sichuan
    assert "510000_0013zp" in sichuan
    # every rule of both catalogues is listed
    assert all(rid in sichuan for rid in [*RULES, *RESCORING_RULES])
