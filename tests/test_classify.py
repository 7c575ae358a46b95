import re

import pytest

from actions.classify import classify_enquiry


@pytest.mark.parametrize("text, theme, enquirer, topic", [
    # A relationship alone sets no theme (issue 11: the theme follows the person who needs care).
    ("how much will I pay for carers for my mum", "not_stated", "family_friend", "charges_finance"),
    ("how much will I pay for carers for my mum, she is 86", "older_people", "family_friend", "charges_finance"),
    ("I look after my husband who has MS and I'm exhausted", "carers", "carer", "other"),
    ("my son is autistic and needs a social worker", "learning_disability_autism", "family_friend", "assessment"),
    ("my client is deaf and needs a stairlift", "sensory_impairment", "professional", "housing_equipment"),
    ("I want to complain about my care", "not_stated", "self", "complaints"),
    ("Mae fy mam yn byw gyda dementia", "older_people", "family_friend", "other"),
    ("hello", "not_stated", "not_stated", "other"),
])
def test_cues(text, theme, enquirer, topic):
    assert classify_enquiry(text) == {"theme": theme, "enquirer": enquirer, "topic_guess": topic}


# Development examples written for the rules in data/taxonomy/enquiry_cues.yml: the theme follows
# the person who needs the care or support (circumstance > carer asking for themselves >
# condition > age or life stage; a relationship or caring alone sets none).
ENGLISH = [
    # the person who needs care, not every relative named
    ("my daughter is worried about me, I'm 82", "older_people", "self", "other"),
    ("my son is autistic", "learning_disability_autism", "family_friend", "other"),
    ("my mum has dementia", "older_people", "family_friend", "other"),
    ("my mum needs help at home", "not_stated", "family_friend", "how_care_works"),
    ("what can I do for my dad", "not_stated", "family_friend", "other"),
    ("my son and daughter want me to move, I'm 79", "older_people", "self", "housing_equipment"),
    ("my granddaughter says I should ask, I'm a pensioner living alone", "older_people", "self", "other"),
    ("my nan keeps falling over", "older_people", "family_friend", "other"),
    # carers: for themselves, or caring alone
    ("I care for my husband who has MS, what help is there for me as a carer", "carers", "carer", "other"),
    ("I look after my husband, he needs a stairlift", "not_stated", "carer", "housing_equipment"),
    ("I look after my husband, he had a stroke and needs a stairlift", "health_physical_disability", "carer",
     "housing_equipment"),
    ("I look after my dad, he's 87 and needs a stairlift", "older_people", "carer", "housing_equipment"),
    ("I look after my wife who has Parkinson's and I'm worn out", "carers", "carer", "other"),
    ("can I get a carer's assessment, I look after my brother", "carers", "carer", "assessment"),
    ("I'm 16 and I look after my mum who has bipolar", "mental_health", "carer", "other"),
    ("are there support groups for carers near Llanelli", "carers", "not_stated", "find_service"),
    ("my daughter looks after me since my stroke", "health_physical_disability", "self", "other"),
    ("I've been caring for my son with Down's syndrome for 20 years", "learning_disability_autism", "carer", "other"),
    # conditions named in passing
    ("my husband uses a wheelchair and we need a ramp", "health_physical_disability", "family_friend",
     "housing_equipment"),
    ("my brother has a brain injury after a crash", "health_physical_disability", "family_friend", "other"),
    ("I was diagnosed with multiple sclerosis last year", "health_physical_disability", "self", "other"),
    ("my wife is losing her sight", "sensory_impairment", "family_friend", "other"),
    ("I'm deaf and want to find a club", "sensory_impairment", "self", "find_service"),
    ("my uncle is hard of hearing and lives alone", "sensory_impairment", "family_friend", "other"),
    ("I have depression and can't leave the house", "mental_health", "self", "other"),
    ("my sister has schizophrenia and has stopped her medication", "mental_health", "family_friend", "other"),
    ("I get bad anxiety, is there anything for me", "mental_health", "self", "other"),
    ("my teenage daughter has anxiety", "mental_health", "family_friend", "other"),
    ("my son has ADHD and gets excluded from school", "learning_disability_autism", "family_friend", "other"),
    ("my nephew has a learning disability and wants to live on his own", "learning_disability_autism",
     "family_friend", "housing_equipment"),
    ("my autistic son is 9", "learning_disability_autism", "family_friend", "other"),
    ("my mum is 84 and has had a stroke", "health_physical_disability", "family_friend", "other"),
    ("my dad has Alzheimer's and keeps wandering", "older_people", "family_friend", "other"),
    ("my grandmother is very frail now", "older_people", "family_friend", "other"),
    ("she's 84 and can't manage the stairs", "older_people", "not_stated", "other"),
    # children and young people
    ("my son aged 9 is struggling at school", "children_young_people", "family_friend", "other"),
    ("my son is 9 and struggling at school", "children_young_people", "family_friend", "other"),
    ("we are thinking about fostering a child", "children_young_people", "not_stated", "other"),
    ("my 14 year old won't go to school", "children_young_people", "not_stated", "other"),
    ("I'm a care leaver and need somewhere to live", "children_young_people", "self", "housing_equipment"),
    ("my son is 30 and needs help with his money", "not_stated", "family_friend", "charges_finance"),
    # circumstances
    ("my partner hits me and I'm scared", "vawdasv", "self", "other"),
    ("my ex uses coercive control over the kids and me", "vawdasv", "not_stated", "other"),
    ("my brother was released from prison last week and has nowhere to live", "secure_estate", "family_friend",
     "other"),
    ("I'm on probation and need help with housing", "secure_estate", "self", "housing_equipment"),
    ("my son is in prison and has autism", "secure_estate", "family_friend", "other"),
    # professionals
    ("I'm a district nurse, my patient needs a hoist", "not_stated", "professional", "housing_equipment"),
    ("As her social worker I'd like to know about direct payments", "not_stated", "professional",
     "direct_payments"),
    ("I'm a teacher and one of my pupils is a young carer", "carers", "professional", "carer_support"),
    ("I'm his probation officer, he leaves prison next month", "secure_estate", "professional", "other"),
    ("I'm a support worker and my client is blind", "sensory_impairment", "professional", "other"),
    ("a resident in our home has dementia and needs more care", "older_people", "professional", "other"),
    ("I'm a GP and want to refer a patient with depression", "mental_health", "professional", "other"),
    ("my GP said I should get an assessment", "not_stated", "self", "assessment"),
    ("my support worker told me to ask about day centres", "not_stated", "self", "find_service"),
    # topics a handoff is guessed from
    ("can I get a ramp for my wheelchair", "health_physical_disability", "self", "housing_equipment"),
    ("how do I pay for my care", "not_stated", "self", "charges_finance"),
    ("I want an assessment for dad", "not_stated", "family_friend", "assessment"),
    ("I'd like to complain about the carers who come to my mum", "not_stated", "family_friend", "complaints"),
    ("can someone arrange care for my dad when he leaves hospital", "not_stated", "family_friend",
     "how_care_works"),
    ("I need an advocate for a meeting", "not_stated", "self", "advocacy"),
    ("my neighbour is elderly and I'm worried about her, I think she's being neglected", "older_people",
     "family_friend", "raising_concern"),
    ("I need a break, is there respite", "not_stated", "self", "carer_support"),
    ("what does social services do", "not_stated", "not_stated", "how_care_works"),
    ("hi there", "not_stated", "not_stated", "other"),
    ("our little girl is deaf", "sensory_impairment", "family_friend", "other"),
    ("I'm pregnant and my partner is controlling", "vawdasv", "self", "other"),
    ("my son is 17 and self harming", "mental_health", "family_friend", "other"),
    ("I'm 45 and recently had a stroke", "health_physical_disability", "self", "other"),
    ("my son is 25 and has a learning disability", "learning_disability_autism", "family_friend", "other"),
]

