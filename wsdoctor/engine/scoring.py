"""Named weights and small pure helpers for combining evidence into scores."""

from __future__ import annotations

import math

# How much each kind of evidence can move a cause (scores are additive).
W_LOG = 3.0            # noisy-or of matched signatures, in [0, 1]
W_CONFIG = 2.0         # noisy-or of proxy config findings (a setting that breaks sockets, not an observed failure)
W_TIMING = 0.4        # a drop after a product's default idle timeout (engine/timing.py)
W_BAYES = 1.5         # naive Bayes posterior of the whole description (engine/bayes.py)
W_SEMANTIC = 1.0      # share of the description's meaning closest to this cause (engine/semantic.py)
W_BM25_DESC = 1.6      # relative BM25 of the description against each playbook
W_BM25_LOGS = 0.25     # relative BM25 of the log text (catches words no signature names)
W_DESC_SYMPTOM = 0.8   # symptoms recognised in the description
W_DESC_PATTERN = 1.6   # ... recognised by one of their regex patterns (a precise reading)
W_ANSWER = 1.6         # explicit yes/no answers to symptoms
W_ANSWER_OTHER = 0.25  # a "yes" to a symptom this cause does not list
W_TOPO = 0.6           # each topology key named in applies_when
W_TOPO_ANY = 0.2       # ... when the playbook only asks for the component to be present
W_EXCLUDE = -2.5       # topology that rules the cause out
W_SCHEME = -1.0        # the socket URL's scheme rules the cause out (wss:// is never mixed content)
W_UNSEEN = -1.0        # nothing in between is named or seen: causes that need a proxy, CDN or balancer drop
W_DIRECT = -1.0        # the socket URL is an app port on localhost: proxy, CDN and balancer causes drop
W_NO_TLS = -1.0        # nothing mentions HTTPS, wss, TLS or a certificate: causes that need TLS drop
SYMPTOM_COVERAGE = 0.5 # share of a symptom phrase the description must contain
MIN_EVIDENCE = 0.3     # below this (without topology) a cause is not listed
NULL_SCORE = 1.0       # the "none of these" alternative in the confidence softmax
TEMPERATURE = 0.55


def noisy_or(values: list[float]) -> float:
    p = 1.0
    for v in values:
        p *= 1.0 - max(0.0, min(1.0, v))
    return 1.0 - p


def softmax_confidence(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    top = max(max(scores.values()), NULL_SCORE)
    exp = {k: math.exp((v - top) / TEMPERATURE) for k, v in scores.items()}
    total = sum(exp.values()) + math.exp((NULL_SCORE - top) / TEMPERATURE)
    return {k: v / total for k, v in exp.items()}


def entropy(ps: list[float]) -> float:
    return -sum(p * math.log2(p) for p in ps if p > 0)
BM25_DAMP = 3.0        # BM25 score at which a description match counts in full
