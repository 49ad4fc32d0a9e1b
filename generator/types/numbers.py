"""Numbers: integer and bigint (whole, in their column's range), float, decimal (exact)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.naming import with_article
from generator.types import FieldSpec, SpecType, number_text

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_DECIMAL_PRECISION = 15  # digits SQLite's REAL keeps exactly
OVERFLOW = "1" + "0" * 23  # more than any integer or decimal column holds


def integer_bounds(spec: FieldSpec) -> tuple[int, int]:
    """Inclusive bounds of an integer field; a missing side is the limit of its column
    (32 bits for integer, 64 for bigint)."""
    from generator.types import INTEGER_RANGES  # the registry, built once this module loaded

    low, high = INTEGER_RANGES[spec["type"]]
    lo = low if spec.get("min") is None else math.ceil(spec["min"])
    hi = high if spec.get("max") is None else math.floor(spec["max"])
    return lo, hi


@dataclass(frozen=True)
class Number(SpecType):
    def check_default(self, spec: Any, value: Any) -> Any:
        t = self.name
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"default must be a number for {with_article(t)} field, got {value!r}")
        if self.integer_range and value != int(value):
            raise ValueError(
                f"default must be a whole number for {with_article(t)} field, got {value!r}"
            )
        if spec.min is not None and value < spec.min:
            raise ValueError(f"default {value} is below min ({number_text(spec.min)})")
        if spec.max is not None and value > spec.max:
            raise ValueError(f"default {value} is above max ({number_text(spec.max)})")
        if self.integer_range:
            low, high = self.integer_range
            if not low <= value <= high:
                raise ValueError(f"default {value} is outside the {t} range")
            return int(value)
        return float(value)


@dataclass(frozen=True)
class Whole(Number):
    bits: str = ""  # int32, int64: the name of its range in the invalid cases

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        lo, hi = integer_bounds(spec)
        if lo > hi:
            return lo
        span = hi - lo + 1
        start = min(max(1, lo), hi)
        return lo + (start - lo + n) % span

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        lo, hi = integer_bounds(spec)
        bits = self.bits
        out: list[tuple[str, object]] = []
        out.append(("below_min" if spec.get("min") is not None else f"below_{bits}_range", lo - 1))
        out.append(("above_max" if spec.get("max") is not None else f"above_{bits}_range", hi + 1))
        middle = min(max(lo, 0), hi - 1)
        if lo < hi:  # a float keeps its .5 only below 2**52: beyond, send the digits
            fraction = middle + 0.5 if abs(middle) < 2**50 else f"{middle}.5"
            out.append(("not_an_integer", fraction))
        out.append(("wrong_type", "not-a-number"))
        # Strict JSON: a numeric string and a boolean are not integers.
        out += [("numeric_string", str(max(lo, min(hi, 1)))), ("boolean", True)]
        return out

    def unstorable_json(self) -> str:
        return OVERFLOW


@dataclass(frozen=True)
class Float(Number):
    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        lo, hi = spec.get("min"), spec.get("max")
        if lo is not None and hi is not None:
            lo, hi = float(lo), float(hi)
            if lo >= hi:
                return lo
            t = ((n % 97) + 1) / 98
            # A weighted mean, not lo + (hi - lo) * t: hi - lo overflows to inf for bounds
            # near the float range's ends, which made every sample hi (duplicates of a
            # unique field).
            raw = min(max(lo * (1 - t) + hi * t, lo), hi)
            # Rounding keeps values readable and, with steps of at least 1/98, distinct.
            return round(raw, 4) if hi - lo >= 1 else raw
        if lo is not None:
            return float(lo) + 1.5 + n
        if hi is not None:
            return float(hi) - 1.5 - n
        return 1.5 + n

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        for slug, bound, sign in (
            ("below_min", spec.get("min"), -1),
            ("above_max", spec.get("max"), 1),
        ):
            if bound is not None:
                value = float(bound) + sign * max(1.0, abs(float(bound)) / 2)
                if math.isfinite(value):
                    out.append((slug, value))
        out += [("not_a_number", "NaN"), ("infinite", "Infinity"), ("wrong_type", "not-a-number")]
        # Strict JSON: a numeric string (of a value in range) and a boolean are not numbers.
        in_range = next((b for b in (spec.get("min"), spec.get("max")) if b is not None), 0)
        out += [("numeric_string", str(float(in_range))), ("boolean", True)]
        return out

    def unstorable_json(self) -> str:
        return "1e400"  # infinite


@dataclass(frozen=True)
class Exact(SpecType):
    def check_default(self, spec: Any, value: Any) -> Any:
        """Decimals are exact: the default is kept as the string of its digits, at the
        field's scale (the form the API returns: `1E+1` at scale 2 is `10.00`)."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"default must be a number for a decimal field, got {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"default {value!r} is not a decimal number") from None
        if not number.is_finite():
            raise ValueError(f"default must be a finite number, got {value!r}")
        exponent = int(number.as_tuple().exponent)
        if -exponent > spec.decimal_scale:
            raise ValueError(f"default {value} has more than {spec.decimal_scale} decimal places")
        whole_digits = len(number.as_tuple().digits) + min(exponent, 0)
        if whole_digits > spec.decimal_precision - spec.decimal_scale:
            raise ValueError(f"default {value} has too many digits for precision")
        if spec.min is not None and number < Decimal(str(spec.min)):
            raise ValueError(f"default {value} is below min ({number_text(spec.min)})")
        if spec.max is not None and number > Decimal(str(spec.max)):
            raise ValueError(f"default {value} is above max ({number_text(spec.max)})")
        return str(number.quantize(Decimal(1).scaleb(-spec.decimal_scale)))

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        """The exact string the API returns: always ``scale`` places."""
        scale = int(spec.get("scale") or 0)
        precision = int(spec.get("precision") or 10)
        quantum = Decimal(1).scaleb(-scale)
        largest = Decimal(10) ** (precision - scale) - quantum
        lo = max(Decimal(str(spec["min"])) if spec.get("min") is not None else -largest, -largest)
        hi = min(Decimal(str(spec["max"])) if spec.get("max") is not None else largest, largest)
        start = min(max(Decimal(1), lo), hi)
        value = start + Decimal(n) * quantum * 7 + quantum * 3
        if value > hi:
            value = lo + (value - lo) % max(hi - lo, quantum)
        return str(value.quantize(quantum))

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        out = self._digit_cases(spec)
        for slug, bound, step in (
            ("below_min", spec.get("min"), -1),
            ("above_max", spec.get("max"), 1),
        ):
            if bound is not None:
                out.append((slug, str(Decimal(str(bound)) + step)))
        out += [("wrong_type", "not-a-number"), ("boolean", True)]
        return out

    def _digit_cases(self, spec: FieldSpec) -> list[tuple[str, object]]:
        """Values with one decimal place too many, and one whole digit too many, each inside
        the field's range, so only that limit refuses them. A limit that no in-range value
        can break (max 100 with room for 6 whole digits) gets no case: the range cases
        cover it."""
        scale = int(spec.get("scale") or 0)
        precision = int(spec.get("precision") or 10)
        low = Decimal(str(spec["min"])) if spec.get("min") is not None else None
        high = Decimal(str(spec["max"])) if spec.get("max") is not None else None

        def in_range(value: Decimal) -> bool:
            return (low is None or value >= low) and (high is None or value <= high)

        out: list[tuple[str, object]] = []
        valid = Decimal(str(self.sample("", spec, 0)))
        extra = Decimal(1).scaleb(-(scale + 1))  # 1 in the first place past the scale
        places = [v for v in (valid + extra, valid - extra) if in_range(v)]
        if places:
            out.append(("too_many_places", str(places[0])))
        nines = Decimal("9" * (precision - scale + 1))
        digits = [v for v in (nines, -nines) if in_range(v)]
        if digits:
            out.append(("too_many_digits", str(digits[0])))
        return out

    def unstorable_json(self) -> str:
        return OVERFLOW


