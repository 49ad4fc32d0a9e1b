"""The installed stacks' settings, as the core reads them."""

from __future__ import annotations

from ruamel.yaml import YAML

from generator.installation import default_stack, templates_root
from generator.stacks import available_stacks, load_stack


def test_the_default_stack_is_read_as_yaml_reads_it() -> None:
    """default_stack reads one line without a YAML parser (the CLI's help shows it)."""
    data = YAML(typ="safe").load((templates_root() / "stacks.yaml").read_text(encoding="utf-8"))
    assert default_stack() == data["default"]
    assert default_stack() in available_stacks()


def test_every_stack_says_where_its_revisions_go_and_what_to_run_next() -> None:
    for name in available_stacks():
        stack = load_stack(name)
        if stack.migrations is not None:
            assert (stack.root / stack.migrations.template).is_file()
            assert "{number}" in stack.migrations.path and "{slug}" in stack.migrations.path
        assert "{plural}" in stack.next_steps.test_file
        assert stack.next_steps.test_file.format(plural="reviews") in {
            str(p.relative_to(stack.resource_dir))
            .removesuffix(".jinja")
            .replace("{{plural}}", "reviews")
            for p in stack.resource_dir.rglob("*")
        }
