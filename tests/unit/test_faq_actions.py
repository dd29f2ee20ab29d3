"""The FAQ actions, driven with tracker fixtures (tests/unit/trackers.py) and a CollectingDispatcher."""

import pytest

from actions.faq import ActionAnswerQuestion, ActionListTopics
from actions.wiring import CONTENT
from advisor.answer_choice import OUT_OF_SCOPE_LEAD, SETTINGS
from advisor.render import feedback_payload
from tests.unit import trackers


def run(action, intent, text="a question"):
    return trackers.run(action, trackers.tracker(text, intent))


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_each_question_gets_its_answer_first_then_its_sources_and_review_date(intent):
    messages, events = run(ActionAnswerQuestion(), intent)
    assert events == []
    assert len(messages) == 1
    text = messages[0]["text"]
    answer = CONTENT.answers[intent]
    assert text.startswith(answer.text)
    assert all(source.url in text for source in answer.sources)
    assert "\n\nLast reviewed: " in text
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert ("/ask_route_advice" in payloads) == answer.offers_route_check
    assert payloads[-2:] == [feedback_payload(intent, True), feedback_payload(intent, False)]


def test_part_c_answer_says_what_the_phd_exemption_covers():
    messages, _ = run(ActionAnswerQuestion(), "ask_part_c_exemption", "Can I skip Part C if I have a PhD?")
    text = messages[0]["text"]
    assert "10 years" in text
    assert "lay presentation" in text
    assert "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/" in text
    assert "not current NSHCS policy" in text


def test_an_intent_without_an_answer_lists_topics_instead_of_guessing():
    messages, events = run(ActionAnswerQuestion(), "greet")
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
    assert len(messages[0]["buttons"]) == len(CONTENT.answers)
    assert events == []


def test_topics_on_request_are_buttons_for_every_answer():
    messages, events = run(ActionListTopics(), "ask_capabilities", "what can you do")
    assert messages[0]["text"] == CONTENT.interface["topics_intro"]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == [f"/{intent}" for intent in CONTENT.answers]
    assert events == []


def test_low_nlu_confidence_lists_topics_without_undoing_the_message():
    messages, events = run(ActionListTopics(), "nlu_fallback", "qwerty asdf")
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
    assert events == []


def test_as_dialogue_fallback_it_takes_the_confusing_message_back():
    messages, events = run(ActionListTopics(), "ask_hsse")
    assert messages[0]["text"] == CONTENT.interface["lost_track_intro"]
    assert events == [{"event": "rewind", "timestamp": None}]


# --- question-level answers (content/questions/, chosen from the answer selector's ranking) -------


def ranked(*pairs):
    return {"answer_ranking": [{"id": answer_id, "confidence": confidence} for answer_id, confidence in pairs]}


def ask(text, ranking, intent="ask_hsse", slots=None, entities=()):
    # As the NLU sends it: the intent classifier's ranking, led by the message's intent, beside the answers'.
    parse_data = {"intent_ranking": [{"name": intent, "confidence": 0.9}], **(ranking or {})}
    conversation = trackers.tracker(text, intent, entities=entities, slots=slots, parse_data=parse_data)
    return trackers.run(ActionAnswerQuestion(), conversation)


def test_a_clear_best_candidate_is_answered_first_then_details_sources_and_review_date():
    messages, events = ask("how much does hsse cost", ranked(("hsse.fee", 0.7), ("hssr.fee", 0.1)))
    question = CONTENT.questions["hsse.fee"]
    text = messages[0]["text"]
    first, *rest = text.split("\n\n")
    assert first == question.answer
    assert "Sources:\n- [AHCS: Registration fees](https://www.ahcs.ac.uk/" in text
    assert rest[-1].startswith("Last reviewed: ") and "\n" not in rest[-1]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == ["/ask_hsse", "/ask_route_advice", *(feedback_payload("hsse.fee", h) for h in (True, False))]
    assert messages[0]["buttons"][0]["title"] == f"More on {CONTENT.answers['ask_hsse'].topic}"
    assert events == [{"event": "slot", "timestamp": None, "name": "last_answer", "value": "hsse.fee"}]


