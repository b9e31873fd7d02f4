"""The trigger lexicon of control events: the language of war reporting, as regular expressions.

Each :class:`Trigger` names an event family and a *frame* that tells the extractor where the
place and the actor stand relative to the verb. Nothing here names a particular war.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BOUNDARY",
    "DESTINATION",
    "INTENT",
    "NEGATION",
    "PRESENT",
    "REPELLED",
    "SUBAREA",
    "TRIGGERS",
    "Frame",
    "Trigger",
]

Family = Literal["capture", "withdraw", "lost", "contested", "control_claim", "strike", "offensive"]
# active:    ACTOR verb PLACE           passive: PLACE verb (by ACTOR)
# to_actor:  PLACE verb to ACTOR        expel:   ACTOR verb ENEMY out of PLACE
# nominal:   (ACTOR) noun of PLACE
# stronghold: ACTOR's stronghold PLACE / PLACE, ACTOR stronghold
Frame = Literal["active", "passive", "to_actor", "expel", "nominal", "stronghold"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger pattern."""

    family: Family
    frame: Frame
    pattern: re.Pattern[str]
    # The same pattern for lower-cased text: case-sensitive matching is about twice as fast.
    lower: re.Pattern[str]


def _t(family: Family, frame: Frame, regex: str) -> Trigger:
    source = r"\b(?:" + regex + r")\b"
    return Trigger(family, frame, re.compile(source, re.IGNORECASE), re.compile(source))


_BE = r"(?:is|are|was|were|been|being|be|has\s+been|have\s+been|had\s+been)"
_ADV = r"(?:\s+(?:reportedly|now|finally|fully|completely|effectively|largely|also|already|"
_ADV += r"declared|officially\s+declared|announced\s+as|said\s+to\s+be|reported|"
_ADV += r"quickly|swiftly|virtually|officially|still|later|recently|again|back|then|soon))*"