WELSH = [
    ("Mae fy nhad yn 84 oed ac mae angen lifft grisiau arno", "older_people", "family_friend", "housing_equipment"),
    ("Mae fy nhad angen help", "not_stated", "family_friend", "other"),
    ("Mae fy mam-gu yn eiddil iawn", "older_people", "family_friend", "other"),
    ("Mae gan nain ddementia", "older_people", "family_friend", "other"),
    ("Mae fy mab yn awtistig", "learning_disability_autism", "family_friend", "other"),
    ("Mae gan fy merch awtistiaeth", "learning_disability_autism", "family_friend", "other"),
    ("Mae fy merch 9 oed yn cael trafferth yn yr ysgol", "children_young_people", "family_friend", "other"),
    ("Rwy'n gofalu am fy ngŵr sydd â sglerosis ymledol", "health_physical_disability", "carer", "other"),
    ("Rwy'n gofalu am fy ngwr, mae angen ramp arno", "not_stated", "carer", "housing_equipment"),
    ("Rwy'n ofalwr ac rwy wedi blino'n lân", "carers", "carer", "other"),
    ("Oes cymorth i ofalwyr yn yr ardal?", "carers", "not_stated", "carer_support"),
    ("Hoffwn gael asesiad gofalwr, rwy'n gofalu am fy mam", "carers", "carer", "assessment"),
    ("Rwy'n nyrs ardal ac mae fy nghlaf yn fyddar", "sensory_impairment", "professional", "other"),
    ("Rwy'n weithiwr cymdeithasol ac mae gan fy nghleient iselder", "mental_health", "professional", "other"),
    ("Mae fy nain yn ddall", "sensory_impairment", "family_friend", "other"),
    ("Mae gan fy ngwraig iselder", "mental_health", "family_friend", "other"),
    ("Cafodd fy mrawd ei ryddhau o'r carchar", "secure_estate", "family_friend", "other"),
    ("Mae fy mab yng ngharchar", "secure_estate", "family_friend", "other"),
    ("Mae fy mhartner yn fy nharo", "vawdasv", "self", "other"),
    ("Rwy'n dioddef cam-drin domestig", "vawdasv", "self", "raising_concern"),
    ("Rwy'n 82 ac rwy'n byw ar fy mhen fy hun", "older_people", "self", "other"),
    ("Faint fydd rhaid i mi dalu am fy ngofal", "not_stated", "self", "charges_finance"),
    ("Hoffwn gael asesiad i fy nhad", "not_stated", "family_friend", "assessment"),
    ("Mae fy nhad wedi cael strôc", "health_physical_disability", "family_friend", "other"),
    ("Mae ei thad mewn cadair olwyn", "health_physical_disability", "family_friend", "other"),
    ("Mae fy mhlentyn yn fyddar", "sensory_impairment", "family_friend", "other"),
    ("Oes clwb cinio yn Llandeilo?", "not_stated", "not_stated", "find_service"),
    ("Sut mae gwasanaethau cymdeithasol yn gweithio?", "not_stated", "not_stated", "how_care_works"),
    ("Mae Mam yn 88 ac yn byw ar ei phen ei hun", "older_people", "family_friend", "other"),
    ("Dw i'n ofalwr i fy mam ac angen seibiant", "carers", "carer", "carer_support"),
    ("Rwy'n poeni am fy nghymydog, mae hi'n oedrannus", "older_people", "family_friend", "raising_concern"),
    ("Mae fy nhad-cu wedi cael strôc", "health_physical_disability", "family_friend", "other"),
]


