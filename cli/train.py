"""`wordvec train`: learn word vectors from a text corpus."""

import contextlib
import sys
from pathlib import Path

import click

from .common import COUNT, NON_NEGATIVE, POSITIVE, SEED, Memory

# option name -> SGNS parameter; options left unset keep the model's own default
_PARAMS = {"dim": "dim", "window": "window", "negative": "negative", "hs": "hs",
           "sample": "sample",
           "min_count": "min_count", "max_vocab": "max_vocab", "epochs": "epochs",
           "alpha": "alpha", "threads": "threads", "seed": "random_state",
           "checkpoint": "checkpoint", "checkpoint_every": "checkpoint_every"}
# fastText: SGNS's but --hs, and the n-grams
_FASTTEXT = {**{k: v for k, v in _PARAMS.items() if k != "hs"}, "minn": "minn", "maxn": "maxn",
             "bucket": "bucket"}
# the same for GloVe (--alpha is the learning rate of both models)
_GLOVE = {"dim": "dim", "window": "window", "min_count": "min_count", "max_vocab": "max_vocab",
          "epochs": "epochs", "alpha": "learning_rate", "threads": "threads",
          "seed": "random_state", "checkpoint": "checkpoint",
          "checkpoint_every": "checkpoint_every", "x_max": "x_max",
          "weight_exponent": "weight_exponent",
          "memory": "memory", "symmetric": "symmetric", "glove_output": "output"}


@click.command()
@click.argument("corpus", metavar="CORPUS", required=False)
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help="Where to save the vectors (written atomically).")
@click.option("--model", default="sgns", show_default=True,
              type=click.Choice(["sgns", "cbow", "fasttext", "fasttext-cbow", "glove"]),
              help="sgns: word2vec skip-gram with negative sampling; cbow: word2vec CBOW with "
                   "negative sampling (gensim's sg=0); fasttext, fasttext-cbow: fastText's "
                   "subword vectors, skip-gram or CBOW (vectors for unseen words too; saved "
                   "native to keep them); glove: GloVe.")
@click.option("--dim", type=COUNT, help="Vector dimensions [100].")
@click.option("--window", type=COUNT, help="Maximum context distance [5; glove 10].")
@click.option("--negative", type=click.IntRange(min=0),
              help="SGNS, CBOW: negative samples per centre word, 0 for none (with --hs) [5].")
@click.option("--hs/--no-hs", "hs", default=None,
              help="SGNS, CBOW: also train hierarchical softmax (a Huffman tree over the "
                   "vocabulary, gensim's hs=1); with --negative 0, instead [off].")
@click.option("--sample", type=NON_NEGATIVE,
              help="SGNS, CBOW: subsampling threshold, 0 for none [1e-3].")
@click.option("--min-count", type=COUNT, help="Ignore words seen fewer times [5].")
@click.option("--max-vocab", type=COUNT, help="Keep at most this many words [all].")
@click.option("--epochs", type=COUNT, help="Passes over the corpus [5; glove 25].")
@click.option("--alpha", type=POSITIVE, help="Initial learning rate [0.025; cbow and glove 0.05].")
@click.option("--threads", type=COUNT, help="Worker threads [all cores].")
@click.option("--seed", type=SEED,
              help="Random seed. With --threads 1 the output is bit-for-bit reproducible; with "
                   "more threads, lock-free updates make the last bits vary.")
@click.option("--cbow-mean/--cbow-sum", "cbow_mean", default=None,
              help="CBOW: average the context vectors, or sum them [mean].")
@click.option("--minn", type=click.IntRange(min=0),
              help="fastText: shortest character n-gram [3].")
@click.option("--maxn", type=click.IntRange(min=0),
              help="fastText: longest character n-gram, 0 for none [6].")
@click.option("--bucket", type=COUNT, help="fastText: hashed n-gram rows [2000000].")
@click.option("--x-max", type=POSITIVE, help="GloVe: weighting cutoff x_max [100].")
@click.option("--weight-exponent", type=POSITIVE,
              help="GloVe: exponent of the weighting (x / x_max) ** e, glove.c's -alpha [0.75].")
@click.option("--memory", type=Memory(),
              help="GloVe: co-occurrence counting budget, e.g. 512M [2G].")
@click.option("--symmetric/--asymmetric", default=None,
              help="GloVe: count context on both sides, or the left only [symmetric].")
@click.option("--glove-output", type=click.Choice(["sum", "word", "context", "concat"]),
              help="GloVe: save W + C, W, C, or [W, C] [sum].")
@click.option("--cooccur", metavar="DIR",
              help="GloVe: train on a counts folder from `wordvec cooccur` (no CORPUS).")
@click.option("--format", "fmt", metavar="FORMAT",
              help="native, word2vec, word2vec-binary or glove [native; .txt/.vec/.bin by "
                   "extension].")
@click.option("--checkpoint", metavar="DIR", help="Folder for the training state.")
@click.option("--checkpoint-every", type=COUNT, metavar="N",
              help="Write the checkpoint every N epochs (and on Ctrl-C).")
