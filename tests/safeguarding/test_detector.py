"""Safeguarding detector: recall on the labelled set, idioms, Welsh mutations, variants, never
raising, and the fast engine agreeing with spaCy's Matcher. No Rasa, no servers."""
from __future__ import annotations


import pytest
import yaml

from safeguarding import CONCERNS, THEMES, Flag, load_detector
from safeguarding.detector import Detector
from safeguarding.lexicon import compile_lexicon
from iaa.settings import ROOT

LABELLED = ROOT / "data" / "safeguarding" / "examples.yml"


@pytest.fixture(scope="module")
def detector():
    return load_detector()


@pytest.fixture(scope="module")
def labelled():
    with open(LABELLED, encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# ------------------------------------------------------------------------------ the labelled set

def test_labelled_set_is_big_enough_and_well_formed(labelled):
    risky, benign = labelled["risky"], labelled["benign"]
    assert len(risky) >= 250 and len(benign) >= 250
    assert sum(1 for x in risky if x["lang"] == "cy") >= 60
    assert sum(1 for x in benign if x["lang"] == "cy") >= 60
    assert {x["concern"] for x in risky} == set(CONCERNS)
    assert all(x["lang"] in ("en", "cy") and x["text"].strip() for x in risky + benign)
    texts = [x["text"] for x in risky + benign]
    assert len(texts) == len(set(texts)), "duplicate messages in the labelled set"


def test_recall_on_labelled_set_is_100_percent(detector, labelled):
    missed = [f"[{x['lang']}] {x['concern']}: {x['text']}" for x in labelled["risky"]
              if detector.screen(x["text"]) is None]
    assert not missed, f"{len(missed)} risky messages not flagged:\n" + "\n".join(missed)


def test_false_positive_rate_on_labelled_set_is_at_most_5_percent(detector, labelled):
    flagged = [(x["text"], detector.screen(x["text"])) for x in labelled["benign"]]
    flagged = [f"{t!r} -> {f.concern} ({f.cue})" for t, f in flagged if f is not None]
    rate = len(flagged) / len(labelled["benign"])
    assert rate <= 0.05, f"false-positive rate {rate:.1%}:\n" + "\n".join(flagged)


def test_most_risky_messages_get_the_expected_concern(detector, labelled):
    # Recall is what matters; the concern decides the handoff reason, so it should mostly agree.
    agree = sum(1 for x in labelled["risky"] if (f := detector.screen(x["text"])) and f.concern == x["concern"])
    assert agree / len(labelled["risky"]) >= 0.8


# ------------------------------------------------------------------------------ the issue's examples

@pytest.mark.parametrize("text, concern, language", [
    ("he hits me", "domestic_abuse", "en"),
    ("can you tell me about day centres, also my son keeps taking money from my purse",
     "adult_abuse_neglect", "en"),
    ("mae e'n fy nharo i", "domestic_abuse", "cy"),
    ("mae fy ngŵr yn fy mwrw", "domestic_abuse", "cy"),
    ("dw i eisiau marw", "suicide_self_harm", "cy"),
    ("does dim unman i gysgu heno", "child_homeless", "cy"),
    ("mae hi'n cymryd arian o fy mhwrs", "adult_abuse_neglect", "cy"),
    ("my daughter helps herself to cash from my purse", "adult_abuse_neglect", "en"),
    ("mum and dad are always shouting and drinking and we get scared", "child_abuse_neglect", "en"),
])
def test_issue_examples(detector, text, concern, language):
    flag = detector.screen(text)
    assert flag is not None, text
    assert (flag.concern, flag.language) == (concern, language)


# ------------------------------------------------------------------------------ idioms

@pytest.mark.parametrize("text", [
    "this form is killing me",
    "the washing machine is killing me",
    "I'm dying to know the opening hours",
    "killing time before my appointment",
    "do you have a domestic cleaner",
    "my son hit a six",
    "my dad was hit by a car last year and needs help at home",
    "who deals with abuse of the parking bays",
    "she's a young carer",
    "how do I report a pothole",
    "what is your safeguarding policy",
    "my grandson beat me at cards",
    "hit me up with the lunch club times",
    "I'd kill for a coffee",
    "my feet are killing me",
    "I've been locked out of my online account",
    "mae'n bwrw glaw",
    "mae'r ffurflen yma'n fy lladd i",
    "lladd amser cyn yr apwyntiad",
    "curodd fy ŵyr fi mewn gêm o gardiau",
])
def test_idioms_do_not_flag(detector, text):
    assert detector.screen(text) is None, detector.explain(text)


# ------------------------------------------------------------------------------ variants

@pytest.mark.parametrize("text", [
    "he hits me", "he hit me", "he is hitting me", "he has been hitting me", "he keeps hitting me",
    "she hits me", "they hit me", "my partner hits me", "my husband hit me", "my ex hit me",
    "my boyfriend hit me last night", "my wife hits me", "my carer hits me", "staff hit me",
    "my dad hits me", "mam hits me",
    "hes hittin me", "he hitz me", "my husbnd hits me", "my bf hit me", "he beets me",
    "he doesn't hit me any more", "i'm not saying he hits me",
])
def test_person_tense_spelling_and_negation_variants_flag(detector, text):
    assert detector.screen(text) is not None, detector.explain(text)


@pytest.mark.parametrize("text", [
    "mae e'n fy nharo i", "mae e'n taro fi", "mae o wedi fy nharo", "trawodd e fi",
    "mae e'n fy mwrw i", "ma fe'n bwrw fi",
    "mae fy ngŵr yn fy nghicio", "mae fy ngwr yn fy nghicio", "mae'r gŵr yn fy nharo",
    "mae hi'n cymryd arian o fy mhwrs", "mae hi'n cymryd arian o'i phwrs hi",
    "dw i'n cael fy nharo", "mae ei gŵr yn ei tharo hi",
])
def test_welsh_mutations_and_colloquial_forms_flag(detector, text):
    flag = detector.screen(text)
    assert flag is not None and flag.language == "cy", detector.explain(text)


def test_welsh_radical_and_mutated_forms_read_the_same(detector):
    lane = detector.lexicon.lanes["cy"]
    for radical, forms in {"taro": ["daro", "nharo", "tharo"], "gŵr": ["ŵr", "ngŵr", "gwr", "ngwr"],
                           "pwrs": ["bwrs", "mhwrs", "phwrs"]}.items():
        want = lane.canon([radical.replace("ŵ", "w")])
        for form in forms:
            assert lane.canon([form.replace("ŵ", "w")]) == want, form


def test_disclosure_hidden_in_a_long_ordinary_message_is_found(detector):
    filler = "I would like some information about lunch clubs and the bus timetable please. " * 20
    assert detector.screen(filler) is None
    flag = detector.screen(filler + " Also my son keeps taking money from my purse. " + filler)
    assert flag is not None and flag.concern == "adult_abuse_neglect"


def test_the_most_urgent_concern_wins(detector):
    flag = detector.screen("my son keeps taking money from my purse and I want to kill myself")
    assert flag.concern == "suicide_self_harm"
    flag = detector.screen("he hits me and he has got a knife now")
    assert flag.concern == "immediate_danger"


# ------------------------------------------------------------------------------ generalisation

@pytest.mark.parametrize("text, concern", [
    # line breaks, ellipses and one-word fragments are not sentence breaks
    ("my son\nkeeps taking money from my purse", "adult_abuse_neglect"),
    ("my son... keeps taking money from my purse", "adult_abuse_neglect"),
    ("my son\u2026 keeps taking money from my purse", "adult_abuse_neglect"),
    ("He. Hits. Me.", "domestic_abuse"),
    ("my partner\nwon't let me see my friends", "domestic_abuse"),
    # possessive 's is not "is"
    ("strangers have moved into my nan's flat", "criminal_exploitation"),
    ("he hit's me", "domestic_abuse"),
    # words run together, sound-alikes, misspellings that once lost to junk word forms
    ("i want to killmyself", "suicide_self_harm"),
    ("i want to dye", "suicide_self_harm"),
    ("he batterd me", "domestic_abuse"),
    ("im homless at 16", "child_homeless"),
    ("ive been kiked out", "child_homeless"),
    # a subject far from its verb
    ("my son who lives with me and has done since his divorce keeps taking money from my purse",
     "adult_abuse_neglect"),
    # Welsh: dropped subjects, Wenglish, text-speak
    ("mae'n fy ngorfodi i gael rhyw", None),
    ("mae o'n fy rheoli i", "domestic_abuse"),
    ("mae fy bf yn hitio fi", "domestic_abuse"),
    ("dwisho marw", "suicide_self_harm"),
    ("dwi'm isio byw", "suicide_self_harm"),
    ("mae gen i ofn mynd adra", "child_homeless"),
])
def test_structural_variants_flag(detector, text, concern):
    flag = detector.screen(text)
    assert flag is not None, detector.explain(text)
    if concern:
        assert concern in flag.concerns, (flag, detector.explain(text))


@pytest.mark.parametrize("text", [
    "how do I apply for PIP", "my PIP has been stopped and I can't pay the bills",
    "oes angen i mi wneud cais am PIP i mam?", "can you tell me about community transport",
    "can you tell me who runs the lunch club", "please tell me how to sell my house to pay for care",
    "is there a secret santa at the day centre", "my dad has a black eye from a fall",
    "the landlord threatened to put the rent up", "mum has nowhere to go during the day since the club shut",
    "I'm not allowed to drive since my stroke, is there transport", "my mum will kill me if I forget her prescription",
    "mae'r tywydd yn fy lladd i", "mae'r plant yn chwarae cuddio yn yr ardd", "dw i'n gweithio am ddim yn siop yr elusen",
    "my daughter has a nasty cut on her knee from the trampoline, is the minor injuries unit open",
    "how do I get a blue badge\nthanks", "Mum. Dementia. Need help.",
])
def test_trigger_words_in_ordinary_enquiries_do_not_flag(detector, text):
    assert detector.screen(text) is None, detector.explain(text)


def test_english_words_are_never_corrected_into_welsh_cues(detector):
    cy = detector.lexicon.lanes["cy"]
    assert cy.resolve("pip") != ("pimp",)
    words = detector.explain("can I get PIP for my nan and my dad")["cy"]["words"].split()
    assert "pimp" not in words and "tan" not in words


def test_spelling_ties_prefer_lexicon_words_to_generated_forms(detector):
    en = detector.lexicon.lanes["en"]
    assert en.resolve("batterd") == en.resolve("battered")
    assert en.resolve("homless") == en.resolve("homeless")
    assert en.resolve("kiked") == en.resolve("kicked")
    assert en.resolve("groop") == en.resolve("group")


def test_an_idiom_cancels_only_the_cue_it_is_about(detector):
    assert detector.screen("my son pushed my wheelchair to the shops") is None
    assert detector.screen("my husband pushed my wheelchair into the road on purpose") is not None
    assert detector.screen("my dad has bruises from a fall") is None
    assert detector.screen("the kid next door always has bruises and his mum says he falls a lot") is not None
    assert detector.screen("mum leaves us alone for days, im 9") is not None
    assert detector.screen("can I leave mum alone for a few hours while I work") is None


def test_primary_concern_and_all_concerns(detector):
    flag = detector.screen("my partner hits me and I'm scared to go home")
    assert flag.concern == "domestic_abuse"  # no child in the message: not a child concern first
    assert flag.concerns[0] == flag.concern and len(flag.concerns) == len(set(flag.concerns))
    flag = detector.screen("I'm 15, my stepdad hits me and I'm scared to go home")
    assert flag.concern in ("child_homeless", "child_abuse_neglect")
    flag = detector.screen("my son keeps taking money from my purse and I want to kill myself")
    assert flag.concerns[0] == "suicide_self_harm" and "adult_abuse_neglect" in flag.concerns
    # the old fields keep their meaning; a Flag can still be built without `concerns`
    assert Flag(concern="domestic_abuse", theme="vawdasv", language="en", cue="x").concerns == ()


def test_flag_carries_codes_never_the_message(detector):
    text = "my husband punched me in the face"
    flag = detector.screen(text)
    assert isinstance(flag, Flag)
    assert flag.concern in CONCERNS and flag.theme in THEMES and flag.language in ("en", "cy")
    assert flag.cue and flag.cue not in text and "punched" not in flag.cue
    assert flag.theme == detector.lexicon.themes[flag.concern]


def test_concern_codes_are_the_public_contract():
    assert CONCERNS == ("immediate_danger", "suicide_self_harm", "child_homeless", "child_abuse_neglect",
                        "domestic_abuse", "sexual_exploitation", "criminal_exploitation", "modern_slavery",
                        "forced_marriage", "adult_abuse_neglect")


def test_load_detector_is_cached(detector):
    assert load_detector() is detector


# ------------------------------------------------------------------------------ never raises

NASTY = [
    "", " ", "\n\n\t", "\x00\x01\x02\x1b[31m", "💣🔪😭" * 50, "a" * 10_000, "he hits me " * 1000,
    "'" * 500, "...???!!!", "\u202e\u200b\ufeff", "ﬁ ﬂ Å Ω ß ẞ", "𝓱𝓮 𝓱𝓲𝓽𝓼 𝓶𝓮", "Ⅻ ½ ² ³",
    "👨‍👩‍👧‍👦 help", "中文 العربية हिन्दी", "\ud800" if False else "\udcff", "%s %d {0} {} $1 \\n",
    "<script>alert(1)</script>", "' OR 1=1 --", "1" * 5000, "h\u0336e h\u0336i\u0336t\u0336s",
    "mae'n'n'n'n", "''''s 's 's", "...gap... ... ...5 * *? {partner}", "x" * 30 + "'" + "y" * 30,
]


@pytest.mark.parametrize("text", NASTY, ids=[f"nasty{i}" for i in range(len(NASTY))])
def test_screen_never_raises(detector, text):
    result = detector.screen(text)
    assert result is None or isinstance(result, Flag)


def test_screen_tolerates_non_strings(detector):
    assert detector.screen(None) is None  # type: ignore[arg-type]
    assert detector.screen(12345) is None  # type: ignore[arg-type]


def test_screening_is_deterministic_with_a_warm_spelling_cache(detector, labelled):
    # Timing is reported by `python -m bench.safeguarding`, not asserted here. What a test can
    # check: the spelling cache (filled on first sight of a word) never changes an answer.
    texts = [x["text"] for x in labelled["risky"] + labelled["benign"]][::5]
    for lane in detector.lexicon.lanes.values():
        lane.cache.clear()
    cold = [detector.screen(t) for t in texts]
    warm = [detector.screen(t) for t in texts]
    assert cold == warm


# ------------------------------------------------------------------------------ engines agree

MINI = """
urgency: [immediate_danger, suicide_self_harm, child_homeless, child_abuse_neglect, domestic_abuse,
          sexual_exploitation, criminal_exploitation, modern_slavery, forced_marriage, adult_abuse_neglect]
groups:
  en:
    partner: [he, she, husband, other_half]
    victim: [me, us]
    hit: [hit, beat, punch, beat up]
    number: [one, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve, thirteen,
             fourteen, fifteen, sixteen, seventeen, eighteen, nineteen, twenty]
    colour: [red, blue, green, black, white, pink, grey, brown, orange, purple, gold, silver, yellow,
             navy, teal]
  cy:
    partner: [e, fe, gŵr]
    taro: [taro, bwrw]
not:
  en: ["hit by a car|bus", "beat {victim} at"]
  cy: ["bwrw glaw"]
concerns:
  immediate_danger:
    theme: not_stated
    en: [{id: d.en, match: ["{partner} ... got ...2 knife|gun", "kill {victim}"]}]
    cy: [{id: d.cy, match: "gan|ganddo ...2 cyllell"}]
  suicide_self_harm:
    theme: mental_health
    en: [{id: s.en, match: ["kill myself", "want|wish ...1 to? die"]}]
    cy: [{id: s.cy, match: "eisiau ...2 marw"}]
  child_homeless:
    theme: children_young_people
    en: [{id: h.en, match: "nowhere ...1 to? sleep ...2 tonight?"}]
    cy: [{id: h.cy, match: "unman i? cysgu"}]
  child_abuse_neglect:
    theme: children_young_people
    en: [{id: c.en, match: "dad|mum ... {hit} {victim}"}]
    cy: [{id: c.cy, match: "dad|mam ...3 fy {taro}"}]
  domestic_abuse:
    theme: vawdasv
    en: [{id: da.en, match: ["{partner} ... {hit} {victim}", "scared of * him"]}]
    cy: [{id: da.cy, match: "{partner} ...3 fy? {taro} fi?"}]
  sexual_exploitation:
    theme: vawdasv
    en: [{id: x.en, match: "send ...2 nudes|pics"}]
    cy: [{id: x.cy, match: "lluniau noeth"}]
  criminal_exploitation:
    theme: not_stated
    en: [{id: ce.en, match: ["county lines", "{number} {colour}? bags ...2 drugs"]}]
    cy: [{id: ce.cy, match: "llinellau sirol"}]
  modern_slavery:
    theme: not_stated
    en: [{id: ms.en, match: "took|keep ...2 my? passport"}]
    cy: [{id: ms.cy, match: "pasbort"}]
  forced_marriage:
    theme: vawdasv
    en: [{id: fm.en, match: "forced|make ...3 marry"}]
    cy: [{id: fm.cy, match: "gorfodi ...3 priodi"}]
  adult_abuse_neglect:
    theme: older_people
    en: [{id: a.en, match: "son|daughter ...3 take|taking ...3 money|cash ...1 from? my? purse?"}]
    cy: [{id: a.cy, match: "cymryd arian"}]
"""

PROBES = [
    "he hit me", "my husband beat me up", "my other half punched us", "he got a big knife",
    "he beat me at chess", "he was hit by a car", "i want to die", "i wish i could die",
    "nowhere to sleep", "nowhere to sleep tonight", "my dad hits me. me", "he. hit me",
    "my son keeps taking money from my purse", "my son is taking cash", "I am scared of him",
    "scared of him", "they forced me to marry", "send me nudes", "county lines", "mae e'n fy nharo i",
    "mae fy ngŵr yn fy mwrw", "mae'n bwrw glaw", "mae e'n bwrw fi", "dw i eisiau marw",
    "does dim unman i gysgu", "mae mam yn fy nharo", "mae ganddo fe gyllell", "hello", "",
    "he he he hit hit me me", "dad dad punch us", "kill me", "kill us now",
    "three red bags of drugs", "three bags full of drugs", "red bags of drugs", "twenty teal teal bags drugs",
    # soft breaks, fragments, possessives, idioms that a cue goes on past
    "he\nhit me", "he... hit me", "He. Hit. Me.", "my husband's friend hit me", "he hit's me",
    "he beat me at chess and then he hit me", "he was hit by a car and he hit me", "hit by a car",
    "dad\npunch\nus", "mae e'n\nfy nharo", "ma fe... yn bwrw fi",
]


def test_fast_engine_agrees_with_spacy_matcher(tmp_path):
    """The fast engine (PhraseMatcher + chained gaps, long runs of alternatives split word by word)
    must give exactly what spaCy's Matcher gives for the same token patterns."""
    path = tmp_path / "mini.yml"
    path.write_text(MINI, encoding="utf-8")
    lexicon = compile_lexicon(path)
    fast, reference = Detector(lexicon, engine="fast"), Detector(lexicon, engine="matcher")
    for text in PROBES:
        assert fast.screen(text) == reference.screen(text), text
        for lang in ("en", "cy"):
            got = {(c["id"], c["start"], c["end"]) for c in fast.explain(text)[lang]["cues"]}
            want = {(c["id"], c["start"], c["end"]) for c in reference.explain(text)[lang]["cues"]}
            # the Matcher reports every length an optional ending can take; compare the spans'
            # starts and the longest end for each start
            def norm(spans):
                best = {}
                for cid, s, e in spans:
                    best[(cid, s)] = max(best.get((cid, s), 0), e)
                return best
            assert norm(got) == norm(want), (text, lang, got, want)


# ----------------------------------------------------------------------------- learned screen
def test_the_learned_screen_flags_what_the_lexicon_does_not_list():
    detector = load_detector()
    # Worded so no cue matches; the examples teach what such messages are about.
    said = "the man who brought us to this country keeps our papers and we get no wages"
    assert detector.learned.risk(said) >= detector.learned.threshold
    flag = detector.screen(said)
    assert flag is not None and flag.concern in CONCERNS and flag.theme in THEMES


def test_the_learned_screen_leaves_ordinary_enquiries_alone():
    detector = load_detector()
    for said in ("how do I apply for PIP for my son", "is the lunch club in Llandeilo open on Fridays",
                 "beth yw taliadau uniongyrchol", "can I get a carer's assessment"):
        assert detector.learned.risk(said) < detector.learned.threshold, said
        assert detector.screen(said) is None, said


def test_its_fast_scoring_is_the_fitted_pipelines_own():
    learned = load_detector().learned
    for said in ("my nan's carer shouts at her", "mae dad yn fy mwrw i", "what are direct payments"):
        assert abs(learned.risk(said) - learned._model.predict_proba([said])[0][1]) < 1e-9


def test_the_examples_file_is_checked(tmp_path, capsys):
    from frontdoor.cli import main

    bad = tmp_path / "examples.yml"
    bad.write_text("learned_threshold: 2\nrisky:\n  - {concern: worried, text: x}\nbenign:\n  - {text: ''}\n",
                   encoding="utf-8")
    assert main(["safeguarding", "check", "--examples", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "learned_threshold" in err and "concern 'worried'" in err and "benign[0]: needs a text" in err
    assert main(["safeguarding", "check"]) == 0
    assert "examples for the learned screen" in capsys.readouterr().out


def test_the_everyday_file_is_checked(tmp_path, capsys):
    from frontdoor.cli import main

    assert main(["safeguarding", "check", "--everyday", str(tmp_path / "missing.yml")]) == 1
    assert "missing.yml: cannot be read" in capsys.readouterr().err
    bad = tmp_path / "everyday.yml"
    bad.write_text("turns: {en: [hi], cy: 3}\npeople: {en: [mum], cy: [mam]}\nnumbers: [500]\n"
                   "check_in_answers: {'yes': {en: ['yes'], cy: [na]}, 'no': {en: ['no'], cy: [na]}}\n",
                   encoding="utf-8")
    assert main(["safeguarding", "check", "--everyday", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "turns.cy must be a list" in err and "numbers must be" in err and "both yes and no" in err
    assert main(["safeguarding", "check"]) == 0
    assert "check-in answers" in capsys.readouterr().out
