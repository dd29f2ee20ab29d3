"""Content integrity: every answer sourced, dated and reachable; bad content is refused."""

import datetime as dt
import re
import shutil

import pytest
import yaml

from advisor.content_schema import ContentError, due_after, is_official_url
from advisor.faq_content import load_content
from advisor.render import IPEM_LABEL, date_text, render_answer, render_question_answer
from tests.conftest import CONTENT_DIR

OFFICIAL = ("nshcs.hee.nhs.uk", "ahcs.ac.uk", "ipem.ac.uk")
# A fixed day, so that review-due dates render the same on any day; no review date in content/ may be later.
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT_DIR, TODAY)


@pytest.fixture()
def content_copy(tmp_path):
    """A writable copy of content/ and a helper that edits one answer in it."""
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)

    def edit_answer(intent, change):
        path = directory / "answers.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data["answers"][intent])
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return directory

    return edit_answer


def test_every_rendered_answer_shows_its_sources_and_review_date(content):
    # The loader refuses an answer without them (test_content_that_breaks_a_rule_is_refused); this is
    # what the person sees.
    assert len(content.answers) >= 19
    for answer in content.answers.values():
        text = render_answer(answer, content, TODAY)
        assert all(f"- [{source.title}]({source.url})" in text for source in answer.sources), answer.intent
        assert f"Last reviewed: {date_text(answer.last_reviewed)}." in text, answer.intent


def test_every_question_intent_has_an_answer_and_every_answer_an_intent(content, domain):
    # ask_capabilities lists the topics and ask_route_advice starts the route advisor: neither is an FAQ.
    question_intents = {i for i in domain["intents"] if i.startswith("ask_")} - {"ask_capabilities", "ask_route_advice"}
    question_intents.add("request_human")
    assert set(content.answers) == question_intents


def test_every_answer_is_reachable_through_a_rule(content, dialogue_steps):
    answered = {
        steps[i]["intent"]
        for steps in [[step for _, step in dialogue_steps]]
        for i in range(len(steps) - 1)
        if "intent" in steps[i] and steps[i + 1].get("action") == "action_answer_question"
    }
    assert set(content.answers) <= answered


def test_every_response_in_the_domain_is_used(domain, dialogue_steps):
    used = {step.get("action") for _, step in dialogue_steps}
    assert set(domain["responses"]) <= used


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda answer: answer.update(sources=[]), "at least one source"),
        (lambda answer: answer.pop("sources"), "at least one source"),
        (lambda answer: answer.pop("last_reviewed"), "last_reviewed"),
        (lambda answer: answer.update(last_reviewed="last spring"), "last_reviewed"),
        (lambda answer: answer.update(last_reviewed=dt.date(2999, 1, 1)), "in the future"),
        (lambda answer: answer["sources"][0].update(url="http://nshcs.hee.nhs.uk/x"), "https"),
        (lambda answer: answer["sources"][0].update(url="https://example.com/hsst"), "official domain"),
        (lambda answer: answer["sources"][0].update(url="https://nshcs.hee.nhs.uk/a b"), "well-formed"),
        (lambda answer: answer["sources"][0].update(title=" "), "no title"),
        (lambda answer: answer.update(text=""), "text is missing"),
        (lambda answer: answer.update(ipem_recommendations=[9]), "does not exist"),
        (lambda answer: answer.update(review_every="half a year"), "review_every"),
        (lambda answer: answer.update(review_every=6), "review_every"),
        (lambda answer: answer.update(review_every="0 months"), "review_every"),
    ],
)
def test_content_that_breaks_a_rule_is_refused(content_copy, change, problem):
    directory = content_copy("ask_part_c_exemption", change)
    with pytest.raises(ContentError, match=problem):
        load_content(directory, TODAY)


@pytest.mark.parametrize(
    "url, official",
    [
        ("https://nshcs.hee.nhs.uk/programmes/hsst/", True),
        ("https://www.ahcs.ac.uk/equivalence/", True),
        ("https://ipem.ac.uk.evil.example/", False),
        ("https://notnshcs.hee.nhs.uk.example.com/", False),
        ("ftp://ipem.ac.uk/", False),
        ("nshcs.hee.nhs.uk/programmes", False),
        (None, False),
    ],
)
def test_official_url_check(url, official):
    assert is_official_url(url, OFFICIAL) is official


def test_rendered_answer_marks_ipem_recommendations_and_lists_sources(content):
    answer = content.answers["ask_part_c_exemption"]
    text = render_answer(answer, content)
    assert answer.text in text
    assert f"IPEM recommendation 5 ({IPEM_LABEL})" in text
    for source in answer.sources:
        assert f"- [{source.title}]({source.url})" in text
    assert content.ipem_source.url in text
    assert "Last reviewed:" in text


def test_answers_without_ipem_recommendations_do_not_mention_them(content):
    text = render_answer(content.answers["ask_study_leave"], content)
    assert "IPEM recommendation" not in text
    assert content.ipem_source.url not in text


# --- question-level answers (content/questions/) -------------------------------------------------

MIN_QUESTION_ANSWERS = 150


