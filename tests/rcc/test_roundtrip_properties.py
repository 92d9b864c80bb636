"""Property tests: every categorical encoder's stream decodes to its sample, for random (q, p, seed)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.rcc import (gprs_decode_categorical, gprs_encode_categorical, grs_decode_categorical,
                         grs_encode_categorical, grs_mu_hat, pfr_decode_categorical, pfr_encode_categorical,
                         select_categorical_fast)

qp = st.tuples(st.integers(2, 12), st.floats(0.2, 2.0), st.integers(0, 2**32 - 1))


def _make(a, alpha, s):
    rng = np.random.Generator(np.random.Philox(key=s))
    q = rng.dirichlet(np.ones(a) * alpha)
    p = rng.dirichlet(np.ones(a) * 2.0)
    return q / q.sum(), p / p.sum()


@settings(max_examples=40)
@given(qp, st.integers(0, 2**128 - 1), st.floats(0.05, 20.0))
def test_encoders_round_trip(params, seed, mu_hat):
    q, p = _make(*params)
    for enc, dec in ((pfr_encode_categorical, pfr_decode_categorical),
                     (grs_encode_categorical, grs_decode_categorical),
                     (gprs_encode_categorical, gprs_decode_categorical)):
        e = enc(q, p, seed, mu_hat=mu_hat)
        assert dec(e.data, e.nbits, p, seed, mu_hat) == e.sample
        assert q[e.sample] > 0


@settings(max_examples=30)
@given(qp, st.integers(0, 2**64 - 1))
def test_exact_pfr_and_grs_equal_the_truncated_kernels(params, seed):
    q, p = _make(*params)
    e = pfr_encode_categorical(q, p, seed)
    assert select_categorical_fast(q, p, e.iterations + 3, [seed], "pfr")[0][0] == e.index
    g = grs_encode_categorical(q, p, seed, mu_hat=grs_mu_hat(q, p))
    assert select_categorical_fast(q, p, g.iterations, [seed], "grs")[0][0] == g.index