@pytest.mark.parametrize(
    ("ranking", "answered"),
    [
        # 0.42 against 0.03 (the topic's intent weighs hsse.fee in, not hssr.fee): far ahead, answered.
        (ranked(("hsse.fee", 0.44), ("hssr.fee", 0.06)), True),
        # 0.42 against 0.11: below the answer threshold and not five times the next, so a close call.
        (ranked(("hsse.fee", 0.44), ("hsse.what_is", 0.12)), False),
        # 0.38, however far ahead: below the dominant threshold.
        (ranked(("hsse.fee", 0.40), ("hssr.fee", 0.01)), False),
    ],
)
def test_a_best_candidate_below_the_threshold_is_answered_only_when_far_ahead(ranking, answered):
    messages, _ = ask("how much does hsse cost", ranking)
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer) is answered
    assert (messages[0]["text"] == CONTENT.interface["did_you_mean_intro"]) is not answered


def test_close_candidates_get_did_you_mean_with_three_questions_and_something_else():
    ranking = ranked(("hsse.fee", 0.3), ("hssr.fee", 0.28), ("stp.equivalence_fee", 0.2), ("mpe.transition", 0.1))
    messages, events = ask("fees?", ranking, intent="nlu_fallback")
    assert messages[0]["text"] == CONTENT.interface["did_you_mean_intro"]
    titles = [button["title"] for button in messages[0]["buttons"]]
    assert titles == [CONTENT.questions[i].question for i in ("hsse.fee", "hssr.fee", "stp.equivalence_fee")] + [
        "Something else"
    ]
    assert messages[0]["buttons"][0]["payload"] == '/ask_hsse{"answer_id": "hsse.fee"}'
    assert events == []


def test_nothing_near_lists_the_topics():
    messages, _ = ask(
        "what time is the canteen open", ranked(("apply.dates", 0.03), ("study.days", 0.02)), "nlu_fallback"
    )
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
    assert len(messages[0]["buttons"]) == len(CONTENT.answers)


def test_a_message_of_only_function_words_lists_the_topics_whatever_the_ranking():
    # "the of and to" names nothing an answer could match; a ranking that leans on one is noise.
    messages, _ = ask("the of and to", ranked(("structure.section_a", 0.6), ("apply.routes", 0.07)), "nlu_fallback")
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
    # After an answer the same kind of message may be a follow-up ("and that?"), read in its context.
    messages, _ = ask("and that?", ranked(("hsse.fee", 0.6), ("hssr.fee", 0.1)), slots={"last_answer": "hsse.what_is"})
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer)