@click.option("--resume", metavar="DIR",
              help="Continue from a checkpoint folder (same corpus and settings; the "
                   "training settings it records are taken from it when left out).")
@click.option("--tokenize", type=click.Choice(["whitespace", "lower", "words"]),
              help="How lines become words. whitespace (the default): split at spaces and "
                   "tabs, as word2vec, fastText and GloVe do, for text tokenised already; "
                   "lower: the same, lower-cased; words: lower-cased runs of letters and "
                   "digits in any script, punctuation dropped, for raw text (as gensim's "
                   "simple_preprocess). Without it, text that looks untokenised gets a warning.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local",
              show_default=True,
              help="sgns: spark builds the vocabulary and encodes CORPUS (any path, glob or URI "
                   "Spark reads) on Apache Spark and trains data-parallel on its executors "
                   "(pip install 'wordvec[spark]', Java 17+). For glove: wordvec cooccur "
                   "--engine spark, then --cooccur.")
@click.option("--master", default=None, metavar="URL",
              help="Spark master with --engine spark: local[2] (the default), "
                   "spark://host:7077, yarn.")
@click.option("--partitions", type=COUNT, metavar="N",
              help="--engine spark: tasks a round, each training its share [2].")
@click.option("--rounds", type=COUNT, metavar="N",
              help="--engine spark: rounds an epoch, the model combined and broadcast after "
                   "each; fewer are faster, and lose quality [40].")
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
def train(corpus, out, model, fmt, resume, quiet, tokenize, engine, master, partitions, rounds,
          **options):
    """Train word vectors on CORPUS and save them to OUT.

    CORPUS is one sentence per line, whitespace-separated tokens, UTF-8: a file (plain, .gz,
    .bz2), a folder of such files, or - for stdin (copied to $TMPDIR to be read once per
    epoch; at most $WORDVEC_MAX_SPOOL bytes, such as 20G, when set, and never leaving under
    1 GiB free); --tokenize words reads raw text. Lines of more than 10,000 words are cut
    into sentences of 10,000 (as word2vec and gensim do).

    \b
    Models and their defaults (an option left out keeps its model's):
      sgns           word2vec skip-gram: --dim 100 --window 5 --negative 5 --no-hs
                     --sample 0.001 --min-count 5 --epochs 5 --alpha 0.025
                     (falling to 0.0001); --hs --negative 0: hierarchical softmax alone
      cbow           word2vec CBOW: sgns's, but --alpha 0.05 (word2vec's for CBOW),
                     and --cbow-mean
      fasttext       fastText subwords, skip-gram (fasttext-cbow: CBOW): sgns's (but no
                     hierarchical softmax), and --minn 3 --maxn 6 --bucket 2000000
      glove          GloVe: --dim 100 --window 10 --min-count 5 --epochs 25 --alpha 0.05
                     --x-max 100 --weight-exponent 0.75 --symmetric --memory 2G
                     --glove-output sum

    \b
    Example:
      wordvec train data/small.txt -o small.vec --dim 50 --epochs 3 --seed 1
      wordvec similar king --vectors small.vec
      wordvec train data/small.txt -o cbow.vec --model cbow --seed 1
      wordvec train data/small.txt -o ft --model fasttext --minn 3 --maxn 6
      wordvec similar unseenword --vectors ft
      wordvec train data/small.txt -o hs.vec --hs --negative 0
      wordvec train data/small.txt -o glove.vec --model glove --x-max 10 --epochs 15
      wordvec train --model glove --cooccur counts -o glove.vec
      wordvec train 'corpus/*.gz' -o spark.vec --engine spark --master local[2]
    """
    from pathlib import Path

    from wordvec.corpus import Corpus, UntokenizedWarning

    from .common import warning_lines

    # the warning that CORPUS looks untokenised, unless asked for quiet or --tokenize was given
    ignored = (UntokenizedWarning,) if quiet or tokenize else ()
    how = tokenize or "whitespace"
    from wordvec.io import format_for_path
    from wordvec.train.cbow import CBOW
    from wordvec.train.sgns import SGNS

    format_for_path(out, fmt)  # an unknown --format fails before training, not after
    parent = Path(out).resolve().parent
    if not parent.is_dir():
        raise FileNotFoundError(2, "No such directory", str(parent))
    if options["checkpoint"] is None:  # a resumed run keeps checkpointing where it came from
        options["checkpoint"] = resume
    _check_outputs(out, fmt, options["checkpoint"], model.removesuffix("-cbow"), corpus,
                   options["cooccur"], resume)
    cooccur = options.pop("cooccur")
    names = {"glove": _GLOVE, "cbow": {**_PARAMS, "cbow_mean": "cbow_mean"},
             "fasttext": _FASTTEXT, "fasttext-cbow": _FASTTEXT}.get(model, _PARAMS)
    for k, v in options.items():
        if v is not None and k not in names:
            raise click.UsageError(f"--{k.replace('_', '-')} does not apply to --model {model}")
    kwargs = {names[k]: v for k, v in options.items() if v is not None}
    spark_options = {"master": master, "partitions": partitions, "rounds": rounds}
    for name, value in spark_options.items():
        if value is not None and engine != "spark":
            raise click.UsageError(f"--{name} applies to --engine spark")
    if engine == "spark" and model != "sgns":
        raise click.UsageError("--engine spark trains --model sgns (for glove: wordvec "
                               "cooccur --engine spark, then --cooccur)")
    if model == "glove":
        from wordvec.train.glove import GloVe

        if (corpus is None) == (cooccur is None):
            raise click.UsageError("give CORPUS or --cooccur DIR, not both")
        estimator = GloVe(progress=not quiet, **kwargs)
        _resume_as_started(estimator, resume, kwargs)
        _check(estimator)
        if corpus is None and tokenize is not None:
            raise click.UsageError("--tokenize applies to CORPUS, not to --cooccur counts")
        with warning_lines(*ignored), _resume_hint(options["checkpoint"]):
            estimator.fit(None if corpus is None else Corpus(corpus, tokenize=how),
                          cooccurrence=cooccur, resume=resume)
    else:
        if corpus is None or cooccur is not None:
            raise click.UsageError(f"--model {model} trains on CORPUS (--cooccur is for glove)")
        if kwargs.get("negative") == 0 and not kwargs.get("hs"):
            raise click.UsageError("--negative 0 needs --hs (nothing would be trained)")
        if engine == "spark":
            from wordvec.spark import DEFAULT_MASTER
            from wordvec.spark.sgns import SparkSGNS

            given = {k: v for k, v in spark_options.items() if v is not None}
            estimator = SparkSGNS(progress=not quiet, **{"master": DEFAULT_MASTER, **given},
                                  **kwargs)
        elif model.startswith("fasttext"):
            from wordvec.train.fasttext import FastText

            estimator = FastText(progress=not quiet, sg=model == "fasttext", **kwargs)
        else:
            estimator = (CBOW if model == "cbow" else SGNS)(progress=not quiet, **kwargs)
        _resume_as_started(estimator, resume, {**kwargs, "sg": None})  # --model sets sg
        _check(estimator)
        with warning_lines(*ignored), _resume_hint(options["checkpoint"]):
            estimator.fit(Corpus(corpus, tokenize=how), resume=resume)
    estimator.vectors_.save(out, format=fmt)
    if not quiet:
        v = estimator.vectors_
        click.echo(f"saved {len(v)} x {v.dim} vectors to {out}", err=True)


