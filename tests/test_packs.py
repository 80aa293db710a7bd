"""Reference packs: manifests, studies by key, bundled packs, --reference names, report and cache."""

from __future__ import annotations

import json
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit import cache, packs
from claimaudit.cli import main
from claimaudit.config import load_config
from claimaudit.pipeline import audit
from claimaudit.reference import ReferenceError, load_reference, parse_manifest, parse_studies_text
from claimaudit.report import report_dict

ROOT = Path(__file__).resolve().parent.parent
VITC = Path(__file__).parent / "fixtures" / "packs" / "vitc"

MANIFEST = """\
name: {name}
version: "0.3.1"
licence: CC-BY-4.0
description: A pack for tests.
subject:
  name: {subject}
  terms: [{subject}]
"""

CLAIM = """\
claims:
  - id: {id}
    text: {text}
    variants: [a variant of it, another variant, a third one]
    key_terms: [[{term}]]
    stance: supports
    grade: moderate
    max_strength: 2
    studies: {studies}
"""

INLINE = """
      - citation: "Example B. Example J 2019;3:4-5"
        design: RCT
        year: 2019
        n: 120
        pmid: "42"
        source_type: journal
        verified: false
        verification: could not be opened"""

STUDIES = """\
studies:
  example-2020-a:
    citation: "Example A. Example J 2020;1:2-3"
    design: meta-analysis
    year: 2020
    n: 300
    finding: Example finding.
    doi: 10.5555/example-a
    url: https://doi.org/10.5555/example-a
    verified: true
    verification: a test record
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def pack(root: Path, name: str = "zinc", subject: str = "zinc", cid: str = "ZN-001",
         extra: dict[str, str] | None = None) -> Path:
    folder = root / name
    write(folder, {
        "pack.yaml": MANIFEST.format(name=name, subject=subject),
        "studies.yaml": STUDIES,
        "claims.yaml": CLAIM.format(id=cid, text=f"{subject.title()} shortens colds.", term=subject,
                                    studies="[example-2020-a]"),
        **(extra or {}),
    })
    return folder


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch) -> Path:
    """A bundled-packs folder of our own (zinc, echinacea) in place of the installed one."""
    root = tmp_path / "site" / "bundled"
    pack(root, "zinc", "zinc", "ZN-001")
    pack(root, "echinacea", "echinacea", "EC-001")
    monkeypatch.setattr(packs, "bundled_root", lambda: root)
    return root


# --- loading -------------------------------------------------------------------------


def test_pack_subject_studies_by_key_and_inline(tmp_path: Path) -> None:
    folder = pack(tmp_path, extra={
        "more.yaml": CLAIM.format(id="ZN-002", text="Zinc cures colds.", term="zinc",
                                  studies="\n      - example-2020-a" + INLINE),
        "own-subject.yaml": "subject: {name: lozenges, terms: [lozenge]}\n" + CLAIM.format(
            id="ZN-003", text="Lozenges help.", term="lozenge", studies="[example-2020-a]"),
    })
    ref = load_reference([folder])
    by_id = ref.by_id()
    assert {c.pack for c in ref.claims} == {"zinc"}
    assert by_id["ZN-001"].subject == "zinc" and by_id["ZN-001"].subject_terms == ("zinc",)
    assert by_id["ZN-003"].subject == "lozenges"  # a file's own subject wins
    keyed, inline = by_id["ZN-002"].studies
    assert keyed == by_id["ZN-001"].studies[0]  # one record, however many claims cite it
    assert (keyed.key, keyed.doi, keyed.verified, keyed.verification) == (
        "example-2020-a", "10.5555/example-a", True, "a test record")
    assert keyed.source == f"{folder / 'studies.yaml'}:2"
    assert (inline.key, inline.pmid, inline.source_type, inline.verified, inline.verification) == (
        "", "42", "journal", False, "could not be opened")
    lines = (folder / "more.yaml").read_text("utf-8").splitlines()
    assert lines[int(inline.source.rsplit(":", 1)[1]) - 1].strip().startswith("- citation:")
    (p,) = ref.packs
    assert (p.name, p.version, p.licence, p.description, p.subject) == (
        "zinc", "0.3.1", "CC-BY-4.0", "A pack for tests.", "zinc")


def test_unknown_study_key_names_the_file_and_line(tmp_path: Path) -> None:
    folder = pack(tmp_path, extra={"more.yaml": CLAIM.format(
        id="ZN-002", text="Zinc cures colds.", term="zinc",
        studies="\n      - example-2020-a\n      - exampel-2020-a")})
    with pytest.raises(ReferenceError) as exc:
        load_reference([folder])
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith(f"[CA-E1] {folder / 'more.yaml'}:11: claim 'ZN-002' cites study "
                              "'exampel-2020-a', which no studies.yaml of its pack defines")


@pytest.mark.parametrize("text,expected", [
    ("studies:\n  a-1: {citation: x, design: y}\n  a-1: {citation: z, design: y}\n",
     "studies.yaml:3: study key 'a-1' is defined twice (first at line 2)"),
    ("studies:\n  Bad Key: {citation: x, design: y}\n", "studies.yaml:2: study key 'Bad Key' is malformed"),
    ("studies:\n  a-1: {citation: x}\n", "studies.yaml:2: study 'a-1': a study has no 'design'"),
    ("studies:\n  a-1: {citation: x, design: y, source_type: blog}\n",
     "studies.yaml:2: study 'a-1': study source_type 'blog' is unknown; use one of journal|official|book|web"),
    ("studies:\n  a-1: {citation: x, design: y, verified: 'yes'}\n",
     "studies.yaml:2: study 'a-1': study verified 'yes' must be true or false"),
    ("studies:\n  a-1: {citation: x, design: y, pages: 3}\n",
     "studies.yaml:2: study 'a-1': a study has unknown field(s) pages"),
    ("claims: []\n", "studies.yaml:1: a studies file is a mapping with one key, 'studies:'"),
])
def test_bad_studies_file(text: str, expected: str) -> None:
    with pytest.raises(ReferenceError, match="^" + "\\[CA-E1\\] " + expected.replace("(", r"\(")
                       .replace(")", r"\)").replace("|", r"\|")):
        parse_studies_text(text, "studies.yaml")


@pytest.mark.parametrize("text,expected", [
    ('name: zinc\nlicence: MIT\ndescription: d\n', "needs 'version' as text"),
    ('name: zinc\nversion: 1.0\nlicence: MIT\ndescription: d\n', "needs 'version' as text (quote it"),
    ('name: Zinc Pack\nversion: "1"\nlicence: MIT\ndescription: d\n', "pack name 'Zinc Pack' is malformed"),
    ('name: zinc\nversion: "1"\nlicence: MIT\ndescription: d\nlicense: MIT\n', "unknown key(s) license"),
    ('name: zinc\nversion: "1"\ndescription: d\n', "needs 'licence' as text"),
    ('name: zinc\nversion: "1"\nlicence: MIT\ndescription: d\nsubject: zinc\n',
     "'subject' must be a mapping with name and terms"),
])
def test_bad_manifest(text: str, expected: str) -> None:
    with pytest.raises(ReferenceError) as exc:
        parse_manifest(text, "pack.yaml")
    assert str(exc.value).startswith("[CA-E1] pack.yaml:1: ")
    assert expected in str(exc.value)


def test_a_pack_loaded_twice_is_an_error(tmp_path: Path) -> None:
    a = pack(tmp_path / "a")
    b = pack(tmp_path / "b", cid="ZN-009")
    with pytest.raises(ReferenceError, match="pack 'zinc' is loaded twice"):
        load_reference([a, b])
    assert len(load_reference([a, a, tmp_path / "a"]).claims) == 1  # the same folder counts once


def test_a_claim_file_alone_brings_its_manifest_and_studies(tmp_path: Path) -> None:
    folder = pack(tmp_path)
    ref = load_reference([folder / "claims.yaml"])
    assert ref.packs[0].name == "zinc"
    assert ref.claims[0].studies[0].key == "example-2020-a"
    with pytest.raises(ReferenceError, match="no reference claims found"):
        load_reference([folder / "pack.yaml"])


def test_pack_hash_follows_content_not_place(tmp_path: Path) -> None:
    one = load_reference([pack(tmp_path / "one")]).packs[0]
    two = load_reference([pack(tmp_path / "two")]).packs[0]
    assert one.sha256 == two.sha256
    studies = tmp_path / "two" / "zinc" / "studies.yaml"
    studies.write_text(studies.read_text("utf-8").replace("Example finding.", "Other finding."), "utf-8")
    assert load_reference([tmp_path / "two" / "zinc"]).packs[0].sha256 != one.sha256


def test_subject_scope_keeps_packs_apart(tmp_path: Path) -> None:
    """A sentence about one pack's subject never matches another pack's claim."""
    write(tmp_path, {"draft.md": "Zinc shortens colds.\n\nEchinacea shortens colds.\n"})
    zinc = pack(tmp_path / "refs", "zinc", "zinc", "ZN-001",
                extra={"claims.yaml": CLAIM.format(id="ZN-001", text="Zinc shortens colds.",
                                                   term="cold", studies="[example-2020-a]")})
    echinacea = pack(tmp_path / "refs", "echinacea", "echinacea", "EC-001",
                     extra={"claims.yaml": CLAIM.format(id="EC-001", text="Echinacea shortens colds.",
                                                        term="cold", studies="[example-2020-a]")})
    doc = report_dict(audit([tmp_path / "draft.md"], load_reference([zinc, echinacea])))
    got = {c["text"]: c["reference_id"] for c in doc["articles"][0]["claims"]}
    assert got == {"Zinc shortens colds.": "ZN-001", "Echinacea shortens colds.": "EC-001"}


# --- bundled packs and --reference ---------------------------------------------------


def test_bundled_packs_are_the_repository_reference_folder() -> None:
    root = packs.bundled_root()
    if root is None or root.resolve() != (ROOT / "reference").resolve():
        pytest.skip("claimaudit is not installed in editable mode from this checkout")
    assert "magnesium" in packs.bundled_packs()


def test_package_data_ships_every_pack_file() -> None:
    """pyproject maps claimaudit.bundled onto reference/ and its globs cover every pack file."""
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert tool["package-dir"]["claimaudit.bundled"] == "reference"
    assert "claimaudit.bundled" in tool["packages"]
    globs = tool["package-data"]["claimaudit.bundled"]
    files = [p.relative_to(ROOT / "reference").as_posix() for p in (ROOT / "reference").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    missing = [f for f in files if f != "__init__.py" and not any(fnmatch(f, g) for g in globs)]
    assert missing == []
    assert any(f.endswith("/pack.yaml") for f in files)


def test_resolve_spec(bundled: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert packs.resolve_spec("zinc") == bundled / "zinc"
    (tmp_path / "zinc").mkdir()
    assert packs.resolve_spec("zinc") == Path("zinc")  # an existing path wins over a pack name
    with pytest.raises(ReferenceError, match=r"^\[CA-E1\] nowhere: no such reference file or folder, "
                       r"nor a bundled pack \(bundled packs: echinacea, zinc\)"):
        packs.resolve_spec("nowhere")


@pytest.mark.parametrize("specs,configured,has_reference,expected", [
    (("reference",), False, False, ("<bundled>/echinacea", "<bundled>/zinc")),
    (("reference",), False, True, ("reference",)),
    (("reference",), True, False, ("reference",)),  # configured: its error is the user's to see
    (("zinc",), False, False, ("zinc",)),
])
def test_effective_specs(bundled: Path, tmp_path: Path, monkeypatch, specs, configured,
                         has_reference, expected) -> None:
    monkeypatch.chdir(tmp_path)
    if has_reference:
        (tmp_path / "reference").mkdir()
    got = tuple(str(s).replace(str(bundled), "<bundled>") for s in packs.effective_specs(specs, configured))
    assert got == expected


def test_check_in_an_empty_folder_uses_every_bundled_pack(bundled: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "draft.md").write_text("Zinc cures colds.\n\nEchinacea cures colds.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "draft.md", "--format", "json"])
    doc = json.loads(result.stdout)
    assert [p["name"] for p in doc["reference"]["packs"]] == ["echinacea", "zinc"]
    assert {c["reference_id"] for c in doc["articles"][0]["claims"]} == {"ZN-001", "EC-001"}


def test_real_bundled_set_flags_a_draft_in_an_empty_folder(tmp_path: Path, monkeypatch) -> None:
    """The issue's check: `claimaudit check draft.md` in a folder without reference/."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_text("Magnesium supplements cure back pain.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "draft.md", "--format", "concise"])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("draft.md:1:1: CA301 contradicted ")
    assert "(MG-" in result.stdout