TRIGGERS: tuple[Trigger, ...] = (
    # -- passive and "fell to": the place stands before the verb ------------------------------
    _t(
        "capture",
        "passive",
        _BE + _ADV + r"\s+(?:taken|captured|seized|retaken|recaptured|liberated|overrun|"
        r"freed|won\s+back|taken\s+over|secured|brought\s+under\s+(?:the\s+)?control)",
    ),
    _t("capture", "to_actor", r"f[ae]ll(?:s|en)?\s+(?:back\s+)?(?:in)?to(?:\s+the\s+hands\s+of)?"),
    # "came under the control of X", "fell under LNA control": the actor follows.
    _t(
        "capture",
        "to_actor",
        r"(?:came|comes|come|fell|falls|passed|passes)\s+(?:back\s+|fully\s+)?under"
        r"(?=\s+(?:the\s+)?(?:full\s+)?(?:control\s+of\b|[\w'’-]+(?:\s+[\w'’-]+)?\s+control\b))",
    ),
    # "remains under LNA control", "is in GNA hands".
    _t(
        "control_claim",
        "passive",
        r"(?:is|are|was|were|remains?|remained|stays?|stayed)(?:\s+(?:still|firmly|now|largely|"
        r"fully|effectively))?\s+(?:under|in)(?=\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?\s+"
        r"(?:control|hands)\b)",
    ),
    _t("withdraw", "passive", _BE + _ADV + r"\s+(?:abandoned|evacuated)(?=\s+by\b)"),
    _t(
        "contested",
        "passive",
        _BE + _ADV + r"\s+(?:under\s+(?:attack|siege|assault|fire)|besieged|surrounded|encircled|"
        r"contested|attacked|stormed)",
    ),
    _t(
        "control_claim",
        "passive",
        r"(?:" + _BE + r"|remains?|remained|stays?|stayed)" + _ADV + r"\s+(?:held\s+by|"
        r"controlled\s+by|under\s+(?:the\s+)?(?:full\s+)?control\s+of|in\s+the\s+hands\s+of)",
    ),
    # -- expel: ACTOR drove ENEMY out of PLACE ---------------------------------------------------
    _t(
        "capture",
        "expel",
        r"(?:dr[io]ve|driven|driving|drives|push(?:ed|es|ing)?|expel(?:led|s|ling)?|"
        r"oust(?:ed|s|ing)?|kick(?:ed|s|ing)?|chas(?:ed|es|ing)|forc(?:ed|ing)|"
        r"flush(?:ed|es|ing)?|clear(?:ed|s|ing)?|rout(?:ed|s|ing)?|evict(?:ed|s|ing)?)",
    ),
    # -- active captures ------------------------------------------------------------------------
    _t(
        "capture",
        "active",
        # Longer alternatives first: the regex takes the first that matches at a position.
        r"(?:(?:re-?)?(?:took|take|takes|taking|taken)\s+(?:full\s+|complete\s+|total\s+)?"
        r"(?:control\s+(?:of|over)|over)|"
        r"(?:re)?gain(?:ed|s|ing)?\s+(?:full\s+|complete\s+|total\s+)?control\s+(?:of|over)|"
        r"seiz(?:ed|es|ing|e)|captur(?:ed|es|ing|e)|re-?captur(?:ed|es|ing|e)|"
        r"re-?took|re-?tak(?:en|es|ing|e)|took|tak(?:en|ing)|"
        r"liberat(?:ed|es|ing|e)|overr(?:an|un|unning|uns)|"
        r"(?:re)?gain(?:ed|s|ing)?|won\s+(?:back|control\s+of)|wrest(?:ed|s|ing)?(?:\s+control\s+of)?|"
        r"entered\s+and\s+(?:secured|seized|captured|took(?:\s+control\s+of)?)|"
        r"secur(?:ed|es|ing|e)|"
        r"extend(?:ed|s|ing)?\s+(?:its|their|his|the(?:ir)?)?\s*control\s+(?:over|to)|"
        r"restor(?:ed|es|ing|e)\s+(?:its\s+|their\s+|state\s+)?control\s+(?:over|of)|"
        r"storm(?:ed|s|ing)?\s+and\s+(?:seized|captured|took)|"
        r"hand(?:ed|s|ing)?\s+(?:over\s+)?(?:control\s+of\s+)?)",
    ),
    _t(
        "capture",
        "nominal",
        r"(?:liberation|capture|recapture|seizure|takeover|fall|retaking|fell)\s+of",
    ),
    # -- withdrawals and losses -------------------------------------------------------------------
    _t(
        "withdraw",
        "active",
        r"(?:withdr(?:ew|awn|aws|awing|aw)|retreat(?:ed|s|ing)?|pull(?:ed|s|ing)?\s+(?:out|back)|"
        r"fled|flee(?:s|ing)?|evacuat(?:ed|es|ing|e)|abandon(?:ed|s|ing)?|"
        r"(?:was|were|been)\s+(?:driven|pushed|forced|expelled|ousted|routed|kicked)\s+(?:out|back)?|"
        r"withdrawal|retreat|pull-?out)",
    ),
    _t("lost", "active", r"(?:lost|los(?:es|ing|e))(?:\s+(?:full\s+)?control\s+of)?"),
    # -- contested ground -------------------------------------------------------------------------
    _t(
        "contested",
        "active",
        r"(?:(?:heavy|fierce|intense|street|ground|renewed|violent)\s+)?(?:fighting|clashes|clashed|"
        r"battles?|battled|battling|combat|fought)\s+(?:(?:raged|erupted|broke\s+out|continued|"
        r"intensified|resumed|flared|escalated|took\s+place|were\s+reported|was\s+reported)\s+)?"
        r"(?:on\s+\w+\s+)?(?:in|inside|around|for|over|near|"
        r"at|on\s+the\s+outskirts\s+of|on\s+the\s+edges?\s+of|outside)|"
        r"clash(?:ed|es)?\s+with\s+(?:[\w'’-]+\s+){1,4}(?:in|around|near|at|for|outside)|"
        r"(?:fighting|clashes|battles)\s+between\s+(?:[\w'’.-]+\s+){1,8}?"
        r"(?:(?:continued|raged|erupted|resumed|intensified)\s+)?(?:in|around|near|at|for|inside)|"
        r"advanc(?:ed|es|ing)\s+(?:into|on|in)|push(?:ed|es|ing)?\s+into|mov(?:ed|es|ing)\s+into|"
        r"entered|enter(?:s|ing)?|storm(?:ed|s|ing)?|besieg(?:ed|es|ing|e)|lay\s+siege\s+to|"
        r"laid\s+siege\s+to|encircl(?:ed|es|ing|e)|surround(?:ed|s|ing)?|assault(?:ed|s|ing)?(?:\s+on)?|"
        r"attack(?:ed|s|ing)?|attack\s+on|counter-?attack(?:ed|s)?(?:\s+on)?|"
        r"siege\s+of|battle\s+for|fight\s+for|partially\s+(?:captured|seized|took|taken)|"
        r"(?:seized|captured|took|taken|controls?)\s+(?:parts?|some\s+parts|areas|districts|"
        r"neighbou?rhoods)\s+of",
    ),
    # -- control claims ---------------------------------------------------------------------------
    _t(
        "control_claim",
        "active",
        r"(?:still\s+)?(?:control(?:s|led)?|hold(?:s|ing)?|held|(?:is|are|was|were|remains?)\s+"
        r"in\s+(?:full\s+)?control\s+of|retain(?:s|ed)?\s+control\s+of|maintain(?:s|ed)?\s+control\s+of)",
    ),
    _t("control_claim", "stronghold", r"strongholds?|bastions?|heartland"),
    # -- activity that never changes control ------------------------------------------------------
    _t(
        "strike",
        "active",
        r"air\s*-?strikes?|air\s+raids?|drone\s+(?:strikes?|attacks?)|airstrikes?|bomb(?:ed|ing|s)|"
        r"shell(?:ed|ing|s)|struck|strikes?\s+(?:on|in|against|near)|pound(?:ed|ing)|"
        r"bombard(?:ed|ing|ment)|warplanes|rockets?\s+(?:hit|fell|landed)|mortar",
    ),
    _t(
        "offensive",
        "active",
        r"launch(?:ed|es|ing)?\s+(?:an?\s+|the\s+|a\s+new\s+|a\s+military\s+)?(?:offensive|operation|"
        r"attack|campaign|push|assault)|advanc(?:e|ed|es|ing)\s+(?:towards?|on)|march(?:ed|ing)?\s+on|"
        r"mobilis(?:ed|ing)|mobiliz(?:ed|ing)|offensive\s+(?:on|against|for)",
    ),
)

