"""Baseline systems whose predictions ``newsgold evaluate`` scores.

- :mod:`newsgold.baselines.quotes`: a rule-based quote attributor (quotation
  marks, a cue-verb lexicon, the nearest named speaker, simple pronoun
  resolution); it reads only the document text.
- :mod:`newsgold.baselines.ner`: named entities from an installed spaCy pipeline.

Each writes prediction documents (``schema/prediction.schema.json``), one JSON
object a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def predictions_jsonl(documents: Iterable[dict[str, Any]]) -> str:
    """Prediction documents as JSONL: one compact JSON object a line, keys in a fixed order."""
    return "".join(
        json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n" for d in documents
    )
