"""`wordvec charlm`: a character-level language model over names (Dinosaurus Island)."""

import json

import click

from .common import POSITIVE, SEED, check_output


@click.group()
def charlm():
    """Train a character RNN on a list of names, then sample new names.

    \b
    Examples:
      wordvec charlm train dinos.txt -o dino-rnn --cell rnn --iterations 35000
      wordvec charlm sample --model dino-rnn -n 10 --seed 0
    """


@charlm.command()
@click.argument("names_file", metavar="NAMES.txt", type=click.File("rb"))
@click.option("-o", "--output", required=True, type=click.Path(), help="Model folder to write.")
@click.option("--cell", type=click.Choice(["rnn", "gru", "lstm"]), default="rnn",
              show_default=True, help="Recurrent cell.")
@click.option("--hidden", type=click.IntRange(min=1), default=50, show_default=True,
              help="Hidden units.")
@click.option("--iterations", type=click.IntRange(min=1), default=35000, show_default=True,
              help="SGD steps, one name each.")
@click.option("--learning-rate", type=POSITIVE, default=0.01,
              show_default=True)
@click.option("--clip", type=POSITIVE, default=5.0,
              show_default=True, help="Clip every gradient into [-clip, clip].")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def train(names_file, output, cell, hidden, iterations, learning_rate, clip, seed, as_json,
          quiet):
    """Train on NAMES.txt, one name per line ("-" for stdin); prints the smoothed loss.

    Names are lower-cased (as in the course).

    \b
    Example:
      wordvec charlm train dinos.txt -o dino-gru --cell gru --iterations 35000
    """
    check_output(output, names_file)
    from wordvec._lines import decode_utf8
    from wordvec.models.charlm import CharLM, read_names

    model = CharLM(cell=cell, hidden=hidden, iterations=iterations, learning_rate=learning_rate,
                   clip=clip, random_state=seed, progress=not quiet)
    model.fit(read_names(decode_utf8(names_file.read(), names_file.name), names_file.name))
    model.save(output)
    history = model.loss_history_
    marks = sorted({0, *range(999, len(history), max(len(history) // 10, 1000)),
                    len(history) - 1})
    curve = {int(i + 1): round(float(history[i]), 4) for i in marks}
    if as_json:
        click.echo(json.dumps({"output": str(output), "names": len(model.names_),
                               "vocab": len(model.vocab_), "smoothed_loss": curve}))
        return
    click.echo(f"{len(model.names_)} names, {len(model.vocab_)} characters; smoothed loss:")
    for it, loss in curve.items():
        click.echo(f"  iteration {it:>7}  {loss:.3f}")
    click.echo(f"wrote {output}")


@charlm.command()
@click.option("--model", "model_path", required=True, type=click.Path(exists=True),
              help="Model folder written by `wordvec charlm train`.")
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many names.")
@click.option("--temperature", type=POSITIVE, default=1.0,
              show_default=True, help="Below 1: safer names; above 1: wilder.")
@click.option("--max-length", type=click.IntRange(min=1), default=50, show_default=True,
              help="Stop a name after this many characters.")
@click.option("--seed", type=SEED, default=None, help="Random seed.")
@click.option("--json", "as_json", is_flag=True,
              help='A list of {"name", "new"} ("new": not in the training names).')
def sample(model_path, count, temperature, max_length, seed, as_json):
    """Sample names, one per line, feeding each character back in.

    \b
    Example:
      wordvec charlm sample --model dino-rnn -n 10 --temperature 0.8 --seed 1
    """
    from wordvec.models.charlm import CharLM

    model = CharLM.load(model_path)
    names = model.sample(count, temperature=temperature, max_length=max_length,
                         random_state=seed)
    if as_json:
        known = set(model.names_)
        click.echo(json.dumps([{"name": n, "new": n not in known} for n in names],
                              ensure_ascii=False))
        return
    for name in names:
        click.echo(name.capitalize())
