"""Read values out of a YAML node tree (`yaml.compose`) with the line of each, so that a
content file's every problem is reported as `path:line: message`, duplicate keys included
(which `yaml.safe_load` silently overwrites). Pure: no Flask, no database."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml

from seminar.core.content.lessons import SLUG
from seminar.core.content.limits import yaml_problems
from seminar.core.content.problems import ContentError, Problem

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"

Entry = tuple[yaml.Node, yaml.Node]  # (key node, value node)
_SLUG_ONLY = re.compile(rf"^{SLUG}$")


@dataclass
class Reader:
    """Collects problems so that one run reports everything wrong with the file."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(node), message))


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def compose(text: str, path: str) -> yaml.Node | None:
    if problems := yaml_problems(text, path):
        raise ContentError(problems)
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ContentError([yaml_problem(exc, text, path)]) from None
    except yaml.reader.ReaderError as exc:
        # Raised for control characters; it knows the character offset, not the line.
        line = text.count("\n", 0, exc.position) + 1
        raise ContentError([Problem(path, line, f"invalid YAML: {exc.reason}")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, 1, f"invalid YAML: {exc}")]) from None


def yaml_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    problem, context = exc.problem_mark, exc.context_mark
    # An unclosed bracket or quote is noticed lines later, or at the end of the file; the
    # line where it was opened is the one to fix. Elsewhere the problem's own line is.
    ran_off_end = problem is not None and problem.index >= len(text.rstrip())
    unclosed = any(word in (exc.context or "") for word in ("flow", "quoted"))
    use_context = context is not None and (problem is None or ran_off_end or unclosed)
    mark = context if use_context else problem
    message = f"invalid YAML: {exc.problem or exc.context}"
    if exc.problem and exc.context and context is not None:
        message += f" ({exc.context} started at line {context.line + 1})"
    return Problem(path, mark.line + 1 if mark else 1, message)


def key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "(not a plain key)"


def entries_of(
    reader: Reader, node: yaml.MappingNode, known: tuple[str, ...], where: str
) -> dict[str, Entry]:
    """The mapping's known keys; unknown and repeated keys are reported at their line."""
    found: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key = key_text(key_node)
        if key not in known:
            reader.error(key_node, f"unknown key '{key}' in {where} (known: {', '.join(known)})")
        elif key in found:
            first = line_of(found[key][0])
            reader.error(key_node, f"duplicate key '{key}' in {where} (first at line {first})")
        else:
            found[key] = (key_node, value_node)
    return found


def construct(node: yaml.ScalarNode) -> object:
    """A scalar's Python value, or None when PyYAML cannot build it (e.g. `!!int x`)."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)
    except (ValueError, TypeError, OverflowError):
        return None
    finally:
        loader.dispose()


def slug_of(node: yaml.Node) -> str | None:
    """The node's text when it is a slug like 'sot-basic'. Raw text, so `no` stays 'no'."""
    if isinstance(node, yaml.ScalarNode) and node.tag != NULL and _SLUG_ONLY.match(node.value):
        return node.value
    return None


def number_of(node: yaml.Node) -> float | None:
    if not (isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT)):
        return None
    value = construct(node)
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def whole_number(value: yaml.Node) -> int | None:
    if isinstance(value, yaml.ScalarNode) and value.tag == INT:
        number = construct(value)
        return number if isinstance(number, int) else None
    return None
