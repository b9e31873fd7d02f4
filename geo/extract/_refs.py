"""What a frame's roles point to before discourse resolves them: places and actors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from geo.sides import ActorMention
from geo.toponyms import Mention

__all__ = ["ActorRef", "PlaceRef"]

PlaceKind = Literal["named", "anaphor", "pronoun", "site"]
ActorKind = Literal["named", "pronoun", "possessive", "generic", "rival", "modifier"]


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place a role points to.

    ``named`` carries the gazetteer mention; ``anaphor`` is a description ("the town", "the
    capital") with its head noun; ``pronoun`` is "it", "there" or an implied place ("drove
    them out"); ``site`` is a site of another place ("its airport", "Town X's port").
    ``start``/``end`` are document offsets of the words. ``partial`` marks a part of the place
    ("most of X"), ``edge`` its edges ("the outskirts of X"), ``sub`` a generic sub-area
    folded into it ("the southern suburbs of X").
    """

    kind: PlaceKind
    start: int
    end: int
    mention: Mention | None = None
    head: str = ""
    owner: PlaceRef | None = None
    modifiers: tuple[str, ...] = ()
    partial: bool = False
    edge: bool = False
    sub: bool = False
    plural: bool = False
    minor: bool = False  # "a small part of X": too small to hold, a corner to be pinned in

    def flagged(
        self, *, partial: bool = False, edge: bool = False, sub: bool = False, minor: bool = False
    ) -> PlaceRef:
        """The same reference with flags added."""
        return replace(
            self,
            partial=self.partial or partial,
            edge=self.edge or edge,
            sub=self.sub or sub,
            minor=self.minor or minor,
        )


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor a role points to.

    ``named`` carries the sides-file mention (its side may still be undecided for names that
    depend on the outlet); ``pronoun`` is "they", "we", "he"; ``possessive`` a noun owned by a
    pronoun ("his army": ``text`` is the pronoun); ``generic`` a bare actor noun ("the
    group", "the offensive"); ``rival`` "the enemy", "their rivals"; ``modifier`` a word that
    names a side when it modifies an actor noun ("a rebel advance", "government troops").
    ``inverse`` marks "forces opposed to A": the side is A's rival.
    """

    kind: ActorKind
    start: int
    end: int
    mention: ActorMention | None = None
    text: str = ""
    head: str = ""
    inverse: bool = False
    # "an armed group", "a convoy", "militants flying a black flag": an actor the text brings
    # in new; it is no one named before (no focus, no earlier name) and no side's rival.
    indefinite: bool = False
