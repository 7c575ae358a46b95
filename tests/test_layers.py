"""The layers (README, Layout): frontdoor/ (the assembly) on top; the features under it, importing
one another in one direction only; iaa/ (the foundation) at the bottom, importing nothing of ours.
The contract is `[tool.importlinter]` in pyproject.toml; `lint-imports` checks it. No import cycle
between any two of our modules either (checked here, over the source, with ast).

Every import counts, including those inside functions (a lazy import is still a dependency);
imports under `if TYPE_CHECKING:` do not.

    .venv/bin/python tests/test_layers.py     # list the cycles, if any
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("frontdoor", "actions", "bot", "channels", "console", "directory", "safeguarding", "insights", "iaa")

# Cycles known to the contract, each with its issue; a listed one that is gone does not fail, but
# delete it then. (When the contract went in: iaa.models <-> console.models, removed by moving the
# staff tables into iaa/models.py; directory.importer <-> directory.csv_import, removed by the
# directory import split.)
KNOWN_CYCLES: List[Set[str]] = []


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command;"
                           " sys.exit(lint_imports_command())", "--no-cache"],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_layer_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contract_fails_when_a_layer_is_crossed(tmp_path):
    """The same contract over a copy of the source with three crossings: the foundation importing
    the assembly, a feature importing one above it, and a cycle inside a package."""
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=lambda d, names: [
            n for n in names if not (n.endswith(".py") or (Path(d) / n).is_dir()) or n == "__pycache__"])
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "iaa" / "db.py", "a") as f:
        f.write("\nimport frontdoor.app  # noqa\n")
    with open(tmp_path / "channels" / "hub.py", "a") as f:
        f.write("\nfrom console import api  # noqa\n")
    with open(tmp_path / "directory" / "models.py", "a") as f:
        f.write("\nimport directory.api  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())
    assert "iaa is not allowed to import frontdoor" in out
    assert "iaa.db -> frontdoor.app" in out
    assert "channels is not allowed to import console" in out
    assert "No cycles are allowed in directory" in out
    assert cycles(tmp_path) and any({"directory.models", "directory.api"} <= c for c in cycles(tmp_path))


# --- module cycles, with ast ----------------------------------------------------------------------

def modules(root: Path = ROOT) -> Dict[str, Path]:
    out: Dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, known: Dict[str, Path]) -> Set[str]:
    """Our modules that `name` imports anywhere in its file (functions included)."""
    is_package = path.name == "__init__.py"

    def ours(dotted: str) -> Optional[str]:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: Set[str] = set()

    def visit(nodes: Iterable[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(m for m in (ours(a.name) for a in node.names) if m)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    m = sub if sub in known else ours(target)
                    if m:
                        found.add(m)
            visit(ast.iter_child_nodes(node))

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)).body)
    found.discard(name)
    return found


def cycles(root: Path = ROOT) -> List[Set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    known = modules(root)
    graph = {name: sorted(imports_of(name, path, known)) for name, path in known.items()}
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[Set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
    return found


def test_no_import_cycle_between_modules():
    unexpected = [sorted(c) for c in cycles() if c not in KNOWN_CYCLES]
    assert not unexpected, f"import cycles: {unexpected}"


def test_the_cycle_finder_finds_cycles(tmp_path):
    for pkg in PACKAGES:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "iaa" / "a.py").write_text("def f():\n    from .b import x\n")
    (tmp_path / "iaa" / "b.py").write_text("import iaa.c\n")
    (tmp_path / "iaa" / "c.py").write_text("from iaa import a\n")
    (tmp_path / "iaa" / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import iaa.e\n")
    (tmp_path / "iaa" / "e.py").write_text("import iaa.d\n")
    assert cycles(tmp_path) == [{"iaa.a", "iaa.b", "iaa.c"}]


if __name__ == "__main__":
    for c in cycles():
        print(" <-> ".join(sorted(c)), "(known)" if c in KNOWN_CYCLES else "")
