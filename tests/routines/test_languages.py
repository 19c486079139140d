"""Routines in the author's own words: any script loads as written, a routine names its language,
and the loader's rules (0-9 digits in durations, did-you-mean for keys) hold next to any script."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kiosk.errors import RoutineError
from kiosk.routines.loader import load_routine, load_routine_text

GOOD = Path(__file__).resolve().parent.parent / "data" / "routines" / "good"

#: Text a clinic writes, per script: (routine name, summary, step name, say, caution, note).
SCRIPTS = {
    "hebrew": ("עיסוי גב", "חימום, כל צד של הגב, וסיום.", "חימום קל", "עיסוי קל על כל הגב.",
               "בלי לחץ ישירות על עמוד השדרה.", "חמש דקות מרככות את השרירים לפני כל לחץ."),
    "arabic": ("تدليك الظهر", "إحماء، ثم كل جانب من الظهر.", "إحماء خفيف", "تدليك خفيف على الظهر كله.",
               "لا ضغط مباشر على العمود الفقري.", "خمس دقائق تلين العضلات قبل أي ضغط."),
    "chinese": ("背部按摩", "热身，然后背部每一侧。", "轻度热身", "轻轻按摩整个背部。",
                "不要直接按压脊柱。", "五分钟让肌肉在施压前放松。"),
    "japanese": ("背中のマッサージ", "ウォームアップ、左右の背中、仕上げ。", "軽いウォームアップ",
                 "背中全体を軽くマッサージします。", "背骨を直接押さないこと。", "圧をかける前に五分間ほぐします。"),
    "hindi": ("पीठ की मालिश", "वार्म-अप, फिर पीठ का हर हिस्सा।", "हल्का वार्म-अप", "पूरी पीठ पर हल्की मालिश करें।",
              "रीढ़ की हड्डी पर सीधा दबाव न डालें।", "दबाव से पहले पाँच मिनट मांसपेशियों को नरम करते हैं।"),
    "thai": ("นวดหลัง", "วอร์มอัพ แล้วนวดหลังทีละข้าง", "วอร์มอัพเบาๆ", "นวดเบาๆ ทั่วแผ่นหลัง",
             "ห้ามกดลงบนกระดูกสันหลังโดยตรง", "ห้านาทีช่วยให้กล้ามเนื้อคลายก่อนลงน้ำหนัก"),
    "emoji": ("Back 💆‍♀️ massage", "Warm-up 🔥 then each side ↔️", "Warm-up 🤲🏽", "Light strokes 👐",
              "⚠️ No pressure on the spine 🦴", "Family 👨‍👩‍👧 and flags 🇮🇱🇯🇵 keep their joiners."),
}


def yaml_text(name: str, summary: str, step: str, say: str, caution: str, note: str) -> str:
    return (f"version: 1\nname: {name}\nsummary: {summary}\nsteps:\n"
            f"  - name: {step}\n    time: 5-6m\n    say: {say}\n    caution: {caution}\n"
            f"    note: >-\n      {note}\n")


class TestAnyScript:
    @pytest.mark.parametrize("script", sorted(SCRIPTS))
    def test_every_text_loads_exactly_as_written(self, script, tmp_path):
        name, summary, step, say, caution, note = SCRIPTS[script]
        path = tmp_path / f"{script}.yaml"
        path.write_text(yaml_text(*SCRIPTS[script]), encoding="utf-8")
        routine = load_routine(path)
        (only,) = routine.steps
        assert (routine.name, routine.summary) == (name, summary)
        assert (only.name, only.say, only.caution, only.note) == (step, say, caution, note)
        for text in (routine.name, routine.summary, only.name, only.say, only.caution, only.note):
            assert unicodedata.is_normalized("NFC", text)

    def test_joiners_and_direction_marks_are_kept(self):
        """Zero-width joiners build emoji and Indic conjuncts; a right-to-left mark orders a mixed
        Hebrew line: none of them is a control character to refuse or drop."""
        step = "\u05e2\u05d9\u05e1\u05d5\u05d9 10 \u05d3\u05e7\u05d5\u05ea\u200f"  # Hebrew, digits, RLM
        say = "\u0915\u094d\u200d\u0937 \U0001f469\u200d\u2695\ufe0f"  # Devanagari with ZWJ, woman health worker
        routine = load_routine_text(f"version: 1\nname: T\nsteps:\n  - name: {step}\n    time: 1m\n    say: {say}\n")
        assert (routine.steps[0].name, routine.steps[0].say) == (step, say)

    def test_decomposed_text_is_not_recomposed(self):
        """A file saved decomposed (NFD, as some editors write it) is read as written, like today."""
        decomposed = unicodedata.normalize("NFD", "Loción tibia")
        routine = load_routine_text(f"version: 1\nname: {decomposed}\nsteps:\n  - name: A\n    time: 1m\n")
        assert routine.name == decomposed != "Loción tibia"


class TestLanguage:
    def test_a_routine_names_its_language(self):
        routine = load_routine(GOOD / "espalda-es.yaml")
        assert (routine.language, routine.name) == ("es", "Masaje de espalda corto")
        assert [s.name for s in routine.walk()][:2] == ["Calentar la loción", "Calentamiento suave"]

    def test_without_one_it_speaks_the_rooms(self):
        assert load_routine(GOOD / "minimal.yaml").language is None

    @pytest.mark.parametrize("tag", ["es", "pt-BR", "zh-Hant", "zh_TW", "he", "ar", "hi", "es-419", "no", "tlh"])
    def test_any_well_formed_tag_is_accepted_as_written(self, tag):
        """``no`` (Norwegian) stays text rather than YAML 1.1's false; ``tlh`` no kiosk speaks yet."""
        routine = load_routine_text(f"version: 1\nname: T\nlanguage: {tag}\nsteps:\n  - name: A\n    time: 1m\n")
        assert routine.language == tag

    @pytest.mark.parametrize("value, hint", [
        ("Spanish", "write its tag: language: es (Spanish)"),
        ("Hebrew", "write its tag: language: he (Hebrew)"),
        ("e", "write a BCP 47 tag such as es, fr-CA, pt-BR, zh-Hant, he or ar"),
        ("עברית", "write a BCP 47 tag"),
        ("es--MX", "write a BCP 47 tag"),
        ("'42'", "write a BCP 47 tag"),
    ])
    def test_a_bad_tag_is_reported_at_its_place_with_what_to_write(self, value, hint, tmp_path):
        path = tmp_path / "r.yaml"
        path.write_text(f"version: 1\nname: T\nlanguage: {value}\nsteps:\n  - name: A\n    time: 1m\n",
                        encoding="utf-8")
        with pytest.raises(RoutineError) as caught:
            load_routine(path)
        (problem,) = caught.value.problems
        shown = value.strip("'")
        assert str(problem).startswith(f'{path}:3:11: error: language "{shown}" is not a language tag (')
        assert hint in problem.hint

    def test_a_name_in_a_language_the_kiosk_speaks_gets_its_tag(self, tmp_path, monkeypatch):
        from kiosk import i18n

        catalogue = tmp_path / "es" / "LC_MESSAGES" / "kiosk.mo"
        catalogue.parent.mkdir(parents=True)
        catalogue.write_bytes(b"")  # the kiosk speaks Spanish: it has a catalogue for it
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
        with pytest.raises(RoutineError) as caught:
            load_routine_text("version: 1\nname: T\nlanguage: español\nsteps:\n  - name: A\n    time: 1m\n")
        assert caught.value.problems[0].hint == "write its tag: language: es (Spanish)"

    def test_a_list_is_not_a_language(self):
        with pytest.raises(RoutineError) as caught:
            load_routine_text("version: 1\nname: T\nlanguage: [es, fr]\nsteps:\n  - name: A\n    time: 1m\n")
        (problem,) = caught.value.problems
        assert (problem.line, problem.col) == (3, 11) and "language must be text" in problem.message


