"""The parser's faster attribute ruler and lemmatizer give what spaCy's own give."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

import pytest

from geo.extract._syntax import MODEL, FastRuler, Parser

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc

spacy = pytest.importorskip("spacy")

# Invented sentences, with the model's multi-word exceptions ("gonna", "let's", "there is").
SENTENCES = [
    "Side A fighters seized Town X on Monday after heavy clashes, a spokesman said.",
    "There is fighting near the airport; y'all ain't gonna hold it, let's go.",
    "The town's defenders were driven out by Group B, which has controlled it since 3 May.",
    "   ",
    "Reinforcements gotta reach the bridges, c'mon, before they are bombed again!",
]


def _rows(docs: Iterable[Doc]) -> list[tuple[str, str, str, str, str, str, int]]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for d in docs for t in d
    ]


def test_fast_ruler_and_lemmas_equal_spacy() -> None:
    try:
        stock = spacy.load(MODEL, exclude=["ner", "senter"])
    except OSError:
        pytest.skip("the parser's model is not installed")
    fast = Parser().nlp
    ruler = cast("AttributeRuler", fast.get_pipe("attribute_ruler"))
    assert "match" in vars(ruler)  # the fast matcher is in place
    assert _rows(list(fast.pipe(SENTENCES * 2))) == _rows(list(stock.pipe(SENTENCES * 2)))
    with stock.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        docs = list(stock.pipe(SENTENCES))
    own = cast("AttributeRuler", stock.get_pipe("attribute_ruler"))
    for doc in docs:
        assert ruler.match(doc) == sorted(set(own.match(doc)))


def test_unknown_patterns_keep_spacy_matcher() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "x"}]], {"POS": "NOUN"})
    assert FastRuler.of(ruler) is not None
    ruler.add([[{"LENGTH": {">": 3}}]], {"POS": "NOUN"})  # an operator it does not know
    assert FastRuler.of(ruler) is None
