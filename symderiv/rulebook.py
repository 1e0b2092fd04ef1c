"""Load and validate the rule book (``rules/*.toml``) into immutable Rule objects.

The rule book is data: a rule's name, statement and explanation in each language, and for
elementary functions the derivative formula, live in TOML files that ship inside the
package as ``symderiv.rules``. Formulas stay text here; the engine compiles them with
symderiv's own parser.

>>> book = load_rulebook()
>>> book["chain"].name("ko")
'연쇄 법칙'
>>> book.for_function("sin").derivative
'cos(u)'
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from symderiv.errors import SymderivError

LANGUAGES = ("en", "ko")
BOOK_FILES = ("derivatives.toml", "structural.toml")


class RuleBookError(SymderivError):
    """The rule book is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    """One rule of the book.

    ``kind`` is ``"elementary"`` (it has ``function`` and ``derivative``, a formula in u)
    or ``"structural"``; ``domain`` is an interval of u where an elementary rule is smooth.
    """

    id: str
    kind: str
    names: Mapping[str, str]
    explanations: Mapping[str, str]
    statement: str
    function: str | None = None
    derivative: str | None = None
    domain: tuple[float, float] | None = None

    def name(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.names["en"]

    def explanation(self, lang: str = "en", **values: str) -> str:
        """The explanation in ``lang`` with ``{u}``-style placeholders filled in."""
        template = self.explanations.get(lang) or self.explanations["en"]
        return template.format_map(_KeepMissing(values))


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class RuleBook:
    """All rules by id, with a lookup of elementary rules by function name."""

    rules: Mapping[str, Rule]

    def __getitem__(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise RuleBookError(f"no rule with id {rule_id!r} in the rule book") from None

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def for_function(self, function_name: str) -> Rule | None:
        """The elementary rule for the function called ``function_name``, if any."""
        return self._by_function.get(function_name)

    @functools.cached_property
    def _by_function(self) -> dict[str, Rule]:
        return {r.function: r for r in self.rules.values() if r.function is not None}

    def elementary(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.kind == "elementary"]

    def structural(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.kind == "structural"]


def _book_dir() -> Path:
    """The installed ``symderiv.rules`` data, or ``rules/`` beside a source checkout."""
    try:
        return Path(str(resources.files("symderiv.rules")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


@functools.cache
def load_rulebook(directory: str | None = None) -> RuleBook:
    """Read and validate every book file; cached, since the book never changes at run time."""
    folder = Path(directory) if directory else _book_dir()
    rules: dict[str, Rule] = {}
    for file_name in BOOK_FILES:
        path = folder / file_name
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RuleBookError(f"cannot read {path}: {exc}") from exc
        kind = "elementary" if file_name == "derivatives.toml" else "structural"
        for index, entry in enumerate(data.get("rule", [])):
            rule = _rule_from_entry(entry, kind, f"{file_name}, rule #{index + 1}")
            if rule.id in rules:
                raise RuleBookError(f"{file_name}: duplicate rule id {rule.id!r}")
            rules[rule.id] = rule
    return RuleBook(rules)


def _rule_from_entry(entry: dict[str, Any], kind: str, where: str) -> Rule:
    def require(key: str, typ: type) -> Any:
        value = entry.get(key)
        if not isinstance(value, typ):
            raise RuleBookError(f"{where}: field {key!r} must be a {typ.__name__}")
        return value

    rule_id = require("id", str)
    where = f"{where} ({rule_id})"
    names = require("name", dict)
    explanations = require("explanation", dict)
    for field_name, texts in (("name", names), ("explanation", explanations)):
        missing = [lang for lang in LANGUAGES if not isinstance(texts.get(lang), str)]
        if missing:
            raise RuleBookError(f"{where}: {field_name} lacks {', '.join(missing)}")
    statement = require("statement", str)
    if kind == "structural":
        return Rule(rule_id, kind, names, explanations, statement)
    domain = require("domain", list)
    if len(domain) != 2 or not all(isinstance(v, int | float) for v in domain):
        raise RuleBookError(f"{where}: domain must be [low, high]")
    low, high = float(domain[0]), float(domain[1])
    if not low < high:
        raise RuleBookError(f"{where}: domain must have low < high")
    return Rule(
        rule_id,
        kind,
        names,
        explanations,
        statement,
        function=require("function", str),
        derivative=require("derivative", str),
        domain=(low, high),
    )