@pytest.mark.parametrize("text", ["什么是高级专科科学家培训？", "ما هو التدريب؟", "🙂🙂🙂", "2019"])
def test_a_message_without_latin_letters_lists_the_topics_whatever_the_ranking(text):
    # The answers are English; a ranking of text in another script (or emoji) is noise, even after an answer.
    ranking = ranked(("hsst.what_is", 0.7), ("apply.routes", 0.05))
    for slots in ({}, {"last_answer": "hsse.what_is"}):
        messages, _ = ask(text, ranking, "nlu_fallback", slots=slots)
        assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
        assert "English" in messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("what's the pass mark for frcpath part 1", "assessment.frcpath"),
        ("how many days annual leave do hsst trainees get", "study.days"),
        ("does onefile have a mobile app", "workplace.onefile"),
        ("who is the current director of the national school", "human.nshcs"),
        ("when do STP applications open this year?", "apply.dates"),  # the STP's own, not HSST's
        ("whats the name of the current physics lead examiner", "assessment.examiners"),
        ("is the lay presentation 15 minutes long", "structure.lay_presentation"),
        ("can i roll over unused study days to next year", "study.days"),
        ("is the viva done online", "doctorate.university"),
        ("can i download my onefile portfolio when i finish", "workplace.onefile"),
        ("how many years of experience do i need for hss equivalence", "entry.experience"),  # HSST's, not HSSE's
        ("do consultant posts in scotland need the hssr", "hssr.required"),  # it speaks of England
        # A place in Wales is Wales (content's nation names): England's answer is not given as if it answered.
        ("principal audiologist in swansea here, will a consultant post need the hss register?", "hssr.required"),
        ("can i do hsst from glasgow", "apply.routes"),
        ("can i do the dclinsci self-funded", "doctorate.without_dclinsci"),
        ("what is the code my manager sent me for", "hsst.what_is"),
        ("how much is band 7 in actual pounds", "pay.band"),  # it names the band, not an amount
        ("is there an apprenticeship route into clinical science", "stp.what_is"),
        ("entry requirements for the ptp degree", "stp.entry"),
        ("how do i join the register of clinical technologists", "stp.what_is"),
        ("how do i get onto the rccp register as a clinical technologist", "stp.what_is"),
        ("what is the on-call payment rate for a clinical scientist", "pay.consultant_band"),
        ("do hsst trainees do on call", "workplace.supernumerary"),
        ("roughly how many people are training on hsst right now", "apply.coverage"),
        ("how many hsst trainees are there in wales and england", "apply.coverage"),
        ("how does a lab get accredited as a training centre", "stp.what_is"),
        ("how does the arcp work for junior doctors", "assessment.by_theme"),
        ("what is the higher specialist scientist training programme", "stp.what_is"),  # HSST's name holds the STP's
        ("could i drop to 0.5 wte on hsst", "part_time.can_i"),  # the 0.6 floor is only in a detail
        ("how do i become an iaps examiner", "assessment.examiners"),
        ("id like to volunteer as an examiner for the iaps", "assessment.examiners"),
        ("how long does the frcpath part 2 oral exam last", "assessment.frcpath"),  # no time given
        ("is there a word limit on the dclinsci thesis", "structure.reuse_research"),  # "count towards" is not one
        ("so what happens in section c then", "structure.section_a"),  # another section's answer
        ("how would i get into gp specialty training", "apply.where"),
        ("can i register with coru in ireland after hsst", "entry.northern_ireland"),
        # A country outside the UK is another nation too (round 25); Ireland's "ireland" is not Northern Ireland's.
        ("can i do hsst in the republic of ireland through the hse?", "entry.northern_ireland"),
        ("im a physicist in dublin, can i apply for hsst", "entry.northern_ireland"),
        ("does the hss register count in australia", "hssr.what_is"),
        # What a supervisor may be, and a person in office left unnamed (round 25).
        ("can my hsst supervisor be based at another trust", "apply.change_specialism"),
        ("name of the person currently leading the national school", "hsst.who_delivers"),
        ("is there anywhere to park at the university on teaching days", "doctorate.teaching_days"),
        # Other professions and courses (round 21).
        ("is there something like hsst for pharmacists", "hsst.consultant_without_hsst"),
        ("is there an equivalent of hsst for nurses", "hsst.consultant_without_hsst"),
        ("dental core training recruitment dates?", "apply.dates"),
        ("how long is the physician associate course", "structure.length"),
        ("what does the radiation protection supervisor course involve", "mpe.rpa"),
        ("what is the accredited scientific practice programme", "stp.what_is"),
        ("do i need a new dbs check if i move trust for hsst", "apply.change_specialism"),
        ("do hsst trainees get on-call payments", "workplace.supernumerary"),
        ("is out-of-hours work paid extra on hsst", "workplace.supernumerary"),
        ("who examines the dclinsci viva", "assessment.examiners"),
        ("are there external examiners for the thesis", "assessment.examiners"),
        # On-call pay asked in any order (round 22).
        ("how much do clinical scientists get paid for on call", "pay.consultant_band"),
        ("what money do you get for out of hours", "pay.band"),
        # An employer's own processes (round 23).
        ("is there a probation period on a direct entry contract", "pay.direct_entry_contract"),
        ("my trust is merging with another, what happens to my hsst post", "hsst.job_after"),
        ("how do i raise a grievance about my supervisor", "human.nshcs"),
        ("would i be protected from redundancy as an hsst trainee", "hsst.job_after"),
    ],
)
def test_a_detail_the_best_answer_never_mentions_gets_did_you_mean_not_that_answer(text, best):
    # The ranking is sure of the topic's answer, but the question asks for a detail (a mark, annual leave,
    # an app, who holds an office) its words never mention: it is offered, never given as if it answered.
    messages, events = ask(text, ranked((best, 0.95), ("structure.sections", 0.05)), "nlu_fallback")
    assert messages[0]["text"] == CONTENT.interface["did_you_mean_intro"]
    assert messages[0]["buttons"][0]["payload"].endswith(f'{{"answer_id": "{best}"}}')
    assert events == []


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("how much is the hsse application fee", "hsse.fee"),
        ("is there a charge for interview feedback", "apply.feedback"),  # its answer says it is free
        ("do i have to pay the dclinsci fees myself", "pay.fees"),
        ("what band are stp trainees paid", "stp.what_is"),  # an STP answer answers an STP question
        ("how many minutes is the iaps discussion of the paper", "assessment.iaps_parts"),
        ("ive finished the stp, when do hsst applications open", "apply.dates"),  # HSST is asked about
        ("who is eligible for hsse", "hsse.eligibility"),
        ("can i apply for hsst while my stp equivalence is under way", "entry.equivalence_under_way"),
        ("can i do hsst in scotland", "entry.scotland"),
        ("do welsh consultant posts need the register", "hssr.wales"),
        ("consultant job in cardiff, do i need the hssr", "hssr.wales"),
        ("i work in edinburgh, can i do hsst", "entry.scotland"),
        ("i work in northern ireland, can i do hsst", "entry.northern_ireland"),
        ("n. ireland trust here, can i apply for hsst", "entry.northern_ireland"),
        # "Overseas" and "us" are not a country asked about: the UK's own routes answer those who trained abroad.
        ("i trained overseas and work at clinical scientist level, is there an equivalence route", "stp.equivalence"),
        ("is the doctorate compulsory for us in life sciences", "structure.life_sciences_doctorate"),
        # A supervisor asked about, where the answer speaks of supervisors; a supervisor as background.
        ("does my supervisor have to do anything for the arp", "arp.compulsory"),
        (
            "my supervisor says i need to plan my e-portfolio, how is the workplace training organised",
            "workplace.training_plan",
        ),
        ("my supervisor keeps going on about the hss register, what is it", "hssr.what_is"),
        ("where do i get the in-service code", "apply.code"),
        ("how much is the hsse fee in pounds", "hsse.fee"),  # its answer gives the amount
        ("could i do hsst two days a week", "part_time.minimum"),  # its answer gives the floor
        # Words the detail rules must not misread: an application, not an app; who runs it, not a charge; an online
        # system, not a viva held online; the STP as background, not the subject.
        ("hcpc reg required for hsst app?", "entry.registration"),
        ("hss register - what is it and whos in charge of it", "hssr.what_is"),
        ("which online portfolio system do trainees use", "workplace.onefile"),
        ("did the stp in 2019, what registration do i need to apply", "entry.registration"),
        # On-call as background, and how many are interviewed per post, are not the asks the rules hold back.
        ("swamped with on-call this term, do i really have to do the arp", "arp.compulsory"),
        ("i do a lot of on-call, can i still do hsst part time", "part_time.can_i"),
        ("how many people get interviewed per post", "apply.shortlisting"),
        # An exam's length where the answer gives minutes; how long results take is not an exam's length. A section
        # named as background, where the answer names no section; the section's own answer.
        ("how long is the unseen paper part of the iaps", "assessment.iaps_parts"),
        ("how long does it take for iaps results to come out", "assessment.results"),
        ("doing my mpe modules in section b, will i be an mpe when i finish", "mpe.from_hsst"),
        ("what do we study in section b", "structure.section_b"),
        # The doctorate's viva where the answer speaks of it: the year after the end date (round 21).
        ("when does the dclinsci viva happen, is it after my end date", "part_time.end_vs_deadline"),
    ],
)
def test_a_detail_the_best_answer_gives_is_answered_at_once(text, best):
    messages, _ = ask(text, ranked((best, 0.95), ("structure.sections", 0.05)), "nlu_fallback")
    assert messages[0]["text"].startswith(CONTENT.questions[best].answer)


