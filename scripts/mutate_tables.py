"""Mutation testing of what mutmut 3 leaves out: the module-level tables and constants.

mutmut 3 mutates function bodies only, so the rules table ``RULES``, ``OPEN_PAST_DUE``,
the category orders, the enum codes, ``FROM_THE_START`` and the dataclass defaults of
the status engine's pure modules would go unchecked. This runner mutates exactly those
(module and class level, outside any function) and runs the modules' own unit tests on
each mutant, like mutmut does for the functions.

Operators: a bool flipped; an int plus one; a string wrapped in "XX"; an element dropped
from a tuple (a rule, a condition, a category); two neighbours of a tuple swapped (rule
order, category order), except inside a rule's conditions, which are a conjunction whose
order cannot matter. The rows of a table (a rule's (category, conditions), a condition's
(fact, wanted)) keep their shape: only the values in them are mutated. Not mutated: docstrings, type expressions (subscripts such as
``tuple[Fact, bool]``), decorators, lambdas, and lines marked ``# pragma: no mutate``
(on a ``class`` line: the whole class).

Each mutant runs in a forked child that imports the mutated module from memory, so the
tree is never written to. Writes ``mutants/tables.json`` for ``scripts/mutation_score.py``.
"""
from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.util
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = {
    "tracker/domain/status.py": "tracker.domain.status",
    "tracker/domain/deadlines.py": "tracker.domain.deadlines",
    "tracker/domain/spans.py": "tracker.domain.spans",
}
TESTS = ["tests/domain/test_status.py", "tests/domain/test_deadlines.py", "tests/domain/test_spans.py",
         "tests/domain/test_confirmation.py"]
TIMEOUT = 120  # seconds; a mutant that hangs the tests counts as killed (as mutmut's timeouts do)


@dataclass(frozen=True)
class Mutant:
    path: str
    index: int  # the position of the mutated node in walk order
    op: str
    arg: int  # which element, for tuple operators
    line: int
    description: str


def _conjunction(node: ast.Tuple) -> bool:
    """A rule's conditions: pairs (Fact.X, bool). Their order cannot change the result."""
    return bool(node.elts) and all(
        isinstance(e, ast.Tuple) and len(e.elts) == 2 and isinstance(e.elts[1], ast.Constant)
        and isinstance(e.elts[1].value, bool) for e in node.elts
    )


def _targets(tree: ast.Module, source_lines: list[str]) -> tuple[list[ast.AST], set[int]]:
    """The nodes that may be mutated, in a fixed order (module and class level only), and the
    ids of the tuples that are rows of a table (a rule, a condition): their values are
    mutated, not their shape, which the code unpacks (any change of it fails loudly)."""
    found: list[ast.AST] = []
    rows: set[int] = set()

    def skipped(node: ast.AST) -> bool:
        line = getattr(node, "lineno", None)
        return line is not None and "# pragma: no mutate" in source_lines[line - 1]

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Subscript, ast.Import,
                             ast.ImportFrom)):
            return
        if skipped(node):
            return
        if isinstance(node, (ast.Constant, ast.Tuple)):
            found.append(node)
        if isinstance(node, ast.Tuple) and node.elts and all(isinstance(e, ast.Tuple) for e in node.elts) \
                and len({len(e.elts) for e in node.elts}) == 1:
            rows.update(id(e) for e in node.elts)
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "decorator_list", "returns"):
                continue
            children = value if isinstance(value, list) else [value]
            body_docstring = name == "body" and isinstance(node, (ast.Module, ast.ClassDef))
            for i, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                if body_docstring and i == 0 and isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                    continue  # a docstring
                visit(child)

    visit(tree)
    return found, rows


def mutants_of(path: str) -> list[Mutant]:
    source = (ROOT / path).read_text("utf-8")
    lines = source.splitlines()
    result = []
    nodes, rows = _targets(ast.parse(source), lines)
    for index, node in enumerate(nodes):
        line = node.lineno
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                result.append(Mutant(path, index, "flip", 0, line, f"{v} -> {not v}"))
            elif isinstance(v, int):
                result.append(Mutant(path, index, "plus_one", 0, line, f"{v} -> {v + 1}"))
            elif isinstance(v, str):
                result.append(Mutant(path, index, "xx", 0, line, f"{v[:30]!r} -> 'XX...XX'"))
        elif isinstance(node, ast.Tuple) and id(node) not in rows:
            for i, elt in enumerate(node.elts):
                result.append(Mutant(path, index, "drop", i, line, f"drop {ast.unparse(elt)[:60]}"))
            if not _conjunction(node):
                for i in range(len(node.elts) - 1):
                    a, b = ast.unparse(node.elts[i]), ast.unparse(node.elts[i + 1])
                    if a != b:
                        result.append(Mutant(path, index, "swap", i, line, f"swap {a[:30]} <-> {b[:30]}"))
    return result


