"""wordvec's click front end (installed as `wordvec_cli`); a thin layer over the library."""
