"""Small-number suppression for publication (the ICO's anonymisation code, TAXONOMY.md).

A table of counts over some dimensions is published as its full cube: every cell, and every total
obtained by replacing one or more coordinates with ALL (row totals, column totals, the grand
total). Along every line of the cube (all coordinates fixed but one, which runs over its values
and ALL) the values add up to the line's ALL entry, so a reader can subtract. Therefore:

* primary: every value from 1 to `threshold - 1` (1 to 4) is suppressed, shown as `<5`;
* secondary: a line with exactly one suppressed entry would give it away by subtraction, so a
  second entry of that line is suppressed too (the smallest non-zero cell, else the smallest
  cell, else the line's total), shown as `[c]`, until no line has exactly one.

Zeros are published: a zero cannot identify anyone. Planners inside the product see raw counts;
only what is published (exports marked published, the `iaa stats export` default) is suppressed."""
from __future__ import annotations

from itertools import product
from typing import Dict, Iterable, List, Sequence, Set, Tuple, Union

ALL = "all"
Key = Tuple[str, ...]
Published = Union[int, str]
SMALL = "<5"
SECONDARY = "[c]"


def cube(counts: Dict[Key, int], values: Sequence[Sequence[str]]) -> Dict[Key, int]:
    """Every cell of the table (missing ones are 0) and every total with ALL in any coordinate."""
    out: Dict[Key, int] = {}
    for key in product(*[list(v) for v in values]):
        n = counts.get(tuple(key), 0)
        for mask in product((False, True), repeat=len(values)):
            k = tuple(ALL if m else x for x, m in zip(key, mask))
            out[k] = out.get(k, 0) + n
    if not values:  # a table with no dimensions: just its total
        out[()] = sum(counts.values())
    return out


def lines(values: Sequence[Sequence[str]]) -> Iterable[List[Key]]:
    """Each line of the cube: one coordinate runs over its values then ALL, the others fixed
    (to a value or to ALL)."""
    for d in range(len(values)):
        others = [list(v) + [ALL] for i, v in enumerate(values) if i != d]
        for fixed in product(*others):
            line = []
            for x in list(values[d]) + [ALL]:
                key = list(fixed)
                key.insert(d, x)
                line.append(tuple(key))
            yield line


def suppress(full: Dict[Key, int], values: Sequence[Sequence[str]], threshold: int = 5) -> Set[Key]:
    """The keys to suppress in a cube (cube() output), primary and secondary."""
    hidden: Set[Key] = {k for k, n in full.items() if 0 < n < threshold}
    all_lines = list(lines(values))
    changed = bool(hidden)
    while changed:
        changed = False
        for line in all_lines:
            inside = [k for k in line if k in hidden]
            if len(inside) != 1:
                continue
            open_cells = [k for k in line[:-1] if k not in hidden]
            nonzero = [k for k in open_cells if full[k] > 0]
            pick = (min(nonzero, key=lambda k: (full[k], k)) if nonzero
                    else min(open_cells, key=lambda k: k) if open_cells else line[-1])
            hidden.add(pick)
            changed = True
    return hidden


def publish(full: Dict[Key, int], values: Sequence[Sequence[str]], threshold: int = 5) -> Dict[Key, Published]:
    """The cube as published: `<5` for a small value, `[c]` for one hidden so it cannot be
    worked out, the rest as counts."""
    hidden = suppress(full, values, threshold)
    return {k: (SMALL if 0 < n < threshold else SECONDARY) if k in hidden else n for k, n in full.items()}
