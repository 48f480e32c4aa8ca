#!/usr/bin/env python3
"""Write the manual pages installed on this machine as a CSV of benign documents.

Long harmless documents by the thousand, for experiments on padding (the
guard's README, "Tried after version 29 and not taken (6 December)"): every
manual page of every installed Debian package, the packages' pages drawn in an
order shuffled with seed 11, each page rendered by man(1) at 80 columns, cut
at paragraph breaks into pieces of up to 4000 characters, its first two
pieces of 800 characters or more kept. One package may be capped
(--cap google-cloud-cli=1500: the gcloud CLI alone installs three quarters of
the pages here). Category software-docs, source man:<package>.

    python3 plugins/guard-injection/data/man-corpus.py --rows 7000 > /tmp/man.csv

Nothing is fetched and nothing here is trained on by make guard-train: the
pages are under their packages' own licences (/usr/share/doc/<package>/copyright),
so the rows are not committed.
"""
import argparse, csv, glob, os, random, re, subprocess, sys


def pages():
    pkg = {}
    for f in glob.glob("/var/lib/dpkg/info/*.list"):
        p = os.path.basename(f)[:-5].split(":")[0]
        for line in open(f, encoding="utf-8", errors="replace"):
            line = line.strip()
            if line.startswith("/usr/share/man/") and line.endswith(".gz"):
                pkg[line] = p
    files = sorted(pkg)
    random.Random(11).shuffle(files)
    return [(f, pkg[f]) for f in files if not os.path.islink(f)]


def render(path):
    env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8")
    t = subprocess.run(["man", "-l", path], capture_output=True, text=True, timeout=10, env=env).stdout
    t = re.sub(r".\x08", "", t)
    t = re.sub(r"[ \t]+\n", "\n", t)
    return re.sub(r"\n{3,}", "\n\n", t).strip()


def pieces(text, size=4000):
    out, cur = [], ""
    for q in text.split("\n\n"):
        if len(cur) + len(q) + 2 > size and cur:
            out.append(cur)
            cur = ""
        cur = cur + "\n\n" + q if cur else q
    return out + [cur] if cur else out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=7000)
    ap.add_argument("--cap", action="append", default=["google-cloud-cli=1500"], metavar="PACKAGE=PAGES")
    a = ap.parse_args()
    cap = {k: int(v) for k, v in (c.split("=") for c in a.cap)}
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["prompt", "label", "category", "source"])
    n, count, seen = 0, {}, set()
    for path, p in pages():
        if n >= a.rows:
            break
        if count.get(p, 0) >= cap.get(p, 1 << 30):
            continue
        try:
            text = render(path)
        except (subprocess.SubprocessError, OSError):
            continue
        if len(text) < 1500:
            continue
        took = 0
        for q in pieces(text)[:2]:
            if len(q) >= 800 and q not in seen:
                seen.add(q)
                w.writerow([q, "benign", "software-docs", "man:" + p])
                n, took = n + 1, 1
        count[p] = count.get(p, 0) + took
    print(f"man-corpus: {n} rows from {len(count)} packages", file=sys.stderr)


main()
