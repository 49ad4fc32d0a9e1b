"""Reading a token's modifiers: ranges, lengths, flags, on_delete, the default."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.error import YAMLError

from generator.naming import with_article
from generator.spec.shorthand.reader import Reader
from generator.spec.shorthand.words import (
    FLAG_EXCLUDES,
    FLAGS,
    LENGTH,
    NUMBER,
    NUMERIC,
    ON_DELETE,
    RANGE_HINT,
    TEXT_DEFAULT,
    WHOLE,
    default_problem,
    modifier_choices,
    scalar_yaml,
    unknown,
)
from generator.types import (
    INTEGER_RANGES,
)


class ModifierReader(Reader):

    # --- modifiers ---------------------------------------------------------------------

    def _read_modifiers(self, start: int, spec: dict[str, object]) -> None:
        token = self.token
        set_by: dict[str, str] = {}  # spec key -> the modifier that set it
        pos = start
        while True:
            if token[pos : pos + len("default=")].lower() == "default=":
                end = len(token)
            else:
                end = token.find(":", pos)
                end = len(token) if end < 0 else end
            modifier = token[pos:end]
            values = self._modifier(pos, modifier, spec)
            clash = next((set_by[key] for key in values if key in set_by), None)
            if clash is not None:
                self.problem(
                    pos,
                    end,
                    (
                        f"`{modifier}` is given twice"
                        if clash == modifier
                        else f"`{modifier}` conflicts with `{clash}`"
                    ),
                )
            else:
                set_by.update(dict.fromkeys(values, modifier))
                spec.update(values)
            if end >= len(token):
                return
            pos = end + 1

    def _modifier(self, pos: int, modifier: str, spec: dict[str, object]) -> dict[str, object]:
        """The keys one modifier sets, or {} after recording its problem."""
        kind = str(spec["type"])
        end = pos + len(modifier)
        word = modifier.lower()
        if not modifier:
            self.problem(pos, pos, "expected a modifier after `:`")
        elif word.startswith("default="):
            return self._default(pos + len("default="), modifier[len("default=") :], spec)
        elif word in FLAGS:
            if kind not in FLAG_EXCLUDES[word]:
                return {word: True}
            self.problem(pos, end, f"`{word}` does not apply to {kind} fields")
        elif word == "nested" or word in ON_DELETE:
            if kind != "ref":
                what = "`nested`" if word == "nested" else f"`{word}` (on_delete)"
                self.problem(pos, end, f"{what} applies to ref fields, not {kind}")
            elif word == "set_null" and spec.get("required", True):
                name = self.token.split(":", 1)[0]
                self.problem(
                    pos,
                    end,
                    f"`set_null` needs an optional ref: put `?` after the type,"
                    f" like {name}:ref?:set_null",
                )
            else:
                return {"nested": True} if word == "nested" else {"on_delete": word}
        elif word == "index":
            self.problem(
                pos, end, "`index` is not a modifier: filter, sort and ref fields get an index"
            )
        elif word in ("optional", "required", "?"):
            self.problem(
                pos,
                end,
                "fields are required unless a `?` follows the type, like body:text?",
            )
        elif ".." in modifier:
            return self._range(pos, modifier, kind)
        elif NUMBER.fullmatch(modifier):
            return self._length(pos, modifier, kind)
        else:
            choices = modifier_choices(kind)
            words = [w for w in (*FLAGS, "nested", *ON_DELETE, "default") if w in choices]
            self.problem(pos, end, unknown("modifier", modifier, words, choices))
        return {}

    def _range(self, pos: int, modifier: str, kind: str) -> dict[str, object]:
        end = pos + len(modifier)
        if kind not in NUMERIC | LENGTH:
            self.problem(
                pos,
                end,
                f"a range applies to integer, bigint, float, decimal, string and text fields,"
                f" not {kind}",
            )
            return {}
        hint = RANGE_HINT["length" if kind in LENGTH else "numeric"]
        low_text, high_text = modifier.split("..", 1)
        if not low_text and not high_text:
            self.problem(pos, end, f"a range needs at least one bound; {hint}")
            return {}
        bounds: list[int | float | None] = []
        ok = True
        for text, at in ((low_text, pos), (high_text, pos + len(low_text) + 2)):
            bound = self._bound(text, at, kind, hint) if text else None
            ok = ok and (bound is not None or not text)
            bounds.append(bound)
        if not ok:
            return {}
        low, high = bounds
        keys = ("min_length", "max_length") if kind in LENGTH else ("min", "max")
        if low is not None and high is not None and low > high:
            self.problem(pos, end, f"{keys[0]} ({low}) is greater than {keys[1]} ({high})")
            return {}
        if kind in LENGTH and high is not None and high < 1:
            self.problem(pos + len(low_text) + 2, end, "max_length must be at least 1")
            return {}
        return {key: b for key, b in zip(keys, bounds, strict=True) if b is not None}

    def _bound(self, text: str, at: int, kind: str, hint: str) -> int | float | None:
        end = at + len(text)
        if not NUMBER.fullmatch(text):
            self.problem(at, end, f"`{text}` is not a number; {hint}")
            return None
        if kind in WHOLE | LENGTH and "." in text:
            what = "lengths" if kind in LENGTH else f"{kind} bounds"
            self.problem(at, end, f"{what} are whole numbers")
            return None
        value: int | float = float(text) if "." in text else int(text)
        if kind in LENGTH and value < 0:
            self.problem(at, end, "a length cannot be negative")
            return None
        low, high = INTEGER_RANGES.get(kind, (value, value))
        if not low <= value <= high:
            hint = "integer (32 bits); use bigint" if kind == "integer" else f"{kind} (64 bits)"
            self.problem(at, end, f"`{text}` does not fit {with_article(hint)}")
            return None
        return value

    def _length(self, pos: int, modifier: str, kind: str) -> dict[str, object]:
        end = pos + len(modifier)
        if kind in NUMERIC:
            self.problem(
                pos,
                end,
                f"a bare number is a length (string, text); for {kind} write a range like 1..5",
            )
        elif kind not in LENGTH:
            self.problem(pos, end, f"a length applies to string and text fields, not {kind}")
        elif "." in modifier:
            self.problem(pos, end, "lengths are whole numbers")
        elif int(modifier) < 1:
            self.problem(pos, end, "max_length must be at least 1")
        else:
            return {"max_length": int(modifier)}
        return {}

    def _default(self, at: int, text: str, spec: dict[str, object]) -> dict[str, object]:
        kind = str(spec["type"])
        end = at + len(text)
        if kind == "ref":
            self.problem(at - len("default="), end, "a ref field takes no default")
            return {}
        if not text:
            self.problem(at, at, 'expected a value after `default=` (default="" for no text)')
            return {}
        quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "'\""
        if kind == "decimal":
            # Decimals are exact: the digits as typed, which the spec keeps as a string.
            if NUMBER.fullmatch(text):
                return {"default": text}
            self.problem(at, end, "expected a number, like default=9.99")
            return {}
        if kind in TEXT_DEFAULT and not quoted:
            value: Any = text
        else:
            try:
                value = scalar_yaml().load(text)
            except YAMLError:
                self.problem(at, end, "expected a single value, like default=5 or default=true")
                return {}
        expected = default_problem(kind, value, spec)
        if expected:
            self.problem(at, end, expected)
            return {}
        return {"default": value}
