"""Date arithmetic as SQL functions that read the same on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import TypeEngine


def _function(name: str, type_: TypeEngine, doc: str, sqlite: str, default: str) -> type[FunctionElement]:
    """A SQL function of two expressions, written by ``sqlite`` on SQLite and ``default`` elsewhere
    (``{0}`` and ``{1}`` the compiled arguments)."""
    function = type(name, (FunctionElement,), {"type": type_, "inherit_cache": True, "__doc__": doc,
                                                 "__module__": __name__})

    def written_as(template: str):
        def compile_(element, compiler, **kw):
            return template.format(*(compiler.process(clause, **kw) for clause in element.clauses))
        return compile_

    compiles(function, "sqlite")(written_as(sqlite))
    compiles(function)(written_as(default))
    return function


days_between = _function("days_between", Integer(),
                         "Whole days from the second date to the first (``later - earlier``), on either database.",
                         "CAST(julianday({0}) - julianday({1}) AS INTEGER)", "({0} - {1})")
add_days = _function("add_days", Date(),
                     "A date ``n`` days after a date (``n`` an integer expression), on either database.",
                     "date({0}, ({1}) || ' days')", "(({0}) + ({1}))")