def test_question_answers_keep_the_reply_shape(content):
    from advisor.faq_content import MAX_DETAILS, MAX_DIRECT_ANSWER_CHARS, MIN_EXAMPLES

    assert len(content.questions) >= MIN_QUESTION_ANSWERS
    assert {answer.topic for answer in content.questions.values()} == set(content.answers)
    for answer in content.questions.values():
        assert len(answer.answer) <= MAX_DIRECT_ANSWER_CHARS, answer.id
        assert len(answer.details) <= MAX_DETAILS, answer.id
        assert len(set(answer.examples)) >= MIN_EXAMPLES, answer.id
        assert answer.sources and answer.last_reviewed <= TODAY, answer.id
        assert all(is_official_url(source.url, content.official_domains) for source in answer.sources)


def test_yes_no_questions_are_answered_yes_or_no_first(content):
    # "Can I…?", "Is there…?", "Do I…?" questions whose answer is settled start with it; the rest say
    # first that no source settles it (e.g. "We found no…", "Not necessarily.", "Possibly").
    openers = ("Yes", "No", "Not ", "Possibly", "Partly", "Only", "Probably", "We ", "It depends", "Some do",
               "Usually", "Through", "The guidance", "Unconfirmed", "No PhD", "In England", "Check")  # fmt: skip
    yes_no = ("can ", "is ", "are ", "do ", "does ", "am ", "will ", "should ", "must ")
    for answer in content.questions.values():
        if answer.question.lower().startswith(yes_no) and not answer.question.lower().startswith("should i do"):
            assert answer.answer.startswith(openers), answer.id


def coverage_rows():
    """The docs/content.md coverage table as {facts.md section: set of answer ids}."""
    text = (CONTENT_DIR.parent / "docs" / "content.md").read_text(encoding="utf-8")
    table = text.split("### Coverage: facts.md sections and the answers that cover them", 1)[1]
    rows = {}
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith(("| facts.md", "|---")):
            section_cell, answers_cell = line.strip("|").split("|")[:2]
            rows[section_cell.split()[0]] = set(re.findall(r"`([^`]+)`", answers_cell))
        elif rows and not line.startswith("|"):
            break
    return rows


def test_the_coverage_table_matches_the_answers_and_leaves_no_section_uncovered(content):
    rows = coverage_rows()
    expected = {section: set() for section in rows}
    for answer in content.questions.values():
        for section in answer.facts:
            assert section in expected, f"{answer.id} names facts.md section {section}, not in docs/content.md"
            expected[section].add(answer.id)
    assert rows == expected
    assert all(rows.values()), [section for section, answers in rows.items() if not answers]


def test_a_question_answer_that_breaks_a_rule_is_refused(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    path = directory / "questions" / "hsse.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"][0]["answer"] = "x" * 301
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match="more than 300"):
        load_content(directory, TODAY)
    data["answers"][0]["answer"] = "Short."
    data["answers"][0]["sources"] = ["no_such_page"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match="no_such_page"):
        load_content(directory, TODAY)


# --- review-by dates (content/review.yml) -------------------------------------------------------


def test_every_answer_is_due_its_review_period_after_its_last_review(content):
    assert content.review_every == 6
    answer = content.answers["ask_hsse"]
    assert answer.review_due == due_after(answer.last_reviewed, 6)
    assert due_after(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert due_after(dt.date(2026, 1, 15), 12) == dt.date(2027, 1, 15)


def test_an_answers_own_review_every_overrides_the_default(content_copy):
    directory = content_copy("ask_hsse", lambda answer: answer.update(review_every="1 year"))
    assert load_content(directory, TODAY).answers["ask_hsse"].review_every == 12


def test_past_its_review_date_an_answer_still_answers_and_says_due_for_review(content):
    answer = content.answers["ask_hsse"]
    later = answer.review_due + dt.timedelta(days=1)
    text = render_answer(answer, content, later)
    assert text.startswith(answer.text)
    assert f"Last reviewed: {date_text(answer.last_reviewed)} (due for review)." in text
    assert "due for review" not in render_answer(answer, content, answer.review_due)
    question = next(iter(content.questions.values()))
    assert "(due for review)" in render_question_answer(question, content, question.review_due + dt.timedelta(days=1))


def test_an_answer_merged_into_another_is_found_by_its_old_id_and_cannot_be_an_answer_too(tmp_path):
    content = load_content(CONTENT_DIR, TODAY)
    assert content.question_for("structure.credits") is content.questions["structure.sections"]
    assert "structure.credits" not in content.questions
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    path = directory / "questions" / "hsse.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"][0]["replaces"] = [data["answers"][1]["id"]]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match="replaced by another answer but still an answer"):
        load_content(directory, TODAY)
    data["answers"][0]["replaces"] = data["answers"][1]["replaces"] = ["hsse.gone"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match="replaced by two answers"):
        load_content(directory, TODAY)


@pytest.mark.parametrize(
    "questions, problem",
    [
        (["what is the  ARP?"], "also a phrasing of arp.what_is"),  # an answer's own question, case and spacing aside
        (["is there parking at the campus", " "], "must list texts"),
        ("is there parking at the campus", "must list texts"),
    ],
)
def test_a_question_no_answer_fits_that_breaks_a_rule_is_refused(tmp_path, questions, problem):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "not_answered.yml").write_text(yaml.safe_dump({"questions": questions}), encoding="utf-8")
    with pytest.raises(ContentError, match=problem):
        load_content(directory, TODAY)


def test_the_questions_no_answer_fits_are_read_as_one_line_texts(content):
    assert len(content.not_answered) >= 150
    assert all(text == " ".join(text.split()) and text for text in content.not_answered)