class TestDigits:
    """Durations and counts take 0-9 only, whatever script the rest of the file is in."""

    @pytest.mark.parametrize("key, value, ascii", [
        ("time", "٥m", "5m"),           # Arabic-Indic
        ("time", "۵-۶m", "5-6m"),       # Extended Arabic-Indic (Persian, Urdu)
        ("time", "५m", "5m"),           # Devanagari
        ("time", "５m", "5m"),          # full-width
        ("time", "５ｍ", "5m"),         # full-width unit too
        ("time", "'١:٣٠'", "1:30"),
        ("reps", "٣-٤", "3-4"),
        ("reps", "३", "3"),
    ])
    def test_other_digits_are_refused_with_what_to_write(self, key, value, ascii):
        body = f"version: 1\nname: גב\nsteps:\n  - name: חימום\n    {key}: {value}\n"
        with pytest.raises(RoutineError) as caught:
            load_routine_text(body, "r.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.col) == (5, 11)
        assert problem.message == f'"{value.strip(chr(39))}" has digits other than 0-9'
        assert problem.hint == f'write "{ascii}"'

    @pytest.mark.parametrize("key", ["length", "warning"])
    def test_at_the_top_too(self, key):
        with pytest.raises(RoutineError) as caught:
            load_routine_text(f"version: 1\nname: T\n{key}: ١٠m\nsteps:\n  - name: A\n    time: 1m\n", "r.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.hint) == (3, 'write "10m"')

    def test_repeat(self):
        body = "version: 1\nname: T\nsteps:\n  - block: B\n    repeat: ٢\n    steps:\n      - {name: A, time: 1m}\n"
        with pytest.raises(RoutineError) as caught:
            load_routine_text(body, "r.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.col) == (5, 13)
        assert problem.hint == 'write "repeat: 2" with the digits 0-9'

    def test_digits_in_text_are_text(self):
        routine = load_routine_text("version: 1\nname: ٣ دقائق\nsteps:\n  - name: 五分\n    time: 5m\n    say: ५ मिनट\n")
        assert (routine.name, routine.steps[0].name, routine.steps[0].say) == ("٣ دقائق", "五分", "५ मिनट")


class TestDidYouMean:
    @pytest.mark.parametrize("line, wrong, right", [
        ("    sya: שלום לכולם", "sya", "say"),
        ("    cuation: لا ضغط", "cuation", "caution"),
        ("    nots: 五分钟", "nots", "note"),
        ("    tmie: 5m", "tmie", "time"),
    ])
    def test_keys_next_to_any_script_still_get_a_suggestion(self, line, wrong, right):
        body = f"version: 1\nname: 背中\nsteps:\n  - name: นวด\n    time: 5m\n{line}\n"
        if wrong == "tmie":
            body = "version: 1\nname: 背中\nsteps:\n  - name: नमस्ते\n    say: मालिश\n" + line + "\n"
        with pytest.raises(RoutineError) as caught:
            load_routine_text(body, "r.yaml")
        found = [p for p in caught.value.problems if "unknown key" in p.message]
        assert found and found[0].message.startswith(f'unknown key "{wrong}" in step "')
        assert f'did you mean "{right}"?' in found[0].hint

    def test_the_step_is_named_in_its_own_script(self):
        with pytest.raises(RoutineError) as caught:
            load_routine_text("version: 1\nname: T\nsteps:\n  - name: חימום קל\n    time: 5m\n    sya: x\n", "r.yaml")
        (problem,) = caught.value.problems
        assert problem.message == 'unknown key "sya" in step "חימום קל"'

    def test_a_misspelt_language_key_is_caught(self):
        with pytest.raises(RoutineError) as caught:
            load_routine_text("version: 1\nname: T\nlanguge: es\nsteps:\n  - name: A\n    time: 1m\n", "r.yaml")
        (problem,) = caught.value.problems
        assert 'did you mean "language"?' in problem.hint


def test_the_shipped_routines_say_they_are_english():
    """Written in English, they are spoken by the English voice in a room of any language."""
    from kiosk.paths import ROUTINES_DIR

    files = sorted(ROUTINES_DIR.glob("*.yaml"))
    assert files and {load_routine(path).language for path in files} == {"en"}
