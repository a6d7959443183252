"""`wordvec emojify`: train the Emojify classifier on the course data, predict emoji."""

import json

import click

from .common import vectors_option


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
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def train(vectors_path, kind, seed, epochs, output, as_json, quiet):
    """Train on the course's 132 sentences and report accuracy on its 56 test sentences.

    The model folder records the path of the vectors; `predict` reads them from there
    (or from --vectors).

    \b
    Example:
      wordvec emojify train --vectors glove-6b-50d --model mean -o emo-mean
    """
    import numpy as np

    from wordvec.models.emojify import (
        EMOJIS,
        EmojifierLSTM,
        EmojifierMean,
        load_emoji_data,
    )

    cls = EmojifierMean if kind == "mean" else EmojifierLSTM
    extra = {} if epochs is None else {"epochs": epochs}
    X, y = load_emoji_data("train")
    Xt, yt = load_emoji_data("test")
    model = cls(vectors_path, random_state=seed, progress=not quiet, **extra).fit(X, y)
    model.save(output)
    predicted = model.predict(Xt)
    confusion = np.zeros((len(EMOJIS), len(EMOJIS)), dtype=int)
    np.add.at(confusion, (yt, predicted), 1)
    result = {"model": kind, "output": str(output), "train_accuracy": model.score(X, y),
              "test_accuracy": float(np.mean(predicted == yt)),
              "confusion_matrix": confusion.tolist()}
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"train accuracy {result['train_accuracy']:.3f} ({len(X)} sentences)")
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

    Words are lower-cased; unknown words count as zero vectors.

    \b
    Examples:
      wordvec emojify predict --model emo-mean "not feeling happy" "I love you"
      cat sentences.txt | wordvec emojify predict --model emo-mean - --json
    """
    from wordvec.models.emojify import EMOJI_NAMES, EMOJIS, load

    if sentences == ("-",):
        with click.open_file("-") as stdin:
            sentences = [line.strip() for line in stdin if line.strip()]
    model = load(model_path, vectors=vectors_path)
    proba = model.predict_proba(list(sentences))
    rows = []
    for sentence, p in zip(sentences, proba, strict=True):
        best = int(p.argmax())
        label = int(model.classes_[best])
        rows.append({"sentence": sentence, "label": label, "name": EMOJI_NAMES[label],
                     "emoji": EMOJIS[label], "probability": round(float(p[best]), 6)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['emoji']}  {row['probability']:.3f}  {row['sentence']}")
