"""Configuration: discovery, precedence, validation errors and `claimaudit show-config`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import ExitCode, main
from claimaudit.config import (
    DEFAULTS,
    Config,
    ConfigError,
    find_config,
    ignored_codes,
    load_config,
)
from claimaudit.pipeline import Settings
from claimaudit.verdict import RULES

NO_ENV: dict[str, str] = {}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from tmp_path with no CLAIMAUDIT_CONFIG in the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    return tmp_path


def write(root: Path, files: dict[str, str]) -> None:
    """Create files (and folders) under root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_defaults_are_the_api_defaults(in_tmp: Path) -> None:
    """An empty configuration audits exactly as claimaudit.audit() does."""
    assert Config().settings() == Settings()
    write(in_tmp, {"claimaudit.toml": ""})
    assert load_config(["."], environ=NO_ENV).settings() == Settings()


# --- discovery ------------------------------------------------------------------

TOOL = "[tool.claimaudit]\nmin-score = 60\n"
# fmt: off
DISCOVERY = [
    # id,                                                  files,                                                     start,      expected
    ("claimaudit.toml beside the article",                 {"docs/claimaudit.toml": "", "docs/a.md": ""},             "docs/a.md", "docs/claimaudit.toml"),
    ("pyproject.toml with [tool.claimaudit] in a parent",  {"pyproject.toml": TOOL, "docs/a.md": ""},                 "docs/a.md", "pyproject.toml"),
    ("pyproject.toml without the table is passed over",    {"claimaudit.toml": "", "docs/pyproject.toml": "[project]\nname = 'x'\n",
                                                            "docs/a.md": ""},                                         "docs",      "claimaudit.toml"),
    ("claimaudit.toml beats pyproject.toml in one folder", {"pyproject.toml": TOOL, "claimaudit.toml": ""},           ".",         "claimaudit.toml"),
    ("the nearest file wins",                              {"claimaudit.toml": "", "docs/sub/claimaudit.toml": "",
                                                            "docs/sub/a.md": ""},                                     "docs/sub/a.md", "docs/sub/claimaudit.toml"),
    ("a path that does not exist yet starts from its parent", {"docs/claimaudit.toml": ""},                           "docs/new/b.md", "docs/claimaudit.toml"),
]
# fmt: on


@pytest.mark.parametrize(("files", "start", "expected"), [c[1:] for c in DISCOVERY],
                         ids=[c[0] for c in DISCOVERY])
def test_discovery(tmp_path: Path, files: dict, start: str, expected: str) -> None:
    write(tmp_path, files)
    assert find_config(tmp_path / start) == tmp_path / expected


def test_discovery_finds_nothing_inside_an_empty_tree(tmp_path: Path) -> None:
    write(tmp_path, {"docs/a.md": "", "docs/pyproject.toml": "[project]\nname = 'x'\n"})
    found = find_config(tmp_path / "docs" / "a.md")
    assert found is None or tmp_path not in found.parents


# --- precedence -----------------------------------------------------------------


@pytest.fixture
def three_configs(in_tmp: Path) -> Path:
    """A discovered claimaudit.toml, one named by the environment, one named by --config."""
    write(in_tmp, {
        "docs/claimaudit.toml": 'min-score = 60\nfail-on = ["contradicted"]\n',
        "docs/a.md": "",
        "env.toml": "min-score = 70\n",
        "cli.toml": "min-score = 80\n",
    })
    return in_tmp


# fmt: off
PRECEDENCE = [
    # id,                                      config_file,  env,        overrides,                                       min_score, source of min-score
    ("discovered file",                        None,         {},         {},                                              60.0,      "docs/claimaudit.toml"),
    ("CLAIMAUDIT_CONFIG beats discovery",      None,         {"CLAIMAUDIT_CONFIG": "env.toml"}, {},                       70.0,      "env.toml"),
    ("--config beats CLAIMAUDIT_CONFIG",       "cli.toml",   {"CLAIMAUDIT_CONFIG": "env.toml"}, {},                       80.0,      "cli.toml"),
    ("an option beats every file",             "cli.toml",   {},         {"min-score": (42, "--min-score")},              42.0,      "--min-score"),
    ("an option given as None is not given",   None,         {},         {"min-score": (None, "--min-score")},            60.0,      "docs/claimaudit.toml"),
]
# fmt: on


