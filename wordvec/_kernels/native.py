"""Numba kernels kept as shared libraries, so that later runs call them without numba.

Loading even a cached numba kernel brings in numba, LLVM and their registries: about 120 MB
and half a second, more memory than an SGNS run's vectors on a mid-sized corpus. So a kernel
with a C-ABI entry point (pointers and sizes in, results written through pointers) is compiled
once by numba, emitted as position-independent machine code, linked by the C compiler into a
shared library in the cache (`$WORDVEC_CACHE/kernels` or `~/.cache/wordvec/kernels`), and
from then on loaded with ctypes, which also releases the GIL during the call.

The library's name carries a hash of the kernel's source, the numba and llvmlite versions
and the CPU, so a changed kernel or machine builds a new one. Where it cannot be built (no
C compiler, not Linux, a kernel that needs numba's runtime) or `WORDVEC_NATIVE=0` is set, the
caller uses the numba dispatcher instead: same machine code, same results, more memory.
"""

import contextlib
import ctypes
import hashlib
import importlib.util
import logging
import os
import sys
import time
from pathlib import Path

from .._atomic import atomic_path

log = logging.getLogger("wordvec")

#: C argument types an entry point may take: name -> ctypes type (pointers are passed as
#: addresses). The numba types are looked up only when building.
C_TYPES = {
    "float32*": ctypes.c_void_p, "float64*": ctypes.c_void_p, "int32*": ctypes.c_void_p,
    "int64*": ctypes.c_void_p, "uint32*": ctypes.c_void_p, "uint8*": ctypes.c_void_p,
    "int64": ctypes.c_int64, "uint64": ctypes.c_uint64, "float64": ctypes.c_double,
}

#: A kernel's libraries for other sources, numba versions or CPUs that have not been loaded for
#: this many days are deleted when a new one is built.
STALE_DAYS = 30

# What the machine code may still call once everything else is stripped: the C maths library.
_ALLOWED_EXTERNALS = {"log", "logf", "exp", "expf", "sqrt", "sqrtf", "pow", "powf", "log1p",
                      "log1pf", "expm1", "expm1f", "memset", "memcpy", "memmove"}


class NativeUnavailable(Exception):
    """The kernel cannot be built or loaded as a shared library here (the reason)."""


def numba_signature(c_args):
    """The numba `void(...)` signature for `c_args`, a sequence of (name, C type) pairs."""
    from numba import types

    def one(spec):
        if spec.endswith("*"):
            return types.CPointer(getattr(types, spec[:-1]))
        return getattr(types, spec)

    return types.void(*[one(spec) for _, spec in c_args])


