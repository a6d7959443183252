"""`wordvec emojify`: train the Emojify classifier on the course data, predict emoji."""

import json

import click

from .common import check_output, vectors_option


@click.group()
def emojify():
    """Pick an emoji for a sentence: ❤️ ⚾ 😄 😞 🍴 (the course's Emojify).

    \b
    Examples:
      wordvec emojify train --vectors glove-6b-50d --model lstm -o emo-lstm
      wordvec emojify predict --model emo-lstm "not feeling happy" "let us eat"
    """


@emojify.command()
@vectors_option
@click.option("--model", "kind", type=click.Choice(["mean", "lstm"]), default="mean",
              show_default=True, help="Mean of word vectors -> softmax, or the 2-layer LSTM.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--epochs", type=click.IntRange(min=1), default=None,
              help="Training epochs (default 400 for mean, 50 for lstm).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=True),
              help="Model folder to write.")
@click.option("--data", "data_file", type=click.Path(dir_okay=False), metavar="CSV",
              help="Your labelled sentences to train on, in the course's train_emoji.csv "
                   "format: sentence,label rows, labels 0-4 (0 heart, 1 baseball, 2 smile, "
                   "3 disappointed, 4 fork and knife). Default: the course's.")
@click.option("--test", "test_file", type=click.Path(dir_okay=False), metavar="CSV",
              help="Labelled sentences to report accuracy on, same format. Default: the "
                   "course's test sentences, or none with --data.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def train(vectors_path, kind, seed, epochs, output, data_file, test_file, as_json, quiet):
    """Train on the course's 132 sentences (or --data CSV) and report accuracy on its 56 test
    sentences (or --test CSV).

    The model folder records the path of the vectors; `predict` reads them from there
    (or from --vectors).

    \b
    Examples:
      wordvec emojify train --vectors glove-6b-50d --model mean -o emo-mean
      wordvec emojify train --data mine.csv --test mine-test.csv -o emo-mine
    """
    check_output(output, vectors_path, data_file, test_file)
    import numpy as np

    from wordvec.models.emojify import (
        EMOJIS,
        EmojifierLSTM,
        EmojifierMean,
        load_emoji_data,
        read_emoji_csv,
    )

    cls = EmojifierMean if kind == "mean" else EmojifierLSTM
    extra = {} if epochs is None else {"epochs": epochs}
    X, y = read_emoji_csv(data_file) if data_file else load_emoji_data("train")
    Xt, yt = (read_emoji_csv(test_file) if test_file else
              (None, None) if data_file else load_emoji_data("test"))
    model = cls(vectors_path, random_state=seed, progress=not quiet, **extra).fit(X, y)
    model.save(output)
    result = {"model": kind, "output": str(output), "train_accuracy": model.score(X, y),
              "test_accuracy": None, "confusion_matrix": None}
    if Xt is not None:
        predicted = model.predict(Xt)
        confusion = np.zeros((len(EMOJIS), len(EMOJIS)), dtype=int)
        np.add.at(confusion, (yt, predicted), 1)
        result.update(test_accuracy=float(np.mean(predicted == yt)),
                      confusion_matrix=confusion.tolist())
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"train accuracy {result['train_accuracy']:.3f} ({len(X)} sentences)")
    if Xt is None:
        click.echo(f"wrote {output}")
        return
    click.echo(f"test accuracy  {result['test_accuracy']:.3f} ({len(Xt)} sentences)")
    click.echo("test confusion matrix (rows: true, columns: predicted)")
    click.echo("    " + "".join(f"{e:>4}" for e in range(len(EMOJIS))))
    for label, row in enumerate(confusion):   # emoji are 2 columns wide, whatever len() says
        click.echo(f"{label} {EMOJIS[label]}" + "".join(f"{n:>4}" for n in row))
    click.echo(f"wrote {output}")


@emojify.command()
@click.option("--model", "model_path", required=True, type=click.Path(exists=True),
              help="Model folder written by `wordvec emojify train`.")
@click.option("--vectors", "vectors_path", default=None, metavar="PATH",
              help="Vector store to use instead of the one recorded in the model.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.argument("sentences", nargs=-1, required=True)
def predict(model_path, vectors_path, as_json, sentences):
    """Print the emoji and its probability for each sentence ("-" reads lines from stdin).

    Words are lower-cased; unknown words count as zero vectors. A sentence without any word
    the vectors know has no answer: it is reported on stderr and the exit status is 1.

    \b
    Examples:
      wordvec emojify predict --model emo-mean "not feeling happy" "I love you"
      cat sentences.txt | wordvec emojify predict --model emo-mean - --json
    """
    from wordvec.models.emojify import EMOJI_NAMES, EMOJIS, load, tokenize

    if sentences == ("-",):
        with click.open_file("-") as stdin:
            sentences = [line.strip() for line in stdin if line.strip()]
    model = load(model_path, vectors=vectors_path)
    unknown = [s for s in sentences
               if tokenize(s) and not any(w in model.vectors_ for w in tokenize(s))]
    for sentence in unknown:
        click.echo(f"wordvec: error: no word of {sentence!r} is in the vectors; cannot pick "
                   f"an emoji", err=True)
    sentences = [s for s in sentences if s not in unknown]
    proba = model.predict_proba(sentences) if sentences else []
    rows = []
    for sentence, p in zip(sentences, proba, strict=True):
        best = int(p.argmax())
        label = int(model.classes_[best])
        rows.append({"sentence": sentence, "label": label, "name": EMOJI_NAMES[label],
                     "emoji": EMOJIS[label], "probability": round(float(p[best]), 6)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            click.echo(f"{row['emoji']}  {row['probability']:.3f}  {row['sentence']}")
    if unknown:
        click.get_current_context().exit(1)