@pytest.mark.parametrize(("config_file", "env", "overrides", "min_score", "source"),
                         [c[1:] for c in PRECEDENCE], ids=[c[0] for c in PRECEDENCE])
def test_precedence(three_configs: Path, config_file: str | None, env: dict, overrides: dict,
                    min_score: float, source: str) -> None:
    cfg = load_config(["docs/a.md"], config_file, overrides, environ=env)
    assert cfg.min_score == min_score
    assert cfg.source_of("min-score") == source
    assert cfg.settings().match.min_score == min_score


def test_keys_not_set_keep_defaults_and_say_so(three_configs: Path) -> None:
    cfg = load_config(["docs/a.md"], environ=NO_ENV)
    assert cfg.fail_on == ("contradicted",)
    assert cfg.source_of("fail-on") == "docs/claimaudit.toml"
    assert cfg.exit_zero is False and cfg.source_of("exit-zero") == "default"
    assert (cfg.path, cfg.found_by) == ("docs/claimaudit.toml", "discovery")


def test_reference_and_globs_are_relative_to_the_config_file(in_tmp: Path) -> None:
    write(in_tmp, {"site/claimaudit.toml": 'reference = ["refs", "/abs/ref.yaml"]\n'
                                           '[per-file-ignores]\n"faq/*.md" = ["CA401"]\n'
                                           '"*/legal.md" = ["VC-001"]\n'})
    cfg = load_config(["site"], environ=NO_ENV)
    assert cfg.reference == ("site/refs", "/abs/ref.yaml")
    assert cfg.per_file_ignores == (("site/faq/*.md", ("CA401",)), ("*/legal.md", ("VC-001",)))
    settings = cfg.settings()
    assert ignored_codes(settings, "site/faq/q.md") == {"CA401"}
    assert ignored_codes(settings, "site/other.md") == frozenset()
    assert dict(settings.describe())["per_file_ignores"] == "site/faq/*.md:CA401;*/legal.md:VC-001"


def test_rule_code_prefix_selects_every_rule_it_starts(in_tmp: Path) -> None:
    write(in_tmp, {"claimaudit.toml": 'ignore = ["CA4"]\n'})
    cfg = load_config(["."], environ=NO_ENV)
    assert cfg.ignore == tuple(code for code in RULES if code.startswith("CA4"))
    assert "CA401" in cfg.ignore


def test_pyproject_table(in_tmp: Path) -> None:
    write(in_tmp, {"pyproject.toml": "[project]\nname = 'x'\n\n[tool.claimaudit]\n"
                                     'ignore = ["ca2", "vc-001"]\nexit-zero = true\n'})
    cfg = load_config(["."], environ=NO_ENV)
    assert cfg.ignore == ("CA201", "CA202", "VC-001")
    assert cfg.exit_zero is True
    assert cfg.settings().ignore == ("CA201", "CA202", "VC-001")


def test_fail_on_is_kept_in_severity_order(in_tmp: Path) -> None:
    cfg = load_config([], overrides={"fail-on": ("contradicted,unverified", "--fail-on")},
                      environ=NO_ENV)
    assert cfg.fail_on == ("unverified", "contradicted")


# --- errors ---------------------------------------------------------------------

