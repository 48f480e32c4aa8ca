#!/usr/bin/env python3
"""Measure a guard-injection binary on labelled CSV files, as counts.

    python3 plugins/guard-injection/data/measure.py BIN --blind
    python3 plugins/guard-injection/data/measure.py BIN [--tool-results] FILE.csv ...

BIN is a built detector (bin/plugins/guard-injection, or any build of it).
Every file is scored once with `BIN eval FILE --scores OUT.csv` and the rows'
scores are pooled: recall and false-alarm rate at the served threshold (with
attacks missed and clean rows flagged in brackets) and recall at 1 / 3 / 5 %
false alarms, the threshold read off the pooled clean rows' scores (the way
the README compares versions without the threshold's choice).

--blind scores the blind sets of testdata/ in the README's groups (English,
other languages, documents in other languages, the coding agents' sets,
genres; heldout-agents-95-tool as tool results) and prints one line per group
and the pooled counts — numbers only, never a row, so that a set stays blind.
With files instead, it prints one line per file (with its per-category
recall or flagged counts) and, for several files, the pooled line: the way a
new file is scored once before anyone reads it.
"""
import argparse, csv, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "..", "testdata")

BLIND = [
    ("English (heldout-own-7 … -16)", ["heldout-own-%d.csv" % i for i in range(7, 17)]),
    ("other languages (heldout-multilingual-*)", ["heldout-multilingual-%d.csv" % i for i in (31, 39, 47, 63, 71)]),
    ("documents in other languages (heldout-indirect-*)", ["heldout-indirect-%d.csv" % i for i in (74, 79, 83, 86, 93)]),
    ("coding agents' users (heldout-agents-95-user)", ["heldout-agents-95-user.csv"]),
    ("coding agents' tool results (heldout-agents-95-tool)", ["heldout-agents-95-tool.csv"]),
    ("coding agents' users (heldout-agents-99)", ["heldout-agents-99.csv"]),
    ("genres (heldout-genres-30)", ["heldout-genres-30.csv"]),
]
TOOL_RESULT_SETS = {"heldout-agents-95-tool.csv"}


def score(binary, path, tool_results, tmp):
    """Runs eval once; returns its JSON summary and the rows of --scores."""
    out = os.path.join(tmp, "%d.csv" % len(os.listdir(tmp)))
    args = [binary, "eval", path, "--scores", out]
    if tool_results:
        args.append("--tool-results")
    res = subprocess.run(args, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("%s eval %s: %s" % (binary, path, res.stderr.strip()))
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    with open(out, encoding="utf-8") as f:
        return summary, list(csv.DictReader(f))


def recall_at(rows, rate):
    """Recall at the threshold that flags at most rate of the clean rows."""
    clean = sorted((float(r["score"]) for r in rows if r["label"] != "injection"), reverse=True)
    attacks = [float(r["score"]) for r in rows if r["label"] == "injection"]
    if not clean or not attacks:
        return float("nan"), float("nan")
    k = int(rate * len(clean))
    thr = clean[k] if k < len(clean) else -1.0
    return sum(s > thr for s in attacks) / len(attacks), thr


def line(name, rows, missed, flagged):
    n_att = sum(r["label"] == "injection" for r in rows)
    n_clean = len(rows) - n_att
    rec = 1 - missed / n_att if n_att else float("nan")
    fpr = flagged / n_clean if n_clean else float("nan")
    at = [recall_at(rows, x) for x in (0.01, 0.03, 0.05)]
    return "%s: %.3f / %.3f (%d, %d) at the served threshold · %s at 1 / 3 / 5 %% (threshold at 3 %%: %.3f)" % (
        name, rec, fpr, missed, flagged, " / ".join("%.3f" % a[0] for a in at), at[1][1])


def categories(summary):
    parts = []
    for cat, c in sorted(summary.get("by_category", {}).items()):
        if c["label"] == "injection":
            parts.append("%s %.3f" % (cat, c["recall"]))
        else:
            parts.append("%s %d/%d" % (cat, c["flagged"], c["n"]))
    return ", ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--blind", action="store_true", help="score the blind sets in the README's groups")
    ap.add_argument("--tool-results", action="store_true", help="score the files as tool results")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.blind == bool(a.files):
        ap.error("give either --blind or files")
    with tempfile.TemporaryDirectory() as tmp:
        pooled, missed, flagged = [], 0, 0
        if a.blind:
            for name, files in BLIND:
                rows, m, f = [], 0, 0
                for fn in files:
                    s, r = score(a.binary, os.path.join(TESTDATA, fn), fn in TOOL_RESULT_SETS, tmp)
                    rows += r
                    m += s["false_negatives"]
                    f += s["false_positives"]
                print(line(name, rows, m, f))
                pooled += rows
                missed += m
                flagged += f
            print("blind sets pooled at the served threshold: %d attacks missed, %d clean rows flagged" % (missed, flagged))
            return
        for path in a.files:
            s, rows = score(a.binary, path, a.tool_results, tmp)
            print(line(os.path.basename(path), rows, s["false_negatives"], s["false_positives"]) + " | " + categories(s))
            pooled += rows
            missed += s["false_negatives"]
            flagged += s["false_positives"]
        if len(a.files) > 1:
            print(line("pooled", pooled, missed, flagged))


if __name__ == "__main__":
    main()
