#!/usr/bin/env python3
"""Write software documentation found on this machine as an eval CSV.

The guard's false-alarm check on what a coding agent reads: package READMEs
and docs, every row benign (category software-docs, source the package).
Score it with

    python3 plugins/guard-injection/data/docs-corpus.py --pypi .venv .venv-tests > /tmp/docs.csv
    bin/plugins/guard-injection eval /tmp/docs.csv --by category                  # pasted by a user
    bin/plugins/guard-injection eval /tmp/docs.csv --by category --tool-results   # read by a tool

--pypi VENV...  the long description (the README) in the METADATA of every
                package installed in those virtualenvs (`make mlflow-install`
                makes .venv, `make conformance-deps` .venv-tests)
--gomod         every *.md file in the Go module cache ($(go env GOMODCACHE))
                outside golang.org/x, whose docs the model is trained on
                (go-docs-dev.csv)
--code N VENV   N source files a coding agent might read: *.go files of the
                Go module cache's github.com modules and *.py files of the
                virtualenv VENV, over 8 000 bytes each, in an order shuffled
                with seed 1 (category source-code; for timing as tool results)

A document is one row, cut at 30 000 characters; shorter than 200 is skipped.
Nothing here is fetched: it reads what the machine has installed.
"""
import argparse, csv, email, glob, os, subprocess, sys

def rows_pypi(venvs):
    for venv in venvs:
        for f in sorted(glob.glob(os.path.join(venv, "lib", "python3*", "site-packages", "*.dist-info", "METADATA"))):
            with open(f, encoding="utf-8", errors="replace") as fh:
                m = email.message_from_string(fh.read())
            body = m.get_payload()
            if isinstance(body, str):
                yield "pypi:" + (m.get("Name") or os.path.basename(os.path.dirname(f))), body

def rows_gomod():
    root = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    for f in sorted(glob.glob(os.path.join(root, "**", "*.md"), recursive=True)):
        rel = os.path.relpath(f, root)
        if rel.startswith("golang.org/x/") or rel.startswith("cache/"):
            continue
        with open(f, encoding="utf-8", errors="replace") as fh:
            yield "gomod:" + rel.split("@")[0], fh.read()

def rows_code(n, venv):
    import random
    root = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    files = sorted(f for f in glob.glob(os.path.join(root, "github.com", "**", "*.go"), recursive=True) if os.path.getsize(f) > 8000)
    files += sorted(f for f in glob.glob(os.path.join(venv, "lib", "python3*", "site-packages", "**", "*.py"), recursive=True) if os.path.getsize(f) > 8000)
    random.Random(1).shuffle(files)
    for f in files[:n]:
        with open(f, encoding="utf-8", errors="replace") as fh:
            yield "code:" + os.path.basename(f), fh.read()

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pypi", nargs="*", default=[], metavar="VENV")
    ap.add_argument("--gomod", action="store_true")
    ap.add_argument("--code", nargs=2, metavar=("N", "VENV"))
    a = ap.parse_args()
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["prompt", "label", "category", "source"])
    n = 0
    seen = set()
    code = list(rows_code(int(a.code[0]), a.code[1])) if a.code else []
    for source, text in list(rows_pypi(a.pypi)) + (list(rows_gomod()) if a.gomod else []) + code:
        text = text[:30000]
        if len(text.strip()) < 200 or text in seen:
            continue
        seen.add(text)
        w.writerow([text, "benign", "source-code" if source.startswith("code:") else "software-docs", source])
        n += 1
    print(f"docs-corpus: {n} documents", file=sys.stderr)

main()
