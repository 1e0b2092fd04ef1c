"""Worksheet specs: TOML (or a dict) read into frozen dataclasses, with errors naming the line.

A spec has a title, course, date, instructions, language, default points, and sections of
problems. A problem is explicit (``function = "x^2 sin(x)"``) or drawn from a bank
(``bank = "chain-rule"``, ``count = 5``, ``difficulty = 2``)::

    title = "Chain rule"
    [[sections]]
    title = "Warm-up"
    [[sections.problems]]
    function = "sin(x^2)"
    points = 4
    [[sections.problems]]
    bank = "chain-rule"
    count = 3

A problem may carry a figure (``figure = "tangent"`` with ``at = a`` on a derivative,
``"contour"`` on critical points or a Hessian of two variables, ``"taylor"`` on a Taylor
problem): the sheet shows the question's figure, the key the worked answer's. ``kind =
"slope"`` (read f'(a) from the graph, ``at = a``) and ``kind = "saddle"`` (which lettered
critical point is the saddle) always carry theirs. Figures need ``symderiv[plot]``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symderiv.errors import SymderivError

LANGUAGES = ("en", "ko")
#: Kinds a problem may have; "partial" is a derivative with respect to one of several variables,
#: "hessian" the second-derivative test at a point.
KINDS = (
    "derivative",
    "partial",
    "gradient",
    "hessian",
    "critical_points",
    "taylor",
    "backprop",
    "slope",
    "saddle",
)
MAX_COUNT = 50
MAX_ORDER = 4
MAX_TAYLOR_ORDER = 8
MAX_VARS = 4
#: The keys each kind takes besides kind, function and points.
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "derivative": ("var", "order"),
    "partial": ("var", "order"),
    "gradient": ("vars", "at"),
    "hessian": ("vars", "at"),
    "critical_points": ("vars",),
    "taylor": ("var", "at", "order"),
    "backprop": ("wrt", "at", "defs"),
    "slope": ("var", "at"),
    "saddle": ("vars",),
}
#: Figures a problem may carry, and the kinds each one can show ("slope" and "saddle"
#: problems always carry theirs: "read the slope from the graph", "which point is the saddle").
FIGURES: dict[str, tuple[str, ...]] = {
    "tangent": ("derivative", "slope"),
    "contour": ("critical_points", "hessian", "saddle"),
    "taylor": ("taylor",),
}
#: The figure a kind carries without being asked.
DEFAULT_FIGURES = {"slope": "tangent", "saddle": "contour"}


class WorksheetError(SymderivError, ValueError):
    """A worksheet spec that cannot be used; ``line`` is its 1-based TOML line when known."""

    def __init__(self, message: str, line: int | None = None, source: str | None = None) -> None:
        self.message = message
        self.line = line
        self.source = source
        where = ""
        if line is not None:
            where = f"{source}:{line}: " if source else f"line {line}: "
        elif source:
            where = f"{source}: "
        super().__init__(f"{where}{message}")


@dataclass(frozen=True)
class ProblemSpec:
    """One entry of a section: an explicit function or a draw of ``count`` from a bank."""

    kind: str = "derivative"
    function: str | None = None
    var: str | None = None
    order: int = 1
    bank: str | None = None
    count: int = 1
    difficulty: int = 1
    points: int = 5
    line: int | None = None
    #: gradient, hessian, critical_points: the variables (None: all, in natural order).
    vars: tuple[str, ...] | None = None
    #: gradient, hessian, backprop: a point as (name, value text) pairs; taylor: (var, value).
    at: tuple[tuple[str, str], ...] | None = None
    #: backprop: the parameters of the gradient and the named intermediate formulas.
    wrt: tuple[str, ...] | None = None
    defs: tuple[tuple[str, str], ...] = ()
    #: "tangent", "contour" or "taylor": a figure drawn with the question (and the key).
    figure: str | None = None


@dataclass(frozen=True)
class SectionSpec:
    """A titled group of problems."""

    title: str = ""
    instructions: str = ""
    problems: tuple[ProblemSpec, ...] = ()


@dataclass(frozen=True)
class Spec:
    """A whole worksheet spec."""

    title: str = "Worksheet"
    course: str = ""
    date: str = ""
    instructions: str = ""
    language: str = "en"
    sections: tuple[SectionSpec, ...] = ()
    source: str | None = None

    @property
    def entries(self) -> tuple[ProblemSpec, ...]:
        return tuple(p for s in self.sections for p in s.problems)


class _Lines:
    """Finds the TOML line of a key (optionally with a value) in the raw text."""

    def __init__(self, text: str | None) -> None:
        self.lines = text.splitlines() if text else []

    def find(self, key: str, value: Any = None, after: int = 0) -> int | None:
        if not self.lines:
            return None
        pattern = re.compile(r"(^|[\s{,])%s\s*=" % re.escape(key))
        shown = (
            None
            if value is None
            else (str(value).lower() if isinstance(value, bool) else str(value))
        )
        fallback = None
        for index in range(max(after - 1, 0), len(self.lines)):
            line = self.lines[index]
            if pattern.search(line):
                if shown is None or shown in line:
                    return index + 1
                fallback = fallback or index + 1
        return fallback if fallback else (self.find(key, value) if after else None)

    def header(self, name: str, occurrence: int) -> int | None:
        """The line of the ``occurrence``-th (0-based) ``[[name]]`` header."""
        seen = -1
        for index, line in enumerate(self.lines):
            if line.strip().startswith(f"[[{name}]]"):
                seen += 1
                if seen == occurrence:
                    return index + 1
        return None


def _read_source(
    spec: str | Path | Mapping[str, Any],
) -> tuple[dict[str, Any], str | None, str | None]:
    """(data, raw text or None, source name or None)."""
    if isinstance(spec, Mapping):
        return dict(spec), None, None
    if isinstance(spec, Path) or ("\n" not in spec and spec.endswith(".toml")):
        path = Path(spec)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise WorksheetError(f"cannot read the spec: {reason}", source=str(path)) from None
        source: str | None = str(path)
    else:
        text, source = spec, None
    try:
        return tomllib.loads(text), text, source
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise WorksheetError(
            f"not valid TOML: {exc}", int(match.group(1)) if match else None, source
        ) from None


def load_spec(spec: str | Path | Mapping[str, Any] | Spec) -> Spec:
    """Read a spec from a path, TOML text or a dict; raise :class:`WorksheetError` if wrong."""
    if isinstance(spec, Spec):
        return spec
    data, text, source = _read_source(spec)
    return _Reader(_Lines(text), source).spec(data)


class _Reader:
    def __init__(self, lines: _Lines, source: str | None) -> None:
        self.lines = lines
        self.source = source

    def fail(self, message: str, key: str | None = None, value: Any = None, after: int = 0) -> None:
        line = self.lines.find(key, value, after) if key else None
        raise WorksheetError(message, line or (after or None), self.source)

    def text(self, table: Mapping[str, Any], key: str, default: str, after: int = 0) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.fail(f"{key!r} must be a string, got {value!r}", key, None, after)
        return value

    def integer(
        self, table: Mapping[str, Any], key: str, default: int, low: int, high: int, after: int = 0
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                f"{key!r} must be a whole number from {low} to {high}, got {value!r}",
                key,
                value,
                after,
            )
        return value

    def spec(self, data: dict[str, Any]) -> Spec:
        known = {"title", "course", "date", "instructions", "language", "points", "sections"}
        for key in data:
            if key not in known:
                self.fail(f"unknown key {key!r} (expected one of {', '.join(sorted(known))})", key)
        language = self.text(data, "language", "en")
        if language not in LANGUAGES:
            self.fail(
                f"language must be one of {', '.join(LANGUAGES)}, got {language!r}", "language"
            )
        points = self.integer(data, "points", 5, 0, 1000)
        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            self.fail("the spec needs at least one [[sections]] table with problems", "sections")
        return Spec(
            title=self.text(data, "title", "Worksheet"),
            course=self.text(data, "course", ""),
            date=str(data.get("date", "")),
            instructions=self.text(data, "instructions", ""),
            language=language,
            sections=tuple(self.section(s, i, points) for i, s in enumerate(sections)),
            source=self.source,
        )

    def section(self, table: Any, index: int, points: int) -> SectionSpec:
        start = self.lines.header("sections", index) or 0
        if not isinstance(table, Mapping):
            self.fail(f"section {index + 1} must be a table", "sections")
        problems = table.get("problems")
        if not isinstance(problems, list) or not problems:
            raise WorksheetError(
                f"section {index + 1} has no problems (add [[sections.problems]] tables)",
                start or None,
                self.source,
            )
        for key in table:
            if key not in ("title", "instructions", "problems", "points"):
                self.fail(f"unknown key {key!r} in section {index + 1}", key, None, start)
        points = self.integer(table, "points", points, 0, 1000, start)
        return SectionSpec(
            title=self.text(table, "title", "", start),
            instructions=self.text(table, "instructions", "", start),
            problems=tuple(
                self.problem(p, index, j, points, start) for j, p in enumerate(problems)
            ),
        )

    def problem(self, table: Any, section: int, index: int, points: int, start: int) -> ProblemSpec:
        # The problem's own header: the index-th [[sections.problems]] after the section's.
        line = self._problem_line(start, index)
        where = f"problem {index + 1} of section {section + 1}"
        if not isinstance(table, Mapping):
            raise WorksheetError(f"{where} must be a table", line, self.source)
        from symderiv.worksheet.banks import BANKS

        known = {
            "kind",
            "function",
            "var",
            "vars",
            "order",
            "at",
            "wrt",
            "defs",
            "bank",
            "count",
            "difficulty",
            "points",
            "figure",
        }
        for key in table:
            if key not in known:
                self.fail(
                    f"unknown key {key!r} in {where} (expected one of {', '.join(sorted(known))})",
                    key,
                    None,
                    line,
                )
        has_function, has_bank = "function" in table, "bank" in table
        if has_function == has_bank:
            raise WorksheetError(
                f"{where} needs exactly one of 'function' or 'bank'", line, self.source
            )
        pts = self.integer(table, "points", points, 0, 1000, line)
        if has_bank:
            bank = table["bank"]
            if bank not in BANKS:
                self.fail(
                    f"unknown bank {bank!r} (available: {', '.join(BANKS)})", "bank", bank, line
                )
            for key in ("function", "var", "vars", "order", "kind", "at", "wrt", "defs"):
                if key in table:
                    self.fail(f"{key!r} does not apply to a bank problem", key, None, line)
            kind = BANKS[bank].kind
            figure = self.figure(table, kind, line, bank=True)
            difficulty = self.integer(table, "difficulty", 1, 1, 3, line)
            if figure == "contour" and kind == "hessian" and difficulty == 3:
                self.fail(
                    "a contour figure needs two variables; difficulty 3 of this bank has three",
                    "figure",
                    figure,
                    line,
                )
            return ProblemSpec(
                kind=kind,
                figure=figure,
                bank=bank,
                count=self.integer(table, "count", 1, 1, MAX_COUNT, line),
                difficulty=difficulty,
                points=pts,
                line=self.lines.find("bank", bank, line) or line,
            )
        kind = self.text(table, "kind", "derivative", line)
        if kind not in KINDS:
            self.fail(f"unknown kind {kind!r} (available: {', '.join(KINDS)})", "kind", kind, line)
        for key in ("count", "difficulty"):
            if key in table:
                self.fail(f"{key!r} applies only to bank problems", key, None, line)
        figure = self.figure(table, kind, line)
        for key in ("var", "vars", "order", "at", "wrt", "defs"):
            tangent_at = key == "at" and figure == "tangent"
            if key in table and key not in KIND_KEYS[kind] and not tangent_at:
                self.fail(f"{key!r} does not apply to kind {kind!r}", key, None, line)
        function = self.text(table, "function", "", line)
        fline = self.lines.find("function", function, line) or line
        if kind in ("derivative", "partial", "taylor", "slope"):
            var = table.get("var")
            if var is not None and (not isinstance(var, str) or not var.strip()):
                self.fail(f"'var' must be a variable name, got {var!r}", "var", None, line)
            if kind == "taylor":
                order = self.integer(table, "order", 2, 0, MAX_TAYLOR_ORDER, line)
            else:
                order = self.integer(table, "order", 1, 1, MAX_ORDER, line)
            vline = self.lines.find("var", var, line) if var is not None else None
            expr = _check_function(
                function,
                var,
                kind,
                fline,
                self.source,
                vline or fline,
            )
            at = None
            if figure == "tangent" and "at" not in table:
                self.fail(
                    f"a {kind} problem with a tangent figure needs the point: at = 1",
                    "figure",
                    figure,
                    line,
                )
            if figure == "tangent" and order != 1:
                self.fail("a tangent figure goes with a first derivative", "order", None, line)
            if kind == "taylor" or figure == "tangent":
                names = sorted(str(s) for s in expr.free_symbols)
                name = var or (names[0] if names else "x")
                at = ((name, self.value(table.get("at", 0), "at", line)),)
            return ProblemSpec(
                kind=kind,
                function=function,
                var=var,
                order=order,
                points=pts,
                line=fline,
                at=at,
                figure=figure,
            )
        expr = _check_function(function, None, kind, fline, self.source)
        free = sorted(str(s) for s in expr.free_symbols)
        if kind == "backprop":
            defs = self.pairs(table, "defs", line, numbers=False)
            wrt = self.names(table, "wrt", line)
            at = self.pairs(table, "at", line) if "at" in table else None
            self.check_backprop(function, wrt, defs, at, fline, line)
            return ProblemSpec(
                kind=kind,
                function=function,
                points=pts,
                line=fline,
                wrt=wrt,
                defs=defs or (),
                at=at,
            )
        names = self.names(table, "vars", line)
        if names is not None:
            for name in names:
                if name not in free:
                    self.fail(
                        f"variable {name!r} does not occur in {function!r}", "vars", None, line
                    )
        variables = names or tuple(free)
        if not variables:
            raise WorksheetError(f"{function!r} has no variables", fline, self.source)
        at = self.pairs(table, "at", line) if "at" in table else None
        if kind == "hessian" and at is None:
            self.fail(
                "a hessian problem needs the point: at = { x = 1, y = 0 }", "kind", kind, line
            )
        if at is not None and sorted(n for n, _ in at) != sorted(variables):
            self.fail(
                f"'at' must give a value for each of {', '.join(variables)}", "at", None, line
            )
        if at is not None:
            at = tuple(sorted(at, key=lambda pair: variables.index(pair[0])))
        if figure == "contour" and len(variables) != 2:
            self.fail(
                f"a contour figure needs a function of two variables, not {len(variables)}",
                "figure",
                figure,
                line,
            )
        return ProblemSpec(
            kind=kind, function=function, points=pts, line=fline, vars=names, at=at, figure=figure
        )

    def figure(
        self, table: Mapping[str, Any], kind: str, line: int | None, bank: bool = False
    ) -> str | None:
        """The problem's figure: as asked (and fit for its kind), or its kind's own."""
        if "figure" not in table:
            return DEFAULT_FIGURES.get(kind)
        figure = table["figure"]
        if figure not in FIGURES:
            self.fail(
                f"unknown figure {figure!r} (available: {', '.join(FIGURES)})",
                "figure",
                None,
                line or 0,
            )
        fits = FIGURES[figure]
        if kind not in fits or (bank and kind == "derivative"):
            what = "this bank's problems" if bank else f"a {kind} problem"
            self.fail(
                f"a {figure} figure does not fit {what} (it goes with: {', '.join(fits)})",
                "figure",
                figure,
                line or 0,
            )
        return figure

    def value(self, value: Any, key: str, line: int | None) -> str:
        """A number (or constant text such as "1/2" or "pi/4") as text the parser reads."""
        from symderiv.parsing import parse

        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(f"{key!r} must be a number, got {value!r}", key, None, line or 0)
        text = repr(value) if isinstance(value, float) else str(value)
        try:
            expr = parse(text)
        except SymderivError:
            expr = None
        if expr is None or expr.free_symbols or not expr.is_real or not expr.is_finite:
            self.fail(f"{key!r} must be a real number, got {value!r}", key, None, line or 0)
        return text

    def pairs(
        self, table: Mapping[str, Any], key: str, line: int | None, numbers: bool = True
    ) -> tuple[tuple[str, str], ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping) or not value:
            self.fail(
                f"{key!r} must be a table such as {key} = {{ x = 1, y = 2 }}, got {value!r}",
                key,
                None,
                line or 0,
            )
        if numbers:
            return tuple((str(k), self.value(v, key, line)) for k, v in value.items())
        for k, v in value.items():
            if not isinstance(v, str) or not v.strip():
                self.fail(f"'{key}.{k}' must be a formula (a string)", key, None, line or 0)
        return tuple((str(k), str(v)) for k, v in value.items())

    def names(self, table: Mapping[str, Any], key: str, line: int | None) -> tuple[str, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        if (
            not isinstance(value, list)
            or not value
            or len(value) > MAX_VARS
            or not all(isinstance(v, str) and v.isidentifier() for v in value)
            or len(set(value)) != len(value)
        ):
            self.fail(
                f"{key!r} must list 1 to {MAX_VARS} distinct variable names, got {value!r}",
                key,
                None,
                line or 0,
            )
        return tuple(value)

    def check_backprop(
        self,
        function: str,
        wrt: tuple[str, ...] | None,
        defs: tuple[tuple[str, str], ...] | None,
        at: tuple[tuple[str, str], ...] | None,
        fline: int | None,
        line: int | None,
    ) -> None:
        from symderiv.backprop import backprop

        try:
            bp = backprop(
                function, list(wrt) if wrt else None, None, defs=dict(defs or ()), verify=False
            )
        except SymderivError as exc:
            raise WorksheetError(
                f"cannot run backprop on {function!r}: {exc}", fline, self.source
            ) from None
        inputs = {n.name for n in bp.inputs}
        unknown = [w for w in wrt or () if w not in inputs]
        if unknown:
            self.fail(
                f"'wrt' names {', '.join(unknown)}, not an input of {function!r}",
                "wrt",
                None,
                line or 0,
            )
        if at is not None:
            missing = sorted(inputs - {n for n, _ in at})
            extra = sorted({n for n, _ in at} - inputs)
            if missing or extra:
                what = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}"
                self.fail(
                    f"'at' must give every input of the graph ({what})", "at", None, line or 0
                )

    def _problem_line(self, start: int, index: int) -> int | None:
        lines = self.lines.lines
        seen = -1
        for number in range(start, len(lines)):
            stripped = lines[number].strip()
            if stripped.startswith("[[sections]]"):
                break
            if stripped.startswith("[[sections.problems]]"):
                seen += 1
                if seen == index:
                    return number + 1
        return start or None


def _check_function(
    function: str,
    var: str | None,
    kind: str,
    line: int | None,
    source: str | None,
    var_line: int | None = None,
) -> Any:
    """Parse the function now, so a typo is reported with its TOML line."""
    from symderiv.parsing import parse

    if not function.strip():
        raise WorksheetError("'function' is empty", line, source)
    try:
        expr = parse(function)
    except SymderivError as exc:
        raise WorksheetError(f"bad function {function!r}: {exc}", line, source) from None
    names = sorted(str(s) for s in expr.free_symbols)
    if var is not None and var not in names and names:
        raise WorksheetError(f"variable {var!r} does not occur in {function!r}", var_line, source)
    if var is None and len(names) > 1 and kind in ("derivative", "partial", "taylor", "slope"):
        raise WorksheetError(
            f'{function!r} has several variables ({", ".join(names)}): say which with var = "..."',
            line,
            source,
        )
    if kind == "partial" and len(names) < 2:
        raise WorksheetError(
            f"a partial derivative needs several variables; {function!r} "
            'has fewer (use kind = "derivative")',
            line,
            source,
        )
    return expr
