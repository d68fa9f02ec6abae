"""docs/ARCHITECTURE.md's map of the engine is true to the code (issue 18, item 6).

The map lists each module of ``autograd_mini`` with what it imports (``-> engine, ops``) and promises that each
module imports only the ones listed below it. The code's own imports (read with ``ast``, at module level; an import
inside a function is the map's documented exception, e.g. trace reaching draw only inside ``BackwardTrace.drawing``)
must be those arrows, and every one of them must point down the list.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _map():
    """[(module, {what its arrow lists})] in the order the map lists them."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    start = text.index("autograd_mini   the engine")
    entries: list[list] = []
    for line in text[start : text.index("```", start)].splitlines()[1:]:
        if match := re.match(r"^  (\w+)\s", line):
            entries.append([match.group(1), ""])
        entries[-1][1] += " " + line
    arrows = [(name, text.split("->")[-1].replace("(sympy)", "") if "->" in text else "") for name, text in entries]
    return [(name, {word.strip() for word in listed.split(",") if word.strip()}) for name, listed in arrows]


def _imports(module):
    """The modules of autograd_mini that ``module`` imports at its top level."""
    tree = ast.parse((ROOT / "autograd_mini" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograd_mini."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "autograd_mini":  # from autograd_mini import modes
            found.update(alias.name for alias in node.names)
    return found


def test_the_map_lists_every_module_of_the_engine_once():
    listed = [name for name, _ in _map()]
    modules = sorted(p.stem for p in (ROOT / "autograd_mini").glob("*.py") if p.stem != "__init__")
    assert sorted(listed) == modules


def test_each_modules_arrow_is_what_it_imports_and_points_down_the_map():
    entries = _map()
    order = [name for name, _ in entries]
    for name, arrow in entries:
        imports = _imports(name)
        assert imports == arrow, f"{name}: imports {sorted(imports)}, the map says -> {', '.join(sorted(arrow))}"
        above = [m for m in imports if order.index(m) < order.index(name)]
        assert not above, f"{name} imports {above}, listed above it in the map"
