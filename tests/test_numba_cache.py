"""numba's on-disk cache of a kernel must not outlive a change to a helper it inlines from
another file (`wordvec/_kernels/numba_cache.py`).

Each check builds a small kernel folder in a temporary package: `numba_cache.py` copied from
wordvec, a helper file, and a kernel file that inlines the helper and caches with
`@njit(cache=True)`; then it runs the kernel in fresh processes, as users and the native
library builder do.
"""

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import wordvec._kernels.numba_cache as numba_cache

HELPER = "from numba import njit\n\n\n@njit(inline='always')\ndef step():\n    return {}\n"
KERNEL = textwrap.dedent("""\
    from numba import njit

    {registration}
    from .helper import step


    @njit(cache=True)
    def kernel(n):
        total = 0
        for _ in range(n):
            total += step()
        return total
    """)
RUN = ("from pkg._kernels.kernel import kernel; kernel(3); "
       "print(kernel(3), kernel.stats.cache_hits.most_common(1)[0][1] "
       "if kernel.stats.cache_hits else 0)")


def make_package(root, registration=True):
    kernels = root / "pkg" / "_kernels"
    kernels.mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (kernels / "__init__.py").write_text("")
    shutil.copy(numba_cache.__file__, kernels / "numba_cache.py")
    (kernels / "helper.py").write_text(HELPER.format(1))
    line = "from . import numba_cache  # noqa: F401" if registration else ""
    (kernels / "kernel.py").write_text(KERNEL.format(registration=line))
    return kernels


def run(root):
    """(result of kernel(3), cache hits) in a fresh process."""
    out = subprocess.run([sys.executable, "-c", RUN], cwd=root, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


def test_a_changed_helper_recompiles_the_kernel_that_inlines_it(tmp_path):
    kernels = make_package(tmp_path)
    assert run(tmp_path) == (3, 0)          # compiled, then written to the cache
    assert run(tmp_path) == (3, 1)          # served from the cache
    (kernels / "helper.py").write_text(HELPER.format(2))
    assert run(tmp_path) == (6, 0)          # the helper's change reaches the kernel
    assert run(tmp_path) == (6, 1)          # and the new code is cached in its turn


def test_without_the_locator_numba_serves_the_stale_kernel(tmp_path):
    """The failure the locator prevents, shown on numba itself: if this starts to fail,
    numba keys its cache by inlined helpers on its own and the locator can go."""
    kernels = make_package(tmp_path, registration=False)
    assert run(tmp_path) == (3, 0)
    (kernels / "helper.py").write_text(HELPER.format(2))
    assert run(tmp_path) == (3, 1)


def test_every_cached_kernel_module_registers_the_locator():
    folder = Path(numba_cache.__file__).parent
    for path in sorted(folder.glob("*.py")):
        source = path.read_text()
        if re.search(r"^@(numba\.)?njit\([^)]*cache=True", source, re.M):
            assert "from . import numba_cache" in source, path.name
