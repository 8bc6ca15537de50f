"""exports builds files from the report dataclasses only: no Flask, no database (architecture.md)."""
import ast
from pathlib import Path

import pytest

import tracker.exports

FORBIDDEN = ("flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy", "tracker.models", "tracker.extensions",
             "tracker.queries", "tracker.services", "tracker.views")
OURS = ("__init__", "safe", "wording", "outline", "charts", "xlsx", "csv_export", "docx_report", "docx_xml", "ooxml_stream",
        "pdf_report")


@pytest.mark.parametrize("name", OURS)
def test_no_flask_or_database_imports(name):
    path = Path(tracker.exports.__file__).with_name(f"{name}.py")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            assert not module.startswith(FORBIDDEN), f"{name}.py imports {module}"