def _check_outputs(out, fmt, checkpoint, model, *inputs):
    """Before any training: the outputs are no inputs, and hold nothing a save must not
    replace (a user's folder, a file where a folder goes)."""
    from wordvec._atomic import TargetExistsError, check_target
    from wordvec.io import NATIVE_FORMAT, format_for_path

    from .common import check_output

    check_output(out, *inputs)
    check_output(checkpoint, *[i for i in inputs if i != checkpoint])
    if checkpoint is not None and Path(out).resolve() == Path(checkpoint).resolve():
        raise click.UsageError(f"the output {out} is also the --checkpoint folder")
    try:
        if format_for_path(out, fmt) == "native":
            check_target(out, "meta.json", NATIVE_FORMAT)
        if checkpoint is not None:
            check_target(checkpoint, "state.json", f"wordvec-{model}-checkpoint")
    except TargetExistsError as exc:
        raise click.UsageError(str(exc)) from None


def _resume_as_started(estimator, resume, given):
    """With --resume, take the checkpoint's value of every parameter that must match and that
    the command line (`given`) leaves out: a run resumes as it was started, even where a
    default has changed since (CBOW's alpha did)."""
    if resume is not None:
        saved = estimator.checkpoint_params(resume)
        estimator.set_params(**{k: v for k, v in saved.items() if k not in given})


def _check(estimator):
    """The model's own parameter checks, before any reading: a refusal is a usage error."""
    try:
        estimator._validate()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@contextlib.contextmanager
def _resume_hint(checkpoint):
    """On Ctrl-C (or SIGTERM) after a checkpoint was written, end with the command that
    continues from it: this command line with --resume CHECKPOINT."""
    try:
        yield
    except KeyboardInterrupt as exc:
        if checkpoint is None or not (Path(checkpoint) / "state.json").is_file():
            raise
        import shlex

        args, skip = [], False
        for arg in sys.argv[1:]:   # the same command, without a --resume it had
            if not skip and not arg.startswith("--resume"):
                args.append(arg)
            skip = arg == "--resume"
        how = "interrupted" if type(exc) is KeyboardInterrupt else "terminated"
        command = shlex.join(["wordvec", *args, "--resume", str(checkpoint)])
        click.echo(f"wordvec: {how}; resume with: {command}", err=True)
        sys.exit(130 if how == "interrupted" else 143)
