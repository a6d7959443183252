"""`python -m wordvec`: the same command line as the `wordvec` script."""

from wordvec_cli.main import main

main(prog_name="wordvec")
