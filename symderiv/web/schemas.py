"""Request bodies of the HTTP API (validated before anything reaches a worker).

Expressions are text (plain or LaTeX), read by symderiv's parser in a worker; numbers in
points may be given as JSON numbers or as text (``"pi/2"``, ``"1/3"``) and are passed on as
text. Every size is bounded here so an oversized request fails fast with a 400.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    field_validator,
)

Lang = Literal["en", "ko"]
Detail = Literal["brief", "normal", "full"]
Expr = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\s\\{}$]+$")]
Value = Annotated[str, StringConstraints(min_length=1, max_length=200)] | StrictInt | StrictFloat
Names = Annotated[list[Name], Field(min_length=1, max_length=10)]
Point = Annotated[dict[Name, Value], Field(min_length=1, max_length=10)]


def value_text(value: str | int | float) -> str:
    """A point's coordinate as text for the parser; non-finite numbers are refused."""
    if isinstance(value, bool):
        raise ValueError("a coordinate must be a number or an expression, not true/false")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a coordinate must be a finite number")
        return repr(value)
    return str(value)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lang: Lang = Field("en", description="Language of feedback and error messages")


class _PointBody(_Body):
    @field_validator("at", mode="after", check_fields=False)
    @classmethod
    def _point_text(cls, at: Any) -> Any:
        if isinstance(at, dict):
            return {name: value_text(v) for name, v in at.items()}
        return at


class ParseRequest(_Body):
    text: Annotated[str, StringConstraints(max_length=2000)] = Field(
        description="An expression, plain text or LaTeX", examples=["x^2 sin(x)"]
    )


class DeriveRequest(_Body):
    expr: Expr = Field(examples=["x^2 sin(x)"], description="The function, plain text or LaTeX")
    var: Name | None = Field(None, description="The variable (needed with several symbols)")
    order: int = Field(1, ge=1, le=6, description="Order of the derivative")
    detail: Detail = "normal"


class GradientRequest(_PointBody):
    expr: Expr = Field(examples=["x^2 + 3x y + y^2"])
    vars: Names | None = Field(None, description="Variables in order (default: all)")
    at: Point | None = Field(None, description="Also give ∇f at this point (`value_at`)")
    detail: Detail = "normal"


class JacobianRequest(_Body):
    exprs: Annotated[list[Expr], Field(min_length=1, max_length=10)] = Field(
        examples=[["x y", "x + y"]]
    )
    vars: Names | None = None
    detail: Detail = "normal"


class HessianRequest(_PointBody):
    expr: Expr = Field(examples=["x^2 + 3x y + y^2"])
    vars: Names | None = None
    at: Point | None = Field(None, description="Classify this point (`classification`)")
    detail: Detail = "normal"


class CriticalRequest(_Body):
    expr: Expr = Field(examples=["x^3 - 3x + y^2"])
    vars: Names | None = None


class ImplicitRequest(_Body):
    equation: Expr = Field(examples=["x^2 + y^2 = 1"])
    y: Name = "y"
    x: Name = "x"
    detail: Detail = "normal"


class TaylorRequest(_PointBody):
    expr: Expr = Field(examples=["sin(x)"])
    var: Name | None = None
    vars: Names | None = Field(None, description="Several variables (then `at` is a point)")
    at: Value | Point = Field("0", description="Centre: a number, or a point for several vars")
    order: int = Field(2, ge=0, le=12)
    detail: Detail = "normal"

    @field_validator("at", mode="after")
    @classmethod
    def _centre_text(cls, at: Any) -> Any:
        return at if isinstance(at, dict) else value_text(at)


class BackpropRequest(_PointBody):
    expr: Expr = Field(examples=["x sin(x)"])
    wrt: Names | None = None
    at: Point | None = None
    defs: Annotated[dict[Name, Expr], Field(max_length=20)] | None = Field(
        None, examples=[{"a": "sigmoid(z)", "z": "w x + b"}]
    )


Problem = Annotated[dict[str, Any], Field(max_length=20)]


class GradeRequest(_Body):
    problem: Problem = Field(
        description="A grader problem, e.g. {kind: derivative, function: 'sin(3x)'}",
        examples=[{"kind": "derivative", "function": "sin(3x)"}],
    )
    answer: Annotated[str, StringConstraints(max_length=4000)] = Field(examples=[r"\cos(3x)"])
    reveal_expected: bool = Field(False, description="Include the expected answer")
    abs_tol: float | None = Field(None, ge=0, le=1)
    rel_tol: float | None = Field(None, ge=0, le=1)


class GradeStepsRequest(_Body):
    problem: Problem
    lines: Annotated[
        list[Annotated[str, StringConstraints(max_length=4000)]], Field(min_length=1, max_length=50)
    ] = Field(examples=[[r"2x\sin x + x^2\cos x", r"x^2\cos x"]])


class WorksheetRequest(_Body):
    spec: Annotated[str, StringConstraints(max_length=32000)] | dict[str, Any] = Field(
        description="The worksheet spec: TOML text or the same as a JSON object"
    )
    seed: int = Field(0, ge=0, le=2**31)
    variants: int = Field(1, ge=1, le=4)
    sheet_lang: Lang | None = Field(None, description="Language of the sheet (default: spec's)")
    pdf: bool = Field(False, description="Also compile PDFs (needs TeX on the server)")
