"""Logistic LDA (Korshunova, Xiong, Fedoryszak & Theis, NeurIPS 2019): mean-field inference
(U1)–(U3), the ELBO, the training regimes (A)–(D), the MLP baseline, the streaming estimator and
the digest's toy. Spec: ``specs/logistic_lda.md``; tutorial: ``docs/logistic_lda.md``.
Every public name starts with ``lda_`` / ``Lda`` (the conformance surface)."""

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
from .online import LdaOnlineState, lda_online_pass, lda_online_step
from .special import lda_digamma
from .toy import (LdaToyAccuracy, LdaToyData, lda_toy_accuracies, lda_toy_data, lda_toy_data_given_means,
                  lda_toy_ideal_logits)
from .training import (
    LdaTrained,
    lda_erm_loss,
    lda_mlp,
    lda_mlp_group_predictions,
    lda_mlp_init,
    lda_topic_usage_objective,
    lda_topic_usage_target,
    lda_train_erm,
    lda_train_mlp_baseline,
    lda_train_vi,
    lda_unrolled_inference,
    lda_vi_loss,
)

from . import inference as _inference
from . import online as _online
from . import special as _special
from . import toy as _toy
from . import training as _training

__all__ = [*_inference.__all__, *_online.__all__, *_special.__all__, *_toy.__all__, *_training.__all__]
