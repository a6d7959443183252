"""`wordvec music`: the course's LSTM solo, trained on scores, sampled to MIDI."""

import json

import click

from .common import COUNT, POSITIVE, SEED, check_output


@click.group()
def music():
    """Train an LSTM on scores, improvise a solo as a MIDI file, describe a MIDI file.

    Needs the extra: pip install 'wordvec[music]' (music21 and mido).

    \b
    Examples:
      wordvec music train bach-chorales --pieces 60 -o chorales.model
      wordvec music sample --model chorales.model -o solo.mid --piano-roll solo.png
      wordvec music info solo.mid
    """


@music.command()
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(), help="Model folder to write.")
@click.option("--tokens", type=click.Choice(["grammar", "notes"]), default="grammar",
              show_default=True,
              help="The course's grammar against the chords, or plain pitch,duration notes "
                   "(monophonic tunes).")
@click.option("--pieces", type=COUNT, default=None, help="Read at most this many pieces.")
@click.option("--max-values", type=click.IntRange(min=2), default=78, show_default=True,
              help="Values kept; rarer tokens become <unk>.")
@click.option("--hidden", type=COUNT, default=64, show_default=True, help="LSTM units.")
@click.option("--window", type=click.IntRange(min=2), default=30, show_default=True,
              help="Tokens per training window (Tx).")
@click.option("--windows", type=COUNT, default=60, show_default=True,
              help="Training windows drawn from the corpus (m).")
@click.option("--epochs", type=COUNT, default=100, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def train(sources, output, tokens, pieces, max_values, hidden, window, windows, epochs, seed,
          as_json, quiet):
    """Train the LSTM on scores; prints the loss every 10 epochs.

    SOURCE is a music21 corpus name (bach-chorales, essen, oneills), a music21 corpus path
    (bach/bwv66.6), or a MIDI / MusicXML / ABC file or folder of them.

    \b
    Example:
      wordvec music train bach-chorales --pieces 60 -o chorales.model
      wordvec music train essen --tokens notes --pieces 300 -o folk.model
    """
    check_output(output, *sources)
    from wordvec.models.music import MusicLSTM
    from wordvec.music.tokens import read_corpus

    corpus = read_corpus(list(sources), tokens=tokens, pieces=pieces)
    model = MusicLSTM(hidden=hidden, max_values=max_values, window=window, n_windows=windows,
                      epochs=epochs, random_state=seed, progress=not quiet).fit(corpus)
    model.save(output)
    history = model.loss_history_
    marks = sorted({0, *range(9, len(history), 10), len(history) - 1})
    summary = {"output": str(output), "pieces": len(corpus.sequences),
               "tokens": sum(map(len, corpus.sequences)), "values": len(model.values_),
               "parameters": model.n_parameters(),
               "loss": {int(i + 1): round(float(history[i]), 4) for i in marks}}
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"{summary['pieces']} pieces, {summary['tokens']} tokens, "
               f"{summary['values']} values, {summary['parameters']:,} parameters; loss:")
    for epoch, loss in summary["loss"].items():
        click.echo(f"  epoch {epoch:>4}  {loss:.3f}")
    click.echo(f"wrote {output}")


@music.command()
@click.option("--model", "model_path", required=True, type=click.Path(exists=True),
              help="Model folder written by `wordvec music train`.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="MIDI file to write.")
@click.option("--steps", type=COUNT, default=50, show_default=True, help="Values to generate.")
@click.option("--temperature", type=POSITIVE, default=None,
              help="Sample at this temperature instead of greedily (the course's argmax).")
@click.option("--top-k", type=COUNT, default=None,
              help="With --temperature: draw from the K likeliest values only.")
@click.option("--primer", default="", help="Space-separated tokens to read before generating.")
@click.option("--bpm", type=click.FloatRange(1, 1000), default=130.0, show_default=True,
              help="Tempo of the MIDI file.")
@click.option("--piano-roll", type=click.Path(dir_okay=False), default=None,
              help="Also draw the solo (and its chords) as a PNG.")
@click.option("--seed", type=SEED, default=None, help="Random seed (sampling and pitches).")
@click.option("--json", "as_json", is_flag=True,
              help="Tokens, notes and measures against the corpus as JSON.")
def sample(model_path, output, steps, temperature, top_k, primer, bpm, piano_roll, seed,
           as_json):
    """Improvise a solo: generate values, turn them into notes against the corpus's chords,
    write a MIDI file; prints how the solo compares with the corpus.

    \b
    Example:
      wordvec music sample --model chorales.model -o solo.mid --steps 50 --seed 0
      wordvec music sample --model chorales.model -o hot.mid --temperature 1.0 --seed 1
    """
    if top_k is not None and temperature is None:
        raise click.UsageError("--top-k needs --temperature (greedy sampling takes the top 1)")
    check_output(output, model_path)
    check_output(piano_roll, model_path)
    from wordvec.models.music import MusicLSTM, improvise, solo_measures
    from wordvec.music.render import piano_roll as draw
    from wordvec.music.render import write_midi

    model = MusicLSTM.load(model_path)
    solo = improvise(model, steps, temperature, top_k, primer.split(), random_state=seed)
    if not solo.melody:
        raise click.ClickException("the solo has no notes (only rests); try --temperature")
    write_midi(output, solo.melody, solo.chords, bpm=bpm)
    if piano_roll:
        draw(piano_roll, solo.melody, solo.chords,
             title=f"{output}: {steps} values, "
                   f"{'greedy' if temperature is None else f'temperature {temperature:g}'}")
    measures = solo_measures(model, solo)
    if as_json:
        click.echo(json.dumps({"output": str(output), "tokens": solo.tokens, **measures}))
        return
    click.echo(" ".join(solo.tokens))
    click.echo(", ".join(f"{k} {v}" for k, v in measures.items() if v is not None))
    click.echo(f"wrote {output}" + (f" and {piano_roll}" if piano_roll else ""))


@music.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--piano-roll", type=click.Path(dir_okay=False), default=None,
              help="Also draw the notes as a PNG (the first track in colour).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info(file, piano_roll, as_json):
    """Tracks, notes, length and tempo of a MIDI file or a score.

    \b
    Example:
      wordvec music info solo.mid --piano-roll solo.png
    """
    check_output(piano_roll, file)
    from wordvec.music.render import info as describe
    from wordvec.music.render import piano_roll as draw

    facts = describe(file, with_notes=bool(piano_roll))
    tracks = facts.pop("notes_by_track", None)
    if piano_roll:
        melody = next((t for t in tracks if t), [])
        draw(piano_roll, melody, [n for t in tracks if t is not melody for n in t], title=file)
    if as_json:
        click.echo(json.dumps(facts))
        return
    for key, value in facts.items():
        click.echo(f"{key}: {value}")
