"""Logistic LDA (Korshunova, Xiong, Fedoryszak & Theis, NeurIPS 2019): mean-field inference
(U1)–(U3), the ELBO, and the training regimes. Spec: ``specs/logistic_lda.md``; tutorial:
``docs/logistic_lda.md``. Every public name starts with ``lda_`` (the conformance surface)."""

from .inference import (
    LdaPosterior,
    lda_elbo_nats,
    lda_group_offsets,
    lda_infer,
    lda_infer_twin,
    lda_update_alpha_hat,
    lda_update_items,
    lda_update_labels,
)
from .special import lda_digamma

__all__ = [
    "LdaPosterior",
    "lda_digamma",
    "lda_group_offsets",
    "lda_update_items",
    "lda_update_labels",
    "lda_update_alpha_hat",
    "lda_elbo_nats",
    "lda_infer",
    "lda_infer_twin",
]
