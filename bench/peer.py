"""The peer's whole job in one process: ``python -m bench.peer SHARD.jsonl ...``.

spaCy's ``PhraseMatcher`` over every gazetteer name (case-insensitive), built at start, then run
over every article of the shards; prints the number of articles and matches. Timed from outside
(``bench.process``) like ``frontline places`` on the same files, so both pay for start-up.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    """Match the articles of the shards named in ``argv``."""
    import spacy
    from spacy.matcher import PhraseMatcher

    from geo.gazetteer import Gazetteer

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    names = sorted({name for place in Gazetteer.load() for name in place.names})
    matcher.add("PLACE", [nlp.make_doc(name) for name in names])  # as bench.measure's peer
    docs = matches = 0
    for path in argv:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    docs += 1
                    matches += len(matcher(nlp.make_doc(json.loads(line)["text"])))
    print(json.dumps({"docs": docs, "matches": matches}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
