"""A self-contained static HTML report: a page per submission and, for a class, a sortable index.

No CDN and no external file: styles and the sorting script are inline, curves are embedded as
PNG data, the score histogram is inline SVG. The pages work from a file system, offline.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from grader.report.curves import history_png
from grader.report.summary import accuracy_columns
from grader.results import PartResult, SubmissionResult

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th[data-sort] { cursor: pointer; user-select: none; } th[data-sort]:after { content: " ⇅"; color: #999; }
.passed { color: #1a7f37; } .failed, .error { color: #cf222e; } .missing { color: #9a6700; }
.part { border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
.diagnosis { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .5rem .8rem; margin: .6rem 0; }
.answer { background: #ddf4ff; border-left: 4px solid #54aeff; padding: .5rem .8rem; white-space: pre-wrap; }
.muted { color: #666; } img { max-width: 100%; }
"""

SORT_SCRIPT = """
document.querySelectorAll("th[data-sort]").forEach(function (header, column) {
  header.addEventListener("click", function () {
    var table = header.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var ascending = header.getAttribute("data-order") !== "asc";
    header.setAttribute("data-order", ascending ? "asc" : "desc");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute("data-value"), y = b.cells[index].getAttribute("data-value");
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def page_name(student: str) -> str:
    """A safe file name for a student's page."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student) + ".html"


