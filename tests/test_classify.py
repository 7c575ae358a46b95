import pytest

from actions.classify import classify_enquiry


@pytest.mark.parametrize("text, theme, enquirer, topic", [
    ("how much will I pay for carers for my mum", "older_people", "family_friend", "charges_finance"),
    ("I look after my husband who has MS and I'm exhausted", "carers", "carer", "other"),
    ("my son is autistic and needs a social worker", "learning_disability_autism", "family_friend", "assessment"),
    ("my client is deaf and needs a stairlift", "sensory_impairment", "professional", "housing_equipment"),
    ("I want to complain about my care", "not_stated", "self", "complaints"),
    ("Mae fy mam yn byw gyda dementia", "older_people", "family_friend", "other"),
    ("hello", "not_stated", "not_stated", "other"),
])
def test_cues(text, theme, enquirer, topic):
    assert classify_enquiry(text) == {"theme": theme, "enquirer": enquirer, "topic_guess": topic}