@pytest.mark.parametrize("args", [
    ["--reference", "zinc,echinacea"],
    ["--reference", "zinc", "-r", "echinacea"],
    ["-r", " zinc , echinacea "],
])
def test_reference_option_takes_names_comma_separated_or_repeated(bundled: Path, tmp_path: Path,
                                                                  monkeypatch, args) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_text("Zinc cures colds.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "draft.md", "--format", "json", *args])
    doc = json.loads(result.stdout)
    assert sorted(p["name"] for p in doc["reference"]["packs"]) == ["echinacea", "zinc"]


def test_config_reference_takes_pack_names(bundled: Path, tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {"site/claimaudit.toml": 'reference = ["zinc,local"]\n'})
    (tmp_path / "site" / "local").mkdir()
    monkeypatch.chdir(tmp_path)
    cfg = load_config([tmp_path / "site"])
    # A bundled pack's name stays a name; a folder beside the config file is a path.
    assert cfg.reference == ("zinc", "site/local")


def test_reference_list(bundled: Path, tmp_path: Path, monkeypatch) -> None:
    local = pack(tmp_path / "refs", "elderberry", "elderberry", "EB-001")
    write(tmp_path / "refs", {"loose.yaml": CLAIM.format(id="LO-001", text="Loose claims load.",
                                                         term="loose", studies=INLINE)})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["reference", "list", "-r", "refs"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["name", "version", "claims", "studies", "where", "path"]
    assert rows[1:] == [
        ["echinacea", "0.3.1", "1", "1", "bundled", str(bundled / "echinacea")],
        ["zinc", "0.3.1", "1", "1", "bundled", str(bundled / "zinc")],
        ["elderberry", "0.3.1", "1", "1", "local", "refs/elderberry"],
        ["(no", "pack)", "-", "1", "1", "local", "refs/loose.yaml"],
    ]
    assert local.name == "elderberry"
    data = json.loads(CliRunner().invoke(main, ["reference", "list", "--format", "json"]).stdout)
    assert [(r["name"], r["claims"], r["bundled"]) for r in data] == [("echinacea", 1, True),
                                                                      ("zinc", 1, True)]


def test_reference_list_reports_a_broken_pack_and_exits_2(bundled: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    (bundled / "zinc" / "claims.yaml").write_text("claims: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["reference", "list"])
    assert result.exit_code == 2
    (broken,) = [line for line in result.stdout.splitlines() if "ERROR" in line]
    assert "claims.yaml" in broken and "YAML error" in broken
    assert any(line.startswith("echinacea ") for line in result.stdout.splitlines())


# --- report and cache ----------------------------------------------------------------


def test_report_records_packs(tmp_path: Path) -> None:
    write(tmp_path, {"draft.md": "Vitamin C prevents colds.\n"})
    ref = load_reference([VITC])
    doc = report_dict(audit([tmp_path / "draft.md"], ref))
    (p,) = doc["reference"]["packs"]
    assert p == {"name": "vitc", "version": "1.2.0", "sha256": ref.packs[0].sha256}
    assert list(doc["reference"]) == ["paths", "claims", "sha256", "packs"]
    (claim,) = doc["articles"][0]["claims"]
    assert claim["studies"][0]["url"] == "https://pubmed.ncbi.nlm.nih.gov/23440782/"


def test_cached_reference_keeps_packs_and_study_fields(tmp_path: Path) -> None:
    fresh = load_reference([VITC])
    cache.load_reference_cached([VITC], tmp_path / "c")
    again = cache.load_reference_cached([VITC], tmp_path / "c")
    assert again == fresh
    assert again.packs == fresh.packs and again.claims[0].studies[0].key == "hemila-2013-colds"


def test_cache_key_changes_with_a_pack_version(tmp_path: Path) -> None:
    shutil.copytree(VITC, tmp_path / "vitc")
    before = cache.context_key(load_reference([tmp_path / "vitc"]), "settings")
    manifest = tmp_path / "vitc" / "pack.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace('"1.2.0"', '"1.3.0"'), "utf-8")
    after = load_reference([tmp_path / "vitc"])
    assert after.packs[0].version == "1.3.0"
    assert cache.context_key(after, "settings") != before
