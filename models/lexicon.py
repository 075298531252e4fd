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
       "the new york post", "new york post", "politifact", "factcheck.org", "snopes",
       "realclearpolitics", "fivethirtyeight", "the hill", "vox", "slate", "salon", "buzzfeed",
       "buzzfeed news", "the daily beast", "mother jones", "national review", "the intercept",
       "propublica", "los angeles times", "chicago tribune", "boston globe", "the boston globe",
       "associated press", "agence france-presse", "afp", "dpa", "the times", "the telegraph",
       "the independent", "der spiegel", "le monde", "zero hedge", "drudge report", "fox news",
       "cnbc", "pbs", "c-span", "univision", "telemundo", "the new yorker", "rolling stone"]
)
# Last words of an outlet's name ("the Tampa Bay Times", "Christian News Service").
MEDIA_NAME_WORDS: frozenset[str] = frozenset(
    """
    times post journal news herald tribune gazette press magazine daily radio television tv
    network newspaper newswire wire chronicle observer examiner inquirer courier dispatch
    """.split()
)

# Speaker descriptions (models/speakers.py, models/speaker_names.py). Kept apart from the lists
# above, which the rule extractor reads: the speaker's record may change, the claims may not.

# Relative pronouns: the speaker is the noun the clause hangs on ("Bill Clinton, who said ...").
PRONOUNS_RELATIVE = frozenset({"who", "which", "that", "whose", "whom"})
# Possessive and reflexive forms, resolved like the pronoun they come from.
PRONOUNS_POSSESSIVE: dict[str, str] = {
    "his": "he", "hers": "she", "himself": "he", "herself": "she", "its": "it", "itself": "it",
    "their": "they", "theirs": "they", "themselves": "they", "my": "i", "our": "we",
}
PRONOUNS_MALE = frozenset({"he", "him", "his", "himself"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers", "herself"})

# Texts and artefacts that "show", "find" or "say" things: a document speaker, not its author.
SPEAKER_DOCUMENTS: frozenset[str] = DOCUMENT_NOUNS | frozenset(
    """
    piece article column op-ed essay commentary editorial report analysis analyses study survey
    poll polls polling average tally data research finding findings tweet post video footage
    recording transcript return returns brief submission memo email letter ad advertisement book
    documentary film movie chart graphic map record records count estimate projection forecast
    amendment charter article clause treaty agreement accord constitution endeavor endeavors
    website page release
    """.split()
)
# Outlets as such (a piece in one is a document).
SPEAKER_MEDIA: frozenset[str] = frozenset(
    """
    newspaper paper magazine outlet broadcaster network tabloid daily weekly blog website media
    press channel station wire
    """.split()
)
# Nouns of a share or number of people: "Twelve percent", "a majority of voters" are a group.
GROUP_NOUNS: frozenset[str] = frozenset(
    """
    percent percentage majority minority number share half third quarter most many some few
    several others other all both everyone everybody none crowd chorus group coalition people
    labor
    """.split()
)
# Plural nouns of places that speak as states ("many E.U. nations").
COUNTRY_NOUNS: frozenset[str] = frozenset({"nation", "country", "state", "government"})
# Heads that make a state's mention the state itself ("China's Foreign Ministry" = China).
GOVERNMENT_NOUNS: frozenset[str] = frozenset(
    {"government", "ministry", "administration", "cabinet", "regime", "authorities", "leadership"})
# Groups, countries and bodies named in COUNTRIES that are organisations, not states.
INTERNATIONAL_BODIES: frozenset[str] = frozenset({"NATO", "European Union", "United Nations"})
# Heads whose unnamed speakers are anonymous sources ("a senior official", "two aides").
ANONYMOUS_NOUNS: frozenset[str] = frozenset(
    """
    official officials source sources aide aides adviser advisers advisor advisors insider insiders
    person people diplomat diplomats staffer staffers
    """.split()
)

# Titles before a name, with the role they stand for ("Gov." = governor); honorifics map to "".
TITLES: dict[str, str] = {
    "mr.": "", "mrs.": "", "ms.": "", "mr": "", "mrs": "", "ms": "", "miss": "", "dr.": "",
    "sir": "", "dame": "", "rev.": "", "the": "",
    "gov.": "governor", "sen.": "senator", "rep.": "representative", "gen.": "general",
    "lt.": "lieutenant", "col.": "colonel", "adm.": "admiral", "sgt.": "sergeant", "capt.": "captain",
    "supt.": "superintendent", "atty.": "attorney", "sec.": "secretary", "pres.": "president",
    "president": "president", "vice": "vice", "senator": "senator", "governor": "governor",
    "mayor": "mayor", "chief": "chief", "justice": "justice", "judge": "judge",
    "secretary": "secretary", "minister": "minister", "prime": "prime", "chancellor": "chancellor",
    "commissioner": "commissioner", "director": "director", "chairman": "chairman",
    "chairwoman": "chairwoman", "speaker": "speaker", "ambassador": "ambassador",
    "general": "general", "sheriff": "sheriff", "officer": "officer", "professor": "professor",
    "congressman": "congressman", "congresswoman": "congresswoman", "leader": "leader",
    "former": "former", "first": "first", "lady": "lady", "king": "king", "queen": "queen",
    "prince": "prince", "pope": "pope", "attorney": "attorney",
    "representative": "representative", "del.": "delegate", "delegate": "delegate",
}
HONORIFICS_MALE = frozenset({"mr.", "mr", "sir"})
HONORIFICS_FEMALE = frozenset({"mrs.", "ms.", "mrs", "ms", "miss", "dame"})
# Words of a description that praise rather than describe ("a prominent columnist" is a columnist).
EVALUATIVE = frozenset(
    {"prominent", "leading", "noted", "well-known", "longtime", "veteran", "influential", "famous",
     "respected", "popular", "top", "key", "outspoken", "new"})
# Party words, as a reader names the party.
PARTIES: dict[str, str] = {
    "republican": "the Republican Party", "republicans": "the Republican Party",
    "gop": "the Republican Party", "r": "the Republican Party",
    "democrat": "the Democratic Party", "democratic": "the Democratic Party",
    "democrats": "the Democratic Party", "d": "the Democratic Party",
}
# Words of a description that place or label the speaker rather than give its job ("a federal
# judge", "conservative economist Aparna Mathur", "a Washington-based developer").
ROLE_DROPPED = frozenset(
    {"conservative", "liberal", "progressive", "centrist", "libertarian", "moderate", "federal",
     "current", "based", "then", "now"})
# Bodies a speaker can be or speak for: the extractor's ORG_NOUNS and more ("a Republican-controlled
# legislature", "the House panel", "the Democratic caucus").
BODY_NOUNS: frozenset[str] = ORG_NOUNS | frozenset(
    """
    panel legislature caucus board subcommittee network chain union labor department ministry
    court tribunal school university college center centre society association federation league
    """.split()
)
# Family and household nouns: "his wife", "my father" are one person.
KIN_NOUNS = frozenset(
    """
    wife husband father mother son daughter brother sister grandfather grandmother uncle aunt
    cousin nephew niece ex-wife ex-husband widow widower fiancé fiancée girlfriend boyfriend
    partner stepfather stepmother parent grandparent dad mom
    """.split()
)
# Party members as nouns: "Senator Dianne Feinstein, Democrat of California" is the party's.
PARTY_NOUNS = frozenset({"democrat", "republican"})
# Job words, kept in a role even where the parse makes them proper nouns ("Executive Director").
ROLE_WORDS: frozenset[str] = PERSON_NOUNS | {role for role in TITLES.values() if role} | frozenset(
    """
    executive assistant deputy associate activist founder co-founder strategist pollster consultant
    moderator host anchor staffer nominee counsel treasurer lieutenant governor whip delegate
    organizer coordinator playwright developer physicist
    """.split()
)
NAME_SUFFIXES = frozenset({"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"})

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
    "london": "Britain",
    "downing street": "Britain",
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
    "u.k.": "Britain", "uk": "Britain", "britain": "Britain", "great britain": "Britain",
    "british": "Britain", "united kingdom": "Britain", "the united kingdom": "Britain",
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

# More states, by name and demonym, for speakers' names and affiliations only ("Latvian journalist
# Dainis Ivans" -> Latvia); kept apart from COUNTRIES, which the stance step also reads.
MORE_COUNTRIES: dict[str, str] = {
    demonym: state
    for state, demonyms in {
        "Afghanistan": "afghan", "Australia": "australian", "Austria": "austrian", "Belarus": "belarusian",
        "Belgium": "belgian", "Brazil": "brazilian", "Burma": "burmese", "Canada": "canadian",
        "Cuba": "cuban", "Denmark": "danish", "Egypt": "egyptian", "Estonia": "estonian",
        "Finland": "finnish", "Greece": "greek", "Hungary": "hungarian", "Iraq": "iraqi",
        "Ireland": "irish", "Italy": "italian", "Latvia": "latvian", "Lithuania": "lithuanian",
        "Mexico": "mexican", "the Netherlands": "dutch", "North Korea": "north korean",
        "Norway": "norwegian", "Pakistan": "pakistani", "the Philippines": "filipino",
        "Romania": "romanian", "Saudi Arabia": "saudi", "South Korea": "south korean",
        "Spain": "spanish", "Sweden": "swedish", "Switzerland": "swiss", "Syria": "syrian",
        "Taiwan": "taiwanese", "Venezuela": "venezuelan", "Vietnam": "vietnamese",
        "Myanmar": "myanmar", "Libya": "libyan", "Nigeria": "nigerian", "Kenya": "kenyan",
        "South Africa": "south african", "Argentina": "argentine", "Colombia": "colombian",
        "Qatar": "qatari", "Lebanon": "lebanese", "Yemen": "yemeni",
        "Moldova": "moldovan", "Serbia": "serbian", "Croatia": "croatian",
        "Czech Republic": "czech", "Slovakia": "slovak", "Bulgaria": "bulgarian", "Portugal": "portuguese",
        "New Zealand": "new zealand", "Indonesia": "indonesian", "Thailand": "thai", "Malaysia": "malaysian",
    }.items()
    for demonym in (demonyms, state.lower(), state.lower().removeprefix("the "))
}
