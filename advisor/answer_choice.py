"""Which question-level answer to give, from the answer selector's ranking. No Rasa import.

The NLU's answer selector (rasa_server/nlu/answer_selector.py) ranks every answer in
content/questions/ for a message. Here the ranking becomes one of three replies: the answer,
when one candidate is clearly ahead; "Did you mean..." with the top three, when candidates are
close or below the threshold; the topic list, when nothing is near. A short follow-up ("and
what does it cost?") is read against the answer given last: candidates under the same topic,
or about the same thing under another topic (hssr.fee after hsse.fee), count for more.
SETTINGS holds the thresholds and weights, the one place they are set. The answer threshold and
margin (0.45, 1.5) come from `python tools/evaluate_nlu.py --sweep-thresholds`, which pools every
held-out set but the newest (the test): the fewest confident wrong answers, then the most answered right,
with at least 90% answered right, among the settings that answer the main questions directly ("Can I do
HSST part time?" has two close candidates, and 2 times the next sends it to "Did you mean"). Over sets 1-13
(2026-12-07) 0.45 / 1.5 gives 11 confident wrong answers against 25 at the 0.40 / 1.25 used before. A follow-up
keeps 0.40 / 1.25: its scores are shares after the context has weighed in, and at 0.45 / 1.5 the short
follow-ups ("and the register?" after the HSSE fee) went to "Did you mean"; docs/nlu.md.
A clear best candidate is still not given when the message asks for a kind of detail its words never
mention (DETAIL_ASKS: a fee, a pass mark, annual leave...): it is offered under "Did you mean" instead, and so it
is when the message is much nearer a question no answer fits than any phrasing of it (OUT_OF_SCOPE_LEAD).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from advisor.faq_content import Content, QuestionAnswer


@dataclass(frozen=True)
class Settings:
    # Answer straight away when the best candidate scores at least answer_confidence and at
    # least margin times the next one. The margin was 1.5 until round 26 (docs/nlu.md): on the 35th and 36th sets,
    # which no model was trained on, 2.0 (with out_of_scope_lead 0.05) gave 3 fewer confident wrong answers of 11 for
    # 3 fewer right of 483. 2.5 gave one more fewer of each, but "Did you mean" for "Can I do HSST part time?".
    answer_confidence: float = 0.50
    margin: float = 2.0
    # Or, below that, when it scores at least dominant_confidence and at least dominant_margin times the next: so far
    # ahead of every other answer that it is no close call (docs/nlu.md, round 15). Both thresholds were raised with
    # the selector's sharper confidences (round 16).
    dominant_confidence: float = 0.40
    dominant_margin: float = 5.0
    # A follow-up (a short message after an answer) is scored as its share among the candidates once the
    # context has weighed in (scored_candidates), another scale from a question's own confidence: its own pair.
    follow_up_answer_confidence: float = 0.40
    follow_up_margin: float = 1.25
    # A clear best candidate is still offered under "Did you mean" when the message is this much nearer (MiniLM
    # cosine) an out-of-scope example than any phrasing of that answer (rasa_server/nlu/example_neighbours.py;
    # docs/nlu.md, round 24; 0.10 until round 26, chosen with the margin). Not for a follow-up, whose few words are
    # near nothing in particular.
    out_of_scope_lead: float = 0.05
    # Below this nothing is near: list the topics instead of offering guesses.
    near_confidence: float = 0.08
    # How much the topic intent's confidence weighs in: an answer under the topic the intent
    # classifier is sure of is preferred over a close one elsewhere.
    topic_prior_weight: float = 1.0
    # A message this short, after an answer, may lean on that answer.
    follow_up_max_words: int = 6
    # How much a follow-up's candidate gains from sharing the last answer's topic, or its subject
    # under another topic (the part of the id after the dot, e.g. "fee"); more when the message
    # reads as a follow-up ("and ...?", "what about ...", "it", "that").
    context_weight: float = 3.0
    cued_context_weight: float = 10.0


SETTINGS = Settings()
DID_YOU_MEAN = 3
# The answer ranking entry's field the selector sets (rasa_server/nlu/example_neighbours.py): the message's cosine
# to its nearest out-of-scope example minus its cosine to the answer's nearest phrasing.
OUT_OF_SCOPE_LEAD = "out_of_scope_lead"
# Words that make a short message lean on what was said before it.
FOLLOW_UP_CUE = re.compile(
    r"^\s*(and|also|but|so|plus|what about|how about)\b|\b(it|its|it's|that|this|they|them|those|there)\b", re.I
)
# Words that carry no subject. A message made only of these ("the of and to") has nothing an answer
# could match, so it gets the topic list, never a guess; after an answer it may still be a follow-up.
FUNCTION_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "a an the and or but nor of to in on at for with by from as into onto about over under than then so if "
        "is are was were be been being am do does did doing have has had will would shall should can could may "
        "might must it its this that these those there here i me my mine you your yours he him his she her hers "
        "we us our they them their what which who whom whose how when where why not no yes up out off just also "
        "too very"
    ).split()
)
# The answers and their training examples are English: a message without one Latin letter
# (another script, emoji, only digits) is text the selector cannot read, whatever it ranks.
LATIN_LETTER = re.compile(r"[A-Za-z]")
# Details a question can ask for that an answer gives only where its own words say so: an amount of
# money (self-funding too; an amount in pounds only from an answer that gives one), another programme or
# register (an apprenticeship, the PTP, the RCT), becoming an examiner, a mark or rate, a length limit or a
# talk's minutes, who holds an office, an app, login, download or code, terms of employment, leave carried
# over, whether something is held online, the STP or HSSE when it is the route asked about. A nation other
# than England, and a WTE under the 0.6 floor, must be in the direct answer itself (DIRECT_ASKS, below).
# Held-out questions asking such a detail no answer gives ("what's the pass mark for FRCPath Part 1?",
# "how many days annual leave?") drew the answer on the topic with confidence. Each pair is what a
# message asks (first) and what the answer's question, examples, answer or details must mention for it
# to be given at once (second); otherwise the message gets "Did you mean", where the near answer is
# offered, not given as if it answered.
# "Who is in charge of it" asks who runs something, not what it costs.
MONEY = "fees?|costs?|price|(?<!in )charged?|charges|pounds"
WHO_HOLDS = (
    r"\b(who is|name of) the (current |new )?(\w+ )?(director|head|chair|lead|dean|chief)"
    # The office left unnamed ("name of the person currently leading the national school").
    r"|\bname of the (person|individual)\b|\bperson (currently |now )?(leading|heading|running)\b"
)
# How something is held, not an online system ("which online portfolio system?").
ONLINE_THINGS = "e-?portfolio|portfolio|system|platform|form|application|account"
HELD_ONLINE = rf"in person|online(?! ({ONLINE_THINGS}))|remote(ly)?|virtual(ly)?"
HSSE = r"\bhsse\b|\bhss equivalence\b|\bhigher specialist (scientist )?equivalence\b"
AMOUNT = r"£|\bpounds\b|\b(actual|exact) (salary|pay|amount)\b|\bsalary figure\b"
OTHER_PROGRAMMES = (
    "apprenticeships?",
    r"ptp|practitioner training( programme)?",
    r"rct|register of clinical technologists",
    r"rccp|registration council for clinical physiologists",
    # Doctors' training: the ARCP is theirs (HSST's review is the ARP).
    r"arcp|(junior|resident|foundation) doctors?",
    # GPs' own training.
    r"gp (specialty |speciality )?train(ing|ees?)|general practice training",
    # The Republic of Ireland's regulator: the answers speak of the UK's nations only.
    r"coru",
    # Other professions and their training ("an HSST for pharmacists?", "dental core training dates"): the answers
    # are about healthcare scientists. Every held-out question naming one so far has no answer.
    r"nurs(e|es|ing)|nmc|midwi(fe|ves)|advanced clinical practi(ce|tioners?)|acps?",
    r"pharmacists?|pharmacy",
    r"radiographers?|sonographers?|paramedics?|physiotherapists?|psychologists?",
    r"dentists?|dental (core |foundation |specialty )?train(ing|ees?)",
    r"physician associates?",
    # Other courses: the radiation protection supervisor's, the accredited scientific practice programme.
    r"radiation protection supervisors?|accredited scientific practice",
)
# Less than full time under the guidance's 0.6 WTE ("0.5 wte", "2 days a week"): only an answer that gives the
# floor answers it; "Possibly", whether part time can be done at all, would read as yes.
UNDER_THE_FLOOR = r"\b0?\.[0-5]\d* ?(wte|fte)\b|\b([12]|one|two) days? a week\b"
# Becoming an examiner or assessor oneself: the answer on who examines does not say how.
BECOMING_AN_EXAMINER = (
    r"\b(becom(e|ing)|volunteer(ing)?( to be| as)?|apply(ing)? to be)( an?)? (\w+ )?(examiner|assessor)s?\b"
)
MARKS = r"\b(pass mark|pass rate|marks?|marked|score|scored|percentage|proportion|success rate)\b"
# Each term on its own: an answer on travel does not answer a question on parking.
EMPLOYMENT_TERMS = (  # noqa: SIM905 (a term list reads best as one string)
    "annual leave|holidays?|pension|locum|bank shifts?|overtime|visas?|sponsorship|park(ing)?|relocation|expenses|"
    "travel|dbs|occupational health|"
    # An employer's own processes: probation, grievances, redundancy, a trust merger.
    r"probation\w*|grievances?|disciplinary|redundan\w*|tupe|notice period|whistle-?blow\w*|bullying|job evaluation|"
    "merger|merging"
).split("|")
# On-call or out-of-hours work as the thing asked about (its pay, its rota, whether trainees do it), not as background
# ("swamped with on-call this term"): no answer covers it.
ON_CALL_WORK = r"\b(on[- ]?call|out[- ]of[- ]hours)\b"
PAY_WORDS = r"\b(pay|paid|payments?|rates?|allowances?|money)\b"
ON_CALL = (
    rf"{ON_CALL_WORK} (rotas?|shifts?|duties|work)\b|\b(do|does|doing) on[- ]?call\b"
    # Its pay in any order ("on-call payments", "how much are clinical scientists paid for on call").
    rf"|{ON_CALL_WORK}[\s\S]*{PAY_WORDS}|{PAY_WORDS}[\s\S]*{ON_CALL_WORK}"
)
# A count of people on the programme or the register (how many are training, were recruited, applied, are
# registered): no source gives one. How many are interviewed per post, or sit on a panel, is not asked this way.
COUNT_OF_PEOPLE = (
    r"\bhow many (hsst |stp )?(people|ppl|trainees|scientists)( are| were| have been)? "
    r"(there|currently|training|recruited|start(ed|ing)?|applied|got through|fail(ed)?|in (total|each cohort)|"
    r"nationally|altogether|"
    r"on (hsst|the hssr|the (hss |higher specialist (scientist )?)?register))\b|\bnumber of (hsst )?trainees\b"
)
COUNT_GIVEN = r"\b\d[\d,]* (trainees|people|registrants|posts)\b"
# What a trainee's supervisor may, must or can be ("can my HSST supervisor be based at a different trust?"): only an
# answer that speaks of supervisors answers it; the one on training at another trust does not.
SUPERVISOR_ASKED = (
    r"\b(can|could|does|do|must|should|will|would|is|has|have) (my|our|the|an?|their) "
    r"((hsst|workplace|academic|clinical|educational|training|research) )*supervisors? "
    r"(be|work|have to|need|must|get|based|stay|come)\b"
)
# How a department becomes a training centre: the answers speak of the ARP's effect on accreditation, not of how
# to gain it.
BECOMING_A_TRAINING_CENTRE = (
    r"\b(accredit(ed|ation)?|approved?|become|becoming) (as )?(an? )?(hsst |stp )?training (centre|department)s?\b"
)
# A time given in minutes or hours: what answers a length asked in minutes, or an exam's length (EXAM_LENGTH).
TIME_GIVEN = r"\b(mins?|minutes|hours?)\b"
# How long an exam, paper, viva or interview lasts ("how long is the FRCPath Part 1 exam"): only an answer that gives a
# time (TIME_GIVEN) answers it (the IAPS's parts, the interview's stations). How long results take is not asked
# this way.
EXAM_LENGTH = (
    r"\bhow long (is|are|does|do|will) (the |each |an? |my )?(\w+ ){0,4}"
    r"(exams?|papers?|vivas?|interviews?)\b(?! results?)"
)
# A section of the doctorate named by its letter ("what's in section b"): an answer that names another section and
# not this one does not answer it. Each letter on its own; answers naming no section pass (the MPE modules "in
# Section B" as background).
SECTION_LETTERS = "abcd"
SECTIONS = tuple(
    (rf"\b(section|part) {letter}\b", rf"(?s)\b(section|part) {letter}\b|^(?!.*\b(section|part) [{SECTION_LETTERS}]\b)")
    for letter in SECTION_LETTERS
)
# The doctorate's viva or its examiners ("who examines the DClinSci viva?"): the answers on the IAPS panel do not
# answer it; only an answer that speaks of the doctorate's viva does (the year after the end date is for "the viva,
# corrections and resits").
DOCTORATE_VIVA = (
    r"\b(dclinsci|thesis|doctorate|doctoral|research) vivas?\b|\bvivas? (for|of|on) (the |my |your )?"
    r"(dclinsci|thesis|doctorate|research)\b|\b(internal|external) examiners?\b"
)
DOCTORATE_VIVA_GIVEN = rf"{DOCTORATE_VIVA}|\bviva(,| and) corrections\b"
DETAIL_ASKS = tuple(
    (re.compile(asks), re.compile(gives))
    for asks, gives in (
        # An answer on who pays or that something is free answers "does it cost anything?".
        (rf"\b({MONEY})\b|£", rf"\b({MONEY}|free|funds?|funded|funding|allocation|pay|paid)\b|£"),
        (r"\bself[- ]?fund(ed|ing)?\b", r"\b(fees?|funds?|funded|funding|pay|paid)\b"),
        # An amount asked for ("band 7 in actual pounds"): only an answer that gives one, or says it is free.
        (AMOUNT, rf"{AMOUNT}|\bfree\b"),
        (r"\bpay award\b", r"\bpay award\b"),
        (MARKS, MARKS),
        # A word or page limit is given only as one ("can my thesis count" is not a word count).
        (
            r"\b(word|page|character) (limit|count)\b",
            r"\b(word|page|character)s? (limit|count)s?\b|\b\d[\d,]* (words|pages)\b",
        ),
        (r"\blimit on\b", r"\b(limit|count)\b"),
        (r"\b\d+ ?mins?\b|\bminutes\b", TIME_GIVEN),
        # Who holds an office now: only an answer asked that way gives it. Mentioning the office ("a Lead
        # Examiner for each specialty") does not say who holds it.
        (WHO_HOLDS, WHO_HOLDS),
        (r"\b(director|chair|chief executive)\b", r"\b(director|head|chair|lead|dean|chief)\b"),
        # An app as software ("does onefile have an app?"), not an application ("hcpc reg needed for my hsst app?").
        (r"\b(an? app|apps|(mobile|phone|onefile|the) app|password|log ?in)\b", r"\b(app|password|log ?in)\b"),
        (r"\b(download|lose access)\b", r"\b(download|access)\b"),
        # "the code my manager gave me": the in-service code's answer, not what HSST is.
        (r"\bcode\b", r"\bcode\b"),
        # How something is done, where only some answers say: leave carried over, a viva held online.
        (r"\b(carr(y|ied)|roll(ed)?) (it )?over\b", r"\b(carr(y|ied)|roll(ed)?) over\b"),
        (rf"\b({HELD_ONLINE})\b", rf"\b({HELD_ONLINE}|face-to-face)\b"),
        *((rf"\b{term}\b", rf"\b{term}\b") for term in EMPLOYMENT_TERMS),
        # A message naming the STP and nothing of HSST, HSSE or the register asks about the STP itself
        # ("when do STP applications open?"): an HSST answer on the same subject does not answer it.
        # The STP as something done ("registered after finishing the STP") is background, not the subject.
        (
            r"(?s)^(?!.*\b(hsst|hsse|hssr|higher specialist)\b)"
            r"(?!.*\b(after|finish(ed|ing)?|complet(ed|ing)|did|done|since|post)[- ](the |my )?stp\b).*\bstp\b",
            r"\bstp\b|scientist training programme",
        ),
        # Another programme or register named (an apprenticeship, the PTP, the RCT): an answer on the STP or HSST does
        # not answer it.
        *((rf"\b({programme})\b", rf"\b({programme})\b") for programme in OTHER_PROGRAMMES),
        (BECOMING_AN_EXAMINER, BECOMING_AN_EXAMINER),
        (ON_CALL, ON_CALL),
        (COUNT_OF_PEOPLE, COUNT_GIVEN),
        (BECOMING_A_TRAINING_CENTRE, BECOMING_A_TRAINING_CENTRE),
        (SUPERVISOR_ASKED, r"\bsupervis(or|ors|ing|ion)\b"),
        (EXAM_LENGTH, TIME_GIVEN),
        (DOCTORATE_VIVA, DOCTORATE_VIVA_GIVEN),
        *SECTIONS,
        # HSST named and not the STP: an answer on the STP that never names HSST does not answer it (the STP's name is
        # inside HSST's, "Higher Specialist Scientist Training programme"). Answers that are not about the STP pass.
        (
            r"(?s)^(?!.*\bstp\b).*\b(hsst|higher specialist scientist training)\b",
            r"(?s)\b(hsst|higher specialist)\b|^(?!.*\b(stp|scientist training programme)\b)",
        ),
        # HSSE named: an answer on HSST's own entry rules ("no fixed number of years") does not answer it.
        (HSSE, r"\bhsse\b|\bequivalence\b"),
    )
)
# Most answers describe England's arrangements: a question naming another nation, or one of its cities or
# health bodies ("a consultant post in Swansea"), is answered at once only by an answer about that nation
# (entry.scotland, hssr.wales...). Each nation on its own: Wales's answer is not Scotland's. The names are
# content's (route_reading.yml's nation_names, which the route check reads too). A country outside the UK is one
# too ("HSST in the Republic of Ireland through the HSE?" drew Northern Ireland's answer): no answer is about one.
OTHER_NATIONS = ("wales", "scotland", "northern_ireland", "elsewhere")
# Names the route check reads as "elsewhere" that do not name a place asked about: "us" is mostly the pronoun, and
# "I trained overseas" is asked of answers on the UK's own routes (equivalence, registration).
NOT_PLACES = frozenset({"us", "abroad", "overseas", "elsewhere", "outside the uk", "not in the uk", "not uk"})
# Asks whose answer must be in the direct answer itself (its question, examples or answer), not only in a detail:
# a WTE under the floor is answered by the floor, not by "Possibly" with the floor in a detail.
DIRECT_ASKS = ((re.compile(UNDER_THE_FLOOR), re.compile(r"\b0\.6\b")),)


@lru_cache(maxsize=4)
def nation_asks(names: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern[str], ...]:
    """One pattern per nation, matching any of its names as whole words, but not as the end of another nation's name:
    elsewhere's "ireland" is not the one in Northern Ireland's "northern ireland"."""

    def name_pattern(name: str) -> str:
        longer = {other[: -len(name)] for typed in names for other in typed if other != name and other.endswith(name)}
        return "".join(f"(?<!{re.escape(prefix)})" for prefix in sorted(longer)) + re.escape(name)

    return tuple(
        re.compile(r"\b(" + "|".join(name_pattern(name) for name in sorted(typed, key=len, reverse=True)) + r")\b")
        for typed in names
        if typed
    )


@dataclass(frozen=True)
class Choice:
    kind: str  # "answer", "did_you_mean" or "topics"
    answer_id: str | None = None
    candidates: tuple[str, ...] = ()


def is_short(text: str, settings: Settings = SETTINGS) -> bool:
    """Short enough to be a follow-up (the answer selector ranks more candidates for these)."""
    return 0 < len(re.findall(r"\w+", text)) <= settings.follow_up_max_words


def reads_as_follow_up(content: Content, last_answer: str | None, text: str, settings: Settings = SETTINGS) -> bool:
    """A short message after an answer content still has: it may lean on that answer."""
    return content.question_for(last_answer) is not None and is_short(text, settings)


def subject(answer_id: str) -> str:
    return answer_id.split(".", 1)[-1]


def scored_candidates(
    ranking: Sequence[Mapping[str, Any]],
    content: Content,
    topic_confidence: Mapping[str, float],
    last_answer: str | None,
    text: str,
    settings: Settings = SETTINGS,
) -> list[tuple[str, float]]:
    """The ranking's known answers with their weighted scores, best first.

    A score is the selector's confidence, times the topic intent's agreement (1 when the
    intent classifier is sure of the answer's topic, less otherwise), times the follow-up
    weight; the thresholds apply to it.
    """
    last = content.question_for(last_answer)
    follow_up = reads_as_follow_up(content, last_answer, text, settings)
    context = settings.cued_context_weight if FOLLOW_UP_CUE.search(text) else settings.context_weight
    prior = settings.topic_prior_weight
    # "and the register?" after hsse.fee names another topic and keeps the last question's subject
    # (hssr.fee). Such a message names nothing in that topic beyond the topic itself, so the
    # selector spreads its confidence over the topic's answers; "and the register fee?" puts most
    # of it on one. The answer with the last one's subject under the topic the intent classifier
    # reads in the message scores at least that topic's confidence times the share the message's
    # best answer in the topic leaves to the rest.
    # An answer the model knows but content no longer has is never offered.
    known = [
        (answer, float(c.get("confidence", 0.0))) for c in ranking if (answer := content.question_for(c.get("id")))
    ]
    message_topic, spread = None, 0.0
    if follow_up:  # only a follow-up reads it; every other message skips the work
        message_topic = max(topic_confidence, key=topic_confidence.__getitem__, default=None)
        in_topic = [confidence for answer, confidence in known if answer.topic == message_topic]
        spread = 1.0 - max(in_topic) / sum(in_topic) if sum(in_topic) > 0 else 0.0
    scores = []
    for answer, confidence in known:
        score = confidence * (1.0 + prior * topic_confidence.get(answer.topic, 0.0)) / (1.0 + prior)
        # The last answer itself counts as under its own topic: a question asked again (or
        # reworded) after its answer is answered again, not met with "did you mean" among its siblings.
        if follow_up and (answer.topic == last.topic or subject(answer.id) == subject(last.id)):
            score *= context
            if answer.topic != last.topic and answer.topic == message_topic:
                score = max(score, topic_confidence[message_topic] * spread)
        scores.append((answer.id, score))
    if follow_up:
        # A short follow-up spreads the selector's confidence thin; what decides it is its share
        # among the candidates once the context has weighed in.
        total = sum(score for _, score in scores) or 1.0
        scores = [(answer_id, score / total) for answer_id, score in scores]
    return sorted(scores, key=lambda item: -item[1])


def gives_the_detail_asked(answer: QuestionAnswer, text: str, content: Content) -> bool:
    """False when the message asks for a kind of detail (DETAIL_ASKS) the answer's own words never mention, or names
    a nation (or asks a DIRECT_ASKS figure) its question, examples and direct answer do not give (a detail may name a
    nation only to point elsewhere)."""
    asked = text.lower()
    nations = nation_asks(
        tuple(
            tuple(name for name in content.nation_names.get(nation, ()) if name not in NOT_PLACES)
            for nation in OTHER_NATIONS
        )
    )
    direct = (*DIRECT_ASKS, *((nation, nation) for nation in nations))
    return all(gives.search(answer.words) for asks, gives in DETAIL_ASKS if asks.search(asked)) and all(
        gives.search(answer.words_before_details) for asks, gives in direct if asks.search(asked)
    )


def nearer_out_of_scope(ranking: Sequence[Mapping[str, Any]], answer_id: str, settings: Settings = SETTINGS) -> bool:
    """True when the selector found the message nearer an out-of-scope example than any phrasing of the answer, by
    at least settings.out_of_scope_lead (a ranking without the field, from an older model, never is)."""
    lead = next((entry.get(OUT_OF_SCOPE_LEAD) for entry in ranking if entry.get("id") == answer_id), None)
    return lead is not None and float(lead) > settings.out_of_scope_lead


def choose(
    ranking: Sequence[Mapping[str, Any]],
    content: Content,
    topic_confidence: Mapping[str, float] | None = None,
    last_answer: str | None = None,
    text: str = "",
    settings: Settings = SETTINGS,
) -> Choice:
    """Answer, ask, or list the topics, from the answer selector's ranking of this message."""
    if text and not LATIN_LETTER.search(text):
        return Choice("topics")
    words = re.findall(r"\w+", text.lower())
    if words and last_answer is None and all(word in FUNCTION_WORDS for word in words):
        return Choice("topics")
    candidates = scored_candidates(ranking, content, topic_confidence or {}, last_answer, text, settings)
    if not candidates or candidates[0][1] < settings.near_confidence:
        return Choice("topics")
    (best, best_score), *rest = candidates
    runner_up = rest[0][1] if rest else 0.0
    follow_up = reads_as_follow_up(content, last_answer, text, settings)
    confidence, margin = (
        (settings.follow_up_answer_confidence, settings.follow_up_margin)
        if follow_up
        else (settings.answer_confidence, settings.margin)
    )
    clear = best_score >= confidence and best_score >= margin * runner_up
    dominant = best_score >= settings.dominant_confidence and best_score >= settings.dominant_margin * runner_up
    if (
        (clear or dominant)
        and gives_the_detail_asked(content.questions[best], text, content)
        and (follow_up or not nearer_out_of_scope(ranking, best, settings))
    ):
        return Choice("answer", answer_id=best)
    return Choice("did_you_mean", candidates=tuple(answer_id for answer_id, _ in candidates[:DID_YOU_MEAN]))