def test_picking_a_candidate_answers_it_in_one_step():
    # A "Did you mean..." button: its payload skips the NLU, so there is no ranking, only the entity.
    entities = [{"entity": "answer_id", "value": "hssr.fee"}]
    messages, events = ask('/ask_hssr{"answer_id": "hssr.fee"}', None, intent="ask_hssr", entities=entities)
    assert messages[0]["text"].startswith(CONTENT.questions["hssr.fee"].answer)
    assert events[0]["value"] == "hssr.fee"


def test_a_button_naming_an_answer_since_merged_gets_the_answer_that_replaced_it():
    # A "Did you mean..." button from a conversation before structure.credits was merged into structure.sections.
    entities = [{"entity": "answer_id", "value": "structure.credits"}]
    messages, events = ask(
        '/ask_programme_structure{"answer_id": "structure.credits"}', None, intent="ask_programme_structure",
        entities=entities,
    )  # fmt: skip
    assert messages[0]["text"].startswith(CONTENT.questions["structure.sections"].answer)
    assert events[0]["value"] == "structure.sections"


def test_a_short_follow_up_is_read_in_the_context_of_the_last_answer():
    ranking = ranked(("hssr.fee", 0.3), ("hsse.fee", 0.25), ("stp.equivalence_fee", 0.25))
    messages, _ = ask("and what does it cost?", ranking, slots={"last_answer": "hsse.what_is"})
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer)
    # Without the context the same ranking is too close to call.
    messages, _ = ask("and what does it cost?", ranking)
    assert messages[0]["text"] == CONTENT.interface["did_you_mean_intro"]


