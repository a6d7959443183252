"""`wordvec seq2seq`: an encoder-decoder with attention (the course's date translation)."""

import json

import click

from .common import COUNT, POSITIVE, SEED, check_output, warning_lines

# task -> (source level, target level)
TASKS = {"dates": ("char", "char"), "numbers": ("word", "char")}
HELD_OUT = 2000


def _task_pairs(task, n, seed):
    from wordvec import datasets
    make = datasets.date_pairs if task == "dates" else datasets.number_pairs
    return make(n, random_state=seed)


def _load_model(model_path, vectors_path):
    """The saved model, reading unseen words from `vectors_path` when given."""
    from wordvec.models.seq2seq import Seq2Seq

    model = Seq2Seq.load(model_path)
    return model if vectors_path is None else model.use_vectors(vectors_path)


def _read_pairs(data):
    import io

    from wordvec._lines import decode_utf8
    from wordvec.models.seq2seq import read_pairs

    return read_pairs(io.StringIO(decode_utf8(data.read(), data.name, bom=True)), data.name)


@click.group()
def seq2seq():
    """Train a sequence-to-sequence model, translate with it, evaluate it.

    \b
    Examples:
      wordvec seq2seq train dates -o dates.model
      wordvec seq2seq translate --model dates.model "3 may 1979" "tuesday 9 march 2004"
      wordvec seq2seq evaluate --model dates.model
    """


@seq2seq.command()
@click.argument("task", metavar="[TASK]", required=False, type=click.Choice(sorted(TASKS)))
@click.option("--data", type=click.File("rb"),
              help="Tab-separated source<TAB>target lines instead of a TASK (\"-\": stdin).")
@click.option("-o", "--output", required=True, type=click.Path(), help="Model folder to write.")
@click.option("--pairs", type=COUNT, default=10000, show_default=True,
              help="How many pairs of the TASK to generate for training.")
@click.option("--level", type=click.Choice(["char", "word"]), default=None,
              help="Read sources as characters or as words (default: the TASK's; char for "
                   "--data).")
@click.option("--target-level", type=click.Choice(["char", "word"]), default=None,
              help="The same for targets.")
@click.option("--vectors", "vectors_path", metavar="PATH",
              help="A vector store (any format, or glove-6b-50d) for word-level inputs.")
@click.option("--trainable-vectors", is_flag=True,
              help="Train the copy of --vectors too (words unseen in training still read as "
                   "the store's own vectors).")
@click.option("--epochs", type=COUNT, default=10, show_default=True)
@click.option("--batch-size", type=COUNT, default=100, show_default=True)
@click.option("--hidden", type=COUNT, default=32, show_default=True,
              help="Encoder units per direction.")
@click.option("--decoder-hidden", type=COUNT, default=64, show_default=True)
@click.option("--learning-rate", type=POSITIVE, default=0.005, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seeds the weights, the shuffles and the generated pairs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def train(task, data, output, pairs, level, target_level, vectors_path, trainable_vectors,
          epochs, batch_size, hidden, decoder_hidden, learning_rate, seed, as_json, quiet):
    """Train on a TASK's generated pairs or on --data; prints the loss of every epoch.

    With --vectors, the model records where the store is (keep it there, or give it to
    translate/evaluate with --vectors): a source word unseen in training reads as its
    vector in the store, not as <unk>.

    TASK "dates" is the course's: human-readable dates ("tuesday 9 march 2004", "9/3/04")
    to ISO ones (2004-03-09), drawn from 1970-2019 in the course's 24 formats. TASK
    "numbers": English number words ("two hundred and five") to digits (205), 0-999999.
    A TASK's model lower-cases its inputs; --data's reads them as they are.

    \b
    Examples:
      wordvec seq2seq train dates -o dates.model
      wordvec seq2seq train numbers --vectors glove-6b-50d --trainable-vectors -o num.model
      wordvec seq2seq train --data pairs.tsv --level word -o my.model --epochs 30
    """
    if (task is None) == (data is None):
        raise click.UsageError("give a TASK or --data, not both" if task else
                               "give a TASK (dates) or --data pairs.tsv")
    check_output(output, data, vectors_path)
    default_levels = TASKS.get(task, ("char", "char"))
    level, target_level = level or default_levels[0], target_level or default_levels[1]
    if vectors_path and level != "word":
        raise click.UsageError("--vectors needs word-level sources (--level word)")
    if trainable_vectors and not vectors_path:
        raise click.UsageError("--trainable-vectors needs --vectors")
    from wordvec.models.seq2seq import Seq2Seq

    if task:
        sources, targets = zip(*_task_pairs(task, pairs, seed))
    else:
        sources, targets = _read_pairs(data)
    model = Seq2Seq(level=level, target_level=target_level, lowercase=task is not None,
                    vectors=vectors_path,
                    trainable_embeddings=trainable_vectors, hidden=hidden,
                    decoder_hidden=decoder_hidden, epochs=epochs, batch_size=batch_size,
                    learning_rate=learning_rate, random_state=seed, progress=not quiet)
    model.fit(sources, targets)
    model.task_ = {"name": task, "pairs": pairs, "seed": seed} if task else None
    model.save(output)
    losses = [round(float(x), 4) for x in model.loss_history_]
    if as_json:
        click.echo(json.dumps({"output": str(output), "pairs": len(sources),
                               "source_vocab": len(model.source_vocab_),
                               "target_vocab": len(model.target_vocab_), "loss": losses}))
        return
    known = f" ({model.in_vectors_} in --vectors)" if vectors_path else ""
    click.echo(f"{len(sources)} pairs, {len(model.source_vocab_)} source{known} and "
               f"{len(model.target_vocab_)} target symbols; loss by epoch:")
    for epoch, loss in enumerate(losses, 1):
        click.echo(f"  epoch {epoch:>3}  {loss:.4f}")
    click.echo(f"wrote {output}")


@seq2seq.command()
@click.option("--model", "model_path", required=True, type=click.Path(exists=True),
              help="Model folder written by `wordvec seq2seq train`.")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--beam", type=COUNT, default=3, show_default=True,
              help="Beam width (1: greedy).")