# Words in the clause before a trigger that make it an intention, a plan or a failure.
INTENT = re.compile(
    # "to seize", "to fully retake": an infinitive right before the verb ("loyal to Haftar
    # captured" is no intention, so "to" must touch the verb).
    # ("forced to withdraw" did happen: being forced is no plan.)
    # ("claimed to have seized" reports a done deed, so "to have/be" is no intention either.)
    r"(?:(?<!forced )(?<!compelled )(?<!obliged )\bto\s+(?!have\b|be\b|been\b)"
    r"(?:\w+ly\s+)?(?-i:(?!have\b|be\b|been\b)[a-z]\w*\s+)?"
    r"|\b(?:aims?|aimed|aiming|vow(?:s|ed)?|plan(?:s|ned)?|intends?|intended|seek(?:s|ing)?|"
    r"sought|attempt(?:s|ed)?|tr(?:y|ies|ied|ying)|would|will|could|might|shall|ready|poised|"
    r"order(?:s|ed)?|bid|threaten(?:s|ed)?|effort|call(?:s|ed)?\s+for|want(?:s|ed)?|hop(?:es|ed)|"
    r"prepar(?:e|es|ed|ing)|abortive|failed|fail(?:s)?|unable|expected|going|about|"
    # Conditions and doubts: "if GNA forces attacked Sirte", "unclear whether the LNA took X".
    r"if|unless|whether)\b"
    r"(?:\s+\w+){0,3}\s*)$",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"\b(?:not|never|no|denied|den(?:y|ies)|n't|neither|nor|without)\b(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)
# A failed or repelled attack anywhere in the clause voids control events of that clause.
REPELLED = re.compile(
    r"\b(?:repel(?:led|s)?|repuls(?:ed|es)|thwart(?:ed|s)?|foil(?:ed|s)?|beat\s+back|beaten\s+back|"
    r"fend(?:ed)?\s+off|abortive|failed\s+(?:attempt|bid|assault|attack|offensive))\b",
    re.IGNORECASE,
)
# Where the object of a trigger stops: a new clause.
BOUNDARY = re.compile(
    r"[;:()\[\]]|\s[–—-]\s|,\s*(?:which|who|where|while|but|though|although|whereas|as|after|"
    r"before|when|because|since|and\s+(?:then\s+)?(?:they|he|she|it|we))\b|"
    r"\s(?:which|who|whom|whose|where|while|but|though|although|whereas|as|after|before|when|"
    r"because|said|says|told|added|according)\b",
    re.IGNORECASE,
)
# After these, a place is a destination or a reference point, not the event's place.
DESTINATION = re.compile(
    r"\b(?:towards?|heading\s+(?:to|for)|to|for|against|near|(?:north|south|east|west|"
    r"north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of|km\s+(?:from|of)|"
    r"kilometres?\s+(?:from|of)|miles\s+(?:from|of)|outside\s+of|beyond|via|through|between|"
    r"base\s+in)\s+(?:the\s+)?(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
# Present-tense reports: "now", "currently", "still".
PRESENT = re.compile(r"\b(?:now|currently|at\s+present|as\s+of\s+now|today|tonight)\b", re.I)
# Generic sub-areas that fold into a city named nearby: "the southern suburbs".
SUBAREA = re.compile(
    r"\b(?:the\s+|its\s+|their\s+)?(?:(?:remaining|last|southern|northern|eastern|western|"
    r"south(?:ern)?-?(?:east|west)(?:ern)?|north(?:ern)?-?(?:east|west)(?:ern)?|outer|"
    r"inner|central)\s+)*(?:suburbs|outskirts|fringes|districts|neighbou?rhoods|approaches)\b",
    re.IGNORECASE,
)
