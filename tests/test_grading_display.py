"""Issue 16 item 19: a Verdict shows itself in Jupyter as a short Markdown summary."""

from __future__ import annotations

import symderiv as sd


def test_16_19_a_verdict_has_a_rich_display() -> None:
    v = sd.grade({"kind": "derivative", "function": "sin(3x)"}, r"\cos(3x)")
    shown = v._repr_markdown_()
    assert shown.startswith("**✗ incorrect** (score 0.5)")
    assert "- diagnosis: `chain.missing_inner`, `constant.dropped_factor`" in shown
    assert shown.endswith("- expected: $3 \\cos{\\left(3 x \\right)}$")
    assert len(shown) < 1500


def test_16_19_a_correct_verdict_is_one_line_and_a_check_mark() -> None:
    v = sd.grade({"kind": "derivative", "function": "x^2"}, "2x")
    assert v._repr_markdown_().startswith("**✓ correct** (score 1)")
