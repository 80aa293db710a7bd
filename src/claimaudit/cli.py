"""The command line: a thin click layer over the Python API.

Exit codes (`ExitCode`): 0 clean, 1 findings at or above --fail-on, 2 usage,
configuration, reference-set or input error.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path

import click

from . import __version__
from .evaluate import evaluate, format_scores, load_gold
from .pipeline import Settings, audit
from .reference import ReferenceError, load_reference
from .report import report_dict, write_reports


class ExitCode(IntEnum):
    """Process status returned by claimaudit commands."""

    CLEAN = 0  # no finding at or above --fail-on
    FINDINGS = 1  # overstated or contradicted claims were reported
    BAD_INPUT = 2  # usage, config, reference-set, input or internal error


class InputProblem(click.ClickException):
    """A user-fixable error: one line, exit code 2 (not 1, which means findings)."""

    exit_code = ExitCode.BAD_INPUT

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        """Print the one-line message to stderr."""
        click.echo(f"claimaudit: error: {self.format_message()}", err=True)


FILE_FORMATS = ("json", "csv", "markdown")


def _load_reference(paths: tuple[str, ...]):
    try:
        return load_reference(list(paths))
    except ReferenceError as exc:
        raise InputProblem(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimaudit")
def main() -> None:
    """Audit health claims in articles against a graded reference claim set."""


@main.command("audit")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--reference", "-r", multiple=True, default=("reference",), show_default=True,
              help="Reference claim file or folder (repeatable).")
@click.option("--out", "-o", default="reports", show_default=True,
              help="Folder for audit.json, claims.csv and summary.md.")
@click.option("--format", "formats", default="json,csv,markdown", show_default=True,
              help="Comma-separated report formats: json, csv, markdown.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary table.")
def audit_cmd(paths: tuple[str, ...], reference: tuple[str, ...], out: str, formats: str,
              quiet: bool) -> None:
    """Audit articles (files or folders of .txt, .md, .html) and write reports.

    Example: claimaudit audit corpus/ --reference reference/ --out reports/
    """
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FILE_FORMATS]
    if unknown:
        raise InputProblem(f"unknown format(s) {', '.join(unknown)}; use {', '.join(FILE_FORMATS)}")
    if not paths:
        paths = ("corpus",)
    ref = _load_reference(reference)
    report = audit(list(paths), ref, Settings())
    doc = report_dict(report)
    written = write_reports(doc, out, wanted)
    for e in doc["errors"]:
        click.echo(f"claimaudit: {e['path']}: {e['error']}", err=True)
    if not quiet:
        click.echo(summary_table(doc), err=True)
        for w in written:
            click.echo(f"wrote {w}", err=True)
    if doc["errors"]:
        sys.exit(ExitCode.BAD_INPUT)
    flagged = doc["summary"]["overstated"] + doc["summary"]["contradicted"]
    sys.exit(ExitCode.FINDINGS if flagged else ExitCode.CLEAN)


def summary_table(doc: dict) -> str:
    """Return a short per-article table of verdict counts."""
    rows = [("article", "claims", "supp", "over", "contra", "unver")]
    for a in doc["articles"]:
        c = a["counts"]
        rows.append((a["path"], str(sum(c.values())), str(c["supported"]), str(c["overstated"]),
                     str(c["contradicted"]), str(c["unverified"])))
    s = doc["summary"]
    rows.append(("total", str(s["claims"]), str(s["supported"]), str(s["overstated"]),
                 str(s["contradicted"]), str(s["unverified"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(r[0].ljust(widths[0]) if j == 0 else r[j].rjust(widths[j])
                               for j in range(len(r))))
        if i == 0 or i == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--report", "report_path", default="reports/audit.json", show_default=True,
              type=click.Path(dir_okay=False), help="The audit.json to score.")
@click.option("--corpus", default=None, type=click.Path(file_okay=False),
              help="Folder holding the articles (default: the paths in the report).")
@click.option("--show", type=click.Choice(["none", "errors", "all"]), default="none",
              help="Also list units: only the wrong ones, or all.")
def eval_cmd(gold: str, report_path: str, corpus: str | None, show: str) -> None:
    """Score a report against labelled sentences (JSONL, see shared/gold/GUIDELINES.md).

    Example: claimaudit eval ../shared/gold/seeds-dev.jsonl --report reports/audit.json
    """
    import json

    try:
        rows = load_gold(gold)
    except ValueError as exc:
        raise InputProblem(str(exc)) from None
    try:
        doc = json.loads(Path(report_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputProblem(f"{report_path}: no such report; run claimaudit audit first") from None
    except json.JSONDecodeError as exc:
        raise InputProblem(f"{report_path}:{exc.lineno}: not JSON ({exc.msg})") from None
    try:
        scores = evaluate(rows, doc, corpus)
    except OSError as exc:
        raise InputProblem(f"cannot read an article: {exc}") from None
    click.echo(format_scores(scores))
    if show != "none":
        click.echo("")
        for r in scores.rows:
            if show == "all" or not r["ok"]:
                mark = "ok " if r["ok"] else "BAD"
                click.echo(f"{mark} {r['article'][:3]} {'/'.join(r['labels']):<26} -> "
                           f"{r['outcome']:<13} {r['text'][:110]}")


@main.command("strength")
@click.argument("text", nargs=-1)
@click.option("--explain", is_flag=True, help="Also print the cues that set the level.")
def strength_cmd(text: tuple[str, ...], explain: bool) -> None:
    """Print the asserted strength (0-4) of each sentence: level, a tab, the sentence.

    Reads one sentence per line from standard input when no TEXT is given.

    Example: echo "Magnesium may reduce back pain." | claimaudit strength
    """
    from .strength import read_many

    lines = list(text) if text else [ln.rstrip("\n") for ln in sys.stdin]
    readings = read_many(lines)
    for line, r in zip(lines, readings):
        if explain:
            cues = ", ".join(f"{c.kind}:{c.text}" for c in r.cues) or "-"
            neg = "\tnegated" if r.negated else ""
            click.echo(f"{r.level}\t{line}\t[{cues}]{neg}")
        else:
            click.echo(f"{r.level}\t{line}")
