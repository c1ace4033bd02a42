"""The pattern phase: threats, coded hate, sexual propositions and spam phrases.

Each rule is a regular expression over the normalized text (lower case, evasions undone) with the
score a moderator would give one clear match. Counter-speech ("the claim that globalists control
the media is an antisemitic trope") is read like quoted slurs: the score drops when the sentence
names the idea to reject it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from rostra.moderation import lexicon
from rostra.moderation.evidence import Evidence, Hit
from rostra.moderation.lexicon import inflections
from rostra.moderation.normalize import NormalizedText

PHASE = "patterns"

# Who a threat is aimed at: the reader, a pronoun, or a named role; a verb like "kill" or "shoot"
# aimed at anything else ("kill the bill", "shoot the film") is not a threat.
_ROLE = (r"(?:author|writer|reporter|journalist|editor|mayor|judge|president|senator|minister|governor|cops?|"
         r"police|traitors?|politicians?)")
_PERSON = (r"(?:you|u|ya|y'?all|him|her|them|you all|all (?:of )?(?:you|them)|every (?:one|last one) of (?:you|them)|"
           r"your (?:family|kids|children|wife|husband|mother|mom|mum|dad|father|face|head|skull|ass|house|home|dog)|"
           rf"(?:that|this) (?:bitch|bastard|guy|man|woman|idiot|traitor|scum|clown|moron|pig|{_ROLE})|these people|"
           rf"those people|the {_ROLE})")
_WILL = r"(?:i|we)(?:'ll| will| shall|'m going to| am going to|'m gonna| am gonna| gonna|'re going to| are going to| are gonna)"
_VIOLENCE = (r"(?:kill|murder|shoot|stab|hang|lynch|beat|hurt|rape|strangle|choke|burn|bomb|slit|gut|"
             r"behead|execute|torture|break|smash|punch|cut|slaughter|end|destroy|bury|skin|gas)")
_VIOLENCE_DONE = (r"(?:shot|killed|hanged|hung|lynched|executed|murdered|beaten(?: to death)?|raped|burned|"
                  r"burnt|gassed|stabbed|strung up|put down|put against a wall|lined up and shot|"
                  r"exterminated|wiped out|eradicated|deported and shot)")
_SUBJECT_PEOPLE = r"(?:he|she|they|you|u|him|her|them|people like (?:the |that |this |you|him|her|them)?\w*|these \w+|those \w+|all (?:of )?(?:them|you)|the (?:author|writer|reporter|journalist|editor|mayor|judge)|every (?:last )?\w+)"
_GROUP = (r"(?:jews|muslims|blacks|whites|immigrants|migrants|refugees|gays|lesbians|trans(?: people)?|"
          r"mexicans|arabs|asians|chinese|africans|women|feminists|homosexuals|christians|hindus|"
          r"liberals|conservatives|leftists|democrats|republicans)")


_SUBJECT = rf"(?:{_SUBJECT_PEOPLE}|{_GROUP})"
# Groups protected for who they are (origin, religion, sexuality, gender, disability), not for their politics.
_PROTECTED = (r"(?:(?<!illegal )(?<!undocumented )(?:jews|muslims|blacks|immigrants|migrants|refugees|gays|lesbians|"
              r"homosexuals|mexicans|arabs|asians|chinese|africans|women|hindus|christians|sikhs|indians|latinos|"
              r"hispanics|gypsies|roma|foreigners)|(?:black|white|jewish|gay|trans|asian|muslim|disabled|brown) "
              r"(?:people|men|women|folks|kids))")
_PROTECTED_WORDS = ("jews muslims blacks immigrants migrants refugees gays lesbians homosexuals mexicans arabs asians "
                    "chinese africans women hindus christians sikhs indians latinos hispanics gypsies roma foreigners "
                    "black white jewish gay trans asian muslim disabled brown")
# "the reporter who wrote this", "every councillor that voted for it": who is meant, then the wish.
_RELATIVE_CLAUSE = r"(?: (?:who|that) [^.!?,;\n]{1,40}?)?"
_GROUP_SINGULAR = (r"immigrant|migrant|refugee|muslim|jew|arab|mexican|asian|african|paki|gay|lesbian|tranny|"
                   r"homo|foreigner|feminist|woman|indian|chinese|black")


@dataclass(frozen=True)
class Rule:
    """A pattern and its score; `triggers` are words one of which any match contains, so a comment
    without them skips the (slower) regular expression. A group named `span`, when it matched, marks
    the characters responsible; otherwise the whole match does."""

    attribute: str
    score: float
    triggers: frozenset[str]
    pattern: re.Pattern
    also: tuple[tuple[str, float], ...] = ()


def _rule(attribute: str, score: float, triggers: str, expression: str, *also: tuple[str, float]) -> Rule:
    return Rule(attribute, score, frozenset(triggers.split()), re.compile(expression), tuple(also))


def _forms(stems: str) -> str:
    return " ".join(sorted({form for stem in stems.split() for form in inflections(stem)} | set(stems.split())))


_VIOLENCE_WORDS = _forms("kill murder shoot stab hang lynch beat hurt rape strangle choke burn bomb slit gut behead "
                         "execute torture break smash punch cut slaughter end destroy bury skin gas")
_VIOLENCE_DONE_WORDS = ("shot killed hanged hung lynched executed murdered beaten raped burned burnt gassed stabbed "
                        "strung put lined exterminated wiped eradicated deported")
_GROUP_WORDS = ("jews muslims blacks whites immigrants migrants refugees gays lesbians trans mexicans arabs asians "
                "chinese africans women feminists homosexuals christians hindus liberals conservatives leftists "
                "democrats republicans")


RULES = (
    # Threats of violence: a speaker's intent, a call on others, a wish, or a veiled warning.
    _rule("threat", 0.93, "find hunt track", rf"\b{_WILL} (?:find|hunt|track) (?:you|u|ya|him|her|them)(?: down)?\b",
          ("severe_toxicity", 0.75), ("toxicity", 0.85)),
    _rule("threat", 0.95, _VIOLENCE_WORDS, rf"\b{_WILL} (?:\w+ )?{_VIOLENCE}\w* {_PERSON}\b",
          ("severe_toxicity", 0.85), ("toxicity", 0.9)),
    _rule("threat", 0.85, _VIOLENCE_WORDS,
          rf"\b(?:someone|somebody|people|we|they|you|u) (?:should|needs? to|ought to|has to|"
          rf"have to|must|gotta|oughta) (?:just )?{_VIOLENCE}\w* {_PERSON}\b",
          ("severe_toxicity", 0.7), ("toxicity", 0.85)),
    _rule("threat", 0.8, _VIOLENCE_DONE_WORDS,
          rf"\b(?:{_SUBJECT}|{_PROTECTED}){_RELATIVE_CLAUSE} (?:should|deserves? to|ought to|needs? to|must|will) "
          rf"(?:all )?(?:just )?be {_VIOLENCE_DONE}\b",
          ("severe_toxicity", 0.6), ("toxicity", 0.8)),
    _rule("threat", 0.9, "beat kick knock smack",
          r"\b(?:beat|kick|knock|smack)\w* the (?:shit|crap|hell|living daylights|life) out of "
          r"(?:you|u|ya|him|her|them)\b", ("severe_toxicity", 0.7), ("toxicity", 0.9)),
    _rule("threat", 0.85, "lesson noose rope bullet lamppost lampposts chipper gallows",
          rf"\bteach {_PERSON} a lesson\b.{{0,40}}\b(?:bat|gun|knife|rope|fists?|bullets?|crowbar)\b"
          rf"|\b(?:a |the )?(?:noose|rope|bullet|lamppost|wood ?chipper|gallows)s? (?:for|awaits?|(?:is |are )?waiting for|with .{{0,12}}name on it for) "
          rf"(?:{_PERSON}|traitors?|them all)\b", ("severe_toxicity", 0.7), ("toxicity", 0.85)),
    _rule("threat", 0.9, "live back dead numbered bullet eye",
          r"\bi know where (?:you|u) live\b|\bwatch your back\b|\byou(?:'re| are) (?:a )?dead (?:man|woman|meat)\b"
          r"|\byour days are numbered\b|\bput a bullet (?:in|through)\b|\bsleep with one eye open\b",
          ("toxicity", 0.8)),
    _rule("threat", 0.85, "hope",
          r"\bi hope (?:you|u|he|she|they|your \w+) (?:die|dies|get raped|gets raped|gets? shot|"
          r"gets? killed|burns?|rots?|chokes?)\b", ("severe_toxicity", 0.75), ("toxicity", 0.9)),
    _rule("threat", 0.9, "kill shoot hang gas exterminate",
          rf"\b(?:kill|shoot|hang|gas|exterminate|deport and kill) (?:all|every|them all)(?: the| of the| of)? {_GROUP}\b",
          ("identity_attack", 0.95), ("severe_toxicity", 0.9), ("toxicity", 0.95)),
    _rule("severe_toxicity", 0.9, "yourself urself kys bleach",
          r"(?<!\bnot )(?<!\bdon't )(?<!\bdont )(?<!\bnever )\b(?:go |just )?(?:kill|hang) (?:yo)?urself\b|\bkys\b|\bdrink bleach\b",
          ("threat", 0.6), ("toxicity", 0.95)),
    # Coded hate: the echo, numeric codes in context, antisemitic tropes, replacement rhetoric.
    # A bare 1488 is a code when it stands alone or labels a group; a quantity or a year is not.
    _rule("coded_hate", 0.95, "1488 14 88",
          r"\b14 ?/ ?88\b|(?<![\d.,$€£#])(?<!\b(?:in|on|at|by|to|of) )(?<!\b(?:year|page|room|than|over) )(?<!\b(?:about|since|after|until|circa) )"
          r"\b(?:1488|14 88)\b(?![.,]\d)(?! ?(?:[a-z]+)\b)|\b1488 (?:club|crew|brothers?|forever|gang|nation|hh|heil|sieg)\b",
          ("identity_attack", 0.8)),
    # 88 next to a Nazi word; the span is the 88 alone, so the words around it stay context.
    _rule("coded_hate", 0.9, "88", r"\b(?:heil|sieg|hh|aryan|white power|zog|rahowa|1488|14 words)\b.{0,40}?\b(?P<span>88)\b"
          r"|\b88\b(?=.{0,40}\b(?:heil|sieg|hh|aryan|white power|zog|rahowa|14 words)\b)", ("identity_attack", 0.8)),
    _rule("coded_hate", 0.92, "14 fourteen 14words secure rahowa sieg heil rope white remove",
          r"\b(?:14|fourteen) ?words\b(?! (?:in|of|on|long|or|and|to|for|per|limit|max|is|are|that))|\bsecure the existence of our (?:people|race)\b"
          r"|\brahowa\b|\bsieg heil\b|\bheil hitler\b|\bday of the rope\b|\bwhite power\b|\bremove kebab\b",
          ("identity_attack", 0.85), ("toxicity", 0.8)),
    _rule("coded_hate", 0.85, "globalist globalists zionist zionists rothschild rothschilds jews jewish bankers tribe khazar khazars soros",
          r"\b(?:the )?(?:globalists?|zionists?|rothschilds?|jews|jewish elites?|international bankers|"
          r"the tribe|a certain tribe|khazars?|soros and his)\b(?: \w+){0,3} (?:control|controls|own|owns|run|runs|"
          r"rule|rules|are behind|is behind|pull the strings of|puppet)\b(?: \w+){0,3} ?(?:banks?|media|press|"
          r"government|world|hollywood|money|finance|politicians|congress|everything|wars?|economy|us)\b",
          ("identity_attack", 0.75), ("toxicity", 0.7)),
    _rule("coded_hate", 0.85, "jews jewish zionists",
          r"\b(?:the )?(?:jews|jewish people|zionists) (?:are|were) (?:always |the ones )?"
          r"(?:behind|responsible for|to blame for) (?:this|it|that|everything|all of (?:this|it)|the \w+)\b",
          ("identity_attack", 0.8), ("toxicity", 0.75)),
    _rule("coded_hate", 0.9, "goyim goy merchant zionist oy oyvey vey shekel shekels holohoax holocaust six kalergi dindu dindus wuz 13 zog",
          r"\bthe goyim know\b|\bshut it down\b.{0,30}\bgoy|\bhappy merchant\b|\bzionist occupied\b"
          r"|\boy ?vey\b.{0,30}\b(?:shekels?|goy)|\bshekels?\b.{0,30}\b(?:goy|jews?)\b"
          r"|\bholohoax\b|\bholocaust (?:never happened|is a (?:lie|hoax|myth))\b|\bsix million (?:lie|myth|hoax)\b"
          r"|\bkalergi\b|\bdindus?\b|\bwe wuz\b|\b13 ?/ ?50\b|\bdespite being 13\b|\bzog\b",
          ("identity_attack", 0.8), ("toxicity", 0.75)),
    # In-group code beyond the echo: Jews named as kabbalists, globalist bankers, rootless
    # cosmopolitans, a "Jewish question"; the numbers of Holocaust denial ("6 gorillion", "109 countries").
    _rule("coded_hate", 0.85, "kabbalist kabbalists globalist globalists rootless khazarian synagogue talmudic jq "
          "109 gorillion goyim jewish",
          r"\bkabbalists?\b(?: \w+){0,2} (?:medias?|press|bankers?|elites?|cabal|agenda|controll?\w*|lobby|hollywood)\b"
          r"|\b(?:medias?|press|bankers?|elites?|hollywood) (?:of|run by|owned by) (?:the )?kabbalists?\b"
          r"|\bglobalist (?:bankers?|financiers?|elites?|cabal|jews?|puppet ?masters?|media)\b|\brootless cosmopolitans?\b"
          r"|\bkhazarian (?:mafia|jews?|elites?|bankers?)\b|\bsynagogue of satan\b|\btalmudic (?:agenda|plot|media|elites?|bankers?)\b"
          r"|\bthe jq\b|\bthe jewish question\b|\bexpelled from 109 countries\b|\b109 countries\b|\b6 ?gorillion\b|\bgoyim\b",
          ("identity_attack", 0.75), ("toxicity", 0.7)),
    _rule("coded_hate", 0.85, "replacement genocide replace replaced replacing invasion invaders",
          r"\b(?:great replacement|white genocide|replacement migration)\b"
          r"|\b(?:will not|won't|wont) replace us\b|\breplac(?:e|ed|ing|ement of) (?:us|whites|white people|the white race|"
          r"native (?:europeans|americans|britons|germans|french|people|population)|europeans|christians)\b"
          r"|\b(?:migrant|immigrant|muslim|islamic) invasion\b|\binvaders\b.{0,30}\b(?:migrants|immigrants|muslims|refugees)\b",
          ("identity_attack", 0.75), ("toxicity", 0.7)),
    _rule("coded_hate", 0.7, "groomer groomers pedophiles paedophiles predators",
          r"\b(?:gays|trans(?: people)?|lgbt\w*|homosexuals|drag queens) (?:are|is) (?:all )?(?:groomers|pedophiles|paedophiles|predators)\b"
          r"|\bgroomers?\b.{0,40}\b(?:gays?|trans|lgbt\w*|drag)\b|\b(?:gays?|trans|lgbt\w*|drag)\b.{0,40}\bgroomers?\b",
          ("identity_attack", 0.8), ("toxicity", 0.7)),
    # Shutting a protected group out, or pinning a vice on all of it.
    _rule("identity_attack", 0.8, _PROTECTED_WORDS,
          rf"\b(?:all )?{_PROTECTED} (?:should|must|need to|ought to) (?:all )?be "
          r"(?:banned|deported|expelled|kicked out|removed|thrown out|sent back|locked up|sterili[sz]ed|segregated)\b"
          rf"|\b{_PROTECTED} (?:are|is) not welcome\b|\b{_PROTECTED} should(?:n't| not) be allowed (?:to|near|in)\b"
          rf"|\b{_PROTECTED} (?:are|r) (?:all )?(?:genetically |naturally |inherently |just )?(?:less intelligent|"
          r"inferior|stupid|rapists|criminals|terrorists|thieves|violent|savages|pedophiles|paedophiles|too emotional|"
          r"incapable|a threat|the enemy|invaders|parasites|diseased|disgusting|filthy|dirty|worthless|sick|perverts|"
          r"perverted|degenerates?|vile)\b"
          rf"|\bi (?:hate|despise|loathe|can't stand|cant stand) (?:all |the )?{_PROTECTED}", ("toxicity", 0.8)),
    # Dehumanising a group by name.
    _rule("identity_attack", 0.88, _GROUP_WORDS,
          rf"\b{_GROUP} (?:are|r) (?:all )?(?:just )?(?:animals|vermin|rats|cockroaches|parasites|"
          r"subhuman|savages|a disease|a cancer|a plague|filth|scum|dogs|apes|monkeys|pigs|trash|garbage|inferior|"
          r"not human|mentally ill|an abomination|evil)\b", ("toxicity", 0.9), ("insult", 0.6)),
    _rule("identity_attack", 0.8, "back kitchen sandwich dirty filthy stinking",
          r"\bgo back (?:to|where) (?:your (?:own )?(?:country|countries)|"
          r"where (?:you|they) came from|africa|mexico|china|india|pakistan|the desert|your (?:shithole|jungle|cave))\b"
          r"|\b(?:women|woman|girls|females) (?:belong|should (?:stay|be kept)) in the kitchen\b|\bget back (?:in|to) the kitchen\b"
          r"|\bmake me a sandwich\b"
          rf"|\byou (?:dirty|filthy|stinking|stupid|fucking|bloody) (?:{_GROUP_SINGULAR})s?\b",
          ("toxicity", 0.85), ("insult", 0.7)),
    # Sexual propositions and descriptions.
    _rule("sexually_explicit", 0.9, "suck lick sit ride send nudes fuck bang screw rape pussy cock dick singles smash hit tap rail",
          r"\b(?:suck|lick) my (?:dick|cock|balls|pussy|tits|ass)\b"
          r"|\b(?:sit|ride) on my (?:face|dick|cock)\b|\bsend (?:me )?(?:your )?nudes\b"
          r"|\bsend (?:me )?(?:some |a )?(?:pics?|pictures?|photos?|vids?|videos?) of your (?:tits|boobs|ass|pussy|dick|cock|body|feet)\b"
          r"|\b(?:want|wanna|going|gonna) (?:to )?(?:fuck|bang|screw|rape) (?:you|u|her|him|them)\b"
          r"|\b(?:wet|hard|tight|throbbing) (?:pussy|cock|dick)\b|\bhot (?:singles|milfs|girls) (?:in|near)\b"
          r"|\b(?:i'?d|i would|would so|i'?m gonna|gonna) (?:bang|fuck|smash|hit that|tap that|rail) (?:her|him|you|u|that|this|them)\b",
          ("toxicity", 0.7)),
    # Spam: self-promotion, contact details, money offers.
    _rule("spam", 0.75, "check visit subscribe follow channel",
          r"\b(?:check out|visit|subscribe to|follow) (?:my|our) (?:new )?(?:channel|page|video|profile|blog|"
          r"website|site|stream|account|insta(?:gram)?|tiktok|youtube|shop|store)\b|\bsubscribe\b.{0,30}\bchannel\b"),
    _rule("spam", 0.7, "follow",
          r"\bfollow (?:me|us) on (?:insta(?:gram)?|tiktok|twitter|x|youtube|facebook|telegram|twitch|snapchat|onlyfans|ig)\b"),
    _rule("spam", 0.4, "off", r"\b\d{1,2} ?% off\b"),
    _rule("spam", 0.7, "dm message contact text call whatsapp add whats telegram",
          r"\b(?:dm|message|contact|text|call|whatsapp|add) (?:me|us) (?:on|at|via|@)\b|\bwhats ?app\b|\btelegram\b ?@"),
    _rule("spam", 0.8, "earn earns earned make makes made making earning work working income money home free viagra cialis "
          "casino bitcoin crypto forex binary guaranteed dating",
          r"\b(?:earn|make|made|making|earning)\w* \$? ?\d[\d,.]*k?(?: ?(?:dollars|usd|euros|pounds))?"
          r"(?: \w+){0,6} (?:(?:per|a|every|each|in a|in one) (?:day|week|month|hour)|daily|weekly|monthly)\b"
          r"|\b(?:work(?:ing)?|earn\w*|income|money) from home\b"
          r"|\bfree (?:money|bitcoin|crypto|iphone|gift ?cards?|followers)\b|\bviagra\b|\bcialis\b|\bcasino bonus\b"
          r"|\b(?:bitcoin|crypto|forex|binary) (?:investment|trading|mining) (?:expert|manager|platform|opportunity)\b"
          r"|\bguaranteed (?:income|profit|returns)\b|\bdating (?:site|app)\b.{0,40}(?:free|join|click)"),
    # Shop talk that ordinary comments use too ("click here for the report"): weak alone.
    _rule("spam", 0.45, "click promo discount buy order limited",
          r"\bclick (?:here|this link|my link|below)\b|\bpromo code\b"
          r"|\bdiscount code\b|\b(?:buy|order) now\b|\blimited (?:time )?offer\b"),
    # International (+44 7700 900123) or North American ((555) 123-4567) form; not dates, IP addresses or counts.
    _rule("spam", 0.5, "", r"(?<![\w$€£.,=/&;%:#+-])(?:\+\d{1,3}[ .-]?(?:\(?\d{1,4}\)?[ .-]?){1,3}\d{3,4}"
          r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?![\w.,/=&%-]?\d)"),
)

# Sentence words that show a pattern is being quoted to reject it, not asserted.
REJECTION_MARKERS = re.compile(
    r"\b(?:trope|tropes|antisemitic|anti-semitic|antisemitism|racist|conspiracy theor\w+|debunked|myth|"
    r"false|(?:is|are|was|a|an|the|that's|old|oldest|big) (?:lie|lies)|nonsense|disgusting|hateful|bigot\w*|sexis[mt]|homophob\w+|transphob\w+|islamophob\w+|xenophob\w+|propaganda of|dog ?whistle\w*|slogan|code for|"
    r"neo-?nazi\w*|white supremacis\w+|antisemites?|hate (?:speech|crimes?|symbols?)|symbol|signal|code|"
    r"chant\w*|graffiti|manifesto|means?|meaning|stands? for|salutes?|shock\w*|outrage\w*|arrested|charged|"
    r"investigat\w+|reported|never forget|prosecut\w+|used by|recogni[sz]e|condemn\w*|reject\w*|so-called|"
    r"historians?|history of)\b")
_ECHO = re.compile(r"\({3}\s*[^()\n]{1,60}?\s*\){3}")
# Attributes whose patterns a reader may name to reject them ("... is an antisemitic trope").
_REJECTABLE = frozenset({"coded_hate", "identity_attack"})


_DIGIT_RUN = re.compile(r"\d\d")

# Counter-speech that reports a claim to condemn it: "calling women stupid is sexist", "saying
# Muslims are terrorists is bigotry", "people who call immigrants rats should be ashamed", "sick of
# seeing gay people called perverts". The claim runs from the reporting verb to the sentence's last
# copula or modal; what follows must condemn it (a word of lexicon.CONDEMNATION_MARKERS, no negation:
# "saying Jews are vermin isn't wrong" is not counter-speech).
_REPORTED_CLAIM = re.compile(
    r"\b(?:calling|call|called|saying|say|said|claiming|claim|claims|suggesting|implying|describing|"
    r"labelling|labeling)\s+(?P<claim>[^.!?\n]{3,100})\s+(?:is|are|was|were|should|must|makes?|made)\b"
    r"(?P<verdict>[^.!?\n]{1,100})")
_TIRED_OF_CLAIM = re.compile(r"\b(?:sick|tired) of (?:seeing|hearing|reading)\s+(?P<claim>[^.!?\n]{3,100})")


def _rules_by_trigger(rules: tuple[Rule, ...]) -> dict[str, tuple[int, ...]]:
    """For each trigger word, the positions of the rules it wakes."""
    positions: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        for trigger in rule.triggers:
            positions.setdefault(trigger, []).append(position)
    return {word: tuple(found) for word, found in positions.items()}


_RULES_BY_TRIGGER = _rules_by_trigger(RULES)
_ALL_TRIGGERS = frozenset(_RULES_BY_TRIGGER)
_UNTRIGGERED_RULES = tuple(index for index, rule in enumerate(RULES) if not rule.triggers)
# Enough matches of one rule to score a comment; more only cost time on a pasted wall of text.
MAX_MATCHES_PER_RULE = 20
_SENTENCE_REACH = 300


def scan(normalized: NormalizedText, words: frozenset[str], evidence: Evidence) -> None:
    """Add a hit for every rule that matches, with its span on the original text.

    `words` is the set of the normalized text's tokens: only rules one of whose triggers is among
    them run; a rule without triggers (phone numbers) runs when the text has digits.
    """
    text = normalized.text
    chosen = {index for word in words & _ALL_TRIGGERS for index in _RULES_BY_TRIGGER[word]}
    if _DIGIT_RUN.search(text):
        chosen.update(_UNTRIGGERED_RULES)
    for index in sorted(chosen):
        rule = RULES[index]
        for match in islice(rule.pattern.finditer(text), MAX_MATCHES_PER_RULE):
            start, end = match.span("span") if match.groupdict().get("span") else match.span()
            span = normalized.span_to_original(start, end)
            weight = 1.0
            if rule.attribute in _REJECTABLE and REJECTION_MARKERS.search(_sentence_around(text, start, end)):
                weight = 0.3
                evidence.condemned_spans.append(span)
            elif rule.attribute != "spam" and _quoted(normalized.original, *span):
                weight = 0.5  # reported speech: 'the suspect shouted "I will kill you"'
            evidence.add(Hit(rule.attribute, rule.score * weight, span, PHASE))
            for attribute, score in rule.also:
                evidence.add(Hit(attribute, score * weight, span, PHASE))
    if "(((" not in normalized.original:
        return
    for match in islice(_ECHO.finditer(normalized.original), MAX_MATCHES_PER_RULE):
        weight = 0.3 if REJECTION_MARKERS.search(
            _sentence_around(normalized.original.lower(), match.start(), match.end())) else 1.0
        evidence.add(Hit("coded_hate", 0.95 * weight, match.span(), PHASE))
        evidence.add(Hit("identity_attack", 0.8 * weight, match.span(), PHASE))


def scan_reported_claims(normalized: NormalizedText, evidence: Evidence) -> None:
    """Mark the claims a sentence reports in order to condemn them as condemned spans: the engine
    then asks whether the learned scores still hold with those words masked (`Engine._excused_as_aimless`)."""
    text = normalized.text
    for match in _REPORTED_CLAIM.finditer(text):
        verdict = lexicon.words_of(match.group("verdict"))
        if verdict & lexicon.CONDEMNATION_MARKERS and not verdict & lexicon.NEGATIONS:
            evidence.condemned_spans.append(normalized.span_to_original(*match.span("claim")))
    for match in _TIRED_OF_CLAIM.finditer(text):
        evidence.condemned_spans.append(normalized.span_to_original(*match.span("claim")))


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether the span sits inside quotation marks, as a reader quoting someone else."""
    before, after = text[max(0, start - 3):start], text[end:end + 3]
    return any(mark in before for mark in "\"“«'‘") and any(mark in after for mark in "\"”»'’")


def _sentence_around(text: str, start: int, end: int) -> str:
    """The rest of the sentence holding [start, end) (the match itself left out, so that "gays are
    disgusting" does not read as its own condemnation), at most _SENTENCE_REACH characters either side."""
    floor, ceiling = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
    before = max(text.rfind(mark, floor, start) for mark in ".!?\n")
    after = [position for position in (text.find(mark, end, ceiling) for mark in ".!?\n") if position >= 0]
    return text[max(before + 1, floor):start] + " " + text[end:min(after) if after else ceiling]