INTEGER = Whole(
    "integer",
    30,
    'JSON number, whole (`5` or `5.0`, never `"5"` or `true`); kept inside 32 bits when'
    " unbounded",
    aliases=("int",),
    shorthand="int",
    shorthand_note="32 bits",
    integer_range=(INT32_MIN, INT32_MAX),
    bits="int32",
    numeric=True,
    ordered=True,
)
BIGINT = Whole(
    "bigint",
    40,
    "JSON number, whole (never a string or a boolean); 64 bits",
    shorthand_note="64 bits",
    integer_range=(INT64_MIN, INT64_MAX),
    bits="int64",
    numeric=True,
    ordered=True,
)
TYPES = [
    INTEGER,
    BIGINT,
    Float(
        "float",
        50,
        "JSON number (never a string or a boolean); no NaN or infinity",
        numeric=True,
        ordered=True,
    ),
    Exact(
        "decimal",
        60,
        "exact, a JSON number or numeric string: `precision` significant digits (default 10),"
        ' `scale` after the point (default 2); returned as a string at that scale (`"10.00"`)',
        shorthand_forms="`decimal`, `decimal(10,2)`",
        shorthand_spec="`type: decimal`, `precision: 10, scale: 2`",
        shorthand_note="precision 1 to 15 (the digits SQLite keeps exactly), scale <= precision;"
        " the spec's defaults are 10 and 2",
        numeric=True,
        ordered=True,
    ),
]
