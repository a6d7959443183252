"""Exceptions raised by wordvec; the CLI turns each into a one-line message and exit status 1."""


class WordvecError(Exception):
    """Base class of wordvec's own errors (bad input, not bugs)."""


class FormatError(WordvecError, ValueError):
    """A vector, vocabulary or model file is malformed; the message names the file and line."""

    def __init__(self, path, message, line=None):
        self.path = str(path)
        self.line = line
        where = f"{self.path} line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class TruncatedFileError(FormatError, EOFError):
    """A vector file ends before the words or values its header (or its last line) announces;
    an `EOFError` too, as gensim raises."""