# fmt: off
ERRORS = [
    # id,                          claimaudit.toml content,                   message (after "claimaudit.toml: ")
    ("unknown key, close match",   "fail_on = []\n",                          "fail_on: unknown key; did you mean 'fail-on'?"),
    ("unknown key",                "colour = true\n",                         "colour: unknown key (known: reference, min-score, fail-on, select, ignore, per-file-ignores, exit-zero, exclude, extend-exclude, respect-gitignore)"),
    ("min-score not a number",     'min-score = "high"\n',                    "min-score: must be a number from 0 to 100, got 'high'"),
    ("min-score a boolean",        "min-score = true\n",                      "min-score: must be a number from 0 to 100, got True"),
    ("min-score out of range",     "min-score = 130\n",                       "min-score: must be from 0 to 100, got 130"),
    ("fail-on unknown verdict",    'fail-on = ["wrong"]\n',                   "fail-on: unknown verdict 'wrong' (choose from unverified, overstated, contradicted, a rule code such as CA403, or none)"),
    ("fail-on not strings",        "fail-on = [1]\n",                         "fail-on: must be a list of non-empty strings, got [1]"),
    ("ignore: not a code",         'ignore = ["vitamin c"]\n',                "ignore: 'vitamin c' is neither a reference id (VC-001) nor a rule code (CA201)"),
    ("ignore: unknown rule code",  'ignore = ["CA999"]\n',                    f"ignore: unknown rule code 'CA999' (known: {', '.join(RULES)})"),
    ("ignore: prefix matches none", 'ignore = ["CA5"]\n',                     "ignore: 'CA5' matches no rule code"),
    ("per-file-ignores not a table", 'per-file-ignores = ["x"]\n',            "per-file-ignores: must be a table of glob = [codes]"),
    ("per-file-ignores bad code",  '[per-file-ignores]\n"*.md" = ["nope"]\n', "per-file-ignores.*.md: 'nope' is neither a reference id (VC-001) nor a rule code (CA201)"),
    ("exit-zero not a boolean",    'exit-zero = "yes"\n',                     "exit-zero: must be true or false, got 'yes'"),
    ("reference empty string",     'reference = [""]\n',                      "reference: must be a list of non-empty strings, got ['']"),
    ("exclude not strings",        "exclude = [1]\n",                         "exclude: must be a list of non-empty strings, got [1]"),
    ("respect-gitignore not bool", 'respect-gitignore = "no"\n',              "respect-gitignore: must be true or false, got 'no'"),
]
# fmt: on


