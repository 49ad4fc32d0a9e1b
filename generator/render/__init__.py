"""Rendering: the stack's templates (and a project's overrides) into text, formatted, and only
what changed since the last run."""
