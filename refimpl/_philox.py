"""Numba kernel for Philox4x64-10; the readable twin is :func:`refimpl.random.philox4x64_10`.

64×64→128-bit products are one LLVM i128 multiply (a Numba intrinsic).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types, uint64
from numba.extending import intrinsic

M0 = uint64(0xD2E7470EE14C6C93)
M1 = uint64(0xCA5A826395121157)
W0 = uint64(0x9E3779B97F4A7C15)
W1 = uint64(0xBB67AE8584CAA73B)


@intrinsic
def mulhilo(typingctx, a, b):
    """(hi, lo) 64-bit words of the 128-bit product a·b, as one LLVM i128 multiply (Numba has
    no 128-bit integer type; assembling the product from 32-bit halves is ≈ 5× slower)."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        x, y = args
        i128 = ir.IntType(128)
        prod = builder.mul(builder.zext(x, i128), builder.zext(y, i128))
        lo = builder.trunc(prod, ir.IntType(64))
        hi = builder.trunc(builder.lshr(prod, ir.Constant(i128, 64)), ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, (hi, lo))

    return sig, codegen


@njit(cache=True, inline="always")
def philox_block(c0, c1, c2, c3, k0, k1):
    """Ten Philox4x64 rounds on counter (c0..c3) with key (k0, k1); returns four words."""
    for r in range(10):
        if r > 0:
            k0 = k0 + W0
            k1 = k1 + W1
        hi0, lo0 = mulhilo(M0, c0)
        hi1, lo1 = mulhilo(M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


@njit(cache=True)
def philox_words(k0, k1, stream, index, width):
    """Words ``0..width-1`` of every element of ``index`` on ``stream``: out[i, j] is word j % 4
    of the block with counter (index[i], j // 4, stream, 0)."""
    n = index.shape[0]
    out = np.empty((n, width), dtype=np.uint64)
    nblocks = (width + 3) // 4
    for i in range(n):
        for b in range(nblocks):
            w0, w1, w2, w3 = philox_block(index[i], uint64(b), stream, uint64(0), k0, k1)
            j = 4 * b
            if j < width:
                out[i, j] = w0
            if j + 1 < width:
                out[i, j + 1] = w1
            if j + 2 < width:
                out[i, j + 2] = w2
            if j + 3 < width:
                out[i, j + 3] = w3
    return out


@njit(cache=True, inline="always")
def word_to_uniform(x):
    """u ∈ [0, 1) from the top 53 bits of a word."""
    return float(x >> uint64(11)) * 1.1102230246251565e-16


@njit(cache=True, inline="always")
def word_to_open_uniform(x):
    """u ∈ (0, 1): the top 52 bits of a word plus half a step, times 2^-52 (53 bits would round
    the largest word up to exactly 1.0)."""
    return (float(x >> uint64(12)) + 0.5) * 2.220446049250313e-16


def _cython_ndtri():
    """scipy's own ``ndtri`` as a Numba-callable function, so kernels draw the same normals as NumPy code."""
    import ctypes

    from numba.extending import get_cython_function_address

    addr = get_cython_function_address("scipy.special.cython_special", "ndtri")
    return ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(addr)


ndtri = _cython_ndtri()


@njit(cache=True, inline="always")
def word_to_normal(x):
    """Standard normal by the inverse CDF of an open-interval uniform (never a ziggurat)."""
    return ndtri(word_to_open_uniform(x))