def test_a_follow_up_is_held_to_its_own_thresholds_a_question_to_the_stricter_ones():
    # 0.46 and 0.34 under the message's own topic weigh 0.437 and 0.323: under 0.45, and 1.35 times the next.
    ranking = ranked(("hsse.fee", 0.46), ("hsse.what_is", 0.34))
    messages, _ = ask("and how much is it?", ranking)
    assert messages[0]["text"] == CONTENT.interface["did_you_mean_intro"]
    # After an answer the same message is a follow-up, scored by its share (0.575): answered at 0.40 / 1.25.
    messages, _ = ask("and how much is it?", ranking, slots={"last_answer": "hsse.eligibility"})
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer)


def test_a_question_asked_again_after_its_answer_gets_that_answer_again():
    # Its siblings share the last answer's topic too; the last answer must not lose to them.
    ranking = ranked(
        ("hsse.what_is", 0.66), ("hsse.outcome", 0.08), ("hsse.eligibility", 0.07)
    )  # as the model ranks it
    messages, _ = ask("What is HSSE?", ranking, slots={"last_answer": "hsse.what_is"})
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.what_is"].answer)


def test_an_answer_id_content_no_longer_has_is_never_offered():
    messages, _ = ask("anything", ranked(("gone.answer", 0.9)), intent="nlu_fallback")
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]


def test_a_topic_button_gets_the_topic_page_even_though_the_nlu_ranked_its_payload():
    messages, _ = ask("/ask_hsse", ranked(("hsse.what_is", 0.9)))
    assert messages[0]["text"].startswith(CONTENT.answers["ask_hsse"].text)


def test_a_follow_up_whose_confidence_is_spread_thin_is_decided_by_its_context():
    ranking = ranked(("pay.fees", 0.06), ("hsse.fee", 0.05), ("hssr.fee", 0.05), ("stp.equivalence_fee", 0.04))
    messages, _ = ask("what does it cost?", ranking, slots={"last_answer": "hsse.what_is"})
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer)


def topics(**confidences):
    return {"intent_ranking": [{"name": name, "confidence": value} for name, value in confidences.items()]}


