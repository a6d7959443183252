"""`wordvec export`: the store as a folder for another tool (TensorBoard's projector)."""

import click

from .common import check_output, load_vectors, vectors_option


@click.command()
@vectors_option
@click.option("--tensorboard", "folder", required=True, metavar="DIR",
              help="Folder to create: tensors.tsv, metadata.tsv, projector_config.pbtxt.")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help="Only the store's first N words (the projector is made for ~100,000).")
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
def export(vectors_path, folder, top, quiet):
    """Write the store for TensorBoard's Embedding Projector.

    DIR must not exist yet (or be empty): a folder of yours is never written into. It
    appears whole, with all three files, or not at all.

    \b
    Examples:
      wordvec export --vectors glove-6b-50d --top 10000 --tensorboard logs/glove
      tensorboard --logdir logs/glove      # then the PROJECTOR tab

    Give TensorBoard DIR itself as --logdir: in a folder of runs it finds only the runs
    that hold event files.
    """
    check_output(folder, vectors_path)
    from wordvec.projector import export_tensorboard

    vectors = load_vectors(vectors_path)
    n = export_tensorboard(vectors, folder, top=top, progress=not quiet)
    click.echo(f"wrote {folder}: {n} words, {vectors.dim} dimensions", err=True)
