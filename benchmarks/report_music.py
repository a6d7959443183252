"""Acceptance figures of the music LSTM (the course's jazz solo) on Bach chorales from music21.

The course's set-up: 78 values, windows of Tx = 30 tokens, m = 60 windows, LSTM of 64 units,
Adam lr 0.01 with decay 0.01 per update, batches of 32, 100 epochs; its notebook's loss goes
from 125.9 at epoch 1 (about 29 ln 78 = 126.3) to 5.97 at epoch 100. Here the corpus is the
first `--pieces` four-part chorales in 4/4 (soprano against the chordified lower parts).

Prints: corpus reading time, parameter count, the loss curve against Tx ln n and
(Tx - 1) ln n, training time and peak RSS; the loss after `--long-epochs` epochs; the loss
curve on a course-sized corpus (the first `--small-pieces` chorales, about the course's 193
tokens) beside the course's; then for greedy and temperature-1.0 solos of `--steps` values:
notes mido reads back, pitch-class histogram L1 distance to the corpus, fraction of notes in
the current chord's scale, 4-gram copy rate, distinct values. Writes MIDI files and piano
rolls (a solo and a corpus excerpt) into `--out`. The gradient check is tests/test_music.py's.

Run:  python benchmarks/report_music.py [--pieces 60] [--seed 0] [--out music-report]
"""

import argparse
import resource
import time
from pathlib import Path

import mido
import numpy as np

from wordvec.models.music import MusicLSTM, improvise, solo_measures
from wordvec.music.render import info, piano_roll, write_midi
from wordvec.music.tokens import Corpus, read_corpus

# the course notebook's printed loss (78 values, its Metheny corpus of 193 tokens)
COURSE = {1: 125.91, 10: 93.28, 25: 44.78, 50: 11.88, 75: 7.19, 100: 5.97}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--long-epochs", type=int, default=500,
                        help="epochs of the second run on the whole corpus")
    parser.add_argument("--small-pieces", type=int, default=5,
                        help="chorales of the course-sized run")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--samples", type=int, default=5, help="solos of each kind")
    parser.add_argument("--out", default="music-report")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)

    start = time.perf_counter()
    corpus = read_corpus(["bach-chorales"], tokens="grammar", pieces=args.pieces)
    read_seconds = time.perf_counter() - start
    tokens = [t for s in corpus.sequences for t in s]
    types = np.array([t[0] for t in tokens])
    print(f"corpus: {len(corpus.sequences)} chorales, {len(corpus.progression)} measures, "
          f"{len(tokens)} tokens, {len(set(tokens))} distinct; read in {read_seconds:.1f} s, "
          f"peak RSS {peak_rss_mb():.0f} MB")
    print("  token types: " + ", ".join(f"{k} {np.sum(types == k)}" for k in "CSXRA")
          + f"; C or S (the corpus's own in-scale rate): "
            f"{np.isin(types, ['C', 'S']).sum() / (types != 'R').sum():.3f}")

    start = time.perf_counter()
    model = MusicLSTM(hidden=64, max_values=78, window=30, n_windows=60, epochs=100,
                      batch_size=32, learning_rate=0.01, decay=0.01,
                      random_state=args.seed).fit(corpus)
    train_seconds = time.perf_counter() - start
    n = len(model.values_)
    covered = np.mean([t in model.index_ for t in tokens])
    print(f"model: {n} values (<unk> for the rest; the kept values cover {covered:.1%} of "
          f"the tokens), {model.n_parameters():,} parameters (course: 41,678)")
    h = model.loss_history_
    full, course = 30 * np.log(n), 29 * np.log(n)
    print(f"loss by epoch (Tx ln n = {full:.2f}; (Tx - 1) ln n = {course:.2f}, the course's "
          f"start, its last output having no target):")
    for epoch in (1, 2, 3, 10, 25, 50, 75, 100):
        print(f"  epoch {epoch:>3}  {h[epoch - 1]:8.3f}")
    print(f"epoch 1: {h[0] / full - 1:+.1%} from Tx ln n, {h[0] / course - 1:+.1%} from "
          f"(Tx - 1) ln n (bound: within 3%)")
    print(f"epoch 100: {h[-1] / full:.1%} of Tx ln n (bound: below 10%)")
    print(f"training: {train_seconds:.1f} s for 100 epochs (one BLAS thread), "
          f"peak RSS {peak_rss_mb():.0f} MB")
    # 60 windows of 60 chorales hardly overlap: the course's 200 updates do not memorise them
    start = time.perf_counter()
    longer = MusicLSTM(epochs=args.long_epochs, random_state=args.seed).fit(corpus)
    print(f"the same for {args.long_epochs} epochs: {longer.loss_history_[-1]:.3f} at the end, "
          f"{longer.loss_history_[-1] / full:.1%} of Tx ln n "
          f"({time.perf_counter() - start:.1f} s)")
    # The course's corpus is 193 tokens, so its 60 windows overlap and the model memorises
    # them; the first few chorales make a corpus of that size.
    small = Corpus("grammar", corpus.sequences[:args.small_pieces])
    curve = MusicLSTM(random_state=args.seed).fit(small).loss_history_
    print(f"the same on a course-sized corpus (first {args.small_pieces} chorales, "
          f"{sum(map(len, small.sequences))} tokens) against the course's notebook:")
    for epoch, theirs in COURSE.items():
        print(f"  epoch {epoch:>3}  {curve[epoch - 1]:8.3f}   course {theirs}")

    print(f"\nsolos of {args.steps} values (the course's: greedy from a zero seed), "
          f"decoded against the corpus's chords, 130 bpm:")
    print(f"{'sampling':<16} {'notes':>5} {'read':>5} {'pc L1':>6} {'in scale':>8} "
          f"{'copy 4':>6} {'distinct':>8}")
    for label, temperature in (("greedy", None), ("temperature 1.0", 1.0)):
        rows = []
        for seed in range(args.samples):
            solo = improvise(model, args.steps, temperature, random_state=seed)
            path = out / f"{label.split()[0]}-{seed}.mid"
            write_midi(path, solo.melody, solo.chords, bpm=130)
            read = sum(1 for m in mido.MidiFile(path).tracks[1]
                       if m.type == "note_on" and m.velocity > 0)
            m = solo_measures(model, solo)
            rows.append([m["notes"], read, m["pitch_class_l1"], m["in_scale"],
                         m["copy_rate_4"], m["distinct_values"]])
            if seed == 0:
                piano_roll(out / f"{label.split()[0]}-0.png", solo.melody, solo.chords,
                           title=f"{label} solo, {args.steps} values, seed 0")
        mean = np.mean(rows, axis=0)
        print(f"{label:<16} {mean[0]:>5.1f} {mean[1]:>5.1f} {mean[2]:>6.3f} {mean[3]:>8.3f} "
              f"{mean[4]:>6.3f} {mean[5]:>8.1f}   (mean of {args.samples} seeds)")
    from music21 import corpus as m21corpus

    first = m21corpus.getWork(corpus.names[0])
    facts = info(first, with_notes=True)
    tracks = facts["notes_by_track"]
    cut = [[x for x in t if x[0] < 32] for t in tracks]
    piano_roll(out / "corpus-excerpt.png", cut[0], [x for t in cut[1:] for x in t],
               title=f"{corpus.names[0]}: first 8 measures (soprano red, other parts grey)")
    print(f"\nwrote MIDI files and piano rolls (greedy-0.png, temperature-0.png, "
          f"corpus-excerpt.png) into {out}/")


if __name__ == "__main__":
    main()
