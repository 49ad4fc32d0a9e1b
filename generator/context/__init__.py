"""The stack-neutral view of resources that templates read. Decisions live here, not in Jinja.

Contexts are built for every generated resource at once (build.py): a reference needs its
target, and a parent learns which children point at it (graph.py). A resource's context
(resource.py) is made of its fields, refs and rules (parts.py, fields.py).
"""

from generator.context.build import build_contexts, build_resource, connected_groups
from generator.context.fields import describe, normalised_field_data
from generator.context.parts import (
    ON_DELETE_SQL,
    Check,
    Child,
    FieldContext,
    Going,
    Permission,
    Ref,
    Route,
    WiredResource,
    default_auth,
    permission,
)
from generator.context.resource import ResourceContext

__all__ = [
    "ON_DELETE_SQL",
    "Check",
    "Child",
    "FieldContext",
    "Going",
    "Permission",
    "Ref",
    "ResourceContext",
    "Route",
    "WiredResource",
    "build_contexts",
    "build_resource",
    "connected_groups",
    "default_auth",
    "describe",
    "normalised_field_data",
    "permission",
]
