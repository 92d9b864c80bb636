"""A worked conformance adapter that does NOT pass the bit-exact groups: constriction's coders.

This is the adapter a user of `constriction` (Bamler, https://bamler-lab.github.io/constriction)
would write to check it against refimpl's coding vectors. It exposes

    rans_encode / rans_decode                 -> constriction.stream.stack.AnsCoder
    range_encode / range_decode               -> constriction.stream.queue.RangeEncoder / RangeDecoder
    rans_encode_family / rans_decode_family   -> AnsCoder with QuantizedGaussian / QuantizedLaplace
    range_encode_family / range_decode_family -> the range coder with the same models

and only *translates*: refimpl's integer table ``cdf`` (total 2**precision) becomes the float
probabilities ``diff(cdf) / 2**precision`` that constriction's ``Categorical(perfect=False)``
takes, compressed words (uint32) become little-endian bytes and back, and exceptions raised by
constriction (or by NumPy while translating) become ValueError. It adds no validation of its
own, so the invalid-input groups show what constriction itself rejects. Logistic families have
no constriction model and raise NotImplementedError (reported as a failure, not a skip).
quantize_pmf and family_cdf are left out (constriction does not expose its integer tables):
the runner skips them.

Run it with

    refimpl conformance --adapter docs/examples/constriction_adapter.py

The measured pass/fail table and the reasons are in docs/conformance.md, section
"A worked example that does not pass: constriction", and tests/conformance/
test_constriction_adapter.py keeps that table honest.
"""

import numpy as np
import constriction

_model = constriction.stream.model  # a native extension: its submodules are attributes, not packages
_queue = constriction.stream.queue
_stack = constriction.stream.stack

_FAMILIES = {"gaussian": "gaussian", 0: "gaussian", "laplace": "laplace", 1: "laplace"}


def _pmf(cdf, precision):
    """refimpl's integer CDF table → constriction's float probabilities (one row per symbol)."""
    c = np.asarray(cdf)
    return np.diff(c, axis=-1).astype(np.float64) / float(2 ** precision)


def _categorical(cdf, precision):
    """(model, per-symbol parameters) for a shared (A+1,) or per-symbol (n, A+1) table."""
    p = _pmf(cdf, precision)
    if p.ndim == 1:
        return _model.Categorical(p, perfect=False), ()
    return _model.Categorical(perfect=False), (np.ascontiguousarray(p),)


def _family(kind, low, high):
    name = _FAMILIES.get(kind)
    if name is None:
        raise NotImplementedError(f"constriction has no quantized {kind!r} family")
    if name == "gaussian":
        return _model.QuantizedGaussian(int(low), int(high))
    return _model.QuantizedLaplace(int(low), int(high))


def _bytes(words):
    return np.asarray(words, dtype="<u4").tobytes()


def _words(data):
    return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


def _translated(f):
    """Call f; an Exception raised by constriction or NumPy becomes ValueError (a clean
    rejection). A Rust panic (pyo3's PanicException, a BaseException) is not a clean rejection:
    it becomes RuntimeError, which the runner reports as a failure."""
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except (ValueError, NotImplementedError):
            raise
        except Exception as e:  # noqa: BLE001 - translate the peer's error types
            raise ValueError(f"{type(e).__name__}: {e}") from e
        except BaseException as e:  # pyo3_runtime.PanicException
            if type(e).__name__ != "PanicException":
                raise
            raise RuntimeError(f"constriction panicked: {e}") from None
    wrapper.__name__ = f.__name__
    wrapper.__doc__ = f.__doc__
    return wrapper


@_translated
def rans_encode(symbols, cdf, precision):
    m, params = _categorical(cdf, precision)
    coder = _stack.AnsCoder()
    coder.encode_reverse(np.asarray(symbols, dtype=np.int32), m, *params)
    return _bytes(coder.get_compressed())


@_translated
def rans_decode(data, cdf, precision, n):
    m, params = _categorical(cdf, precision)
    coder = _stack.AnsCoder(_words(data))
    out = coder.decode(m, *params) if params else coder.decode(m, int(n))
    return np.asarray(out, dtype=np.int64)


@_translated
def range_encode(symbols, cdf, precision):
    m, params = _categorical(cdf, precision)
    coder = _queue.RangeEncoder()
    coder.encode(np.asarray(symbols, dtype=np.int32), m, *params)
    return _bytes(coder.get_compressed())


@_translated
def range_decode(data, cdf, precision, n):
    m, params = _categorical(cdf, precision)
    coder = _queue.RangeDecoder(_words(data))
    out = coder.decode(m, *params) if params else coder.decode(m, int(n))
    return np.asarray(out, dtype=np.int64)


def _loc_scale(loc, scale):
    mu = np.asarray(loc, dtype=np.float64)
    return mu, np.broadcast_to(np.asarray(scale, dtype=np.float64), mu.shape).copy()


@_translated
def rans_encode_family(symbols, kind, loc, scale, low, high, precision):
    mu, sd = _loc_scale(loc, scale)
    coder = _stack.AnsCoder()
    coder.encode_reverse(np.asarray(symbols, dtype=np.int32), _family(kind, low, high), mu, sd)
    return _bytes(coder.get_compressed())


@_translated
def rans_decode_family(data, kind, loc, scale, low, high, precision):
    mu, sd = _loc_scale(loc, scale)
    coder = _stack.AnsCoder(_words(data))
    return np.asarray(coder.decode(_family(kind, low, high), mu, sd), dtype=np.int64)


@_translated
def range_encode_family(symbols, kind, loc, scale, low, high, precision):
    mu, sd = _loc_scale(loc, scale)
    coder = _queue.RangeEncoder()
    coder.encode(np.asarray(symbols, dtype=np.int32), _family(kind, low, high), mu, sd)
    return _bytes(coder.get_compressed())


@_translated
def range_decode_family(data, kind, loc, scale, low, high, precision):
    mu, sd = _loc_scale(loc, scale)
    coder = _queue.RangeDecoder(_words(data))
    return np.asarray(coder.decode(_family(kind, low, high), mu, sd), dtype=np.int64)
