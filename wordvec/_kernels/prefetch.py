"""Cache prefetch hints for numba kernels: `llvm.prefetch` on the address of `array[row, col]`.

A kernel that knows which rows it will read next (an HNSW node's neighbours, the next words
of an SGNS window) starts their cache misses early, so that they overlap with work.
"""

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic


def _prefetch_intrinsic(for_writing):
    """An intrinsic `(array, row, col) -> None` hinting the cache line of `array[row, col]`
    (2-D), for reading or for writing, to be kept in all cache levels."""

    @intrinsic
    def prefetch(typingctx, array, row, col):
        def codegen(context, builder, signature, args):
            aryty = signature.args[0]
            ary = context.make_array(aryty)(context, builder, args[0])
            inds = [context.cast(builder, a, t, types.intp)
                    for a, t in zip(args[1:], signature.args[1:], strict=True)]
            ptr = cgutils.get_item_pointer2(context, builder, data=ary.data,
                                            shape=cgutils.unpack_tuple(builder, ary.shape),
                                            strides=cgutils.unpack_tuple(builder, ary.strides),
                                            layout=aryty.layout, inds=inds)
            i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
            fn = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
                "llvm.prefetch.p0i8")
            # rw (0 read, 1 write), locality 3 (keep in all caches), 1 = data cache
            builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, int(for_writing)),
                              ir.Constant(i32, 3), ir.Constant(i32, 1)])
            return context.get_dummy_value()

        return types.void(array, row, col), codegen

    return prefetch


prefetch_for_reading = _prefetch_intrinsic(False)
prefetch_for_writing = _prefetch_intrinsic(True)


def _row_prefetch(prefetch):
    """An inline function `(matrix, row) -> None` hinting every cache line of `matrix[row]`
    (2-D, C order) with the intrinsic `prefetch`."""

    @njit(inline="always")
    def prefetch_row(matrix, row):
        width = matrix.shape[1]
        for col in range(0, width, 16):
            prefetch(matrix, row, col)
        prefetch(matrix, row, width - 1)

    return prefetch_row


prefetch_row_for_reading = _row_prefetch(prefetch_for_reading)
prefetch_row_for_writing = _row_prefetch(prefetch_for_writing)