def write_html(folder: Path, rows: list[tuple[str, SubmissionResult]], title: str) -> Path:
    """Write one page per submission and the index; returns the index's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for student, result in rows:
        (folder / page_name(student)).write_text(render_page(student, result), encoding="utf-8")
    index = folder / "index.html"
    index.write_text(render_index(rows, title), encoding="utf-8")
    return index


def _document(title: str, body: str, script: str = "") -> str:
    scripts = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{_e(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}{scripts}</body></html>\n"
    )


def render_page(student: str, result: SubmissionResult) -> str:
    parts = "".join(_part(part) for part in result.parts) if not result.error else ""
    parts = _script(result) + parts if not result.error else parts
    error = f"<p class='error'><b>Not graded:</b> {_e(result.error)}</p>" if result.error else ""
    answers = "".join(
        f"<h2>Written answer: {_e(key)} · {_e(field)}</h2><div class='answer'>{_e(text)}</div>"
        for key, entries in result.written_answers.items()
        for field, text in entries.items()
    )
    body = (
        "<p><a href='index.html'>← class index</a></p>"
        f"<h1>{_e(student)}: <span class='{result.status}'>{result.score:g}/{result.max_score:g} "
        f"({result.status})</span></h1>"
        f"<p class='muted'>{_e(result.submission)} · sha256 {result.sha256[:12]} · assignment "
        f"{_e(result.assignment)} · grader {_e(result.grader_version)} · sandbox {_e(result.sandbox)}"
        f"{'' if result.trained else ' · training skipped'}</p>{error}{parts}{answers}"
    )
    return _document(f"{student}: {result.score:g}/{result.max_score:g}", body)


def _script(result: SubmissionResult) -> str:
    """A script or notebook: each captured model, the part it was graded as, and the notes."""
    if not (result.models or result.notes or result.integrity):
        return ""
    rows = "".join(
        f"<tr><td>{entry.model} {_e(', '.join(entry.names))}</td><td>{_e(entry.origin)}</td>"
        f"<td>{_e(entry.summary)}</td><td>{_e(f'{entry.part} ({entry.how})' if entry.part else 'no part')}</td></tr>"
        for entry in result.models
    )
    table = (
        "<table><thead><tr><th>model</th><th>created</th><th>structure</th><th>graded as</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    notes = "".join(f"<p>{_e(note)}</p>" for note in result.notes)
    flags = "".join(
        f"<div class='diagnosis'><b>Integrity:</b> {_e(finding)}</div>"
        for finding in result.integrity
    )
    return (
        f"<section class='part'><h2>{_e(result.form)}: models captured</h2>{table}{notes}{flags}"
        "</section>"
    )


def _part(part: PartResult) -> str:
    sections = [
        f"<h2>{_e(part.id)} <span class='{part.status}'>{part.score:g}/{part.max_score:g} · {part.status}</span></h2>"
    ]
    sections.append(f"<p class='muted'>{_e(part.title)}</p>")
    if part.error:
        sections.append(f"<p class='{part.status}'>{_e(part.error)}</p>")
    if part.layers:
        rows = "".join(
            f"<tr><td>{_e(layer.type)}</td><td class='n'>{layer.units or ''}</td><td>{_e(layer.activation or '')}</td>"
            f"<td class='n'>{layer.weights:,}</td><td class='n'>{layer.biases:,}</td>"
            f"<td class='n'>{layer.other_trainable:,}</td><td class='n'>{layer.non_trainable:,}</td></tr>"
            for layer in part.layers
        )
        sections.append(
            "<table><thead><tr><th>layer</th><th class='n'>units</th><th>activation</th>"
            "<th class='n'>weights</th><th class='n'>biases</th><th class='n'>other</th>"
            f"<th class='n'>non-trainable</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if part.metrics:
        m = part.metrics
        sections.append(
            f"<p><b>validation accuracy {m.val_accuracy:.2%} · test accuracy {m.test_accuracy:.2%}"
            f"</b> · {m.epochs} epoch{'' if m.epochs == 1 else 's'} · {m.seconds_per_epoch:.2f} s/epoch</p>"
        )
    checks = "".join(
        f"<tr><td class='{'passed' if c.passed else 'failed'}'>{'✓' if c.passed else '✗'}</td>"
        f"<td>{_e(c.name)}</td><td>{_e(c.message)}</td>"
        f"<td class='n'>{(c.points if c.passed else 0):g}/{c.points:g}</td></tr>"
        for c in part.checks
    )
    sections.append(f"<table><tbody>{checks}</tbody></table>")
    for finding in part.integrity:
        sections.append(f"<div class='diagnosis'><b>Integrity:</b> {_e(finding)}</div>")
    for diagnosis in part.diagnoses:
        figures = "; ".join(f"{_e(k)} {v:.3g}" for k, v in diagnosis.evidence.items())
        sections.append(
            f"<div class='diagnosis'><b>Diagnosis: {_e(diagnosis.kind)}.</b> {_e(diagnosis.summary)}"
            f"<br><span class='muted'>Measured: {figures}</span><br><b>Fix:</b> {_e(diagnosis.fix)}</div>"
        )
    if part.history.get("loss"):
        png = base64.b64encode(history_png(part.history, part.id)).decode()
        sections.append(
            f"<img alt='training curves of {_e(part.id)}' src='data:image/png;base64,{png}'>"
        )
    return f"<section class='part' id='{_e(part.id)}'>{''.join(sections)}</section>"


def render_index(rows: list[tuple[str, SubmissionResult]], title: str) -> str:
    first = rows[0][1] if rows else None
    part_ids = [part.id for part in first.parts] if first else []
    accuracy_parts = accuracy_columns(first) if first else []
    headers = (
        "<th data-sort>student</th><th class='n' data-sort>score</th>"
        + "".join(f"<th data-sort>{_e(p)}</th>" for p in part_ids)
        + "".join(f"<th class='n' data-sort>{_e(p)} test</th>" for p in accuracy_parts)
        + "<th data-sort>status</th>"
    )
    body_rows = []
    for student, result in rows:
        statuses = {part.id: part.status for part in result.parts}
        accuracies = {p.id: p.metrics.test_accuracy for p in result.parts if p.metrics}
        cells = [
            f"<td data-value='{_e(student)}'><a href='{page_name(student)}'>{_e(student)}</a></td>",
            f"<td class='n' data-value='{result.score:g}'>{result.score:g}/{result.max_score:g}</td>",
            *(
                f"<td data-value='{statuses.get(p, '')}' class='{statuses.get(p, '')}'>{statuses.get(p, '')}</td>"
                for p in part_ids
            ),
            *(
                f"<td class='n' data-value='{accuracies.get(p, -1)}'>{_percent(accuracies.get(p))}</td>"
                for p in accuracy_parts
            ),
            f"<td data-value='{result.status}' class='{result.status}'>{result.status}</td>",
        ]
        body_rows.append(f"<tr>{''.join(cells)}</tr>")
    scores = [result.score for _, result in rows]
    maximum = first.max_score if first else 0
    body = (
        f"<h1>{_e(title)}</h1><p class='muted'>{len(rows)} submissions · click a column to sort</p>"
        f"<table id='summary'><thead><tr>{headers}</tr></thead><tbody>{''.join(body_rows)}</tbody></table>"
        f"<h2>Scores</h2>{histogram_svg(scores, maximum)}"
    )
    return _document(title, body, SORT_SCRIPT)


def histogram_svg(scores: list[float], maximum: float, bins: int = 10) -> str:
    """An inline SVG bar chart of the scores in `bins` equal ranges from 0 to the maximum."""
    width, height, pad = 520, 180, 24
    counts = [0] * bins
    for score in scores:
        index = min(bins - 1, int(bins * score / maximum)) if maximum else 0
        counts[index] += 1
    top = max(counts) or 1
    bar = (width - 2 * pad) / bins
    bars = []
    for index, count in enumerate(counts):
        h = (height - 2 * pad) * count / top
        x, y = pad + index * bar, height - pad - h
        low = maximum * index / bins
        bars.append(
            f"<rect x='{x:.1f}' y='{y:.1f}' width='{bar - 2:.1f}' height='{h:.1f}' fill='#54aeff'>"
            f"<title>{count} scoring from {low:g}</title></rect>"
            f"<text x='{x + bar / 2:.1f}' y='{height - 6}' font-size='10' text-anchor='middle'>{low:g}</text>"
        )
    return (
        f"<svg id='histogram' role='img' aria-label='histogram of scores' width='{width}' "
        f"height='{height}' xmlns='http://www.w3.org/2000/svg'>{''.join(bars)}</svg>"
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
