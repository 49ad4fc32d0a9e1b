"""Reading a token's type: its word, the parameters in brackets (decimal, enum, ref)."""

from __future__ import annotations

from generator.naming import snake_case
from generator.spec.model import (
    IDENTIFIER,
)
from generator.spec.shorthand.reader import Reader
from generator.spec.shorthand.words import (
    DECIMAL_PARAMS,
    LENGTH,
    TYPE_ALIASES,
    TYPE_CHOICES,
    unknown,
)
from generator.types.numbers import MAX_DECIMAL_PRECISION


class TypeReader(Reader):

    # --- type --------------------------------------------------------------------------

    def _read_type(self, start: int, name: str) -> tuple[int, dict[str, object] | None]:
        """Read ``type[(params)][?]`` from ``start``; return where it ends (at ':' or the end)
        and the mapping so far, or None when the type is unknown."""
        token = self.token
        pos = start
        while pos < len(token) and token[pos] not in "(?:":
            pos += 1
        word = token[start:pos]
        if not word:
            self.problem(start, start, "expected a type after `:`, like title:string")
            return pos, None
        kind = TYPE_ALIASES.get(word.lower())
        if kind is None:
            self.problem(start, pos, unknown("type", word, list(TYPE_ALIASES), TYPE_CHOICES))
            return pos, None
        spec: dict[str, object] = {"type": kind}
        params: tuple[int, int] | None = None  # span of the text inside the parentheses
        if pos < len(token) and token[pos] == "(":
            close = token.find(")", pos)
            if close < 0:
                self.problem(pos, len(token), "missing `)`")
                return len(token), None
            params = (pos + 1, close)
            pos = close + 1
        self._read_params(kind, word, (start, pos), params, name, spec)
        if pos < len(token) and token[pos] == "?":
            spec["required"] = False
            pos += 1
        if pos < len(token) and token[pos] != ":":
            end = token.find(":", pos)
            end = len(token) if end < 0 else end
            self.problem(
                pos,
                end,
                f"unexpected `{token[pos:end]}` after the type; modifiers follow a `:`,"
                f" like {name}:{word}:unique",
            )
            pos = end
        return pos, spec

    def _read_params(
        self,
        kind: str,
        word: str,
        type_span: tuple[int, int],
        params: tuple[int, int] | None,
        name: str,
        spec: dict[str, object],
    ) -> None:
        if kind == "enum":
            self._enum_values(type_span, params, spec)
        elif kind == "ref":
            self._ref_target(params, name, spec)
        elif kind == "decimal" and params is not None:
            self._decimal_params(params, spec)
        elif params is not None:
            hint = f"; write a length as a modifier: {name}:{word}:120" if kind in LENGTH else ""
            self.problem(params[0] - 1, params[1] + 1, f"`{word}` takes no `(...)`{hint}")

    def _enum_values(
        self, type_span: tuple[int, int], params: tuple[int, int] | None, spec: dict[str, object]
    ) -> None:
        needs = "an enum needs its values, like enum(pending,published)"
        if params is None:
            self.problem(*type_span, needs)
            return
        start, end = params
        if not self.token[start:end].strip():
            self.problem(start - 1, end + 1, needs)
            return
        values: list[str] = []
        offset = start
        for piece in self.token[start:end].split(","):
            value = piece.strip()
            at = offset + (len(piece) - len(piece.lstrip()))
            if not value:
                self.problem(offset, offset + len(piece), "empty enum value")
            elif value in values:
                self.problem(at, at + len(value), f"enum value `{value}` is given twice")
            values.append(value)
            offset += len(piece) + 1
        spec["values"] = values

    def _ref_target(
        self, params: tuple[int, int] | None, name: str, spec: dict[str, object]
    ) -> None:
        if snake_case(name).endswith("_id") and IDENTIFIER.match(snake_case(name)):
            base = snake_case(name).removesuffix("_id")
            self.problem(
                0,
                len(name),
                f"name a ref after what it points to: `{base}:ref` gives the `{base}_id` column",
            )
        if params is None:
            spec["to"] = name
            return
        start, end = params
        target = self.token[start:end].strip()
        if not target:
            self.problem(start - 1, end + 1, "expected what it points to, like ref(course)")
        elif not IDENTIFIER.match(snake_case(target)):
            self.problem(start, end, f"`{target}` is not a resource name")
        spec["to"] = target

    def _decimal_params(self, params: tuple[int, int], spec: dict[str, object]) -> None:
        start, end = params
        match = DECIMAL_PARAMS.fullmatch(self.token[start:end])
        if match is None:
            self.problem(
                start - 1, end + 1, "expected decimal(PRECISION,SCALE), like decimal(10,2)"
            )
            return
        precision, scale = int(match[1]), int(match[2])
        if not 1 <= precision <= MAX_DECIMAL_PRECISION:
            self.problem(start, end, f"precision must be from 1 to {MAX_DECIMAL_PRECISION}")
        elif scale > precision:
            self.problem(start, end, f"scale ({scale}) is greater than precision ({precision})")
        spec["precision"], spec["scale"] = precision, scale
