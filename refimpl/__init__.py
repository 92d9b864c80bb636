"""refimpl: a reference implementation of the theory of neural data compression.

Subpackages follow the papers' concepts (see ``docs/architecture.md``): ``random`` (portable
shared randomness), ``coding`` (entropy coders), ``quantization``, ``rcc`` (reverse channel
coding), ``rd`` (rate–distortion–perception), ``diffc``, ``realism``, ``autograd``, ``c3``,
``diffusion``, ``lda``. ``claims`` turns the papers' statements into runnable checks; ``vectors``
and ``conformance`` let other implementations be checked against this one.
"""

__version__ = "0.1.0"
SPEC_VERSION = 1
