#!/usr/bin/env python3
"""Prints where the bytes of a wasm file go: code size per crate (from the name section of
an unstripped build, e.g. target/wasm32-unknown-unknown/wasm-release/*.wasm), and data.
Usage: wasm-sizes.py FILE [TOP_CRATES [TOP_FUNCTIONS]]; the largest functions show which
generic instances or formatting paths to attack next."""
import collections, re, sys

def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1
        r |= (x & 0x7f) << s; s += 7
        if x < 0x80: return r, i

def crate_of(name):
    """The first crate named in a (legacy or v0) mangled or demangled symbol."""
    if name.startswith('_R'):
        m = re.search(r'C[sn]?[0-9a-zA-Z]*_(\d+)', name) or re.search(r'C(\d+)', name)
        if m:
            n = int(m.group(1)); start = m.end(); return name[start:start+n]
    if name.startswith('_ZN'):
        i = 3; segs = []
        while i < len(name) and name[i].isdigit():
            j = i
            while name[j].isdigit(): j += 1
            n = int(name[i:j]); segs.append(name[j:j+n]); i = j + n
        for seg in segs:
            seg = seg.replace('$LT$', '<').replace('$u20$', ' ').replace('..', '::').replace('$RF$', '&')
            m = re.search(r'([a-z_][a-z0-9_]*)::', seg)
            if m: return m.group(1)
            if re.fullmatch(r'[a-z_][a-z0-9_]*', seg): return seg
    # Demangled: `krate::path`, `<krate::Type as Trait>::f` (the type's crate), or
    # `<T as krate::Trait>::f` (the trait's crate, when the type has no path).
    m = re.search(r'([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::', name)
    return m.group(1) if m else name.split('(')[0][:40]

def main(path, top=25, top_functions=0):
    b = open(path, 'rb').read()
    i = 8; sections = {}; imports_funcs = 0; code = []; names = {}; data = 0
    while i < len(b):
        sid = b[i]; i += 1
        size, i = leb(b, i); body = b[i:i+size]; end = i + size
        if sid == 2:  # imports: count function imports (they shift indices)
            n, j = leb(body, 0)
            for _ in range(n):
                l, j = leb(body, j); j += l
                l, j = leb(body, j); j += l
                kind = body[j]; j += 1
                if kind == 0: _, j = leb(body, j); imports_funcs += 1
                elif kind == 1: j += 1; fl = body[j]; j += 1; _, j = leb(body, j); j = leb(body, j)[1] if fl & 1 else j
                elif kind == 2: fl = body[j]; j += 1; _, j = leb(body, j); j = leb(body, j)[1] if fl & 1 else j
                elif kind == 3: j += 2
        elif sid == 10:
            n, j = leb(body, 0)
            for _ in range(n):
                l, j2 = leb(body, j); code.append(l + (j2 - j)); j = j2 + l
        elif sid == 11:
            data = size
        elif sid == 0:
            l, j = leb(body, 0); nm = body[j:j+l].decode(); j += l
            if nm == 'name':
                while j < len(body):
                    sub = body[j]; j += 1; sl, j = leb(body, j); se = j + sl
                    if sub == 1:
                        n, k = leb(body, j)
                        for _ in range(n):
                            idx, k = leb(body, k); l, k = leb(body, k); names[idx] = body[k:k+l].decode('utf8', 'replace'); k += l
                    j = se
        i = end
    per = collections.Counter()
    functions = []
    for fi, sz in enumerate(code):
        name = names.get(fi + imports_funcs, '?')
        per[crate_of(name)] += sz
        functions.append((sz, name))
    total = sum(code)
    print(f"code {total} bytes in {len(code)} functions; data {data} bytes; file {len(b)}")
    for k, v in per.most_common(top):
        print(f"{v:9d} {100*v/total:5.1f}%  {k}")
    if top_functions:
        print(f"largest {top_functions} functions:")
        for sz, name in sorted(functions, reverse=True)[:top_functions]:
            print(f"{sz:9d}  {name[:160]}")

main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