class NativeKernel:
    """One C-ABI kernel: `build()` returns its numba `cfunc`; `load()` returns a function of
    the `c_args` that calls the library (numba's native calling convention: two result slots
    first, a status returned, non-zero raising `RuntimeError`), or None where only the
    dispatcher can run it.

    Parameters
    ----------
    name : str
        File-name stem of the library and exported symbol.
    c_args : sequence of (name, C type)
        The entry point's arguments; types are keys of `C_TYPES`.
    sources : sequence of path
        Files whose content the compiled code depends on (part of the cache key).
    build : callable
        Compiles and returns the numba `cfunc` (imports numba; called only on a cache miss).
    """

    def __init__(self, name, c_args, sources, build):
        self.name, self.c_args, self.sources, self.build = name, tuple(c_args), sources, build
        self._loaded = None  # (function or None,) once tried

    @property
    def symbol(self):
        return f"wordvec_{self.name}"

    def load(self):
        """The ctypes entry point, built into the cache on first use; None if unavailable."""
        if self._loaded is None:
            try:
                self._loaded = (self._load(),)
            except (NativeUnavailable, OSError) as exc:  # OSError: an unwritable cache
                log.info("%s: using the numba dispatcher (%s)", self.name, exc)
                self._loaded = (None,)
        return self._loaded[0]

    def _load(self):
        if os.environ.get("WORDVEC_NATIVE", "1") == "0":
            raise NativeUnavailable("WORDVEC_NATIVE=0")
        if sys.platform != "linux":
            raise NativeUnavailable(f"shared-library kernels are built on Linux only, "
                                    f"not {sys.platform}")
        path = self.library_path()
        if path.exists():
            try:
                return self._open(path)
            except NativeUnavailable as exc:  # damaged: build it again, once
                log.info("%s; building it again", exc)
        self._build(path)
        return self._open(path)

    def _open(self, path):
        try:
            function = getattr(ctypes.CDLL(str(path)), self.symbol)
        except (OSError, AttributeError) as exc:
            raise NativeUnavailable(f"{path}: {exc}") from exc
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: `_remove_stale` keeps it
        function.argtypes = [ctypes.c_void_p, ctypes.c_void_p] + [C_TYPES[t] for _, t in
                                                                  self.c_args]
        function.restype = ctypes.c_int32

        def call(*c_args):
            status = function(ctypes.byref(ctypes.c_void_p()), ctypes.byref(ctypes.c_void_p()),
                              *c_args)
            if status != 0:
                raise RuntimeError(f"{self.name}: the native kernel failed (status {status})")

        return call

    def library_path(self):
        """Where this kernel's library is (or will be) kept for this source, numba and CPU."""
        digest = hashlib.sha256()
        for source in [*self.sources, __file__]:
            digest.update(Path(source).read_bytes())
        for package in ("numba", "llvmlite"):
            digest.update(_version_file(package))
        digest.update(repr((self.c_args, os.uname().machine, _cpu_identity())).encode())
        from .._cache import cache_dir

        return cache_dir() / "kernels" / f"{self.name}-{digest.hexdigest()[:16]}.so"

    def _build(self, path):
        import shutil
        import subprocess
        import tempfile

        compiler = os.environ.get("CC") or "cc"
        if shutil.which(compiler) is None:
            raise NativeUnavailable(f"no C compiler ({compiler!r}) to link the kernel")
        try:
            obj = self._object_code()
        except NativeUnavailable:
            raise
        except Exception as exc:  # numba or llvmlite internals changed: fall back, say why
            raise NativeUnavailable(f"could not compile: {type(exc).__name__}: {exc}") from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            obj_path = Path(tmp) / f"{self.name}.o"
            obj_path.write_bytes(obj)
            try:
                with atomic_path(path) as out:
                    subprocess.run([compiler, "-shared", "-o", str(out), str(obj_path), "-lm"],
                                   check=True, capture_output=True, text=True)
            except (OSError, subprocess.CalledProcessError) as exc:
                detail = getattr(exc, "stderr", "") or str(exc)
                raise NativeUnavailable(f"{compiler} failed: {detail.strip()}") from exc
        self._remove_stale(path)

    def _remove_stale(self, path, days=STALE_DAYS):
        """Delete this kernel's other libraries (older sources, numba versions or CPUs) that
        no process has loaded for `days` days; every load touches the library it opens, so
        two installed versions in use keep theirs."""
        cutoff = time.time() - days * 86400
        for other in path.parent.glob(f"{self.name}-*.so"):
            with contextlib.suppress(OSError):
                if other != path and other.stat().st_mtime < cutoff:
                    other.unlink()

    def _object_code(self):
        """Compile the cfunc and emit its native function alone as PIC machine code."""
        import llvmlite.binding as llvm

        cfunc = self.build()
        # The cfunc's library holds its C wrapper ("cfunc." + name) and the native function,
        # with everything it calls linked in; the native function is our entry point.
        entry = cfunc.native_name.removeprefix("cfunc.")
        module = llvm.parse_assembly(cfunc._library.get_llvm_str())
        # Keep only what the native function reaches: the cfunc's Python-facing wrapper and
        # the dispatcher's CPython wrappers would tie the library to numba's runtime.
        for fn in module.functions:
            if not fn.is_declaration:
                if fn.name == entry:
                    fn.name = self.symbol
                else:
                    fn.linkage = "internal"
        for gv in module.global_variables:
            if not gv.is_declaration:
                gv.linkage = "internal"
        machine = llvm.Target.from_default_triple().create_target_machine(
            cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
            opt=3, reloc="pic", codemodel="default")
        passes = llvm.create_new_module_pass_manager()
        passes.add_global_dead_code_eliminate_pass()
        passes.add_strip_dead_prototype_pass()
        passes.run(module, llvm.create_pass_builder(machine, llvm.PipelineTuningOptions()))
        needed = sorted({fn.name for fn in module.functions
                         if fn.is_declaration and not fn.name.startswith("llvm.")}
                        - _ALLOWED_EXTERNALS)
        needed += sorted(gv.name for gv in module.global_variables if gv.is_declaration)
        if needed:
            raise NativeUnavailable(f"the kernel needs numba's runtime ({', '.join(needed)})")
        return machine.emit_object(module)


def _version_file(package):
    """The bytes of `package`'s `_version.py` (numba's and llvmlite's say their version),
    found without importing the package or importlib.metadata (tens of ms per process)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise NativeUnavailable(f"{package} is not installed")
    try:
        return (Path(spec.submodule_search_locations[0]) / "_version.py").read_bytes()
    except OSError as exc:
        raise NativeUnavailable(f"cannot read {package}'s version: {exc}") from exc


def _cpu_identity():
    """The CPU model and feature flags, which decide the machine code numba emits."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError as exc:
        raise NativeUnavailable(f"cannot identify the CPU: {exc}") from exc
    keep = [line for line in text.splitlines()
            if line.startswith(("model name", "flags", "vendor_id"))]
    return "\n".join(sorted(set(keep)))
