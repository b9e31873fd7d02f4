"""Outcome rules: from a frame family and the sides of its roles to an event kind and side.

The codebook decides here: the driver of "drove B out of X" captures X; a loss with no taker
is a withdraw; a third party never gets a row, its gain from a side being that side's
withdraw and a side's gain from it a capture; a partial takeover or an unfinished entry is
contested, with the attacker as its side; a denied capture is contested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geo.extract._interpret import Reading
from geo.sides import Sides

__all__ = ["Outcome", "Roles", "decide"]


@dataclass(frozen=True, slots=True)
class Roles:
    """The sides the roles of a reading resolved to (None when unknown)."""

    winner: str | None
    loser: str | None
    claimant: str | None
    # Who stands in for a role the sentence leaves empty: the actor in focus (for fighting,
    # the attacker of the same place).
    winner_fallback: str | None = None
    loser_fallback: str | None = None
    # The role was named in the sentence (not a pronoun, a generic noun or a fallback).
    winner_named: bool = False
    loser_named: bool = False
    # The winner is an actor the text brings in new and no side ("an armed group seized X
    # from B"): B's loss is a withdraw, as a third party's gain.
    winner_unknown: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """An event kind and side, and whether the place was only partly at stake."""

    kind: str
    side: str


_Rule = Callable[[Reading, Roles, Sides], Outcome | None]


def _side(sides: Sides, side: str | None) -> str | None:
    """A side that may carry an event (not a third party)."""
    return side if side is not None and not sides.is_third_party(side) else None


def _event(kind: str, side: str | None, sides: Sides) -> Outcome | None:
    """An event of ``kind`` for ``side``, or None when no side may carry it."""
    carrier = _side(sides, side)
    return Outcome(kind, carrier) if carrier is not None else None


def _gain(
    winner: str | None, loser: str | None, sides: Sides, roles: Roles | None = None
) -> Outcome | None:
    """A change of hands from ``loser`` to ``winner``. When both resolved to one side, the
    role the sentence names wins: "the offensive drove A out" (A in focus) is A's rival's
    capture; "A abandoned X to B" with A unresolved is B's."""
    if winner is not None and winner == loser:
        if roles is not None and roles.loser_named and not roles.winner_named:
            winner = sides.opponent(winner)
        elif roles is not None and roles.winner_named and not roles.loser_named:
            loser = None
        else:
            return None
    if _side(sides, winner):
        assert winner is not None
        return Outcome("capture", winner)
    if _side(sides, loser):
        assert loser is not None
        return Outcome("withdraw", loser)  # a third party's gain, or nobody's
    return None


def _partly(r: Reading) -> bool:
    """A part of the place is at stake: "most of X", "the outskirts of X", or a generic
    sub-area taken ("the fort in X"): the defender still holds the rest."""
    return any(p.partial or p.edge or p.sub for p in r.places)


def _capture(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    winner = roles.winner
    if winner is None and roles.winner_unknown:
        return _event("withdraw", roles.loser, sides) if not _partly(r) else None
    if winner is None and roles.loser is not None:
        winner = sides.opponent(roles.loser) if _side(sides, roles.loser) else None
    winner = winner or roles.claimant or roles.winner_fallback
    if winner is None:
        return None
    if _partly(r) or r.mood.denied:
        return Outcome("contested", winner) if _side(sides, winner) else None
    return _gain(winner, roles.loser, sides, roles)


def _entry(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    winner = roles.winner or roles.claimant or roles.winner_fallback
    if not _side(sides, winner):
        return None
    assert winner is not None
    if r.incomplete or r.mood.denied:
        return Outcome("contested", winner)
    return Outcome("capture", winner)


def _lost(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    loser = roles.loser or roles.loser_fallback
    if loser is None:
        return None
    winner = roles.winner or (sides.opponent(loser) if _side(sides, loser) else None)
    if any(p.partial or p.edge for p in r.places) and _side(sides, winner):
        assert winner is not None
        return Outcome("contested", winner)
    return _gain(winner, loser, sides, roles)


def _withdraw(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    loser = roles.loser or roles.loser_fallback
    if roles.winner is not None:
        return _gain(roles.winner, loser, sides, roles)
    return _event("withdraw", loser, sides)


def _expel(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    """ "A drove B out of X": A captures X. Without a driver ("B was pushed back from X")
    it is B's withdraw; with one not resolved ("the offensive drove B out"), B's rival's
    capture."""
    loser, winner = roles.loser, roles.winner
    if winner is None and loser is not None and _side(sides, loser):
        if r.winner is None:
            return Outcome("withdraw", loser)
        winner = sides.opponent(loser)
    return _gain(winner, loser, sides, roles)


def _contested(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    if r.mood.since or (r.mood.tense == "pluperfect" and roles.claimant is None):
        return None  # "since the assault on X began", "X had been besieged": background
    attacker = roles.winner or roles.winner_fallback
    return _event("contested", attacker, sides)


def _claim(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    holder = roles.winner or roles.claimant
    if holder is None:
        holder = roles.winner_fallback
    if not _side(sides, holder):
        return None
    assert holder is not None
    if r.mood.no_longer:
        return Outcome("withdraw", holder)
    if r.mood.tense == "pluperfect":
        return None  # "had been held by X": no present claim
    if any(p.partial or p.edge for p in r.places):
        return Outcome("contested", holder)
    return Outcome("control_claim", holder)


def _activity(kind: str) -> _Rule:
    def rule(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
        side = roles.winner or roles.winner_fallback
        return _event(kind, side, sides)

    return rule


_RULES: dict[str, _Rule] = {
    "capture": _capture,
    "entry": _entry,
    "lost": _lost,
    "withdraw": _withdraw,
    "expel": _expel,
    "contested": _contested,
    "control_claim": _claim,
    "strike": _activity("strike"),
    "offensive": _activity("offensive"),
}


def decide(r: Reading, roles: Roles, sides: Sides) -> Outcome | None:
    """The event a reading reports, or None.

    An unreal reading (an intention, a condition, a repulse) reports no control event; an
    intention of a named side to take or fight for a place is its offensive activity, and
    one fought over ("fought a bid to take X") is contested by the side that made it.
    """
    if r.mood.unreal and r.mood.unreal != "negated" and r.presupposed:
        pass  # "threatens A's hold on X" still says A holds X
    elif r.mood.unreal:
        if r.mood.purpose_of_motion and r.family == "contested":
            return _contested(r, roles, sides)  # "moved north to clash with B in X"
        if r.mood.fought and r.family in ("capture", "entry", "contested", "control_claim"):
            return _contested(r, roles, sides)
        if r.mood.unreal == "intent" and r.family in ("capture", "entry", "contested"):
            side = roles.winner or roles.winner_fallback
            return _event("offensive", side, sides)
        return None
    return _RULES[r.family](r, roles, sides)