@pytest.mark.parametrize(("content", "message"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])
def test_config_errors(in_tmp: Path, content: str, message: str) -> None:
    write(in_tmp, {"claimaudit.toml": content})
    with pytest.raises(ConfigError) as err:
        load_config(["."], environ=NO_ENV)
    assert str(err.value).startswith(f"claimaudit.toml: {message}")
    result = CliRunner().invoke(main, ["show-config"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith(f"claimaudit: error: claimaudit.toml: {message}")
    assert result.stderr.count("\n") == 1


# fmt: off
SOURCE_ERRORS = [
    # id,                                   args,                                   env,                         message
    ("--config names a missing file",       ["--config", "nope.toml"],              {},                          "nope.toml: no such file"),
    ("--config pyproject without table",    ["--config", "pyproject.toml"],         {},                          "pyproject.toml: no [tool.claimaudit] table"),
    ("CLAIMAUDIT_CONFIG names a missing file", [],                                  {"CLAIMAUDIT_CONFIG": "gone.toml"}, "CLAIMAUDIT_CONFIG=gone.toml: no such file"),
]
# fmt: on


@pytest.mark.parametrize(("args", "env", "message"), [c[1:] for c in SOURCE_ERRORS],
                         ids=[c[0] for c in SOURCE_ERRORS])
def test_config_source_errors(in_tmp: Path, args: list, env: dict, message: str) -> None:
    write(in_tmp, {"pyproject.toml": "[project]\nname = 'x'\n"})
    result = CliRunner(env=env).invoke(main, ["show-config", *args])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == f"claimaudit: error: {message}\n"


# fmt: off
OPTION_ERRORS = [
    # id,                           options,                          message
    ("--fail-on unknown verdict",   ["--fail-on", "bad"],             "--fail-on: value: unknown verdict 'bad'"),
    ("--ignore unknown rule",       ["--ignore", "CA777"],            "--ignore: value: unknown rule code 'CA777'"),
    ("--min-score out of range",    ["--min-score", "101"],           "--min-score: value: must be from 0 to 100, got 101.0"),
]
# fmt: on


@pytest.mark.parametrize(("options", "message"), [c[1:] for c in OPTION_ERRORS],
                         ids=[c[0] for c in OPTION_ERRORS])
def test_bad_option_values_exit_2(in_tmp: Path, mini: Path, options: list, message: str) -> None:
    result = CliRunner().invoke(main, ["audit", str(mini / "corpus"), "-r",
                                       str(mini / "reference"), *options])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith(f"claimaudit: error: {message}")


# --- show-config ----------------------------------------------------------------


def test_show_config_toml_round_trips(in_tmp: Path) -> None:
    (in_tmp / "reference").mkdir()  # the default reference set is used as it is
    write(in_tmp, {"docs/claimaudit.toml": 'min-score = 61.5\nfail-on = ["contradicted"]\n'
                                           '[per-file-ignores]\n"*faq.md" = ["CA401"]\n'})
    result = CliRunner().invoke(main, ["show-config", "docs"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# config file: docs/claimaudit.toml (found by discovery)"
    assert "min-score = 61.5  # docs/claimaudit.toml" in lines
    assert "exit-zero = false  # default" in lines
    values = tomllib.loads(result.stdout)
    assert values == {**{k: list(v) if isinstance(v, tuple) else v for k, v in DEFAULTS.items()},
                      "min-score": 61.5, "fail-on": ["contradicted"],
                      "per-file-ignores": {"*faq.md": ["CA401"]}}


def test_show_config_json(in_tmp: Path) -> None:
    write(in_tmp, {"cfg/custom.toml": 'reference = ["../refs"]\n'})
    result = CliRunner().invoke(main, ["show-config", "--config", "cfg/custom.toml",
                                       "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["config_file"] == "cfg/custom.toml"
    assert doc["found_by"] == "--config"
    assert doc["values"]["reference"] == ["refs"]
    assert doc["sources"]["reference"] == "cfg/custom.toml"
    assert doc["sources"]["fail-on"] == "default"


def test_show_config_shows_the_bundled_packs_when_there_is_no_reference_folder(in_tmp: Path) -> None:
    """With the default set and no reference/ here, check and audit use every bundled pack:
    show-config says so instead of printing the unused default ["reference"]."""
    from claimaudit.packs import bundled_packs

    packs = [str(p) for p in bundled_packs().values()]
    assert packs
    result = CliRunner().invoke(main, ["show-config"])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("reference = "))
    assert line.endswith("# default; no reference/ folder here, so every bundled pack")
    assert tomllib.loads(result.stdout)["reference"] == packs
    doc = json.loads(CliRunner().invoke(main, ["show-config", "--format", "json"]).stdout)
    assert doc["values"]["reference"] == packs
    assert doc["notes"] == {"reference": "no reference/ folder here, so every bundled pack"}
    # The set check loads here is the one shown.
    from claimaudit.cli import _load_reference
    from claimaudit.config import load_config

    loaded = _load_reference(load_config([], environ=NO_ENV)).paths
    assert {next(pk for pk in packs if Path(f).is_relative_to(pk)) for f in loaded} == set(packs)


def test_show_config_without_any_file(in_tmp: Path) -> None:
    result = CliRunner().invoke(main, ["show-config", "--format", "json"])
    doc = json.loads(result.stdout)
    if doc["config_file"] is None:  # nothing above tmp_path either
        assert doc["found_by"] == "none"
        assert set(doc["sources"].values()) == {"default"}


# --- the audit command reads the configuration ------------------------------------


def test_audit_uses_config_reference_and_fail_on(in_tmp: Path, mini: Path) -> None:
    """`reference` in the config is relative to it; `fail-on = []` never fails; options win."""
    import shutil

    shutil.copytree(mini, in_tmp / "site")
    write(in_tmp, {"site/claimaudit.toml": 'reference = ["reference"]\nfail-on = "none"\n'})
    result = CliRunner().invoke(main, ["audit", "site/corpus", "--out", "r"])
    assert result.exit_code == ExitCode.CLEAN, result.stderr
    doc = json.loads((in_tmp / "r" / "audit.json").read_text(encoding="utf-8"))
    assert doc["reference"]["paths"] == ["site/reference/vitamin-c.yaml"]
    flagged = doc["summary"]["overstated"] + doc["summary"]["contradicted"]
    assert flagged > 0
    result = CliRunner().invoke(main, ["audit", "site/corpus", "--out", "r",
                                       "--fail-on", "overstated,contradicted"])
    assert result.exit_code == ExitCode.FINDINGS


# --- audit exit codes -------------------------------------------------------------

FLAGGED = ("Taking vitamin C every day prevents colds.\n\n"  # contradicted (VC-001, CA301)
           "Zinc lozenges shorten colds in adults.\n")  # unverified (CA401)
CLEAN = "Taking vitamin C every day may slightly shorten colds.\n"  # supported (VC-002)

# fmt: off
AUDIT_EXIT = [
    # id,                                            article,  claimaudit.toml,           options,                                exit
    ("contradicted claim -> 1",                      FLAGGED,  "",                        [],                                     ExitCode.FINDINGS),
    ("supported only -> 0",                          CLEAN,    "",                        [],                                     ExitCode.CLEAN),
    ("--exit-zero -> 0",                             FLAGGED,  "",                        ["--exit-zero"],                        ExitCode.CLEAN),
    ("--fail-on overstated -> 0",                    FLAGGED,  "",                        ["--fail-on", "overstated"],            ExitCode.CLEAN),
    ("--fail-on unverified -> 1",                    CLEAN + "\n" + FLAGGED.split("\n\n")[1], "", ["--fail-on", "unverified"],   ExitCode.FINDINGS),
    ("--fail-on none -> 0",                          FLAGGED,  "",                        ["--fail-on", "none"],                  ExitCode.CLEAN),
    ("--ignore VC-001 suppresses it -> 0",           FLAGGED,  "",                        ["--ignore", "VC-001"],                 ExitCode.CLEAN),
    ("--ignore CA3 (prefix) -> 0",                   FLAGGED,  "",                        ["--ignore", "CA3"],                    ExitCode.CLEAN),
    ("config exit-zero -> 0",                        FLAGGED,  "exit-zero = true\n",      [],                                     ExitCode.CLEAN),
    ("--no-exit-zero beats config -> 1",             FLAGGED,  "exit-zero = true\n",      ["--no-exit-zero"],                     ExitCode.FINDINGS),
    ("config fail-on unverified -> 1",               CLEAN + "\nZinc lozenges shorten colds in adults.\n",
                                                               'fail-on = ["unverified"]\n', [],                                  ExitCode.FINDINGS),
    ("config ignore -> 0",                           FLAGGED,  'ignore = ["VC-001"]\n',   [],                                     ExitCode.CLEAN),
    ("per-file-ignores glob -> 0",                   FLAGGED,  '[per-file-ignores]\n"docs/*.md" = ["CA301"]\n', [],               ExitCode.CLEAN),
    ("per-file-ignores other glob -> 1",             FLAGGED,  '[per-file-ignores]\n"faq/*.md" = ["CA301"]\n', [],                ExitCode.FINDINGS),
    ("bad config -> 2",                              FLAGGED,  "fail-on = 3\n",           [],                                     ExitCode.BAD_INPUT),
    ("unknown format -> 2",                          FLAGGED,  "",                        ["--format", "pdf"],                    ExitCode.BAD_INPUT),
    ("missing article, even with --exit-zero -> 2",  FLAGGED,  "",                        ["docs/gone.md", "--exit-zero"],        ExitCode.BAD_INPUT),
    ("missing reference -> 2",                       FLAGGED,  "",                        ["--reference", "nowhere"],             ExitCode.BAD_INPUT),
]
# fmt: on


@pytest.mark.parametrize(("article", "config", "options", "code"), [c[1:] for c in AUDIT_EXIT],
                         ids=[c[0] for c in AUDIT_EXIT])
def test_audit_exit_code(in_tmp: Path, mini: Path, article: str, config: str, options: list,
                         code: int) -> None:
    import shutil

    shutil.copytree(mini / "reference", in_tmp / "reference")
    write(in_tmp, {"docs/a.md": "# Colds\n\n" + article,
                   "claimaudit.toml": 'reference = ["reference"]\n' + config})
    result = CliRunner().invoke(main, ["audit", "docs", "--out", "out", *options])
    assert result.exit_code == code, result.output
