"""The command line: a thin click layer over the Python API.

Exit codes (`ExitCode`): 0 clean, 1 findings at or above --fail-on, 2 usage,
configuration, reference-set or input error.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:
    from .pipeline import Settings

# Only click and the standard library are imported here: each command imports what it
# uses (pandas, numpy, jinja2 ...) when it runs, so `claimaudit --version`
# and `--help` start at once (tests/test_cli_output.py checks the imports).


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


FILE_FORMATS = ("json", "csv", "markdown", "html")
# Stream formats go to stdout, or into --out (under these names) when --out is given.
STREAM_FILES = {"sarif": "audit.sarif", "github": "github-annotations.txt",
                "junit": "junit.xml", "concise": "concise.txt"}
STREAM_FORMATS = tuple(STREAM_FILES)


def config_option(f):  # noqa: ANN001, ANN201 - click decorator
    """Add --config FILE (overrides CLAIMAUDIT_CONFIG and discovery)."""
    return click.option(
        "--config", "config_file", default=None, type=click.Path(dir_okay=False),
        help="Configuration file (claimaudit.toml, or a pyproject.toml with "
             "[tool.claimaudit]); default: $CLAIMAUDIT_CONFIG, else the nearest one "
             "above the first path.")(f)


def reference_option(f):  # noqa: ANN001, ANN201 - click decorator
    """Add --reference/-r (repeatable)."""
    return click.option(
        "--reference", "-r", multiple=True, default=(),
        help="Reference claim file or folder (repeatable) [default: the configured "
             "reference, else reference/].")(f)


def gate_options(f):  # noqa: ANN001, ANN201 - click decorator
    """Add --fail-on and --exit-zero/--no-exit-zero (they override the configuration)."""
    f = click.option("--exit-zero/--no-exit-zero", "exit_zero", default=None,
                     help="Exit 0 even when findings are at or above --fail-on (input and "
                          "config errors still exit 2).")(f)
    return click.option(
        "--fail-on", "fail_on", default=None, metavar="VERDICTS",
        help="Comma-separated verdicts or rule codes that make the run exit 1: unverified, "
             "overstated, contradicted, a code such as CA403, or none "
             "[default: overstated,contradicted].")(f)


def selection_options(f):  # noqa: ANN001, ANN201 - click decorator
    """Add what `audit` and `check` share: --select, --ignore, --fail-on, --exit-zero,
    --min-score, --show-unverified and --color/--no-color (one definition for both)."""
    f = click.option("--color/--no-color", default=None,
                     help="Force colour on or off (default: on when the output is a terminal "
                          "and NO_COLOR is not set).")(f)
    f = click.option("--show-unverified", is_flag=True,
                     help="Also list plain unverified claims (CA401, CA402; a news story can "
                          "have hundreds). Unverified claims worded as a cure, guarantee, proof "
                          "or blanket safety (CA403) are always listed.")(f)
    f = click.option("--min-score", type=float, default=None,
                     help="Match threshold, 0-100: 100 x the match model's probability [default: "
                          "configured, else 50, the cut-off the model was calibrated to].")(f)
    f = gate_options(f)
    f = click.option("--ignore", "ignore", multiple=True, metavar="CODES",
                     help="Reference ids or rule codes (or prefixes such as CA4) never "
                          "reported as problems; comma-separated or repeated. Replaces the "
                          "configured list.")(f)
    return click.option(
        "--select", "select", multiple=True, metavar="CODES",
        help="Report only these reference ids or rule codes (or prefixes such as CA2); "
             "everything else is treated as ignored. Comma-separated or repeated; replaces "
             "the configured list [default: all].")(f)


def _selection_overrides(select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
                         exit_zero: bool | None, min_score: float | None) -> dict:
    """Return the configuration overrides of `selection_options` (None: not given)."""
    return {
        "fail-on": (fail_on, "--fail-on"),
        "exit-zero": (exit_zero, "--exit-zero" if exit_zero else "--no-exit-zero"),
        "min-score": (min_score, "--min-score"),
        "select": (select or None, "--select"),
        "ignore": (ignore or None, "--ignore"),
    }


def reference_option(f):  # noqa: ANN001, ANN201 - click decorator
    """Add --reference/-r: reference paths or bundled pack names, comma-separated or repeated."""
    return click.option(
        "--reference", "-r", multiple=True, default=(), metavar="PATH|PACK",
        help="Reference claim files, folders or bundled pack names (magnesium, vitamin-d); "
             "comma-separated or repeated [default: the configured reference, else reference/ "
             "if it exists, else every bundled pack].")(f)


def strength_reader_option(f):  # noqa: ANN001, ANN201 - click decorator
    """Add --strength-reader lexical|encoder (the audit's level model for matched claims)."""
    return click.option(
        "--strength-reader", type=click.Choice(["lexical", "encoder"]), default="lexical", show_default=True,
        help="Level model of the strength reader for claims that match a reference claim: the lexical "
             "one, or the fine-tuned encoder (see `claimaudit strength --reader`).")(f)


def engine_options(f):  # noqa: ANN001, ANN201 - click decorator
    """Add --engine local|dask and --scheduler ADDRESS (issue 17, docs/scale-out.md)."""
    f = click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Run on the Dask cluster at ADDRESS (tcp://host:8786); implies --engine "
                          "dask. Without it, --engine dask starts a LocalCluster of --jobs workers.")(f)
    return click.option(
        "--engine", type=click.Choice(["local", "dask"]), default=None,
        help="local: this machine's process pool [default]; dask: a Dask cluster (needs "
             "claimaudit[dask]). The reports are the same bytes either way.")(f)


def _require_reader(reader: str, option: str) -> None:
    """Fail once, before any article is read, when the encoder reader is asked for but cannot load."""
    if reader == "encoder":
        from .encoder import encoder_problem

        problem = encoder_problem()
        if problem:
            raise InputProblem(f"{option} encoder: {problem}; use {option} lexical")


def _load_config(paths, config_file, overrides):  # noqa: ANN001, ANN202
    from .config import ConfigError, load_config

    try:
        return load_config(list(paths), config_file, overrides)
    except ConfigError as exc:
        raise InputProblem(str(exc)) from None


def _load_reference(cfg, cache_dir: str | Path | None = None):  # noqa: ANN001, ANN202 - config.Config
    """Load the configured reference set (paths and pack names); no set and no reference/: every bundled pack."""
    from .cache import load_reference_cached
    from .reference import ReferenceError
    from .packs import effective_specs

    try:
        specs = effective_specs(cfg.reference, cfg.source_of("reference") != "default")
        ref = load_reference_cached(list(specs), cache_dir)
    except ReferenceError as exc:
        raise InputProblem(str(exc)) from None
    if not ref.claims:
        click.echo(f"claimaudit: warning: the reference set ({', '.join(ref.paths)}) has no "
                   "claims, so every claim will be unverified", err=True)
    return ref


class _Main(click.Group):
    """The command group; an unexpected exception becomes one line on stderr and exit 2.

    With --debug (or CLAIMAUDIT_DEBUG=1) it propagates with its traceback instead.
    """

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        from .pipeline import debug_enabled, internal_error

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as exc:  # e.g. --out on a read-only disk
            if debug_enabled():
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise InputProblem(f"{where}{exc.strerror or internal_error(exc)}") from None
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user
            if debug_enabled():
                raise
            encoder = sys.modules.get("claimaudit.encoder")  # loaded if it raised; not imported for every command
            if encoder is not None and isinstance(exc, encoder.EncoderMissing):
                raise InputProblem(str(exc)) from None  # the sentence encoder or onnxruntime is missing
            raise InputProblem(internal_error(exc)) from None


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimaudit")
@click.option("--debug", is_flag=True,
              help="Show tracebacks: a file that fails with an internal error stops the run "
                   "instead of becoming an error entry (same as CLAIMAUDIT_DEBUG=1).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Audit health claims in articles against a graded reference claim set."""
    if debug:
        import os

        previous = os.environ.get("CLAIMAUDIT_DEBUG")
        os.environ["CLAIMAUDIT_DEBUG"] = "1"

        def restore() -> None:
            if previous is None:
                os.environ.pop("CLAIMAUDIT_DEBUG", None)
            else:
                os.environ["CLAIMAUDIT_DEBUG"] = previous

        ctx.call_on_close(restore)


#: Up to this many articles, `audit` prints the per-article table without --statistics
#: (a table of hundreds of rows buries the findings; a handful is worth seeing).
SMALL_BATCH = 10


@main.command("audit")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@reference_option
@click.option("--out", "-o", default=None,
              help="Folder for audit.json, claims.csv, summary.md and html [default: "
                   "reports]. Given explicitly, sarif/github/junit/concise output is written "
                   "there too, instead of to stdout.")
@click.option("--format", "formats", default="json,csv,markdown", show_default=True,
              help="Comma-separated formats: json, csv, markdown, html (files in --out); "
                   "sarif, github, junit, concise (stdout unless --out is given).")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing but errors (no findings, table or summary line).")
@click.option("--statistics", is_flag=True,
              help=f"Also print the per-article table of verdict counts (printed anyway for "
                   f"{SMALL_BATCH} articles or fewer).")
@click.option("--csv-bom", is_flag=True,
              help="Write claims.csv with a UTF-8 byte order mark, so that Excel opens it as "
                   "UTF-8.")
@config_option
@selection_options
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N",
              help="Worker processes; the output does not depend on it [default: one per "
                   "CPU; 1: no worker processes].")
@click.option("--cache", "cache_dir", default=None, metavar="DIR",
              help="Cache of audited articles: an unchanged article (same bytes, reference "
                   "set, settings and claimaudit version) is not audited again; the parsed "
                   "reference set is kept there too [default: OUT/.cache].")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the cache (articles and parsed reference set).")
@strength_reader_option
@engine_options
def audit_cmd(paths: tuple[str, ...], reference: tuple[str, ...], out: str | None,
              formats: str, quiet: bool, statistics: bool, csv_bom: bool,
              config_file: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
              fail_on: str | None, exit_zero: bool | None, min_score: float | None,
              show_unverified: bool, color: bool | None, jobs: int, cache_dir: str | None,
              no_cache: bool, strength_reader: str, engine: str | None,
              scheduler: str | None) -> None:
    """Audit articles (files or folders of .txt, .md, .html) and write reports.

    Prints the findings first (overstated, contradicted, and unverified claims
    worded as a cure, guarantee, proof or blanket safety: CA403), one line
    each, then where the reports went and one summary line. Everything goes to
    stderr, so a stream format can be redirected: claimaudit audit docs/
    --format sarif > audit.sarif

    Example: claimaudit audit corpus/ --reference reference/ --out reports/
    """
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    known = FILE_FORMATS + STREAM_FORMATS
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise InputProblem(f"unknown format(s) {', '.join(unknown)}; use {', '.join(known)}")
    streams = [f for f in wanted if f in STREAM_FORMATS]
    out_given = out is not None
    out = out if out_given else "reports"
    if len(streams) > 1 and not out_given:
        raise InputProblem(f"only one of {', '.join(STREAM_FORMATS)} can go to stdout "
                           f"(asked for {', '.join(streams)}); give --out DIR to write files")
    if not paths:
        raise InputProblem("nothing to audit; pass files or folders, e.g. claimaudit audit corpus/")
    cfg = _load_config(paths, config_file, {
        "reference": (reference or None, "--reference"),
        **_selection_overrides(select, ignore, fail_on, exit_zero, min_score),
    })
    files_out = out if out_given or any(f in FILE_FORMATS for f in wanted) else None
    cache_path = (None if no_cache or (files_out is None and cache_dir is None)
                  else cache_dir or Path(out) / ".cache")
    ref = _load_reference(cfg, cache_path)
    _require_reader(strength_reader, "--strength-reader")
    settings = replace(cfg.settings(), strength_reader=strength_reader)
    # issue 6: parallel, cached, and streamed to the files (memory does not grow
    # with the corpus); `doc` is complete only when html or a stream format needs it.
    from .batch import EngineError, audit_to_files

    try:
        result = audit_to_files(
            list(paths), ref, settings, files_out, wanted, jobs=jobs, cache_dir=cache_path,
            full_doc=show_unverified or any(f not in ("json", "csv", "markdown") for f in wanted),
            csv_bom=csv_bom, engine=engine, scheduler=scheduler,
            discovery=cfg.discovery(out))
    except EngineError as exc:
        raise InputProblem(str(exc)) from None
    doc, written = result.doc, list(result.written)
    _warn_input(doc, paths)
    if "html" in wanted:  # issue 4: one page per article + index.html
        from .html_report import write_html

        written += write_html(doc, out, references=ref.by_id())
    if streams:
        written += _write_streams(doc, streams, out if out_given else None, settings)
    if not quiet:
        from .terminal import color_enabled, problem_summary, render_findings, terminal_width

        use_color = color_enabled(color, sys.stderr)
        findings = render_findings(doc, use_color, terminal_width(sys.stderr, None),
                                   show_unverified)
        if findings:
            click.echo(findings, err=True, nl=False, color=use_color)
        if statistics or len(doc["articles"]) <= SMALL_BATCH:
            click.echo(("\n" if findings else "") + summary_table(doc), err=True)
        if written:
            click.echo(reports_line(written), err=True)
    for e in doc["errors"]:
        click.echo(f"claimaudit: {e['path']}: {e['error']}", err=True)
    if not quiet:
        click.echo(problem_summary(doc, use_color), err=True, color=use_color)
    sys.exit(exit_code(doc, cfg))


def reports_line(written: list[Path]) -> str:
    """Return the one line that says where the reports went.

    E.g. `Reports in reports/: audit.json, claims.csv, summary.md, index.html and
    5 article pages`. Files in other folders are named in full after it.
    """
    if not written:
        return ""
    folders: dict[str, list[Path]] = {}
    for w in written:
        folders.setdefault(Path(w).parent.as_posix(), []).append(Path(w))
    parts = []
    for folder, files in folders.items():
        pages = [f for f in files if f.suffix == ".html" and f.name != "index.html"]
        names = [f.name for f in files if f not in pages]
        if pages:
            names.append(f"{len(pages)} article page{'s' if len(pages) != 1 else ''}")
        parts.append(f"{folder}/: {', '.join(names)}")
    return "Reports in " + "; ".join(parts)


def _write_streams(doc: dict, streams: list[str], out: str | None,
                   settings: Settings) -> list[Path]:
    """Render sarif/github/junit/concise; print to stdout, or write into `out` when given."""
    from . import ci_formats
    from .config import ignored_codes
    from .ingest import IngestError, read_article
    from .report import write_atomic

    def text_of(path: str) -> str | None:
        try:
            return read_article(path, path).text
        except IngestError:
            return None

    located = ci_formats.with_html_source_positions(ci_formats.with_suppression_positions(
        doc, text_of, lambda path: ignored_codes(settings, path)))
    renderers = {"sarif": ci_formats.render_sarif, "github": ci_formats.render_github,
                 "junit": ci_formats.render_junit,
                 "concise": ci_formats.render_concise_with_unused}
    written = []
    for fmt in streams:
        text = renderers[fmt](located)
        if out is None:
            click.echo(text, nl=False)
        else:
            written.append(Path(out) / STREAM_FILES[fmt])
            write_atomic(written[-1], text)
    return written


def _warn_input(doc: dict, paths) -> None:  # noqa: ANN001
    """Warn on stderr: misspelled claimaudit directives (file:line), no article found."""
    for a in doc["articles"]:
        for w in a.get("warnings", ()):
            click.echo(f"claimaudit: warning: {a['path']}:{w['line']}:{w['column']}: {w['message']}",
                       err=True)
    if paths and not doc["articles"] and not doc["errors"]:
        click.echo(f"claimaudit: warning: no article (.txt, .md, .html) found in "
                   f"{', '.join(paths)}", err=True)


def exit_code(doc: dict, cfg) -> ExitCode:  # noqa: ANN001 - config.Effective
    """Return the exit code of an audit or check: input errors, then findings at/above fail-on."""
    from .diff import failing_claims

    if doc["errors"]:
        return ExitCode.BAD_INPUT
    if cfg.exit_zero or not failing_claims(doc, cfg.fail_on):
        return ExitCode.CLEAN
    return ExitCode.FINDINGS


def summary_table(doc: dict) -> str:
    """Return a short per-article table of verdict counts.

    `claims` counts the claims that are not suppressed (as the report's summary,
    the HTML pages and `check` do); suppressed ones have their own column.
    """
    from .terminal import suppressed_count

    rows = [("article", "claims", "supported", "overstated", "contradicted", "unverified",
             "suppressed")]
    total_suppressed = 0
    for a in doc["articles"]:
        c = a["counts"]
        n_supp = suppressed_count(a)
        total_suppressed += n_supp
        rows.append((a["path"], str(sum(c.values())), str(c["supported"]), str(c["overstated"]),
                     str(c["contradicted"]), str(c["unverified"]), str(n_supp)))
    s = doc["summary"]
    rows.append(("total", str(s["claims"]), str(s["supported"]), str(s["overstated"]),
                 str(s["contradicted"]), str(s["unverified"]), str(total_suppressed)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(r[0].ljust(widths[0]) if j == 0 else r[j].rjust(widths[j])
                               for j in range(len(r))))
        if i == 0 or i == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


@main.command("eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--report", "report_paths", multiple=True, default=("reports/audit.json",),
              show_default=True, type=click.Path(dir_okay=False),
              help="The audit.json to score; repeat it when the gold files' articles are in several.")
@click.option("--corpus", default=None, type=click.Path(file_okay=False),
              help="Folder holding the articles (default: the paths in the report).")
@click.option("--show", type=click.Choice(["none", "errors", "all"]), default="none",
              help="Also list units: only the wrong ones, or all.")
@click.option("--allow-missing", is_flag=True,
              help="Exit 0 even when some gold units could not be located (their article is not in "
                   "the report, or their text changed); they are left out of the figures either way.")
def eval_cmd(gold: tuple[str, ...], report_paths: tuple[str, ...], corpus: str | None,
             show: str, allow_missing: bool) -> None:
    """Score a report against labelled units (JSONL, see shared/gold/GUIDELINES.md).

    Gold rows are keyed by text ({"article", "text", "labels"}) or by offsets
    ({"article", "start", "end", "sha1", "labels"}); several gold files give
    figures per file and overall.

    A unit that cannot be located (its article is not in the report, or its
    text is no longer in the article) is left out of every figure and counted
    on its own line before them; then eval exits 2 unless --allow-missing.

    Example: claimaudit eval ../shared/gold/seeds-dev.jsonl --report reports/audit.json
    """
    import json

    from .evaluate import format_scores, format_table, format_unlocated, load_gold, outcomes, score

    doc: dict = {"articles": []}
    for report_path in report_paths:
        try:
            part = json.loads(Path(report_path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputProblem(f"{report_path}: no such report; run claimaudit audit first") from None
        except json.JSONDecodeError as exc:
            raise InputProblem(f"{report_path}:{exc.lineno}: not JSON ({exc.msg})") from None
        doc["articles"].extend(part.get("articles", []))
    named = []
    pooled: list = []
    missing_all: list[str] = []
    for g in gold:
        try:
            rows = load_gold(g)
            unit_rows, missing = outcomes(rows, doc, corpus)
        except ValueError as exc:
            raise InputProblem(str(exc)) from None
        except OSError as exc:
            raise InputProblem(f"cannot read an article: {exc}") from None
        named.append((Path(g).name, score(unit_rows, missing)))
        pooled.extend(unit_rows)
        missing_all.extend(missing)
    overall = score(pooled, missing_all)
    if len(named) > 1:
        for name, sc in named:
            if sc.unlocated:
                click.echo(f"{name}: {format_unlocated(sc)}")
        click.echo(format_table([*named, ("overall", overall)]))
        click.echo("")
    click.echo(format_scores(overall))
    if show != "none":
        click.echo("")
        for r in overall.rows:
            if show == "all" or not r["ok"]:
                mark = "ok " if r["ok"] else "n/l" if r["ok"] is None else "BAD"
                outcome = r["outcome"] if r["located"] else "not located"
                click.echo(f"{mark} {r['article'][:3]} {'/'.join(r['labels']):<26} -> "
                           f"{outcome:<13} {r['text'][:110]}")
    unlocated = [g for g, (_, sc) in zip(gold, named) if sc.unlocated]
    if unlocated and not allow_missing:
        raise InputProblem(f"{', '.join(unlocated)}: {overall.unlocated} gold unit(s) not located in "
                           "the report's articles (left out of the figures); pass --allow-missing "
                           "to accept that")


@main.command("strength")
@click.argument("text", nargs=-1)
@click.option("--explain", is_flag=True, help="Also print the cues that set the level.")
@click.option("--reader", type=click.Choice(["lexical", "encoder"]), default="lexical", show_default=True,
              help="Level model under the cue rules: the lexical one, or the fine-tuned encoder (more accurate "
                   "on research prose, ~400x slower).")
def strength_cmd(text: tuple[str, ...], explain: bool, reader: str) -> None:
    """Print the asserted strength (0-4) of each sentence: level, a tab, the sentence.

    Each line is read as the audit reads a one-sentence paragraph: the level is the one
    the audit judges it on and shows in its reports, and 0 when it is not a claim
    (a question, advice, a fragment; --explain says which).
    Reads one sentence per line from standard input when no TEXT is given.

    Example: echo "Magnesium may reduce back pain." | claimaudit strength
    """
    from .claims import read_claims
    from .records import Sentence

    _require_reader(reader, "--reader")
    lines = list(text) if text else [ln.rstrip("\n") for ln in sys.stdin]
    units = [Sentence(text=ln, start=0, end=len(ln), line=i + 1, column=1, end_line=i + 1,
                      end_column=len(ln) + 1, block="paragraph", index=i) for i, ln in enumerate(lines)]
    for line, c in zip(lines, read_claims(units, reader=reader)):
        if explain and not c.is_claim:
            click.echo(f"0\t{line}\t[not a claim: {c.kind}]")
        elif explain:
            cues = ", ".join(f"{cue.kind}:{cue.text}" for cue in c.cues) or "-"
            neg = "\tnegated" if c.negated else ""
            click.echo(f"{c.strength}\t{line}\t[{cues}]{neg}")
        else:
            click.echo(f"{c.strength}\t{line}")


# --- CI gate (issue 5) -------------------------------------------------------


@main.command("diff")
@click.argument("base", type=click.Path(path_type=str))
@click.argument("head", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="text for a terminal, markdown for a pull-request comment, json for tools.")
@config_option
@gate_options
def diff_cmd(base: str, head: str, fmt: str, config_file: str | None, fail_on: str | None,
             exit_zero: bool | None) -> None:
    """Compare two audit.json reports: new, resolved and changed findings.

    Exits 1 when a new finding (or one whose verdict changed) is at or above
    --fail-on and not suppressed, 0 otherwise, 2 when a report cannot be read.
    Findings are matched by fingerprint, which ignores line numbers.

    Example: claimaudit diff base.json head.json --format markdown > comment.md
    """
    from .diff import RENDERERS, ReportError, diff_reports, load_report

    cfg = _load_config((), config_file, {
        "fail-on": (fail_on, "--fail-on"),
        "exit-zero": (exit_zero, "--exit-zero" if exit_zero else "--no-exit-zero"),
    })
    try:
        result = diff_reports(load_report(base), load_report(head), cfg.fail_on,
                              base_name=base, head_name=head)
    except ReportError as exc:
        raise InputProblem(str(exc)) from None
    click.echo(RENDERERS[fmt](result), nl=False)
    if result.failing and not cfg.exit_zero:
        sys.exit(ExitCode.FINDINGS)
    sys.exit(ExitCode.CLEAN)


@main.command("show-config")
@click.argument("path", required=False, type=click.Path(path_type=str))
@config_option
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml",
              show_default=True, help="Print as TOML (with each value's source) or JSON.")
def show_config_cmd(path: str | None, config_file: str | None, fmt: str) -> None:
    """Print the effective configuration for PATH and where each value came from.

    The reference set shown is the one `check` and `audit` would use here: with the
    default set and no reference/ folder, the bundled packs.

    Example: claimaudit show-config docs/ --format json
    """
    from dataclasses import replace

    from .packs import effective_specs
    from .reference import ReferenceError

    cfg = _load_config((path,) if path else (), config_file, {})
    try:
        used = tuple(map(str, effective_specs(cfg.reference, cfg.source_of("reference") != "default")))
    except ReferenceError as exc:
        cfg = replace(cfg, reference_note=str(exc))
    else:
        if used != tuple(cfg.reference):
            cfg = replace(cfg, reference=used,
                          reference_note="no reference/ folder here, so every bundled pack")
    click.echo(cfg.as_json() if fmt == "json" else cfg.as_toml(), nl=False)


# --- check (issue 4) ---------------------------------------------------------

CHECK_FORMATS = ("full", "concise", "json")


def _stdin_article(name: str | None):
    """Read standard input as one article (raw bytes, decoded like a file)."""
    import hashlib

    from .ingest import article_from_text, decode, kind_of

    shown = name or "<stdin>"
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise InputProblem(f"{shown}: {exc}") from None
    return article_from_text(text, path=shown, kind=kind_of(name) if name else "md",
                             encoding=encoding, sha256=hashlib.sha256(data).hexdigest())


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@reference_option
@config_option
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="full",
              show_default=True,
              help="full: each claim with its evidence and a suggested wording; concise: one "
                   "line per claim; json: the claimaudit/report@1 document.")
@selection_options
@click.option("--stdin-filename", default=None, metavar="NAME",
              help="Path to show for standard input; its extension (.md, .html, .txt) sets "
                   "how it is read (default: <stdin>, read as Markdown).")
@strength_reader_option
def check_cmd(paths: tuple[str, ...], reference: tuple[str, ...], config_file: str | None,
              fmt: str, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
              exit_zero: bool | None, min_score: float | None, show_unverified: bool,
              color: bool | None, stdin_filename: str | None, strength_reader: str) -> None:
    """Show each claim to review in place: why it was flagged and a better wording.

    Prints every overstated and contradicted claim, and every unverified one
    worded as a cure, guarantee, proof or blanket safety (CA403), as
    path:line:col with its verdict, the reference claim it matched, the
    studies and grade behind it, the reason and a suggested rewording; other
    unverified claims only with --show-unverified. Use - to read standard
    input. Exits 1 when a claim's verdict or rule is in --fail-on (default:
    overstated, contradicted; suppressed ones excepted), 0 when not, 2 on
    usage or input errors. The configuration (select and ignore lists,
    thresholds, reference) is found as for audit.

    Example: claimaudit check draft.md
    """
    from .pipeline import Auditor, audit
    from .report import dumps, report_dict
    from .terminal import color_enabled, render_concise, render_full, terminal_width

    if not paths:
        raise InputProblem("nothing to check; pass files or folders, or - for standard input")
    files = [p for p in paths if p != "-"]
    cfg = _load_config(files, config_file, {
        "reference": (reference or None, "--reference"),
        **_selection_overrides(select, ignore, fail_on, exit_zero, min_score),
    })
    ref = _load_reference(cfg)
    _require_reader(strength_reader, "--strength-reader")
    settings = replace(cfg.settings(), strength_reader=strength_reader)
    report = audit(files, ref, settings, discovery=cfg.discovery())
    if "-" in paths:
        article = Auditor(ref, settings).audit_article(_stdin_article(stdin_filename))
        report = replace(report, articles=report.articles + (article,))
    doc = report_dict(report)
    _warn_input(doc, files)

    use_color = color_enabled(color, sys.stdout)
    if fmt == "json":
        click.echo(dumps(doc), nl=False)
    elif fmt == "concise":
        click.echo(render_concise(doc, show_unverified), nl=False)
    elif doc["articles"] or not doc["errors"]:
        width = terminal_width(sys.stdout) or 88
        click.echo(render_full(doc, ref.by_id(), use_color, width=max(60, min(width, 100)),
                               show_unverified=show_unverified),
                   nl=False, color=use_color)
    for e in doc["errors"]:
        click.echo(f"claimaudit: error: {e['path']}: {e['error']}", err=True)
    sys.exit(exit_code(doc, cfg))


# --- reference packs and the curator's commands (issues 15, 16) ---------------


@main.group("reference")
def reference_group() -> None:
    """Work on reference sets: list the packs, lint a set, show an entry, find what to add."""


def _reference_specs(given: tuple[str, ...], config_file: str | None) -> tuple[str, ...]:
    """Return the reference specs: those given (comma-separated or repeated), else the configured ones."""
    from .packs import effective_specs, split_specs
    from .reference import ReferenceError

    if given:
        return split_specs(given)
    cfg = _load_config((), config_file, {})
    try:
        return tuple(map(str, effective_specs(cfg.reference, cfg.source_of("reference") != "default")))
    except ReferenceError as exc:
        raise InputProblem(str(exc)) from None


@reference_group.command("list")
@reference_option
@config_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def reference_list_cmd(reference: tuple[str, ...], config_file: str | None, fmt: str) -> None:
    """List the packs found: the bundled ones and those of the reference set in use.

    One row a pack: name, version, claims, studies, bundled or local, folder.
    Claim files outside any pack are one row "(no pack)". Exits 2 when a pack
    cannot be loaded (its row says why).

    Example: claimaudit reference list
    """
    import json
    from dataclasses import asdict

    from .packs import format_pack_table, list_packs

    rows = list_packs(_reference_specs(reference, config_file))
    if fmt == "json":
        click.echo(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False))
    else:
        click.echo(format_pack_table(rows), nl=False)
    sys.exit(ExitCode.BAD_INPUT if any(r.error for r in rows) else ExitCode.CLEAN)


@reference_group.command("check")
@click.argument("dirs", nargs=-1)
@config_option
@click.option("--strict", is_flag=True, help="Warnings (RC9xx) also make the run exit 1.")
@click.option("--no-variants", is_flag=True,
              help="Skip RC401/RC904 (matching each claim's own text and variants), the slow check.")
def reference_check_cmd(dirs: tuple[str, ...], config_file: str | None, strict: bool,
                        no_variants: bool) -> None:
    """Lint reference sets: findable studies, grades that follow, variants that match.

    DIR is a reference folder, file or bundled pack name (default: the reference
    set in use). One line a problem, `path:line: CODE entry-id message`; the codes
    are listed in reference/README.md. Exits 0 when clean (warnings allowed
    unless --strict), 1 with problems, 2 when the set cannot be loaded.

    Example: claimaudit reference check reference/
    """
    from .refcheck import check_reference, load_keyed_studies
    from .reference import ReferenceError, load_reference

    specs = _reference_specs(dirs, config_file)
    try:
        ref = load_reference(list(specs))
        keyed = load_keyed_studies(ref)
    except ReferenceError as exc:
        raise InputProblem(str(exc)) from None
    problems = check_reference(ref, keyed, variants=not no_variants)
    for p in problems:
        click.echo(str(p))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    studies = len({(s.key, s.source) if s.key else s.source for c in ref.claims for s in c.studies})
    click.echo(f"{len(ref.claims)} claims, {studies} study records: {errors} error(s), "
               f"{warnings} warning(s)", err=True)
    sys.exit(ExitCode.FINDINGS if errors or (strict and warnings) else ExitCode.CLEAN)


@reference_group.command("show")
@click.argument("entry_id")
@reference_option
@config_option
@click.option("--report", "report_path", default=None, type=click.Path(dir_okay=False),
              help="An audit.json whose sentences matched to the entry are listed "
                   "[default: reports/audit.json when it exists].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def reference_show_cmd(entry_id: str, reference: tuple[str, ...], config_file: str | None,
                       report_path: str | None, fmt: str) -> None:
    """Show one reference entry: its studies with links, its grade and why, where it matched.

    Example: claimaudit reference show MG-038 --report reports/audit.json
    """
    import difflib
    import json

    from .curation import entry_dict, render_entry
    from .diff import ReportError, load_report
    from .reference import ReferenceError, load_reference

    try:
        ref = load_reference(list(_reference_specs(reference, config_file)))
    except ReferenceError as exc:
        raise InputProblem(str(exc)) from None
    by_id = {c.id.upper(): c for c in ref.claims}
    claim = by_id.get(entry_id.upper())
    if claim is None:
        close = difflib.get_close_matches(entry_id.upper(), by_id, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputProblem(f"no entry {entry_id!r} in the reference set ({len(ref.claims)} "
                           f"claims){hint}")
    if report_path is None and Path("reports/audit.json").is_file():
        report_path = "reports/audit.json"
    doc = None
    if report_path is not None:
        try:
            doc = load_report(report_path)
        except ReportError as exc:
            raise InputProblem(str(exc)) from None
    data = entry_dict(claim, doc, report_path)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render_entry(data), nl=False)


@reference_group.command("coverage")
@click.argument("report", type=click.Path(path_type=str))
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.3, show_default=True,
              help="Cosine similarity (TF-IDF of the normalized text) at which a claim joins a group.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Groups to show (0: all).")