@click.option("--alpha", type=click.FloatRange(0, 1), default=0.7, show_default=True,
              help="Length normalisation: scores are log P / Ty^alpha.")
@click.option("--attention-map", type=click.Path(dir_okay=False),
              help="Draw the attention weights of the first input's translation (.png, .svg, "
                   ".pdf).")
@click.option("--vectors", "vectors_path", metavar="PATH",
              help="The vector store the model was trained with, if it moved: words unseen in "
                   "training read as its vectors (checked against the model's fingerprint).")
@click.option("--json", "as_json", is_flag=True,
              help='One {"input", "output", "score"} object per line.')
def translate(model_path, inputs, beam, alpha, attention_map, vectors_path, as_json):
    """Translate each INPUT ("-": one input per line of stdin); prints INPUT<TAB>OUTPUT.

    \b
    Examples:
      wordvec seq2seq translate --model dates.model "3 may 1979" "tuesday 9 march 2004"
      wordvec seq2seq translate --model dates.model --beam 1 - < dates.txt
      wordvec seq2seq translate --model dates.model "tuesday 9 march 2004" \\
          --attention-map map.png
    """
    check_output(attention_map, model_path)
    from wordvec.errors import FormatError
    from wordvec.models.seq2seq import plot_attention

    model = _load_model(model_path, vectors_path)
    texts = []
    for given in inputs:
        if given != "-":
            if not given.strip():
                raise click.UsageError("an INPUT is empty")
            texts.append(given.strip())
            continue
        for number, line in enumerate(click.get_text_stream("stdin"), 1):
            if not line.strip():
                raise FormatError("<stdin>", "empty input", number)
            texts.append(line.strip())
    with warning_lines():
        for i, text in enumerate(texts):
            best = model.translate(text, beam_width=beam, alpha=alpha)[0]
            if i == 0 and attention_map:
                plot_attention(model, text, best, attention_map)
            if as_json:
                click.echo(json.dumps({"input": text, "output": best.output,
                                       "score": round(best.score, 6)}, ensure_ascii=False))
            else:
                click.echo(f"{text}\t{best.output}")


@seq2seq.command()
@click.option("--model", "model_path", required=True, type=click.Path(exists=True),
              help="Model folder written by `wordvec seq2seq train`.")
@click.option("--data", type=click.File("rb"),
              help="Tab-separated source<TAB>target lines (default: 2,000 held-out pairs of "
                   "the model's task, drawn with a seed training never used, none of whose "
                   "inputs training saw).")
@click.option("--beam", type=COUNT, default=1, show_default=True, help="Beam width.")
@click.option("--vectors", "vectors_path", metavar="PATH",
              help="The vector store the model was trained with, if it moved: words unseen in "
                   "training read as its vectors (checked against the model's fingerprint).")
@click.option("--json", "as_json", is_flag=True, help='{"n", "exact_match", "bleu"}.')
def evaluate(model_path, data, beam, vectors_path, as_json):
    """Exact-match accuracy and Bleu (of output symbols, up to 4-grams) on held-out pairs.

    \b
    Examples:
      wordvec seq2seq evaluate --model dates.model
      wordvec seq2seq evaluate --model my.model --data test.tsv --beam 3 --json
    """
    from wordvec.errors import FormatError
    from wordvec.metrics import bleu

    model = _load_model(model_path, vectors_path)
    if data is not None:
        sources, targets = _read_pairs(data)
    else:
        task = model.task_
        if not task or task.get("name") not in TASKS:
            raise FormatError(model_path, "the model was trained on --data, not a TASK; "
                                          "give --data")
        seen = {s for s, _ in _task_pairs(task["name"], task["pairs"], task["seed"])}
        # a list seed is a different stream from every integer --seed
        fresh = _task_pairs(task["name"], 4 * HELD_OUT, [task["seed"], 2026, 13])
        sources, targets = zip(*[p for p in fresh if p[0] not in seen][:HELD_OUT])
    with warning_lines():
        predicted = model.predict(sources, beam_width=beam)
    exact = sum(p == t for p, t in zip(predicted, targets, strict=True)) / len(targets)

    def symbols(text):
        return model._split(text, model.target_level)

    score = bleu([symbols(p) for p in predicted], [[symbols(t)] for t in targets])
    if as_json:
        click.echo(json.dumps({"n": len(targets), "exact_match": round(exact, 6),
                               "bleu": round(score, 6)}))
    else:
        click.echo(f"{len(targets)} pairs: exact match {exact:.4f}, Bleu {score:.4f}")
