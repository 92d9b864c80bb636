"""Hypothesis strategies for logistic-LDA inference problems (flat items + group offsets)."""

import numpy as np
from hypothesis import strategies as st

from refimpl.lda import lda_group_offsets


@st.composite
def problems(draw, max_groups=4, max_items=12, k_range=(2, 6), lams=(0.0, 0.5, 1.0, 5.0), observed=True):
    """(g, offsets, alpha, lam, c) with random sizes (0 allowed), logit scales and α."""
    K = draw(st.integers(*k_range))
    D = draw(st.integers(1, max_groups))
    sizes = np.array(draw(st.lists(st.integers(0, max_items), min_size=D, max_size=D)), dtype=np.int64)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)  # test data only; explicit seed
    scale = draw(st.sampled_from([0.1, 1.0, 3.0, 10.0]))
    g = rng.normal(size=(int(sizes.sum()), K)) * scale
    alpha = np.exp(rng.uniform(np.log(0.05), np.log(5.0), size=K))
    lam = draw(st.sampled_from(lams))
    if observed and draw(st.booleans()):
        c = rng.integers(-1, K, size=D)
    else:
        c = np.full(D, -1)
    return g, lda_group_offsets(sizes), alpha, lam, c
