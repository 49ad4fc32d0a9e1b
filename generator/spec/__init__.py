"""The resource spec: its models (the user-facing contract), loading with positions, starters."""

from generator.spec.load import load_spec, load_spec_text
from generator.spec.model import FieldSpec, ResourceSpec
from generator.types import FIELD_TYPES

__all__ = ["FIELD_TYPES", "FieldSpec", "ResourceSpec", "load_spec", "load_spec_text"]
