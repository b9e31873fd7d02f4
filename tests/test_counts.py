"""Precision, recall and F1 shared by the event and place scores."""

from __future__ import annotations

import pytest

from geo._counts import Counts
from geo.evaluate import KindScore
from geo.evaluate_places import PlaceScore


def test_counts_give_precision_recall_and_f1() -> None:
    c = Counts(tp=3, fp=1, fn=3)
    assert c.precision == pytest.approx(0.75)
    assert c.recall == pytest.approx(0.5)
    assert c.f1 == pytest.approx(0.6)


def test_nothing_predicted_or_nothing_gold_is_zero_not_an_error() -> None:
    assert Counts(fn=4).precision == 0.0
    assert Counts(fp=4).recall == 0.0
    assert Counts().f1 == 0.0


@pytest.mark.parametrize("cls", [KindScore, PlaceScore])
def test_both_scores_use_the_shared_counts(cls: type[Counts]) -> None:
    s = cls(tp=1, fp=1, fn=0)
    assert (s.precision, s.recall) == (0.5, 1.0)
