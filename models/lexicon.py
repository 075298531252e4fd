"""Word lists used by the rule-based extractor and the speaker resolver.

Written for ClaimScope; the reporting verbs cover the common cues of news attribution
(speech acts, written statements, and stated beliefs or intentions).
"""

from __future__ import annotations

# Lemmas of reporting verbs. A verb is a cue only when it also has a content complement.
REPORTING_VERBS: frozenset[str] = frozenset(
    """
    accuse acknowledge add admit advise affirm agree allege announce answer argue assert assure
    believe boast caution charge claim comment complain concede conclude confirm contend convey
    counter cite decide declare decry demand deny describe disclose dismiss doubt echo emphasise
    emphasize estimate explain express fear forecast guess hint hope imply indicate inform insist
    joke lament maintain mention note object observe opine outline pledge point posit predict
    proclaim promise propose protest question reaffirm realize recall recommend reiterate remark
    remind repeat reply report respond reveal say signal speculate state stress suggest suspect
    swear tell testify think threaten tout tweet underline underscore urge vow warn wonder worry
    write
    """.split()
)

# Verbs that take their content as a prepositional object ("called for a ceasefire").
PREPOSITIONAL_CUES: dict[str, frozenset[str]] = {
    "call": frozenset({"for"}),
    "press": frozenset({"for"}),
    "push": frozenset({"for"}),
    "appeal": frozenset({"for"}),
    "plead": frozenset({"for"}),
    "argue": frozenset({"for", "against"}),
    "warn": frozenset({"of", "against"}),
}

QUOTE_CHARS = "\"“”«»„‟"

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_THING = frozenset({"it"})
PRONOUNS_PLURAL = frozenset({"they", "them"})
PRONOUNS_SELF = frozenset({"i", "we", "me", "us"})
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_THING | PRONOUNS_PLURAL | PRONOUNS_SELF

# Head nouns that refer back to an earlier speaker of the same kind ("the official").
NOMINAL_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"official", "diplomat", "envoy", "spokesman", "spokeswoman", "spokesperson",
               "representative", "ambassador", "delegate", "aide"}),
    frozenset({"piece", "article", "column", "op-ed", "essay", "commentary", "editorial",
               "writer", "columnist", "author", "commentator", "report", "analysis"}),
    frozenset({"minister", "secretary"}),
    frozenset({"president", "leader", "head"}),
    frozenset({"source", "insider"}),
    frozenset({"analyst", "expert", "scholar", "researcher", "economist"}),
    frozenset({"lawmaker", "senator", "congressman", "congresswoman", "legislator"}),
    frozenset({"ministry", "government", "administration", "cabinet"}),
    frozenset({"company", "firm", "group"}),
    frozenset({"campaign"}),
    frozenset({"agency", "department", "office"}),
)

PERSON_NOUNS: frozenset[str] = frozenset(
    """
    official diplomat envoy spokesman spokeswoman spokesperson representative ambassador delegate
    aide writer columnist author commentator minister secretary president leader chief head source
    insider analyst expert scholar researcher economist lawmaker senator congressman congresswoman
    legislator governor mayor general commander officer prosecutor judge lawyer attorney candidate
    adviser advisor advisers advisors director manager executive ceo chairman chairwoman chair
    professor doctor scientist witness resident voter critic supporter activist journalist reporter
    correspondent editor negotiator mediator observer member people person man woman officials
    sources analysts experts critics
    """.split()
)

MEDIA_NOUNS: frozenset[str] = frozenset(
    """
    piece article column op-ed essay commentary editorial report analysis newspaper paper
    magazine outlet broadcaster network agency tabloid daily weekly blog post study survey poll
    """.split()
)

# Documents that "state" or "stress" things on behalf of their authors.
DOCUMENT_NOUNS: frozenset[str] = frozenset(
    """
    plan proposal statement framework letter resolution declaration communique memo document
    filing lawsuit complaint bill law order ruling decision readout transcript website
    """.split()
)

ORG_NOUNS: frozenset[str] = frozenset(
    """
    ministry government administration cabinet council committee commission parliament congress
    senate house court party campaign company firm group organization organisation agency
    department office union alliance coalition bank fund institute foundation army military
    police bureau authority authorities regime embassy delegation
    """.split()
)

MEDIA_NAMES: frozenset[str] = frozenset(
    """
    time reuters bloomberg cnn bbc politico axios breitbart nbc abc cbs fox msnbc npr ap
    associated press guardian economist newsweek forbes tass xinhua ria novosti interfax
    """.split()
    + ["the new york times", "new york times", "the washington post", "washington post",
       "wall street journal", "the wall street journal", "usa today", "huffington post",
       "financial times", "the guardian", "the economist", "al jazeera", "the atlantic",
       "the new york post", "new york post"]
)

# Capitals and seats of power standing for their state ("Washington" = United States).
METONYMS: dict[str, str] = {
    "washington": "United States",
    "white house": "United States",
    "the white house": "United States",
    "pentagon": "United States",
    "the pentagon": "United States",
    "kremlin": "Russia",
    "the kremlin": "Russia",
    "moscow": "Russia",
    "kyiv": "Ukraine",
    "kiev": "Ukraine",
    "beijing": "China",
    "ankara": "Turkey",
    "london": "United Kingdom",
    "downing street": "United Kingdom",
    "paris": "France",
    "the elysee": "France",
    "berlin": "Germany",
    "tehran": "Iran",
    "jerusalem": "Israel",
    "tokyo": "Japan",
    "pyongyang": "North Korea",
    "seoul": "South Korea",
    "new delhi": "India",
    "delhi": "India",
    "islamabad": "Pakistan",
    "minsk": "Belarus",
    "warsaw": "Poland",
    "brussels": "European Union",
    "rome": "Italy",
    "madrid": "Spain",
    "ottawa": "Canada",
    "canberra": "Australia",
    "riyadh": "Saudi Arabia",
    "cairo": "Egypt",
    "damascus": "Syria",
    "baghdad": "Iraq",
    "kabul": "Afghanistan",
    "caracas": "Venezuela",
    "havana": "Cuba",
    "taipei": "Taiwan",
    "budapest": "Hungary",
}

# Country names, short forms and demonyms, for canonical names and affiliations.
COUNTRIES: dict[str, str] = {
    "u.s.": "United States", "us": "United States", "u.s": "United States",
    "united states": "United States", "the united states": "United States",
    "america": "United States", "american": "United States", "usa": "United States",
    "russia": "Russia", "russian": "Russia", "the russian federation": "Russia",
    "ukraine": "Ukraine", "ukrainian": "Ukraine",
    "china": "China", "chinese": "China",
    "turkey": "Turkey", "turkish": "Turkey", "türkiye": "Turkey",
    "u.k.": "United Kingdom", "uk": "United Kingdom", "britain": "United Kingdom",
    "british": "United Kingdom", "united kingdom": "United Kingdom",
    "the united kingdom": "United Kingdom",
    "france": "France", "french": "France",
    "germany": "Germany", "german": "Germany",
    "iran": "Iran", "iranian": "Iran",
    "israel": "Israel", "israeli": "Israel",
    "japan": "Japan", "japanese": "Japan",
    "india": "India", "indian": "India",
    "poland": "Poland", "polish": "Poland",
    "eu": "European Union", "european union": "European Union", "the european union": "European Union",
    "nato": "NATO",
    "un": "United Nations", "u.n.": "United Nations", "united nations": "United Nations",
    "the united nations": "United Nations",
}
