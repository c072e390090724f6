#!/usr/bin/env python3
"""Shrinks the split build's main wasm and its wasm-bindgen glue, before wasm-opt and the
JS minifier run (scripts/build-split.sh). Both are part of the first load, so every byte
here counts; the figures are in the commit that added this step.

- wasm-bindgen names its imports `__wbg_createElement_1a2b3c4d5e6f7a8b` and some exports
  `wasm_bindgen__convert__closures_____invoke__h…`: ~200 long names, each in the wasm and
  again in the glue. They become short names in both. The exports the split loader uses
  (`memory`, `__indirect_function_table`, `__wasm_split_*`) keep theirs.
- wasm-streams' exported classes (IntoUnderlyingSource, -Sink, -ByteSource) are dropped:
  Leptos links them through server_fn for streaming server-function bodies, which this
  library has none of (it calls a REST API). Without their exports wasm-opt removes their
  code; the glue's classes lose `export` and the minifier removes them.

Usage: shrink-main.py MAIN.wasm GLUE.js   (both rewritten in place)
"""
import re
import sys

KEEP_EXPORTS = re.compile(r"^(memory|__indirect_function_table|__wasm_split.*)$")
DEAD_EXPORTS = re.compile(r"^(__wbg_)?intounderlying(source|sink|bytesource)_")
DEAD_CLASSES = ("IntoUnderlyingSource", "IntoUnderlyingSink", "IntoUnderlyingByteSource")


def leb(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def name_at(data, i):
    length, i = leb(data, i)
    return data[i : i + length].decode(), i + length


def encode_name(name):
    raw = name.encode()
    return uleb(len(raw)) + raw


def skip_limits(data, i):
    flags, i = leb(data, i)
    _, i = leb(data, i)
    if flags & 1:
        _, i = leb(data, i)
    return i


def import_desc_end(data, i):
    kind = data[i]
    i += 1
    if kind == 0:  # function: type index
        return leb(data, i)[1]
    if kind == 1:  # table: reference type, limits
        return skip_limits(data, i + 1)
    if kind == 2:  # memory: limits
        return skip_limits(data, i)
    if kind == 3:  # global: value type, mutability
        return i + 2
    if kind == 4:  # tag: attribute, type index
        return leb(data, i + 1)[1]
    raise ValueError(f"unknown import kind {kind}")


def short_names():
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    n = 0
    while True:
        name, k = "", n
        while True:
            name = letters[k % 52] + name
            k //= 52
            if not k:
                break
        n += 1
        # `$` keeps them apart from every identifier and keyword of the glue.
        yield "$" + name


def rewrite(wasm, module, glue):
    imports, exports, names = {}, {}, short_names()
    out = bytearray(wasm[:8])
    i = 8
    while i < len(wasm):
        section = wasm[i]
        size, start = leb(wasm, i + 1)
        end = start + size
        body = wasm[start:end]
        if section == 2:  # imports
            count, j = leb(body, 0)
            new = bytearray(uleb(count))
            for _ in range(count):
                mod, j = name_at(body, j)
                field, j = name_at(body, j)
                desc_end = import_desc_end(body, j)
                if mod == module:
                    imports[field] = imports.get(field) or next(names)
                    field = imports[field]
                new += encode_name(mod) + encode_name(field) + body[j:desc_end]
                j = desc_end
            body = bytes(new)
        elif section == 7:  # exports
            count, j = leb(body, 0)
            kept = []
            for _ in range(count):
                field, j = name_at(body, j)
                kind = body[j]
                index_end = leb(body, j + 1)[1]
                desc = body[j:index_end]
                j = index_end
                if DEAD_EXPORTS.match(field):
                    continue
                # Exports the glue does not call (kept for the runtime) keep their names.
                called = re.search(rf"\bwasm\.{re.escape(field)}\b", glue)
                if called and not KEEP_EXPORTS.match(field):
                    exports[field] = next(names)
                    field = exports[field]
                kept.append(encode_name(field) + desc)
            body = uleb(len(kept)) + b"".join(kept)
        out += bytes([section]) + uleb(len(body)) + body
        i = end
    return bytes(out), imports, exports


def main():
    wasm_path, glue_path = sys.argv[1], sys.argv[2]
    glue = open(glue_path, encoding="utf-8").read()
    # The module the glue's import object is registered under ("./name_bg.js").
    module = re.search(r'"(\./[^"]+_bg\.js)": import0', glue)
    if not module:
        sys.exit("shrink-main: no wasm-bindgen import object in the glue")
    wasm, imports, exports = rewrite(open(wasm_path, "rb").read(), module.group(1), glue)
    # Import names are unique hashed tokens; export names (`mount`) are only replaced
    # where the glue calls them, as `wasm.name`.
    for renames, prefix in ((imports, ""), (exports, r"(?<=\bwasm\.)")):
        for old, new in renames.items():
            glue, found = re.subn(rf"{prefix}\b{re.escape(old)}\b", lambda _: new, glue)
            if not found:
                sys.exit(f"shrink-main: {old} is not in the glue")
    for cls in DEAD_CLASSES:
        glue, found = re.subn(rf"^export class {cls} ", f"class {cls} ", glue, flags=re.M)
        if found != 1:
            sys.exit(f"shrink-main: no exported class {cls} in the glue")
    open(wasm_path, "wb").write(wasm)
    open(glue_path, "w", encoding="utf-8").write(glue)
    print(f"shrink-main: {len(imports) + len(exports)} names shortened, {len(DEAD_CLASSES)} classes dropped")


main()