@click.option("--examples", type=click.IntRange(min=0), default=3, show_default=True,
              help="Example sentences per group.")
@click.option("--match", "pattern", default=None, metavar="REGEX",
              help="Only claims whose text this regular expression finds (case-insensitive), "
                   "e.g. 'vitamin d'.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def reference_coverage_cmd(report: str, threshold: float, top: int, examples: int,
                           pattern: str | None, fmt: str) -> None:
    """List an audit's unverified claims, grouped by similarity, commonest first.

    The curator's to-do list: what articles claim that the reference set does
    not cover yet, with example sentences and the entries that came closest.

    Example: claimaudit reference coverage reports/audit.json --top 10
    """
    import json

    from .curation import coverage, render_coverage
    from .diff import ReportError, load_report

    import re

    try:
        doc = load_report(report)
    except ReportError as exc:
        raise InputProblem(str(exc)) from None
    try:
        groups = coverage(doc, threshold, pattern)
    except re.error as exc:
        raise InputProblem(f"--match {pattern!r}: not a regular expression ({exc})") from None
    total = sum(g.count for g in groups)
    if fmt == "json":
        shown = groups[:top] if top else groups
        click.echo(json.dumps({"report": report, "unverified": total, "groups": len(groups),
                               "threshold": threshold, "match": pattern,
                               "top": [g.as_dict(examples) for g in shown]},
                              indent=2, ensure_ascii=False))
    else:
        click.echo(render_coverage(groups, total, top, examples), nl=False)