@pytest.mark.parametrize("text, theme, enquirer, topic", ENGLISH + WELSH)
def test_development_examples(text, theme, enquirer, topic):
    assert classify_enquiry(text) == {"theme": theme, "enquirer": enquirer, "topic_guess": topic}


def test_there_are_enough_examples_in_each_language():
    assert len(ENGLISH) >= 60 and len(WELSH) >= 20


def test_every_theme_and_enquirer_is_exercised():
    from iaa.taxonomy import codes
    assert {t for _, t, _, _ in ENGLISH} == set(codes("theme"))
    assert {t for _, t, _, _ in WELSH} == set(codes("theme"))
    assert {e for _, _, e, _ in ENGLISH} == set(codes("enquirer"))
    assert {e for _, _, e, _ in WELSH} >= set(codes("enquirer")) - {"not_stated"}


def test_a_carer_asking_about_carer_support_is_a_carer_theme_even_with_a_condition():
    said = "I look after my husband who has MS"
    assert classify_enquiry(said)["theme"] == "health_physical_disability"
    assert classify_enquiry(said, topic="carer_support")["theme"] == "carers"
    # the intent alone does not make someone a carer
    assert classify_enquiry("tell me please", topic="carer_support")["theme"] == "not_stated"


def test_the_whole_session_is_read_and_the_latest_message_guesses_the_topic():
    found = classify_enquiry(["how much does a care home cost", "my dad has dementia", "can he get a stairlift"])
    assert found == {"theme": "older_people", "enquirer": "family_friend", "topic_guess": "housing_equipment"}
    # a cue does not run across two messages ("my" at the end of one, "mum" at the start of the next)
    assert classify_enquiry(["is there help for my", "mum"])["enquirer"] == "family_friend"
    assert classify_enquiry(["I look after my", "I'm exhausted"])["theme"] == "carers"


