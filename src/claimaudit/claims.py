"""Claims: decide which units are check-worthy health claims.

A unit is not a claim when it is a heading, page furniture (navigation,
reading time, newsletter or comment prompts, ads, reference lists,
disclaimers), a question, advice or an instruction, a statement about the
article itself, a lead-in that ends with a colon, or a list fragment that
asserts nothing on its own. Everything else that states something is a claim,
and its asserted strength, negation and cues are the strength stage's reading
(`strength.assert_many`), taken as they are.

The rules are general wording patterns of web health articles, kept as data
at the top of this module so they can be read and tested one by one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from .records import Claim, Sentence, StrengthReading
from .regexes import Caseless, fold, letter_runs
from .segment import AUTHOR_LIST
from .regexes import word_alternation as _word_alternation
from .strength import _Led, assert_many

# Page furniture: a unit matching one of these is never a claim.
BOILERPLATE = re.compile(
    r"""^\W*(
        skip\ to\ (main\ )?content | \d+\s*min(ute)?s?\ read | read\ more | read\ next
      | (open|close|toggle)\ (this\ |the\ )?(search|menu|navigation)\b
      | (view|show|load)\ comments | leave\ a\ (reply|comment) | \d+\s+comments?
      | your\ email\ address\ will\ not\ be\ published | required\ fields\ are\ marked
      | scroll\ to\ top | back\ to\ top | send\ this\ to\ a\ friend | share\ (this|on)
      | sign\ up | subscribe | newsletter | get\ access\ to | follow\ us
      | advertisement | sponsored | \[?\s*also\ read | related\ (posts|articles)
      | (updated|posted|published|reviewed|written)\ (on|by) | medically\ reviewed
      | last\ (updated|reviewed) | by\ [A-Z][a-z]+\ [A-Z][a-z]+\s*$
      | all\ rights\ reserved | copyright | ©
      | (this\ (content|article|information|site)\ is\ )?for\ informational\ purposes
      | this\ (content|article|information)\ (is|should)\ not
      | medical\ disclaimer | disclaimer | cookie | privacy\ policy | terms\ of\ (use|service)
      | click\ here | table\ of\ contents | in\ this\ article\W*$ | key\ (points|takeaways)
      | quick\ summary | source s?\s*$ | references?\s*$ | sources?\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A legal notice anywhere in a unit ("This book is copyright.", "... as permitted under the Copyright Act,
# no part may be reproduced ..."): BOILERPLATE catches the ones that open with it.
_LEGAL_NOTICE = re.compile(r"copyright|©|\bno\s+part\s+(?:of\s+(?:this|the)\s+\w+\s+)?may\s+be\s+reproduced\b"
                           r"|\ball\s+rights\s+reserved\b", re.IGNORECASE)


def _legal_notice(text: str) -> bool:
    """Return `bool(_LEGAL_NOTICE.search(text))`; most units hold none of its words, and are not searched."""
    lowered = text.lower()
    return (("copyright" in lowered or "©" in text or "reproduced" in lowered or "reserved" in lowered)
            and _LEGAL_NOTICE.search(text) is not None)


# Marks only bibliography entries carry: "[Internet]", "doi: 10.", "PMID: 123", "Available from:".
_CITATION_MARK = re.compile(r"\[Internet\]|\bdoi:\s*10\.\d|\bPMID:?\s*\d|\bAvailable\s+from:|\bRetrieved\s+from\s+http")
# Every match of _CITATION_MARK holds one of these (case-sensitive, as the pattern is): a text with
# none of them is not searched (a search with no literal to skip to costs 3% of an audit).
_CITATION_LITERALS = ("[Internet]", "doi:", "PMID", "Available", "Retrieved")


def _citation_mark(text: str) -> bool:
    """Return `bool(_CITATION_MARK.search(text))`."""
    return any(lit in text for lit in _CITATION_LITERALS) and _CITATION_MARK.search(text) is not None
REFERENCE_HEADING = re.compile(r"^\W*(references|sources|citations|bibliography|works cited)\W*$",
                               re.IGNORECASE)
# Advice and instructions: imperative openings, or "it is important to consult" forms.
# An imperative opening: "Consult ...", "Try ...", "Don't ..." ("Follow-up visits ..." and "let's say" are not).
_IMPERATIVE = r"""(please\ )?(consult|talk|speak|ask|check|seek|see\ (a|your)|visit|contact|discuss
        |consider|try|avoid|make\ sure|be\ sure|remember|keep|follow|start|stop|stay|drink
        |eat|add|include|explore|choose|opt|look\ for|aim|limit|read|learn|discover|find
        |let'?s(?!\ say)|let\ us|don'?t|do\ not|never|always\ (consult|follow|check|talk|speak|ask|read|seek)
        |always\ follow|be\ (careful|cautious|mindful)|take\ (a|your|it|them|magnesium)|go\ for)\b(?![-'’])"""
ADVICE = re.compile(
    r"""^\W*(
        """ + _IMPERATIVE + r"""
      | (so,?\ )?you\ (can|could|should|may|might|must|need\ to|will\ want\ to)\ (also\ )?
        (have|add|take|try|go|use|consult|talk|speak|ask|consider|include|eat|find|get|look|check|choose|opt|start|see)\b
      | (it\ is|it's)\ (always\ )?(crucial|important|essential|advisable|recommended|wise|best|vital|necessary)
        \ to\ (consult|talk|speak|seek|check|discuss|ask|follow|start|consider|explore|recognize)
      | if\ [^,]{3,90},\s*(then\ )?(please\ )?(take|consult|talk|speak|ask|try|avoid|start|stop|see|use|choose|drink
        |eat|add|consider|look|check|seek|keep|make\ sure|be\ sure|opt|go)\b
      | if\ you\ (suspect|think|are\ (wondering|considering|experiencing|thinking|unsure|not\ comfortable))
      | (consulting|talking\ to|speaking\ with|checking\ with)\ (a|your)
      | (in\ cases?\ of\ [^,]+,\s*)?seeking\ (professional|medical|expert)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# ADVICE's imperative opening alone (`_IMPERATIVE`, matched where the text after an opening starts). An
# instruction often follows an opening phrase or clause ("When choosing a supplement, look for ...",
# "For best results, take it with food", "However, consult ..."); what follows the phrase is read as
# an instruction only by its verb, not by ADVICE's "you can ..." forms ("If you take diuretics, you may
# have low magnesium" is a claim).
IMPERATIVE = re.compile(_IMPERATIVE, re.IGNORECASE | re.VERBOSE)
# An opening adverbial: a subordinate clause or prepositional phrase up to its comma (at most 80
# characters, no other punctuation), or a connective and its comma.
_OPENING_ADVERBIAL = re.compile(
    r"""^\W*(?:(?:if|when|whenever|while|before|after|once|unless|until|during|for|to|in|on|as|since|although
        |though|even\ if|instead\ of|with|without|between)\b[^,;:.!?()"]{1,80},
      | (?:however|also|instead|additionally|meanwhile|finally|first|second|next|then|otherwise|ideally|generally
        |again|likewise|similarly|in\ addition|above\ all|most\ importantly|in\ general|in\ short|as\ always),)\s+""",
    re.IGNORECASE | re.VERBOSE)


def _instruction_after_opening(text: str) -> bool:
    """Return whether `text` is an instruction after an opening adverbial (see `_OPENING_ADVERBIAL`)."""
    m = _OPENING_ADVERBIAL.match(text)
    if m is None:
        return False
    rest = text[m.end():]
    return IMPERATIVE.match(rest) is not None or _instruction(rest[:1].upper() + rest[1:])


# Instructions that open with a verb of doing outside ADVICE's list ("Engage in light stretching",
# "Ensure you are getting enough rest", "Evaluate your workspace"): the verb capitalized, in its bare
# form, and then its object's determiner or pronoun ("Focus is key", "Use of magnesium is common",
# "Use in patients who ..." are statements: the verb is a noun there). The verbs are ones that are
# rarely a sentence's subject. A list item under a lead-in is not asked unless it has a label of its
# own: "Reduce leg cramps" under "Magnesium may help:" continues the lead-in's claim, "Rest and
# Recovery: Ensure you are getting enough rest" does not.
_INSTRUCTION_VERBS = frozenset("""
    use ensure incorporate evaluate apply get give make prioritize prioritise maintain monitor schedule wear reduce
    increase swap replace skip combine pair protect lift bend move place put hold begin continue choose pick spend
    treat warm
""".split())
# What may follow such a verb in an instruction: its object's determiner or pronoun. A preposition is
# allowed only after the verbs that take one ("engage in", "focus on"); a noun ("Use heat ...") is not,
# since "Select patients ...", "Repeat heart attacks ..." open statements the same way.
_INSTRUCTION_OBJECT = frozenset("your you yourself the a an this these those it them some any more less enough "
                                "plenty".split())
_INSTRUCTION_WITH = {"engage": "in", "participate": "in", "focus": "on", "listen": "to", "stick": "to", "opt": "for"}
_INSTRUCTION = re.compile(r"^\W*(?:(?:also|then|simply|gently|always|regularly|first|next|finally),?\s+)?"
                          r"([A-Z][a-z]+)\s+([a-z'’]+)\b(?![-'’])")


def _instruction(text: str) -> bool:
    """Return whether `text` opens with an instruction's verb and object (see `_INSTRUCTION_VERBS`)."""
    m = _INSTRUCTION.match(text)
    if m is None:
        return False
    verb, after = m.group(1).lower(), m.group(2)
    return (verb in _INSTRUCTION_VERBS and after in _INSTRUCTION_OBJECT) or _INSTRUCTION_WITH.get(verb) == after


# Recommendations: what a reader should do or choose, not what is true. One pattern per wording,
# with words one of which each of its matches holds (as a whole run of letters, see `_recommends`);
# RECOMMENDATION is their alternation.
_RECOMMENDATION_WORDINGS = (
    (r"""\b(should|must|ought\ to)\ (be\ )?(integrated|combined|used|taken|considered|discussed|
        followed|chosen|part)\b""", "should must ought"),
    (r"""\b(might|may|could)\ be\ (necessary|needed|required|appropriate|advisable|warranted|an\ option)\b""",
     "necessary needed required appropriate advisable warranted option"),
    (r"""\b(is|are)\ (crucial|important|essential|vital|key|wise|advisable|best)\ to\ (choose|consult|
        talk|speak|seek|check|discuss|follow|start|consider|get|take|find|pick|select|use)\b""",
     "crucial important essential vital key wise advisable best"),
    (r"""\bcan\ help\ (you\ )?(determine|decide|figure\ out|choose|work\ out)\b""",
     "determine decide figure choose work"),
    (r""",\s*(consider|try|talk\ to|consult|speak\ with)\b""", "consider try talk consult speak"),
    (r"""\b(is|it's|it’s|be)\ (always\ |well\ )?worth\ (talking|asking|checking|consulting|speaking|discussing|seeing)\b""",
     "worth"),
    (r"""\b(it\ is|it's|it’s)\ (generally\ |usually\ |often\ |always\ )?(recommended|advised|advisable|best)\ to\b""",
     "recommended advised advisable best"),
    (r"""\bthe\ (best|ideal|easiest|safest|preferred)\ (way|approach|option|choice|starting\ point|first\ step)
        \ (to|for|of|may|might|would|could|is\ to)\b""", "best ideal easiest safest preferred"),
    # What a professional can do for the reader ("A healthcare provider can determine if the pain ...",
    # "your doctor can advise you on a dose"): advice phrased as a statement. What a test or a treatment
    # can do is a claim ("A blood test can determine whether you are low"), and so is what doctors
    # recommend ("doctors may recommend calcium supplements" describes practice, read at level 1).
    (r"""\b(doctors?|physicians?|health\ ?care\ (providers?|professionals?|practitioners?)|pharmacists?|dietitians?
        |nutritionists?|gps?)\ (can|will|may|could|might)\ (also\ )?(determine|assess|evaluate|diagnose|advise
        |tailor|guide|help\ you|work\ with\ you)\b""",
     "doctor doctors physician physicians healthcare health pharmacist pharmacists dietitian dietitians "
     "nutritionist nutritionists gp gps"),
)
RECOMMENDATION = re.compile("(" + "|".join(p for p, _ in _RECOMMENDATION_WORDINGS) + ")",
                            re.IGNORECASE | re.VERBOSE)
# Statements that research exists, without saying what it found.
RESEARCH_ACTIVITY = re.compile(
    r"""^\W*(several|many|some|numerous|various|recent|a\ few|a\ number\ of)?\s*
        (studies|researchers|scientists|experts|research|trials)\s+(have|has|are|is)\s+(been\ )?
        (explored|examined|investigated|studied|looked\ (at|into)|focused\ on|exploring|examining|
        investigating|studying|being\ (carried|done))\b(?!.*\b(found|showed|shown|suggest|demonstrat|reveal|prove))""",
    re.IGNORECASE | re.VERBOSE,
)
# Statements of what research asks rather than what it found: "Another trial is testing whether a
# daily supplement of 4,000 IU of vitamin D will prevent type 2 diabetes", "a third trial, designed to
# test whether ...", "To see if magnesium helps, researchers gave ...". The relation after "whether"/"if"
# is the research question, not a finding; a sentence that reports one ("... and found that ...") is a
# claim, and so is one that asserts something before the question (after a ";" or ", and").
RESEARCH_QUESTION = re.compile(
    r"""\b(test|tests|tested|testing|examines?|examined|examining|investigates?|investigated|investigating
        |assess|assesses|assessed|assessing|evaluates?|evaluated|evaluating|explores?|explored|exploring
        |study|studies|studied|studying|look(s|ed|ing)?\ (at|into)|to\ (determine|see|find\ out))
        \s+(whether|if)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_RESEARCH_FINDING = re.compile(
    r"\b(found|finds|showed|shown|shows|suggest\w*|demonstrat\w*|reveal\w*|prove[sdn]?|confirm\w*|"
    r"conclude[sd]?)\b|;|,\s+(and|but|while|whereas)\b", re.IGNORECASE)
# Statements about the article itself, and about the value of knowing something rather than what
# is known ("Understanding the symptoms ... can help individuals recognize ...", "This distinction
# is crucial for understanding its benefits").
_META_WORDINGS = r"""this\ (article|post|guide|page|blog)|in\ this\ (article|post|guide|section)
      |we\ will\ (explore|discuss|look|examine|cover|delve)|as\ we\ delve|let'?s\ (take\ a\ )?look
      |read\ on\ to|keep\ reading|here\ is\ a\ list|here\ are\ (a\ )?few|the\ following\ (list|section)
      |(continue|continues)\ to\ seek\ out|for\ more\ (information|details)
      |(below|here|in\ this\ (article|post|guide|section)),?\ we\ (will\ |'ll\ )?(explore|discuss|look|examine|cover
        |dissect|review|break\ down|explain|outline|answer)
      |you('ll|’ll|\ will)\ (also\ )?(learn|discover|find\ out|get\ to\ know|come\ away)
      |here(\ is|'s)\ (a|an)\ ([\w-]+\ ){0,2}(look|guide|overview|breakdown|rundown|summary|primer|explainer)\ (at|of|to)
      |^here(\ is|'s|’s)\ (what|everything)\b(?![^:]*:)
      |by\ the\ end(\ of\ (this|the)\ (article|post|guide|page|read))?,?\ you
      |you('ll|’ll|\ will)\ (have|gain|get|develop)\ a\ (clear|clearer|better|deeper|full|fuller|solid
        |comprehensive|good)\ understanding"""
_META_OPENING = r"""^\W*((in\ conclusion|additionally|moreover|furthermore|ultimately|overall|also|finally|therefore|thus
        |however|similarly|likewise|in\ short|in\ summary),?\ )?(understanding|knowing|recognizing|recognising|being\ aware\ of)\ (?!is\b|are\b)
        (?=.*\b(is|are|can|could|may|will|helps?|empowers?|allows?|lets?|makes?|gives?)\b)"""
_META_UNDERSTANDING = r"""(crucial|key|important|essential|vital)\ (for|to|in)\ understanding"""
META = re.compile(r"\b(" + _META_WORDINGS + "\n      |" + _META_OPENING + "\n      |" + _META_UNDERSTANDING + r")\b",
                  re.IGNORECASE | re.VERBOSE)
_VERB_BASES = """
    help cause lead reduce increase improve prevent relieve ease boost lower raise support promote
    regulate block inhibit contribute play act affect protect trigger worsen contain provide include
    make keep allow enable aid treat cure heal decrease shorten strengthen weaken relax calm stimulate
    produce convert absorb store require need depend result occur develop show find suggest indicate
    link associate relate tend work get take give become remain stay feel experience suffer balance
    maintain manage fight combat alleviate soothe lessen minimize minimise enhance facilitate lack stop
    deplete excrete bind compete manufacture synthesize metabolize interfere exacerbate intensify
    heighten disrupt impair compromise recommend use offer benefit matter report declare claim prove
    demonstrate reveal recognize recognise rise fall drop protect damage harm kill destroy carry
    transport activate irritate inflame sensitize sensitise amplify modulate control limit restore
    replenish deliver lose gain cut slow speed last rank outrank come go appear seem
    accompany involve vary differ arise radiate persist interact hinder tighten loosen swell recover
    transmit consist belong
""".split()


def _inflections(base: str) -> set[str]:
    forms = {base, base + "s", base + "es", base + "ed", base + "d", base + "ing"}
    if base.endswith("e"):
        forms |= {base[:-1] + "ing", base + "d"}
    if base.endswith("y"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    return forms


_IRREGULAR_VERBS = {"found", "made", "led", "kept", "took", "taken", "gave", "given", "became",
                    "felt", "got", "gotten", "shown", "lost", "fell", "fallen", "rose", "risen",
                    "came", "went", "gone", "bound", "stored", "cut", "arose", "arisen", "swollen"}
_VERB_FORMS = set(_IRREGULAR_VERBS)
for _b in _VERB_BASES:
    _VERB_FORMS |= _inflections(_b)
_AUX = (r"is|are|was|were|be|been|being|has|have|had|can|could|may|might|will|would|should|"
        r"must|does|do|did|isn't|aren't|doesn't|don't|won't|can't|it's|that's|there's")
_AUX_RE = re.compile(r"\b(" + _AUX + r")\b", re.IGNORECASE)


_VERB = re.compile(
    r"\b(" + _word_alternation(_AUX.split("|") + sorted(_VERB_FORMS)) + r")\b",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(
    r"^(\W*)(it|its|it's|this mineral|the mineral|this nutrient|this supplement|this form|"
    r"this compound|this particular supplement|this element)\b",
    re.IGNORECASE,
)


# The sections of a structured abstract that describe how a study was done, not what it found.
_DESIGN_SECTION = re.compile(
    r"^\W*(?:objectives?|aims?|purpose|design|study\s+design|setting|participants|subjects|"
    r"(?:patients|materials)\s+and\s+methods|methods?|methodology|interventions?|main\s+outcome\s+measures?|"
    r"search\s+(?:methods|strategy)|selection\s+criteria|data\s+collection(?:\s+and\s+analysis)?|"
    r"trial\s+registration|registration|funding)\s*:\s+",
    re.IGNORECASE,
)


_META = Caseless(META, "this we let lets read keep here following continue continues "
                       "information details below you understanding knowing recognizing recognising "
                       "being".split())
# `_META.search` split in two (tests/test_speed_round5.py pins `_about_the_article` to it): META's
# \b-led wordings get no fast scan from `re` (its first step is tried at every character), and its
# ^-anchored opening ("Understanding ... can help") kept the leads of `_Led` from applying. The
# wordings are searched only where one of their opening words starts; the opening is tried at the
# start of the text only (`match`: the \b before it needs a word character there, as in META).
class _PhraseLed(_Led):
    """`strength._Led` with leads that may hold spaces ("in this", "the following"): fewer places to try."""

    __slots__ = ()

    def __init__(self, pattern: re.Pattern[str], needs: Sequence[str], leads: Sequence[str]) -> None:
        Caseless.__init__(self, pattern, needs)
        self._lead = re.compile(_word_alternation(sorted(set(leads))))


_META_WORDINGS_C = _PhraseLed(
    re.compile(r"\b(" + _META_WORDINGS + "|" + _META_UNDERSTANDING + r")\b", re.IGNORECASE | re.VERBOSE),
    "this we let lets read keep here following continue continues information details below you "
    "understanding".split(),
    ["this", "in this", "we will", "as we", "let", "read on", "keep reading", "here", "the following",
     "continue", "for more", "below", "you", "by the end", "crucial", "key", "important", "essential", "vital"])
_META_OPENING_C = Caseless(re.compile(r"\b(" + _META_OPENING + r")\b", re.IGNORECASE | re.VERBOSE),
                           "understanding knowing recognizing recognising being".split())


def _about_the_article(text: str, folded: str | None, runs: frozenset[str] | None) -> bool:
    """Return `bool(_META.search(text, folded, runs))`, about 2x faster (see `_META_WORDINGS_C`)."""
    if folded is None:
        return META.search(text) is not None
    if runs is not None and _META.needs.isdisjoint(runs):
        return False
    opening = _META_OPENING_C
    if (runs is None or not opening.needs.isdisjoint(runs)) and opening.lower.match(folded) is not None:
        return True
    return _META_WORDINGS_C.search(text, folded, runs) is not None


_RECOMMENDATION = Caseless(RECOMMENDATION, (
    "should must ought might may could will crucial important essential vital key wise advisable best "
    "can consider try talk consult speak ideal easiest safest preferred worth recommended advised").split())
_RESEARCH_ACTIVITY, _VERB_C, _AUX_C = (Caseless(p) for p in (RESEARCH_ACTIVITY, _VERB, _AUX_RE))
_RESEARCH_QUESTION = Caseless(RESEARCH_QUESTION, ("whether", "if"))
_RESEARCH_FINDING_C = Caseless(_RESEARCH_FINDING)


def _asks_research_question(text: str, folded: str | None, runs: frozenset[str] | None) -> bool:
    """Return whether a sentence states what research tests ("... is testing whether X prevents Y")
    and neither reports a finding nor asserts anything beside it (see `RESEARCH_QUESTION`)."""
    m = _RESEARCH_QUESTION.search(text, folded, runs)
    return m is not None and _RESEARCH_FINDING_C.search(text, folded) is None


_RECOMMENDATION_C = tuple(Caseless(re.compile(p, re.IGNORECASE | re.VERBOSE), needs.split())
                          for p, needs in _RECOMMENDATION_WORDINGS)
_RECOMMENDATION_NEEDS = frozenset().union(*(w.needs for w in _RECOMMENDATION_C))


# A recommendation that only follows a statement, joined to it ("Magnesium can also interact with a
# number of medications ..., and should be taken two hours apart from them"): the statement is a claim.
_JOINED_AFTER_STATEMENT = re.compile(r"\w\w+[\w)\]]*\s*(?:;|,\s*(?:and|but)|\s(?:and|but))\s+$")
_CONDITION_OPENING = re.compile(r"^\W*(?:if|when|whether|before|unless|for|to|while|although|because|as)\b",
                                re.IGNORECASE)


def _recommends(text: str, folded: str | None, runs: frozenset[str] | None) -> bool:
    """Return whether one of `_RECOMMENDATION`'s wordings matches `text` and does not merely follow a
    statement (see `_JOINED_AFTER_STATEMENT`); each wording is searched only in texts that hold one
    of its own words (about 2x faster)."""
    if runs is not None and _RECOMMENDATION_NEEDS.isdisjoint(runs):
        return False  # none of the words of any wording: the loop below would search none
    for wording in _RECOMMENDATION_C:
        m = wording.search(text, folded, runs)
        if m is not None:
            head = text[: m.start()]
            if (len(head.split()) >= 5 and _JOINED_AFTER_STATEMENT.search(head)
                    and not _CONDITION_OPENING.match(text)):
                continue
            return True
    return False


def non_claim_reason(sentence: Sentence, in_reference_list: bool = False) -> str | None:
    """Return why a unit is not a claim, or None when it is one.

    The unit's apostrophes are read straight ("it’s", "don’t" as "it's", "don't"): web pages use
    either, and every wording below is written with "'" (a one-character swap keeps every offset).
    """
    text = sentence.prose.strip().replace("’", "'")
    if sentence.block == "heading":
        return "heading"
    if in_reference_list:
        return "reference-list"
    # page furniture, a bibliography entry, a legal notice
    if BOILERPLATE.match(text) or AUTHOR_LIST.match(text) or _legal_notice(text):
        return "boilerplate"
    if _citation_mark(text):
        return "reference-list"  # a bibliography entry outside a "References" section
    if _DESIGN_SECTION.match(text):
        return "research-activity"  # "METHODS: a three-arm randomized trial of ..."
    label = topic_label(text)
    if label and sentence.block in ("list-item", "paragraph", "faq"):
        text = text[label.end():]  # "Stay Hydrated: Water helps ..." is judged on its statement
    words = text.split(None, 6)  # at most 7: only whether there are < 3, >= 4 or <= 6 words is read
    bare = text.rstrip("\"'”’) ")
    if bare.endswith("?"):
        return "question"
    if bare.endswith(":"):
        return "lead-in"
    if ADVICE.match(text):
        return "advice"
    if _instruction(text) and (label or not (sentence.block == "list-item" and sentence.lead_in)):
        return "advice"
    if "," in text and _instruction_after_opening(text):
        return "advice"
    folded = fold(text)
    runs = letter_runs(folded)
    if _about_the_article(text, folded, runs):
        return "about-the-article"
    if _recommends(text, folded, runs):
        return "advice"
    if _RESEARCH_ACTIVITY.search(text, folded):
        return "research-activity"
    if _asks_research_question(text, folded, runs):
        return "research-activity"
    if len(words) < 3:
        return "fragment"
    # A list item, table cell or caption without a verb is a label ("Leafy Greens", "Absorption High").
    # A paragraph sentence that ends in a full stop is a sentence: the verb list cannot foresee every
    # verb ("influences", "pack", "jump"), so it is not asked there; the claim filter judges it.
    sentence_like = sentence.block == "paragraph" and len(words) >= 4 and text.rstrip("\"'”’) ")[-1:] in ".!"
    if not sentence_like and sentence.block in ("list-item", "table-row", "paragraph"):
        if not _VERB_C.search(text, fold(text)):
            return "fragment"
    if not any(ch.isalpha() for ch in text):
        return "fragment"
    if (sentence.block == "paragraph" and text[-1] not in ".!;)\"'”’" and len(words) <= 6
            and not _AUX_C.search(text, folded)):
        return "fragment"  # a caption or subtitle: short, unpunctuated, no auxiliary
    if sentence.block in ("paragraph", "list-item") and text[-1] not in ".!?;:)\"'”’" and _TITLE.search(text):
        return "heading"  # a page title or subtitle that lost its markup: it names a topic, asserts nothing
    return None


# Unpunctuated titles: an indirect question ("How Magnesium Affects Muscle and Nerve Function"), a title
# with its site name ("... | Health Facts"), a topic and its indirect question after a dash ("Magnesium for
# muscle tension—how it works"), or a guide's label ("A Guide to Using Magnesium for ...").
_TITLE = re.compile(r"^\W*(how|why|what|when|which|where|who)\b|\s[|•]\s|\w\s*[—–]\s*(how|why|what)\b|"
                    r"\b(guide|overview|explained|"
                    r"everything\s+you\s+need\s+to\s+know|what\s+you\s+need\s+to\s+know)\b", re.IGNORECASE)
_ANAPHOR = re.compile(
    r"\b(it|its|it's|this|these|the mineral|the nutrient|deficien\w*|supplement\w*|levels?|"
    r"intake|dose|dosage|the body['’]s (stores|levels))\b",
    re.IGNORECASE,
)


_ANAPHOR_C = Caseless(_ANAPHOR)
# A unit's own label: a short phrase in bold, or of at most six words, and a colon ("**Poor
# posture**: ...", "Stress and anxiety: ...", "Stay Hydrated: ..."), the way web pages head the
# items of a list. The unit is judged on what follows it ("Stay Hydrated: Water helps ..." is a
# claim), and it starts a topic of its own: the unit before it, or a list's lead-in, does not say
# what it is about.
TOPIC_LABEL = re.compile(r"^\W*(?:\*\*[^*\n]{1,60}\*\*\s*:|[A-Z][\w'’-]*(?:[ \t]+[\w'’&/()-]+){0,5}[ \t]*:)\s+(?=\S)")


def topic_label(text: str) -> re.Match[str] | None:
    """Return `TOPIC_LABEL.match(text)`: every match holds a ":" (both of its forms end in one),
    so a text without one is not matched (most units have none)."""
    return TOPIC_LABEL.match(text) if ":" in text else None


_DEMONSTRATIVE_OPENING = re.compile(
    r"^\W*((however|but|also|still|yet|so|thus|hence),?\s+)?(these|this|such|those|they|the\s+"
    r"(experiment|experiments|study|studies|trial|trials|research|findings|results|evidence))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=64)
def _topic_pattern(topic: str) -> re.Pattern[str]:
    """The topic as a whole word, any case (compiled once, not escaped and looked up per claim)."""
    return re.compile(r"\b" + re.escape(topic) + r"\b", re.IGNORECASE)


# What refers back to the unit before ("it", "this stiffness", "these contractions"): it implies the topic
# only when that unit was about the topic.
_REFERS_BACK = re.compile(r"\b(?:it|its|it's|it’s|this|these)\b", re.IGNORECASE)


def match_text(sentence: Sentence, topic: str, previous: str = "", it_is_topic: bool = True) -> str:
    """Return the text used for matching.

    Pronoun subjects are resolved to the article's topic, a list item gets its
    lead-in (unless it has a label of its own: "Stay hydrated: ..."), and a
    sentence that opens with a demonstrative ("These include ...") gets the
    sentence before it, which says what "these" are. "It", "this" and "these"
    stand for the topic only when the unit before was about it (`it_is_topic`):
    after "Back pain is one of the most common health issues", "It gives you so
    much pain" is back pain, and "This stiffness may be worse in the morning"
    after "Back stiffness often results from ..." is the stiffness.
    """
    text = sentence.prose
    if previous and _DEMONSTRATIVE_OPENING.match(text):
        text = f"{previous} {text}"
    m = _PRONOUN_SUBJECT.match(text) if topic else None
    if m and (it_is_topic or not _REFERS_BACK.fullmatch(m.group(2))):  # "it", not "this mineral"
        text = m.group(1) + topic + text[m.end():]
    if sentence.block == "list-item" and sentence.lead_in and not topic_label(sentence.prose):
        text = f"{sentence.lead_in} {text}"
    anaphors = text if it_is_topic else _REFERS_BACK.sub("", text)
    if (topic and not _topic_pattern(topic).search(text)
            and _ANAPHOR_C.search(anaphors, fold(anaphors))):
        # The article's subject is implied ("a deficiency" in an article on magnesium).
        text = f"{text} [{topic}]"
    return text


def read_claims(sentences: Sequence[Sentence], topic: str = "", reader: str = "lexical") -> tuple[Claim, ...]:
    """Classify every unit of an article and read the strength of the claims (with ``reader``'s level model)."""
    reasons: list[str | None] = []
    in_refs = False
    for s in sentences:
        if s.block == "heading":
            in_refs = bool(REFERENCE_HEADING.match(s.prose))
        reasons.append(non_claim_reason(s, in_refs and s.block != "heading"))
    claim_idx = [i for i, r in enumerate(reasons) if r is None]
    readings = assert_many([sentences[i].prose for i in claim_idx], reader)
    by_index = dict(zip(claim_idx, readings))
    out: list[Claim] = []
    names_topic = _topic_pattern(topic).search if topic else None
    about_topic = True  # the unit before was about the topic (the article's first unit: its title)
    for i, s in enumerate(sentences):
        prev = sentences[i - 1] if i else None
        previous = prev.prose if prev is not None and prev.block == s.block else ""
        reason = reasons[i]
        if reason is not None:
            out.append(Claim(sentence=s, is_claim=False, kind=reason, strength=0, negated=False))
            about_topic = bool(names_topic and names_topic(s.prose))
            continue
        text = match_text(s, topic, previous, about_topic)
        about_topic = bool(names_topic and names_topic(text))
        out.append(Claim(sentence=s, is_claim=True, kind="claim", match_text=text, **_fields(by_index[i])))
    return tuple(out)


def _fields(reading: StrengthReading) -> dict:
    """A claim's strength, negation and cues: the strength stage's asserted reading, as it is."""
    return dict(strength=reading.level, negated=reading.negated, cues=reading.cues)


def with_reading(claim: Claim, reading: StrengthReading, read_text: str = "") -> Claim:
    """Return the claim carrying ``reading``: an `assert_strength` reading of the claim itself or of
    ``read_text``, the clause of it that a reference claim matched.

    The clause comes from the claim's match text, so it may have its pronoun resolved, its lead-in or
    the sentence before it joined on: cue offsets are moved to where each cue's text is in the
    sentence, and a cue that is not in the sentence keeps its offsets in ``read_text``.
    """
    sentence = claim.sentence.text
    cues = reading.cues
    if read_text and read_text != sentence:
        base = sentence.find(read_text)
        moved = []
        for c in cues:
            at = c.start + base if base >= 0 else sentence.find(c.text)
            moved.append(c if at < 0 else replace(c, start=at, end=at + len(c.text)))
        cues = tuple(moved)
    return replace(claim, strength=reading.level, negated=reading.negated, cues=cues)


def reread(claims: Sequence[Claim], reader: str) -> list[Claim]:
    """The claims with strength, negation and cues read again with ``reader``'s level model (one batch)."""
    readings = assert_many([c.sentence.prose for c in claims], reader)
    return [with_reading(c, r) for c, r in zip(claims, readings)]
