"""One copy of the Welsh mutation tables, day and month names and the clock format."""
import datetime as dt

from iaa import welsh
from iaa.replies import when_text


def test_mutations_and_their_inverse():
    assert welsh.mutations("taro") == {"daro", "nharo", "tharo"}
    assert welsh.mutations("gwr") == {"wr", "ngwr"}
    assert welsh.mutations("arian") == {"harian"}
    assert welsh.demutate("nghaerdydd") == ["caerdydd"]
    assert welsh.demutate("fam") == ["bam", "mam"]
    assert welsh.demutate("ofalwyr") == ["gofalwyr"]
    # every mutated initial leads back to the radicals it comes from, and nothing else
    for table in (welsh.SOFT, welsh.NASAL, welsh.ASPIRATE):
        for radical, mutated in table.items():
            if mutated:
                assert radical in dict(welsh.DEMUTATIONS)[mutated]
    assert sum(len(r) for _, r in welsh.DEMUTATIONS) == sum(
        1 for t in (welsh.SOFT, welsh.NASAL, welsh.ASPIRATE) for m in t.values() if m)


def test_soft_mutation_of_a_phrase():
    assert welsh.soft("dydd Llun") == "ddydd Llun"
    assert welsh.soft("Caerdydd") == "Caerdydd"  # capitalised: left as it is
    assert welsh.soft("cinio") == "ginio"


def test_one_clock_format_everywhere():
    assert [welsh.clock(9), welsh.clock(9, 30), welsh.clock(12), welsh.clock(0, 5), welsh.clock(16, 30)] == [
        "9am", "9.30am", "12pm", "12.05am", "4.30pm"]
    assert [welsh.clock(9, 30, "cy"), welsh.clock(14, 0, "cy")] == ["9.30yb", "2yp"]


def test_the_clock_is_the_same_in_the_profile_the_replies_and_the_directory():
    from directory.cards import schedule_text

    moment = dt.datetime(2025, 11, 24, 9, 30)
    assert when_text(moment) == "9.30am on Monday 24 November"
    assert when_text(moment, "cy") == "9.30yb dydd Llun 24 Tachwedd"
    schedule = [{"freq": "WEEKLY", "byday": "MO", "opens_at": "09:30", "closes_at": "16:30"}]
    assert "9.30am to 4.30pm" in schedule_text(schedule, "en")


def test_day_and_month_names():
    assert welsh.day_name(0, "cy") == "dydd Llun" and welsh.day_name(6) == "Sunday"
    assert welsh.month_name(11, "cy") == "Tachwedd" and welsh.month_name(1) == "January"


def test_place_names_mutate_with_the_same_tables():
    from directory import lexicon as lx

    assert welsh.mutated_forms("caerfyrddin") == ["gaerfyrddin", "nghaerfyrddin", "chaerfyrddin"]
    assert lx.mutations("llandeilo") == ["landeilo"] and lx.mutations("gorslas") == ["orslas", "ngorslas"]
    assert [welsh.after_yn(n) for n in ("Caerfyrddin", "Porth Tywyn", "Talacharn", "Llandeilo")] == [
        "yng Nghaerfyrddin", "ym Mhorth Tywyn", "yn Nhalacharn", None]