@pytest.mark.parametrize("text", ["the bus is 45 minutes late", "it's 9.30 on Monday", "is 2 days a week enough",
                                  "call me on 07700 900123"])
def test_numbers_that_are_not_ages_set_no_theme(text):
    assert classify_enquiry(text)["theme"] == "not_stated"


def test_accents_and_curly_apostrophes_do_not_matter():
    assert classify_enquiry("Mae fy nhad wedi cael stroc")["theme"] == "health_physical_disability"
    assert classify_enquiry("I’m a carer, what’s a carer’s assessment")["theme"] == "carers"
    assert classify_enquiry("Rwy'n gofalu am fy ngwr")["enquirer"] == "carer"


def test_the_cue_file_carries_welsh_for_every_theme_enquirer_and_topic():
    from iaa.taxonomy import enquiry_cues
    cues = enquiry_cues()
    welsh = re.compile(r"\b(?:fy|yn|mae|rwy'n|dw i'n|ei|am|i|o|ar|y|yr)\b|[ŵŷâêîôû]|dd|ll|ch|ngh|mh|nh|wy")
    for section in ("enquiry_themes", "enquirers", "topics"):
        for code, words in cues[section]:
            assert any(welsh.search(w) for w in words), (section, code)


def test_relationship_words_are_for_service_requests_only():
    from iaa.taxonomy import enquiry_cues
    cues = enquiry_cues()
    classifier = dict(cues["enquiry_themes"])
    directory = dict(cues["themes"])
    assert "my mum" not in classifier["older_people"] and "my mum" in directory["older_people"]
    assert "my son" not in classifier["children_young_people"] and "my son" in directory["children_young_people"]
    assert [c for c, _ in cues["themes"]] == [c for c, _ in cues["enquiry_themes"]]


def test_the_cue_loader_checks_the_optional_sections(tmp_path):
    from iaa.taxonomy import TaxonomyError, _load_cues
    base = "themes: {carers: [as a carer]}\nenquirers: {self: [i]}\ntopics: {advocacy: [advocate]}\n"
    bad = tmp_path / "cues.yml"
    bad.write_text(base + "carer_own_needs: {carer: [tired]}\n")
    with pytest.raises(TaxonomyError, match="carer_own_needs: unknown theme code 'carer'"):
        _load_cues(bad)
    bad.write_text(base + "self_over_relative: {self: []}\n")
    with pytest.raises(TaxonomyError, match="self_over_relative: self: expected a non-empty list"):
        _load_cues(bad)
    bad.write_text(base + "extra_words: {self: [me]}\n")
    with pytest.raises(TaxonomyError, match="unknown section"):
        _load_cues(bad)
    good = tmp_path / "good.yml"
    good.write_text(base + "service_request_themes: {carers: [carers], older_people: [my dad]}\n")
    loaded = _load_cues(good)
    assert loaded["themes"] == [("carers", ["as a carer", "carers"]), ("older_people", ["my dad"])]
    assert loaded["enquiry_themes"] == [("carers", ["as a carer"])] and loaded["carer_own_needs"] == []


@pytest.mark.parametrize("text, enquirer", [
    ("I was a patient in hospital last year and now I need help at home", "self"),
    ("can I get a referral to a day centre", "self"),
    ("I need a friend to talk to, I'm lonely", "self"),
    ("my GP told me to ask about a stairlift", "self"),
    ("as the GP said, I need more help", "self"),
    ("I'm asking for a friend whose husband has dementia", "family_friend"),
])
def test_words_that_only_look_like_another_enquirer(text, enquirer):
    assert classify_enquiry(text)["enquirer"] == enquirer


@pytest.mark.parametrize("text, topic", [
    ("is there a tai chi exercise class", "find_service"),
    ("how much help can I get", "other"),
    ("would a day centre benefit my dad", "find_service"),
    ("what do you offer for older people", "other"),
])
def test_words_that_only_look_like_another_topic(text, topic):
    assert classify_enquiry(text)["topic_guess"] == topic
