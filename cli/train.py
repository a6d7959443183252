"""`wordvec train`: learn word vectors from a text corpus."""

import click

# option name -> SGNS parameter; options left unset keep the model's own default
_PARAMS = {"dim": "dim", "window": "window", "negative": "negative", "sample": "sample",
           "min_count": "min_count", "max_vocab": "max_vocab", "epochs": "epochs",
           "alpha": "alpha", "threads": "threads", "seed": "random_state",
           "checkpoint": "checkpoint", "checkpoint_every": "checkpoint_every"}


@click.command()
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help="Where to save the vectors (written atomically).")
@click.option("--model", type=click.Choice(["sgns"]), default="sgns", show_default=True,
              help="sgns: word2vec skip-gram with negative sampling.")
@click.option("--dim", type=int, help="Vector dimensions [100].")
@click.option("--window", type=int, help="Maximum context distance [5].")
@click.option("--negative", type=int, help="Negative samples per centre word [5].")
@click.option("--sample", type=float, help="Subsampling threshold, 0 for none [1e-3].")
@click.option("--min-count", type=int, help="Ignore words seen fewer times [5].")
@click.option("--max-vocab", type=int, help="Keep at most this many words [all].")
@click.option("--epochs", type=int, help="Passes over the corpus [5].")
@click.option("--alpha", type=float, help="Initial learning rate [0.025].")
@click.option("--threads", type=int, help="Worker threads [all cores].")
@click.option("--seed", type=int, help="Random seed; with --threads 1 the output is reproducible.")
@click.option("--format", "fmt", metavar="FORMAT",
              help="native, word2vec, word2vec-binary or glove [native; .txt/.vec/.bin by "
                   "extension].")
@click.option("--checkpoint", metavar="DIR", help="Folder for the training state.")
@click.option("--checkpoint-every", type=int, metavar="N",
              help="Write the checkpoint every N epochs (and on Ctrl-C).")
@click.option("--resume", metavar="DIR", help="Continue from a checkpoint folder.")
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
def train(corpus, out, model, fmt, resume, quiet, **options):
    """Train word vectors on CORPUS and save them to OUT.

    CORPUS is one sentence per line, whitespace-separated tokens, UTF-8: a file (plain, .gz,
    .bz2), a folder of such files, or - for stdin.

    \b
    Example:
      wordvec train data/small.txt -o small.vec --dim 50 --epochs 3 --seed 1
      wordvec similar king --vectors small.vec
    """
    from pathlib import Path

    from wordvec.corpus import Corpus
    from wordvec.io import format_for_path
    from wordvec.train.sgns import SGNS

    format_for_path(out, fmt)  # an unknown --format fails before training, not after
    parent = Path(out).resolve().parent
    if not parent.is_dir():
        raise FileNotFoundError(2, "No such directory", str(parent))
    if options["checkpoint_every"] is not None and options["checkpoint"] is None:
        options["checkpoint"] = resume
    kwargs = {_PARAMS[k]: v for k, v in options.items() if v is not None}
    estimator = SGNS(progress=not quiet, **kwargs)
    estimator.fit(Corpus(corpus), resume=resume)
    estimator.vectors_.save(out, format=fmt)
    if not quiet:
        v = estimator.vectors_
        click.echo(f"saved {len(v)} x {v.dim} vectors to {out}", err=True)
