#!/usr/bin/env python3
"""Fails when the modules of a crate depend on each other in a circle.

For each crate source tree given (src/ folders), every `crate::a::b` and `super::…`
path in a file is an edge from the file's module to the module it names. The graph is
checked at two depths: top-level modules (`client` → `config`), and inside each folder
module (`methods::totp` → `methods::shared`, including a folder's own mod.rs). The
crate root (lib.rs, main.rs, bin/) may use everything and is left out. Prints each
cycle found; exits 1 if there is one.

Usage: scripts/check-cycles.py SRC_DIR...
"""
import re
import sys
from pathlib import Path

PATH_RE = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")
USE_GROUP_RE = re.compile(r"\buse\s+(crate|super)::\{([^;]*)\};", re.S)


def module_path(src: Path, file: Path):
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]) or (parts and parts[0] == "bin"):
        return None
    return parts


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def references(mod, text):
    """Absolute module paths this file names."""
    found = []

    def resolve(kind, rest):
        if kind == "crate":
            return rest
        # super:: from a file's module: its parent (chained super::super:: too).
        base = mod[:-1]
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
        return base + rest

    for kind, group in USE_GROUP_RE.findall(text):
        for item in re.split(r"[,\s]+", re.sub(r"\{[^}]*\}", "", group)):
            name = item.split("::")[0]
            if name and name not in ("self",):
                found.append(resolve(kind, [name] + item.split("::")[1:]))
    for kind, rest in PATH_RE.findall(text):
        if rest == "::{":
            continue
        found.append(resolve(kind, [p for p in rest.split("::") if p]))
    return found


def cycles(edges):
    """Every elementary cycle's node list, found by DFS (the graphs are small)."""
    out, seen = [], set()

    def dfs(start, node, path):
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                key = frozenset(path)
                if key not in seen:
                    seen.add(key)
                    out.append(path + [start])
            elif nxt not in path and nxt > start:
                dfs(start, nxt, path + [nxt])

    for start in sorted(edges):
        dfs(start, start, [start])
    return out


def check(src: Path):
    modules = {}
    for file in sorted(src.rglob("*.rs")):
        mod = module_path(src, file)
        if mod is not None:
            modules[tuple(mod)] = references(mod, strip_comments(file.read_text()))
    known = set(modules)
    found = []
    # Depth 1: top-level modules.
    edges = {}
    for mod, refs in modules.items():
        for ref in refs:
            if ref and (ref[0],) in known and ref[0] != mod[0]:
                edges.setdefault(mod[0], set()).add(ref[0])
    found += cycles(edges)
    # Depth 2: the children of each folder module and the folder's own mod.rs.
    for top in {m[0] for m in modules if len(m) > 1}:
        edges = {}
        for mod, refs in modules.items():
            if mod[0] != top:
                continue
            here = "::".join(mod[:2])
            for ref in refs:
                if ref[:1] != [top]:
                    continue
                # The longest known module the path names, cut to depth 2.
                target = next(
                    (ref[:n] for n in range(len(ref), 0, -1) if tuple(ref[:n]) in known), None
                )
                if target is None:
                    continue
                there = "::".join(target[:2])
                if there != here:
                    edges.setdefault(here, set()).add(there)
        found += cycles(edges)
    return found


def main():
    bad = 0
    for arg in sys.argv[1:]:
        for cycle in check(Path(arg)):
            bad += 1
            print(f"module cycle in {arg}: " + " -> ".join(cycle))
    if bad:
        sys.exit(1)
    print(f"no module cycles in {', '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
