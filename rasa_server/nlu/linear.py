"""Linear classifiers' weights laid out for scoring one sparse message at a time.

scikit-learn scores sparse features as `X @ coef_.T`. scipy's sparse-times-dense product needs the
dense side C-contiguous, and `coef_.T` of scikit-learn's C-ordered `coef_` is not, so scipy copied
the whole weight matrix on every message: for the answer selector (185 answers × ~9,000 features)
and the intent classifier together, 4 of the 16 ms of CPU the NLU spent on a message
(docs/performance.md). Keeping `coef_` in Fortran order makes `coef_.T` C-contiguous: the same
numbers, so the same probabilities, and no copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def lay_out_for_sparse_rows(classifier: Any) -> None:
    """Stores a fitted linear classifier's `coef_` in Fortran order (once; a no-op after)."""
    coef = getattr(classifier, "coef_", None)
    if coef is not None and not coef.flags.f_contiguous:
        classifier.coef_ = np.asfortranarray(coef)
