#!/usr/bin/env python3
"""Write padded training rows: development prompts hidden in long documents.

The experiment of the guard's README, "Tried after version 29 and not taken
(6 December)": --rows attacks and --rows benign prompts (40–400 characters)
of the development files, each put before, after or in the middle of the
first 300–4000 characters of a document of --docs (a man-corpus.py file),
drawn with seed 5. Only the attacks whose SHA-1's first byte is even are
used (--half even), so that the others (--half odd, written as a plain
prompt,label file by --eval-attacks) measure padding on attacks the padded
rows never held:

    python3 data/padded-train.py --docs /tmp/man.csv --rows 10000 \\
        --skip own-multilingual-87-dev.csv,... > /tmp/padded.csv
    python3 data/padded-train.py --eval-attacks > /tmp/odd.csv
    python3 data/padding-eval.py --docs /tmp/readmes.csv /tmp/odd.csv > /tmp/pad.csv

--skip leaves development files out (the files scored as unseen must not
lend their prompts to the padded rows).
"""
import argparse, csv, glob, hashlib, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def half(p):
    return hashlib.sha1(p.encode()).digest()[0] % 2


def dev_rows(skip):
    for f in sorted(glob.glob(os.path.join(HERE, "*-dev.csv"))):
        if os.path.basename(f) in skip:
            continue
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if 40 <= len(r["prompt"]) <= 400:
                yield r["prompt"], r["label"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs")
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--skip", default="")
    ap.add_argument("--eval-attacks", action="store_true")
    a = ap.parse_args()
    skip = set(a.skip.split(","))
    w = csv.writer(sys.stdout, lineterminator="\n")
    if a.eval_attacks:
        w.writerow(["prompt", "label"])
        for p, label in dev_rows(skip):
            if label == "injection" and half(p) == 1:
                w.writerow([p, label])
        return
    rnd = random.Random(5)
    docs = [r["prompt"] for r in csv.DictReader(open(a.docs, encoding="utf-8"))]
    att = [p for p, label in dev_rows(skip) if label == "injection" and half(p) == 0]
    ben = [p for p, label in dev_rows(skip) if label == "benign"]

    def wrap(x):
        n = rnd.choice([300, 600, 1000, 2000, 3000, 4000])
        pad = rnd.choice(docs)[:n]
        where = rnd.randrange(3)
        if where == 0:
            return pad + "\n\n" + x
        if where == 1:
            return x + "\n\n" + pad
        k = pad.find("\n", len(pad) // 2)
        k = len(pad) // 2 if k < 0 else k
        return pad[:k] + "\n\n" + x + "\n\n" + pad[k:]

    w.writerow(["prompt", "label", "category", "source"])
    for _ in range(a.rows):
        w.writerow([wrap(rnd.choice(att)), "injection", "padded", "padded"])
    for _ in range(a.rows):
        w.writerow([wrap(rnd.choice(ben)), "benign", "padded-benign", "padded"])
    print(f"padded-train: {a.rows} + {a.rows} rows from {len(att)} attacks and {len(ben)} benign prompts", file=sys.stderr)


main()
