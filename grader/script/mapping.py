"""Which captured model is which part: pinned by the student, or proposed by the grader.

An explicit mapping wins: a module-level `PARTS = {"part1_large": model_a, ...}`, then a
`# grade: part1_large` comment on the statement that creates the model. The models left are
matched to the parts left so that as many structure checks pass as possible (hidden layers,
widths, parameter counts), ties going to creation order. Every model appears in the mapping,
matched or not.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from grader.assignment import STRUCTURE_CHECK_KINDS, Part
from grader.checks import Evidence, evaluate
from grader.model.recount import Recount
from grader.submission.notebook import Cell

GRADE_COMMENT = re.compile(r"#\s*grade:\s*([A-Za-z_][\w-]*)")
# A model that passes one more structure check always beats a better place in the order.
CHECK_WEIGHT = 1000


@dataclass(frozen=True)
class Candidate:
    """A captured model as the mapping sees it."""

    model: int
    origin: list[tuple[int, int]]  # the student's (cell, line) frames when it was created
    counted: Recount | None  # None: its config could not be counted


@dataclass(frozen=True)
class GradeComment:
    part: str
    cell: int
    first_line: int
    last_line: int


def grade_comments(cells: list[Cell]) -> list[GradeComment]:
    """Every `# grade: PART` comment, with the lines of the statement it sits on."""
    found = []
    for cell in cells:
        lines = cell.source.splitlines()
        spans = _statement_spans(cell.source)
        for number, line in enumerate(lines, start=1):
            match = GRADE_COMMENT.search(line)
            if match is None:
                continue
            around = [span for span in spans if span[0] <= number <= span[1]]
            first, last = min(around, key=lambda s: s[1] - s[0]) if around else (number, number)
            found.append(GradeComment(match.group(1), cell.index, first, last))
    return found


def map_models(
    candidates: list[Candidate],
    parts: list[Part],
    pinned: dict[str, int],
    comments: list[GradeComment],
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Part id -> model number; part id -> how it was mapped (PARTS, comment, proposed); and
    notes on pins that name no part or no model."""
    part_ids = [part.id for part in parts]
    notes: list[str] = []
    chosen: dict[str, int] = {}
    for part_id, model in pinned.items():
        if part_id not in part_ids:
            notes.append(f"PARTS names {part_id!r}, which is not a part ({', '.join(part_ids)})")
        elif model in chosen.values():
            notes.append(f"PARTS gives model {model} to two parts; {part_id} left unmapped")
        else:
            chosen[part_id] = model
    how = dict.fromkeys(chosen, "PARTS")
    for comment in comments:
        if comment.part not in part_ids:
            notes.append(
                f"`# grade: {comment.part}` in cell {comment.cell} names no part "
                f"({', '.join(part_ids)})"
            )
            continue
        if comment.part in chosen:
            continue
        model = _created_on(candidates, comment, set(chosen.values()))
        if model is None:
            notes.append(
                f"`# grade: {comment.part}` (cell {comment.cell}, line {comment.first_line}) is "
                "not on a statement that creates a compiled model"
            )
        else:
            chosen[comment.part] = model
            how[comment.part] = "comment"
    free_parts = [part for part in parts if part.id not in chosen]
    free_models = [c for c in candidates if c.model not in chosen.values() and c.counted]
    proposed = _proposal(free_models, free_parts, part_ids)
    how.update(dict.fromkeys(proposed, "proposed"))
    return {**chosen, **proposed}, how, notes


def structure_summary(counted: Recount) -> str:
    units = counted.hidden_units
    shown = ", ".join(map(str, units[:4])) + (", ..." if len(units) > 4 else "")
    return f"{len(units)} hidden ({shown}), {counted.params.trainable:,} params"


def structure_passes(counted: Recount, part: Part) -> tuple[int, int]:
    """How many of the part's structure checks the model passes, out of how many."""
    evidence = Evidence(part_id=part.id, counted=counted)
    checks = [check for check in part.checks if check.kind in STRUCTURE_CHECK_KINDS]
    return sum(evaluate(check, evidence).passed for check in checks), len(checks)


def _created_on(candidates, comment: GradeComment, taken: set[int]) -> int | None:
    for candidate in candidates:
        if candidate.model in taken:
            continue
        for cell, line in candidate.origin:
            if cell == comment.cell and comment.first_line <= line <= comment.last_line:
                return candidate.model
    return None


def _proposal(models: list[Candidate], parts: list[Part], order: list[str]) -> dict[str, int]:
    """The best assignment of the free models to the free parts (dynamic programming over the
    models in creation order and the set of parts already taken)."""
    gains = {
        (c.model, p.id): _gain(c, p, rank, order.index(p.id))
        for rank, c in enumerate(models)
        for p in parts
    }
    best: dict[frozenset[str], tuple[int, dict[str, int]]] = {frozenset(): (0, {})}
    for candidate in models:
        for taken, (score, assigned) in list(best.items()):
            for part in parts:
                if part.id in taken:
                    continue
                key = taken | {part.id}
                total = score + gains[(candidate.model, part.id)]
                if key not in best or total > best[key][0]:
                    best[key] = (total, {**assigned, part.id: candidate.model})
    return max(best.values(), key=lambda entry: (len(entry[1]), entry[0]))[1]


def _gain(candidate: Candidate, part: Part, rank: int, part_rank: int) -> int:
    passed, total = structure_passes(candidate.counted, part)
    all_pass = CHECK_WEIGHT if total and passed == total else 0
    return CHECK_WEIGHT * passed + all_pass - abs(rank - part_rank)


def _statement_spans(source: str) -> list[tuple[int, int]]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    return [
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt)
    ]
