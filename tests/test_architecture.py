"""The house stays livable: small files, and no module that needs another which needs it back.

A cycle counts whether it bites at import time or only in the types (``if TYPE_CHECKING:``):
either way the two modules cannot be understood or changed one without the other. An import
inside a function does not count: it is how a module uses a layer above it late (Kivy, gpiozero,
the loader) without depending on it to load. Neither does a module naming its own package.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kiosk"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_time_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports outside its functions (``TYPE_CHECKING`` blocks included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.If, ast.Try, ast.With)):
                for part in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, part, []) or []:
                        visit(child.body if isinstance(child, ast.ExceptHandler) else [child])
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                # "from kiosk import config" imports the module kiosk.config; "import kiosk.x.y" runs kiosk.x too.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                # A module's own packages are being imported already when it runs: no new edge.
                if target and target != name and not name.startswith(target + "."):
                    found.add(target)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def project_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): import_time_imports(p, modules) for p in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as the list of modules round it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = walk(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = walk(start)
            if cycle:
                return cycle
    return None


class TestImportCycles:
    def test_no_module_of_the_kiosk_imports_one_that_imports_it_back(self):
        graph = project_graph()
        assert "kiosk.engine.session" in graph and "kiosk.composition" in graph
        cycle = find_cycle(graph)
        assert cycle is None, "import cycle: " + " -> ".join(cycle or [])

    def test_the_checker_sees_a_cycle(self, tmp_path):
        assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
        assert find_cycle({"a": {"b"}, "b": set()}) is None

    def test_type_checking_imports_count_and_function_imports_do_not(self, tmp_path, monkeypatch):
        package = tmp_path / "kiosk"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "a.py").write_text(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kiosk import c\n"
            "def f():\n    from kiosk import b\n")
        (package / "b.py").write_text("from kiosk.a import f\ntry:\n    from . import c\nexcept ImportError:\n    pass\n")
        (package / "c.py").write_text("from kiosk import a\n")
        monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
        assert project_graph() == {"kiosk": set(), "kiosk.a": {"kiosk.c"}, "kiosk.b": {"kiosk.a", "kiosk.c"},
                                   "kiosk.c": {"kiosk.a"}}
        assert find_cycle(project_graph()) == ["kiosk.a", "kiosk.c", "kiosk.a"]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_file_passes_four_hundred_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines: split it where its concerns part"


def layout_section() -> str:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Layout")
    end = readme.find("\n## ", start + 1)
    return readme[start:end if end != -1 else None]


def test_the_readme_layout_names_every_module():
    """A newcomer finds each module's job in the README's Layout section, one line each."""
    layout = layout_section()
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            if path.name == "__init__.py" and path.parent != PACKAGE and f"{path.parent.name}/" not in layout:
                missing.append(f"{path.parent.relative_to(PACKAGE)}/")
            continue
        if path.name not in layout:
            missing.append(str(path.relative_to(PACKAGE)))
    assert missing == [], "add a line for each to the README's Layout section"
