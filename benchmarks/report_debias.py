"""Acceptance figures of issue 6 on GloVe 6B 50d: debiasing and the 2-D map.

Prints the course's numbers, the bias left after a full debias, the analogy accuracy before and
after, and the trustworthiness (k=5) of t-SNE and PCA maps of the example word groups.
Optionally writes the example map: `python benchmarks/report_debias.py --plot map.png`.
"""

import argparse
import time
from importlib import resources

import numpy as np


def main():
    from sklearn.manifold import trustworthiness

    from wordvec.debias import (
        analogy_change,
        bias_direction,
        bias_report,
        cosine,
        debias,
        default_equalize,
        default_exclude,
        default_pairs,
        equalize,
        neutralize,
    )
    from wordvec.pretrained import glove_6b_50d
    from wordvec.projection import plot, project_2d, read_groups

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="also write the t-SNE map of the example groups here")
    parser.add_argument("--restrict-vocab", type=int, default=30000)
    args = parser.parse_args()

    v = glove_6b_50d()
    g = v["woman"] - v["man"]
    print("== course numbers, g = woman - man")
    print(f"cos(receptionist, g) before   {cosine(v['receptionist'], g):+.6f}")
    print(f"cos(receptionist, g) after    "
          f"{cosine(neutralize(v['receptionist'], g).astype(np.float32), g):+.2e}")
    e1, e2 = equalize(("man", "woman"), g, v)
    print(f"equalize(man, woman)          cos(e1, g) {cosine(e1, g):+.6f}  "
          f"cos(e2, g) {cosine(e2, g):+.6f}")

    print("== full debias (direction: first PC of the ten gender pairs)")
    t = time.perf_counter()
    w = debias(v)
    print(f"debias of {len(v)} x {v.dim}: {time.perf_counter() - t:.2f} s")
    G = bias_direction(v)
    print(f"cos(PC direction, woman - man) {cosine(G, g):.4f}")
    keep = set(default_exclude()) | {x for p in default_pairs() + default_equalize() for x in p}
    neutral = np.array([k not in keep for k in v.keys])
    print(f"max |cos| with the direction, {neutral.sum()} gender-neutral words: "
          f"before {np.abs(cosine(v.vectors, G)[neutral]).max():.4f}, "
          f"after {np.abs(cosine(w.vectors, G)[neutral]).max():.2e}")
    means = bias_report(v, w).abs().mean()
    print(f"professions: mean |cos| {means['cos_before']:.4f} -> {means['cos_after']:.2e}, "
          f"mean |projection| {means['proj_before']:.4f} -> {means['proj_after']:.2e}")
    change = analogy_change(v, w, restrict_vocab=args.restrict_vocab)
    before, after = change["accuracy"]
    print(f"analogies (questions-words, top {args.restrict_vocab} words): "
          f"{before:.4f} -> {after:.4f} (change {after - before:+.4f}; "
          f"{change.loc['before', 'correct']} -> {change.loc['after', 'correct']} of "
          f"{change.loc['before', 'total']})")

    print("== 2-D maps of the example groups (trustworthiness, k=5)")
    words, groups = read_groups(resources.files("wordvec.data").joinpath("projection_groups.txt"))
    x = v[words].astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    for method, seed in (("tsne", 0), ("tsne", 1), ("tsne", 2), ("pca", 0)):
        t = time.perf_counter()
        table = project_2d(v, words, method=method, random_state=seed, groups=groups)
        score = trustworthiness(x, table[["x", "y"]].to_numpy(), n_neighbors=5)
        print(f"{method:<4} seed {seed}: {score:.4f}  ({time.perf_counter() - t:.1f} s)")
        if args.plot and method == "tsne" and seed == 0:
            plot(table, args.plot, title="GloVe 6B 50d, t-SNE of 100 words in 5 groups")


if __name__ == "__main__":
    main()
