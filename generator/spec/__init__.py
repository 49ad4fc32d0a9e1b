"""The resource spec: its models (the user-facing contract), loading with positions, starters."""

from generator.spec.load import load_spec, load_spec_text
from generator.spec.model import FIELD_TYPES, FieldSpec, ResourceSpec

__all__ = ["FIELD_TYPES", "FieldSpec", "ResourceSpec", "load_spec", "load_spec_text"]
