"""Reference loading: valid sets load; every invalid one stops with file, line and fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from claimaudit.reference import ReferenceError, load_reference, parse_reference_text

GOOD = """\
claims:
  - id: XX-001
    text: Walking lowers blood pressure.
    stance: supports
    grade: moderate
    max_strength: 2
    studies:
      - citation: Example A. Journal 2020
        design: meta-analysis
"""


def test_good_entry_loads() -> None:
    (claim,) = parse_reference_text(GOOD, "ref.yaml")
    assert claim.id == "XX-001" and claim.max_strength == 2
    assert claim.source == "ref.yaml:2"
    assert claim.studies[0].design == "meta-analysis"
    assert claim.harm is False


def test_harm_is_read() -> None:
    (claim,) = parse_reference_text(GOOD.replace("max_strength: 2", "max_strength: 2\n    harm: true"), "ref.yaml")
    assert claim.harm is True


# fmt: off
BAD_CASES = [
    # description,                  replace (old, new),                               expected fragment
    ("unknown grade",               ("grade: moderate", "grade: excellent"),          "ref.yaml:2: claim 'XX-001' has unknown grade 'excellent'; use one of strong|moderate|limited|insufficient"),
    ("unknown stance",              ("stance: supports", "stance: agrees"),           "unknown stance 'agrees'"),
    ("missing field",               ("    grade: moderate\n", ""),                    "ref.yaml:2: claim 'XX-001' has no 'grade'; add grade:"),
    ("max_strength out of range",   ("max_strength: 2", "max_strength: 7"),           "max_strength 7; use an integer 0-4"),
    ("malformed id",                ("id: XX-001", "id: xx1"),                        "id 'xx1' is malformed"),
    ("study without design",        ("        design: meta-analysis\n", ""),          "a study has no 'design'"),
    ("unknown field",               ("    grade: moderate\n", "    grade: moderate\n    colour: red\n"), "unknown field(s) colour"),
    ("YAML syntax error",           ("    text: Walking", "    text: [Walking"),      "ref.yaml:"),
    ("subject without terms",       ("claims:\n", "subject: {name: walking}\nclaims:\n"), "ref.yaml:1: 'subject' must be a mapping with name and terms"),
    ("subject terms not a list",    ("claims:\n", "subject: {name: walking, terms: walk}\nclaims:\n"), "subject terms must be a non-empty list"),
    ("unknown top-level key",       ("claims:\n", "subjects: walking\nclaims:\n"), "unknown top-level key(s) subjects; allowed: claims, subject"),
    ("lower-case symbol",           ("claims:\n", "subject: {name: walking, terms: [walk], symbols: [wk]}\nclaims:\n"), "subject symbols must be a list of symbols written with their capitals"),
    ("harm not a boolean",          ("max_strength: 2", "max_strength: 2\n    harm: yes please"), "ref.yaml:2: claim 'XX-001': 'harm' must be true or false"),
    ("harm on a refuted claim",     ("stance: supports", "stance: refutes\n    harm: true"), "'harm: true' needs stance 'supports'"),
]
# fmt: on


@pytest.mark.parametrize(("description", "change", "expected"), BAD_CASES,
                         ids=[c[0] for c in BAD_CASES])
def test_invalid_entry_names_file_line_and_fix(description, change, expected) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD, description
    with pytest.raises(ReferenceError) as exc:
        parse_reference_text(text, "ref.yaml")
    message = str(exc.value)
    assert expected in message
    assert "\n" not in message


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(ReferenceError, match=r"b.yaml:2: duplicate id 'XX-001' \(first defined at .*a.yaml:2\)"):
        load_reference([tmp_path])


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text("claims: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ReferenceError, match="evil.yaml:1: YAML error"):
        load_reference([tmp_path])


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceError, match="no such reference file or folder"):
        load_reference([tmp_path / "nope"])


def test_hash_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    h1 = load_reference([tmp_path]).sha256
    (tmp_path / "a.yaml").write_text(GOOD.replace("max_strength: 2", "max_strength: 1"))
    assert load_reference([tmp_path]).sha256 != h1


def test_bundled_reference_set_is_valid(root: Path) -> None:
    ref = load_reference([root / "reference"])
    ids = [c.id for c in ref.claims]
    base_ids = {i[:6] for i in ids}
    assert {f"MG-{n:03d}" for n in range(1, 60)} <= base_ids, "every brief claim MG-001..MG-059 is curated"
    for c in ref.claims:
        assert c.studies or c.grade == "insufficient", f"{c.id} needs its studies"
        assert len(c.variants) >= 3, f"{c.id} needs paraphrase variants"
        assert c.key_terms, f"{c.id} needs key_terms"
        for s in c.studies:
            assert s.citation and s.design, c.id


def test_empty_studies_only_for_insufficient_evidence() -> None:
    with pytest.raises(ReferenceError, match="has no 'studies'"):
        parse_reference_text(GOOD.replace("""    studies:
      - citation: Example A. Journal 2020
        design: meta-analysis
""", "    studies: []\n"), "ref.yaml")
    text = GOOD.replace("grade: moderate", "grade: insufficient").replace("""    studies:
      - citation: Example A. Journal 2020
        design: meta-analysis
""", "    studies: []\n")
    (claim,) = parse_reference_text(text, "ref.yaml")
    assert claim.studies == ()


def test_file_subject_applies_to_every_claim() -> None:
    text = "subject:\n  name: Walking\n  terms: [walk, Stroll]\n" + GOOD
    (claim,) = parse_reference_text(text, "ref.yaml")
    assert claim.subject == "walking" and claim.subject_terms == ("walk", "stroll")
    (plain,) = parse_reference_text(GOOD, "ref.yaml")
    assert plain.subject == "" and plain.subject_terms == ()


def test_file_can_say_its_claims_have_no_subject() -> None:
    (claim,) = parse_reference_text("subject: none\n" + GOOD, "ref.yaml")
    assert claim.subject == "" and claim.subject_terms == ()
    with pytest.raises(ReferenceError, match="or subject: none for claims about no subject"):
        parse_reference_text("subject: nothing\n" + GOOD, "ref.yaml")


def test_bundled_reference_declares_its_subject(root: Path) -> None:
    ref = load_reference([root / "reference"])
    assert {c.subject for c in ref.claims} == {"magnesium", "vitamin d", ""}
    # only MG-011 (how common back pain is) is about no subject: back-pain.yaml says `subject: none`
    assert [c.id for c in ref.claims if not c.subject] == ["MG-011"]
    assert {c.pack: c.subject for c in ref.claims if c.subject} == {"magnesium": "magnesium",
                                                                   "vitamin-d": "vitamin d"}


def test_cli_warns_about_an_empty_reference_set(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from claimaudit.cli import main

    (tmp_path / "ref").mkdir()
    (tmp_path / "ref" / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Magnesium relieves back pain.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "a.md"), "--reference",
                                       str(tmp_path / "ref"), "--format", "concise", "--exit-zero"])
    assert result.exit_code == 0
    assert "warning: the reference set" in result.stderr and "has no claims" in result.stderr
    assert "unverified" in result.stdout or "CA401" in result.stdout
