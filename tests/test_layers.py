"""The house's layering, checked on the source: views → services/queries → models → domain.

Reads (``queries``) and writes (``services``) are siblings: neither imports the other, so a
read can never write by calling a service. What both need sits below them (``status``,
``models``, ``domain``). Entry points (``views``, ``cli``, ``tasks``) compose the two.
"""
import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
# package -> packages it must not import
FORBIDDEN = {
    "queries": {"services", "views", "tasks"},
    "services": {"queries", "views", "tasks"},
    "status": {"services", "queries", "views", "tasks"},
    "models": {"services", "queries", "views", "status", "tasks"},
    "domain": {"services", "queries", "views", "status", "models", "extensions", "tasks"},
}


def imported_packages(path: Path) -> set[str]:
    """The ``tracker`` subpackages a module imports, at any depth of the file (lazy imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] == "tracker":
                found.add(parts[1] if len(parts) > 1 else (node.names[0].name if node.names else ""))
                if len(parts) == 1:
                    found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "tracker" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_run_one_way(layer):
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(imported_packages(path) & FORBIDDEN[layer])
        for path in sorted((PACKAGE / layer).rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from tracker.services import periods\n    import tracker.queries.x\n")
    assert imported_packages(module) == {"services", "queries"}


MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 25
ROUTE_DECORATORS = {"route", "get", "post"}


def _routes(path: Path):
    """The functions of a views module that a blueprint routes to, with their body's length
    in lines (from the first statement after the docstring to the end)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_DECORATORS
            for d in node.decorator_list
        ):
            body = node.body
            if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            yield node.name, node.end_lineno - body[0].lineno + 1


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_view_function_is_over_25_lines():
    long = {
        f"{path.name}:{name}": n
        for path in sorted((PACKAGE / "views").glob("*.py"))
        for name, n in _routes(path)
        if n > MAX_VIEW_LINES
    }
    assert long == {}


def test_the_view_count_starts_after_the_docstring(tmp_path):
    module = tmp_path / "v.py"
    module.write_text('@bp.get("/")\ndef index():\n    """Doc."""\n    a = 1\n    return a\n')
    assert list(_routes(module)) == [("index", 2)]


TEMPLATES = PACKAGE.parent / "templates"
# A role compared with a raw string ("role == 'admin'", "role in ('lead', …)"), or clearance
# read off the user: a page must ask the codes (UserRole, Role) and permissions' own functions.
RAW_ACCESS = re.compile(r"""\brole\s*(?:==|!=|in)\s*\(?\s*['"]|current_user\.cleared""")


def raw_access(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if RAW_ACCESS.search(line)]


def test_templates_ask_the_codes_and_permissions_not_raw_strings():
    found = {str(path.relative_to(TEMPLATES)): raw_access(path.read_text(encoding="utf-8"))
             for path in sorted(TEMPLATES.rglob("*.html"))}
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("line", ["{% if current_user.role == 'admin' %}", '{% if role in ("lead", "support") %}',
                                  "{{ x if current_user.cleared }}", "{% if a.role != 'lead' %}"])
def test_the_template_check_sees_raw_access(line):
    assert raw_access(line) == [line]


def test_the_template_check_lets_the_codes_pass():
    assert raw_access("{% if current_user.role == UserRole.ADMIN or sees_restricted(current_user) %}") == []


def raw_codes(text: str, codes: set[str]) -> list[str]:
    """Lines comparing something with one of ``codes`` written as a string ("kind == 'overdue'")."""
    pattern = re.compile(r"""(?:==|!=|\bin)\s*\(?\s*['"](%s)['"]""" % "|".join(map(re.escape, sorted(codes))))
    return [line.strip() for line in text.splitlines() if pattern.search(line)]


def test_templates_compare_codes_through_their_enums(app):
    """Every enum the templates are given (``labels.register``) is compared through its members
    ("item.kind == NotificationKind.OVERDUE"), in pages and in mails alike: a renamed code then
    fails loudly instead of silently never matching."""
    from enum import StrEnum

    enums = [v for v in app.jinja_env.globals.values() if isinstance(v, type) and issubclass(v, StrEnum)]
    # "error" is also a flash message's category (Flask's vocabulary, not a code of ours).
    codes = {member.value for enum in enums for member in enum} - {"error", "info", "success", "warning"}
    assert {"overdue", "day_off", "queued", "on_track", "disputed", "done", "lead", "admin"} <= codes
    found = {str(path.relative_to(TEMPLATES)): raw_codes(path.read_text(encoding="utf-8"), codes)
             for path in sorted(TEMPLATES.rglob("*")) if path.suffix in (".html", ".txt")}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_code_check_sees_a_raw_code_and_lets_other_strings_pass():
    codes = {"overdue", "done"}
    assert raw_codes('{% if i.kind == "overdue" %}', codes) == ['{% if i.kind == "overdue" %}']
    assert raw_codes("{% if s in ('done', 'x') %}", codes) == ["{% if s in ('done', 'x') %}"]
    assert raw_codes('{% if name == "heatmap" %}<span data-when="done">', codes) == []


def test_every_code_column_is_checked_against_its_enum():
    """A column of codes accepts exactly an enum's values (``models.base.one_of``): no list of
    codes is written out by hand in a model."""
    import importlib
    import pkgutil
    from enum import StrEnum

    import tracker.domain
    import tracker.models  # noqa: F401  (every table in the metadata)
    from tracker.extensions import db

    modules = [importlib.import_module(f"tracker.domain.{m.name}") for m in pkgutil.iter_modules(tracker.domain.__path__)]
    enums = [e for module in modules for e in vars(module).values()
             if isinstance(e, type) and issubclass(e, StrEnum) and e is not StrEnum]
    listed = re.compile(r"^(\w+) IN \((.*)\)$")
    checked, by_hand = 0, []
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            match = listed.match(str(getattr(constraint, "sqltext", "")))
            if match is None:
                continue
            checked += 1
            values = [v.strip().strip("'") for v in match.group(2).split(",")]
            if not any([e.value for e in enum] == values for enum in enums):
                by_hand.append(f"{table.name}.{match.group(1)}: {values}")
    assert checked >= 8 and by_hand == []
