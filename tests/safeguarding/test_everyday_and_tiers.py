"""The screen on the traffic the front door really gets: everyday short turns never flag, at the
start of a conversation or after a search; short replies are read with the message before; the
two tiers; the check-in answers; any message a channel accepts is screened normally."""
import random

import pytest

from safeguarding import Tier, load_detector
from safeguarding.everyday import read_everyday
from safeguarding.lexicon import LexiconError

EVERYDAY = ["hi", "hey", "hiya", "hello", "no", "nope", "yes", "ok", "more", "show more", "not sure",
            "never mind", "human", "nobody", "no one", "she's 84", "he's 90", "he lives with me",
            "for my mum", "my boyfriend", "Llanelli", "thanks", "bye", "??",
            # Welsh
            "helo", "shwmae", "na", "ie", "iawn", "mwy", "rhagor", "mae hi'n 84", "mae o'n 90",
            "i fy mam", "fy nhad", "diolch", "dim diolch", "Cymraeg", "neb", "hi", "fe"]
AFTER = [None, "is there a lunch club near Llandeilo for my dad", "oes clwb cinio yn Rhydaman i nain",
         "how do I get a carer's assessment"]


@pytest.fixture(scope="module")
def detector():
    return load_detector()


@pytest.mark.parametrize("previous", AFTER)
def test_everyday_short_turns_never_flag(detector, previous):
    flagged = {t: str(f) for t in EVERYDAY if (f := detector.screen(t, previous=previous))}
    assert flagged == {}


def test_a_short_reply_is_read_with_the_message_before(detector):
    assert detector.screen("controls all the money") is None
    flag = detector.screen("controls all the money", previous="my husband")
    assert flag is not None and flag.concern == "domestic_abuse" and flag.in_context
    assert detector.screen("takes my money", previous="my carer").in_context
    # a previous message that flagged by itself was dealt with then: no second flag from it
    assert detector.screen("ok", previous="my husband hits me") is None


def test_a_cue_is_urgent_and_a_topic_or_a_guess_asks_first(detector):
    urgent = detector.screen("my husband hits me")
    assert urgent.tier is Tier.URGENT and urgent.cue != "learned"
    named = detector.screen("can you give me the number for women's aid")
    assert named.tier is Tier.CHECK and named.cue == "da.en.services-named"
    assert detector.screen("rhif cymorth i fenywod plis").tier is Tier.CHECK
    guess = detector.screen("he says he'll put pictures of me online if i leave")
    assert guess.tier is Tier.CHECK and guess.cue == "learned" and 0.5 <= guess.score <= 1
    # an urgent cue in the same message outranks a check-tier one
    both = detector.screen("what's the number for women's aid, my partner hits me")
    assert both.tier is Tier.URGENT


def test_the_verdict_carries_no_words(detector):
    verdict = detector.screen("my son keeps taking money from my purse").verdict()
    assert verdict["tier"] == "urgent" and verdict["concern"] == "adult_abuse_neglect"
    assert "purse" not in str(verdict) and "money" not in str(verdict)


@pytest.mark.parametrize("text,answer", [
    ("yes", "yes"), ("YES", "yes"), ("Ie", "yes"), ("talk to someone", "yes"), ("/safeguarding_talk", "yes"),
    ("siarad", "yes"), ("no", "no"), ("No thanks", "no"), ("na", "no"), ("dwi'n iawn", "no"),
    ("/safeguarding_no", "no"), ("what do you mean?", None), ("how much is a day centre", None)])
def test_check_in_answers(detector, text, answer):
    assert detector.check_in_answer(text) == answer


def test_everyday_file_refuses_yes_read_as_true(tmp_path):
    bad = tmp_path / "everyday.yml"
    bad.write_text("turns: {en: [hi, yes], cy: [helo]}\npeople: {en: [mum], cy: [mam]}\nnumbers: [84]\n"
                   "check_in_answers: {'yes': {en: ['yes'], cy: [ie]}, 'no': {en: ['no'], cy: [na]}}\n")
    with pytest.raises(LexiconError) as e:
        read_everyday(bad)
    assert "quotes" in str(e.value.problems)


def test_any_message_a_channel_accepts_is_screened_normally(detector):
    rnd = random.Random(1)
    long_word = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(2000))
    sms = " ".join(rnd.choice(["mum", "lunch", "club", "Tuesday", "please", "near"]) for _ in range(400))[:1600]
    for text in (long_word, "a" * 2000, "😀" * 2000, sms, "".join(rnd.choice("0123456789") for _ in range(1600))):
        assert detector.screen(text) is None
    # a disclosure after 1,950 characters of ordinary words is still seen
    assert detector.screen(sms[:1550] + " and my son keeps taking money from my purse") is not None
    # no long "word" is remembered by the spelling cache
    assert all(len(tok) <= 40 for lane in detector.lexicon.lanes.values() for tok in lane.cache)


def test_a_cue_in_a_long_ordinary_message_is_set_aside(detector):
    idiom = "my sister will murder me if I lose this reference number again, can you text it to me?"
    assert detector.screen_lexicon(idiom) is not None  # the cue matches...
    assert detector.screen(idiom) is None  # ...and both learned readers find an idiom
    # the same words with nothing around them are the message: never set aside
    assert detector.screen("she will murder me") is not None
    # a disclosure embedded in an ordinary question of the same length is not set aside
    embedded = "my partner will kill me if he finds out I rang you, can you tell me about refuges in Swansea"
    assert detector.screen(embedded).tier is Tier.URGENT


@pytest.mark.parametrize("setting,value", [("dismiss_below", 0.7), ("dismiss_below", "low"),
                                           ("dismiss_min_words", 0), ("dismiss_min_words", True)])
def test_examples_file_refuses_a_bad_set_aside_setting(tmp_path, setting, value):
    from safeguarding.learned import read_examples

    bad = tmp_path / "examples.yml"
    bad.write_text(f"{setting}: {value}\nrisky:\n  - {{concern: domestic_abuse, text: he hits me}}\n"
                   "benign:\n  - {text: hello}\n")
    with pytest.raises(LexiconError) as e:
        read_examples(bad)
    assert setting in str(e.value.problems)
