"""Split YAML front matter from a Markdown body, keeping line numbers for errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from seminar.core.content.limits import yaml_problems
from seminar.core.content.problems import ContentError, Problem


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[str, int]  # key -> 1-based line in the file
    body: str
    body_line: int  # 1-based line of the file where the body starts


_CONSTRUCTOR_ERRORS = (ValueError, TypeError, KeyError, AttributeError, RecursionError)


def _failing_value_line(yaml_text: str) -> int:
    """The file line of the first top-level value that PyYAML cannot build."""
    node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            try:
                yaml.SafeLoader("").construct_object(value_node, deep=True)
            except _CONSTRUCTOR_ERRORS:
                return key_node.start_mark.line + 2
    return 2


# libyaml's loader when PyYAML was built with it: the same safe tags, parsed in C, which is
# most of what a sync of unchanged files costs otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(yaml_text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for each key's line) and the values, from one parse."""
    loader = _LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def split_front_matter(text: str, path: str) -> FrontMatter:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError([Problem(path, 1, "missing front matter: start the file with '---'")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise ContentError([Problem(path, 1, "front matter is not closed with a '---' line")])
    yaml_text = "".join(lines[1:end])
    if problems := yaml_problems(yaml_text, path, first_line=2):
        raise ContentError(problems)
    try:
        node, data = _load(yaml_text)
    except yaml.MarkedYAMLError as exc:
        # The construct that is open ("while parsing a flow sequence") is where to look.
        mark = exc.context_mark or exc.problem_mark
        line = (mark.line + 2) if mark else 2
        raise ContentError(
            [Problem(path, line, f"invalid YAML: {exc.problem or exc.context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, 2, f"invalid YAML: {exc}")]) from None
    except _CONSTRUCTOR_ERRORS as exc:
        # PyYAML raises plain Python errors for values such as `2025-13-45` or `!!int x`.
        line = _failing_value_line(yaml_text)
        raise ContentError([Problem(path, line, f"invalid YAML value: {exc}")]) from None
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise ContentError([Problem(path, 2, "front matter must be 'key: value' lines")])
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return FrontMatter(
        data={str(k): v for k, v in data.items()},
        key_lines=key_lines,
        body="".join(lines[end + 1 :]),
        body_line=end + 2,
    )