def test_a_follow_up_naming_only_another_topic_keeps_the_last_questions_subject():
    # "and the register?" after the HSSE fee, as the model ranks it: the register's fee tenth, the
    # message naming nothing in the register's topic beyond the topic itself.
    ranking = ranked(
        ("human.ahcs", 0.2075), ("hssr.published", 0.1689), ("hssr.status", 0.1292), ("stp.after", 0.0927),
        ("entry.registration", 0.0428), ("hssr.what_is", 0.0367), ("hssr.appeal", 0.0239),
        ("exemption.still_required", 0.0234), ("hssr.wales", 0.0158), ("hssr.fee", 0.0133),
    )  # fmt: skip
    parse = ranking | topics(ask_hssr=0.94, request_human=0.019, ask_stp_route=0.016)
    messages, _ = ask("and the register?", parse, intent="ask_hssr", slots={"last_answer": "hsse.fee"})
    assert messages[0]["text"].startswith(CONTENT.questions["hssr.fee"].answer)
    # The same message with no answer before it is not about a fee at all.
    messages, _ = ask("and the register?", parse, intent="ask_hssr")
    assert not messages[0]["text"].startswith(CONTENT.questions["hssr.fee"].answer)


def test_a_follow_up_that_names_its_own_answer_under_another_topic_is_not_read_as_the_last_subject():
    # "and the register fee?" after "What is HSSE?", as the model ranks it: the register's fee leads, and
    # the last question's subject (what the register is) does not displace it.
    ranking = ranked(("hssr.fee", 0.44), ("hsse.nes_fee", 0.03), ("hsse.fee", 0.02), ("hssr.what_is", 0.001))
    parse = ranking | topics(ask_hssr=0.95)
    messages, _ = ask("and the register fee?", parse, intent="ask_hssr", slots={"last_answer": "hsse.what_is"})
    first_offer = (
        messages[0]["buttons"][0]["payload"] if messages[0]["text"] == CONTENT.interface["did_you_mean_intro"] else ""
    )
    assert messages[0]["text"].startswith(CONTENT.questions["hssr.fee"].answer) or '"hssr.fee"' in first_offer


def test_a_short_question_of_its_own_after_an_answer_is_not_pulled_into_its_topic():
    # No follow-up words ("and", "it", "what about"): the message's own best answer stands.
    ranking = ranked(("structure.length", 0.8), ("hsse.time", 0.03), ("part_time.end_date", 0.02))
    messages, _ = ask("how long is hsst", ranking, intent="ask_what_is_hsst", slots={"last_answer": "hsse.what_is"})
    assert messages[0]["text"].startswith(CONTENT.questions["structure.length"].answer)


def with_lead(ranking, lead):
    """The ranking with the selector's out-of-scope lead on its best entry (rasa_server/nlu/example_neighbours.py)."""
    first, *rest = ranking["answer_ranking"]
    return {"answer_ranking": [{**first, OUT_OF_SCOPE_LEAD: lead}, *rest]}


@pytest.mark.parametrize(
    ("lead", "answered"),
    [
        (0.25, False),
        (SETTINGS.out_of_scope_lead + 0.01, False),
        (SETTINGS.out_of_scope_lead, True),  # more than the setting holds back, not as much
        (-0.3, True),
        (None, True),
    ],
)
def test_a_clear_answer_is_held_back_when_the_message_is_much_nearer_a_question_no_answer_fits(lead, answered):
    # "can i pay the hsse fee by card" sits nearer an out-of-scope example than any phrasing of hsse.fee.
    ranking = ranked(("hsse.fee", 0.7), ("hssr.fee", 0.1))
    messages, _ = ask("can i pay the hsse fee by card", ranking if lead is None else with_lead(ranking, lead))
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer) is answered
    assert (messages[0]["text"] == CONTENT.interface["did_you_mean_intro"]) is not answered
    if not answered:
        assert messages[0]["buttons"][0]["payload"] == '/ask_hsse{"answer_id": "hsse.fee"}'


def test_a_follow_up_is_not_held_back_by_its_out_of_scope_lead():
    # A follow-up's few words are near nothing in particular; its context decides it.
    ranking = with_lead(ranked(("hssr.fee", 0.3), ("hsse.fee", 0.25), ("stp.equivalence_fee", 0.25)), 0.3)
    ranking["answer_ranking"][1][OUT_OF_SCOPE_LEAD] = 0.3
    messages, _ = ask("and what does it cost?", ranking, slots={"last_answer": "hsse.what_is"})
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer)
