#!/usr/bin/env python3
"""Write go-docs-dev.csv: benign "software documentation" rows (category
software-docs) from the Go project's own documentation — the Markdown files,
READMEs and package comments (doc.go) of the Go distribution, and the Markdown
files of the golang.org/x modules in the module cache (one version of each
file). All of it is Copyright The Go Authors under the BSD-3-Clause licence
in LICENSE.golang. A file is cut into rows of up to 4000 characters at paragraph
breaks; rows under 200 characters are skipped.

The committed file was made with Go 1.26.8 and the golang.org/x versions this
repository's modules pulled in (exp 2024-01-19, mod 0.41, net 0.27/0.60,
sync 0.7/0.23, sys 0.48, text 0.14/0.16/0.42, tools 0.49); another machine's
output differs with its versions, so training reads the committed file:

    python3 plugins/guard-injection/data/build-go-docs.py > plugins/guard-injection/data/go-docs-dev.csv
"""
import glob, os, csv, sys, re, subprocess
GOROOT = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
MOD = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
def files():
    out = []
    for f in sorted(glob.glob(GOROOT + "/**/*.md", recursive=True) + glob.glob(GOROOT + "/**/README*", recursive=True)):
        out.append(("go-docs-std", f))
    for f in sorted(glob.glob(GOROOT + "/src/**/doc.go", recursive=True)):
        out.append(("go-docs-std", f))
    for f in sorted(glob.glob(MOD + "/golang.org/x/**/*.md", recursive=True)):
        out.append(("go-docs-x", f))
    return out
def text_of(path):
    t = open(path, encoding="utf-8", errors="replace").read()
    if path.endswith("doc.go"):
        # the package comment: the // and /* */ lines before "package"
        head = t.split("\npackage ", 1)[0]
        lines = []
        for l in head.split("\n"):
            l = l.strip()
            if l.startswith("//go:") or l.startswith("// Copyright") or l.startswith("// Use of this") or l.startswith("// license that"):
                continue
            if l.startswith("//"):
                lines.append(l[2:].removeprefix(" "))
            elif l in ("/*", "*/"):
                continue
            else:
                lines.append(l)
        t = "\n".join(lines).strip()
    return t
def chunks(t, limit=4000):
    paras = re.split(r"\n\s*\n", t)
    cur = ""
    for p in paras:
        if cur and len(cur) + len(p) + 2 > limit:
            yield cur; cur = ""
        cur = (cur + "\n\n" + p) if cur else p
    if cur: yield cur
seen = set()
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["prompt", "label", "category", "source"])
n = 0
for src, f in files():
    if not os.path.isfile(f): continue
    rel = re.sub(r"@v[^/]*", "", f.replace(MOD + "/", "").replace(GOROOT + "/", "go/"))
    if rel in seen: continue   # one version of a module's file
    seen.add(rel)
    for c in chunks(text_of(f)):
        c = c.strip()
        if len(c) < 200: continue
        w.writerow([c, "benign", "software-docs", src]); n += 1
print(f"build-go-docs: {n} rows", file=sys.stderr)
