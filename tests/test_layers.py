"""The house's layering, checked on the source: views → services/queries → models → domain.

Reads (``queries``) and writes (``services``) are siblings: neither imports the other, so a
read can never write by calling a service. What both need sits below them (``status``,
``models``, ``domain``). Entry points (``views``, ``cli``, ``tasks``) compose the two.
"""
import ast
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
