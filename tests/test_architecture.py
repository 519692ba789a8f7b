"""The arrows between the packages under seminars/ point one way.

Read from the source (``import`` and ``from … import`` lines, also those inside functions),
nothing is imported. The rules:

- ``seminars.core`` and ``seminars.extensions`` are the base: every package may import them,
  they import no other package.
- Aggregators put the domains together: the app factory (``seminars/__init__.py``), ``api``,
  ``demo`` and ``backoffice``. An aggregator may import any package; no package imports an
  aggregator (only the app factory imports them, to register them).
- Between the other packages (the domains) there is no cycle: if ``a`` imports ``b``,
  nothing in ``b`` imports ``a``, directly or through others. Today: programme <- outbox,
  audit <- registrations <- catalogue <- feeds; registrations <- certificates, planning,
  exports, … <- privacy <- housekeeping (README, "Architecture map").
- A view module (``views.py``, ``staff_views.py``) imports no other view module; what two
  pages share lives in a service, a form or a template.
- A module writes only its own domain's tables as far as that can be read from the source:
  no ``insert``/``update``/``delete`` statement on another domain's model, and privacy (which
  asks every domain for what it holds about a person) imports no domain's models at all.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "seminars"
BASE = {"core", "extensions"}
APP_FACTORY = "seminars"
AGGREGATORS = {APP_FACTORY, "api", "demo", "backoffice"}
VIEW_MODULES = {"views", "staff_views"}
WRITE_STATEMENTS = {"insert", "update", "delete"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


MODULES = _modules()


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else APP_FACTORY


def _is_package(module: str) -> bool:
    return (ROOT / module.replace(".", "/") / "__init__.py").exists()


def _imports(module: str, tree: ast.Module) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import of a seminars module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                if not _is_package(module):
                    anchor.pop()
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if candidate in MODULES:  # ``from seminars.x import views``
                    found.append((candidate, None))
                else:
                    found.append((base, alias.name))
    return [(target, name) for target, name in found if target.split(".")[0] == "seminars"]


IMPORTS = {module: _imports(module, tree) for module, tree in MODULES.items()}


def _package_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, imports in IMPORTS.items():
        for target, _name in imports:
            source, dest = _package(module), _package(target)
            if source != dest:
                edges[(source, dest)].append(f"{module} -> {target}")
    return edges


def _cycles(nodes: set[str], edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan)."""
    successors = defaultdict(list)
    for a, b in sorted(edges):
        successors[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in successors[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return components


def _listing(lines: list[str]) -> str:
    return "\n  " + "\n  ".join(sorted(set(lines)))


def test_the_base_imports_no_other_package():
    offending = [
        line
        for (source, dest), lines in _package_edges().items()
        if source in BASE and dest not in BASE
        for line in lines
    ]
    assert not offending, "core/extensions import a domain:" + _listing(offending)


def test_nothing_imports_an_aggregator():
    offending = [
        line
        for (source, dest), lines in _package_edges().items()
        if dest in AGGREGATORS and source != APP_FACTORY
        for line in lines
    ]
    assert not offending, "aggregators are imported:" + _listing(offending)


def test_no_cycle_between_domain_packages():
    edges = {
        pair: lines
        for pair, lines in _package_edges().items()
        if not {*pair} & (BASE | AGGREGATORS)
    }
    nodes = {package for pair in edges for package in pair}
    offending = []
    for component in _cycles(nodes, set(edges)):
        members = set(component)
        offending.append(f"cycle {' <-> '.join(component)}:")
        offending += [
            f"  {line}"
            for (source, dest), lines in sorted(edges.items())
            if source in members and dest in members
            for line in sorted(set(lines))
        ]
    assert not offending, "domain packages import each other:\n  " + "\n  ".join(offending)


def test_no_view_module_imports_another_view_module():
    offending = [
        f"{module} -> {target}"
        for module, imports in IMPORTS.items()
        if module.rsplit(".", 1)[-1] in VIEW_MODULES
        for target, _name in imports
        if target != module and target.rsplit(".", 1)[-1] in VIEW_MODULES
    ]
    assert not offending, "view modules import view modules:" + _listing(offending)


def _write_statements_on_foreign_models(module: str, tree: ast.Module) -> list[str]:
    imported_from: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imported_from[alias.asname or alias.name] = node.module
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        table = node.args[0]
        if name not in WRITE_STATEMENTS or not isinstance(table, ast.Name):
            continue
        origin = imported_from.get(table.id, "")
        if origin.endswith(".models") and _package(origin) != _package(module):
            found.append(f"{module}:{node.lineno} {name}({table.id}) from {origin}")
    return found


def test_no_module_writes_another_domains_tables():
    offending = [
        line
        for module, tree in MODULES.items()
        for line in _write_statements_on_foreign_models(module, tree)
    ]
    assert not offending, "statements on another domain's table:" + _listing(offending)


def test_privacy_asks_the_domains_instead_of_reading_their_tables():
    offending = [
        f"{module} -> {target}"
        for module, imports in IMPORTS.items()
        if _package(module) == "privacy"
        for target, _name in imports
        if target.endswith(".models")
    ]
    assert not offending, "privacy imports domain models:" + _listing(offending)
