#!/usr/bin/env python3
"""Write a padding eval CSV: attacks hidden in unrelated documentation.

An attacker can wrap an instruction the detector catches in a few kilobytes
of harmless text — a README pasted before or after it, or around it. This
script measures how much that costs: each attack is written once bare and,
in turn, with 500, 1000, 2000 and 4000 characters of a document before it,
after it or around it (category pad-<n>); the documents' own first 500–4000
characters are the benign rows (pad-<n>/benign). Score it with

    python3 plugins/guard-injection/data/docs-corpus.py --pypi .venv > /tmp/docs.csv
    python3 plugins/guard-injection/data/padding-eval.py --docs /tmp/docs.csv \\
        plugins/guard-injection/data/injection-short-dev.csv ... > /tmp/pad.csv
    bin/plugins/guard-injection eval /tmp/pad.csv --by category [--tool-results]

Attacks are the injection rows of the given CSV files of 40–400 characters
(at most --attacks of them, drawn with a fixed seed); the padding comes from
--docs (a docs-corpus.py file: text the detector was not trained on).
"""
import argparse, csv, random, sys

LENGTHS = [0, 500, 1000, 2000, 4000]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", required=True)
    ap.add_argument("--attacks", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    docs = [r["prompt"] for r in csv.DictReader(open(a.docs, encoding="utf-8"))]
    attacks = []
    for f in a.files:
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if r["label"] == "injection" and 40 <= len(r["prompt"]) <= 400:
                attacks.append(r["prompt"])
    rnd.shuffle(attacks)
    attacks = attacks[: a.attacks]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["prompt", "label", "category", "source"])
    for i, attack in enumerate(attacks):
        n = LENGTHS[i % len(LENGTHS)]
        pad = rnd.choice(docs)[:n]
        where = i // len(LENGTHS) % 3
        if n == 0:
            text = attack
        elif where == 0:
            text = pad + "\n\n" + attack
        elif where == 1:
            text = attack + "\n\n" + pad
        else:
            k = pad.find("\n", len(pad) // 2)
            k = len(pad) // 2 if k < 0 else k
            text = pad[:k] + "\n\n" + attack + "\n\n" + pad[k:]
        w.writerow([text, "injection", f"pad-{n}", "padding"])
    for i in range(len(attacks) * 4 // 5):
        n = LENGTHS[1 + i % 4]
        w.writerow([rnd.choice(docs)[:n], "benign", f"pad-{n}", "padding"])


if __name__ == "__main__":
    main()