def mutated_source(m: Mutant | None, path: str) -> str:
    source = (ROOT / path).read_text("utf-8")
    if m is None:
        return source
    tree = ast.parse(source)
    node = _targets(tree, source.splitlines())[0][m.index]
    if m.op == "flip":
        node.value = not node.value
    elif m.op == "plus_one":
        node.value = node.value + 1
    elif m.op == "xx":
        node.value = f"XX{node.value}XX"
    elif m.op == "drop":
        del node.elts[m.arg]
    elif m.op == "swap":
        node.elts[m.arg], node.elts[m.arg + 1] = node.elts[m.arg + 1], node.elts[m.arg]
    return ast.unparse(tree)


class _Override(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from a given source text; every other import goes on as usual."""

    def __init__(self, name: str, path: Path, source: str):
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=str(self.path))

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = str(self.path)
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)  # nosec B102 # our own mutated module


def _run_child(path: str, source: str) -> int:
    """In a forked child: forget the tree's modules, serve the mutant, run the tests quietly."""
    import pytest

    sys.dont_write_bytecode = True  # children run side by side
    # The parent imported ``tracker`` (and its third-party imports) but none of the pure
    # modules: these, and the tests, are imported afresh here, the mutant among them.
    for name in [n for n in sys.modules if n.startswith(("tracker.domain", "tests"))]:
        del sys.modules[name]
    sys.meta_path.insert(0, _Override(MODULES[path], ROOT / path, source))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    return pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--noconftest", *TESTS])


def run(jobs: list[tuple[Mutant | None, str, str]], workers: int) -> list[int]:
    """Exit codes of the test run for each (mutant, path, source), ``workers`` at a time (-1: timeout)."""
    codes = [0] * len(jobs)
    running: dict[int, tuple[int, float]] = {}
    pending = list(enumerate(jobs))
    while pending or running:
        while pending and len(running) < workers:
            i, (_, path, source) = pending.pop(0)
            pid = os.fork()
            if pid == 0:
                try:
                    code = int(_run_child(path, source))
                except BaseException:  # noqa: BLE001 - any error in the child is a failing run
                    code = 3
                os._exit(code)
            running[pid] = (i, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            for pid, (i, started) in list(running.items()):
                if time.monotonic() - started > TIMEOUT:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    codes[i] = -1
                    del running[pid]
            time.sleep(0.02)
            continue
        i, _ = running.pop(pid)
        codes[i] = os.waitstatus_to_exitcode(status)
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "mutants" / "tables.json")
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import pytest  # noqa: F401 - imported once here, so each forked child starts warm
    import tracker  # noqa: F401 - its third-party imports stay loaded in the children

    assert not [n for n in sys.modules if n.startswith("tracker.domain")], "the parent must not import domain/"  # nosec B101 # a developer script

    # The tests must pass on the tree as it is, and fail on a module that cannot be imported.
    baseline = [(None, p, mutated_source(None, p)) for p in MODULES]
    broken = [(None, p, "raise RuntimeError('forced failure')\n") for p in MODULES]
    codes = run(baseline + broken, args.jobs)
    if any(codes[: len(MODULES)]):
        print("The tests fail on the unmutated tree: fix them first.", file=sys.stderr)
        return 2
    if not all(codes[len(MODULES):]):
        print("The tests pass with a module that cannot be imported: the runner is broken.", file=sys.stderr)
        return 2

    mutants = [m for p in MODULES for m in mutants_of(p)]
    codes = run([(m, m.path, mutated_source(m, m.path)) for m in mutants], args.jobs)
    results: dict[str, dict] = {p: {"killed": 0, "total": 0, "alive": []} for p in MODULES}
    for m, code in zip(mutants, codes):
        r = results[m.path]
        r["total"] += 1
        if code != 0:
            r["killed"] += 1
        else:
            r["alive"].append(f"{m.path}:{m.line}: {m.description}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")
    for path, r in results.items():
        print(f"{path} (tables): {r['killed']}/{r['total']} killed")
        for line in r["alive"]:
            print(f"    alive: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
