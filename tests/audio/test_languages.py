"""Spoken prompts in the routine's language: espeak-ng's voice for it, the fixed phrases from its
catalogue (else English words in the English voice), and a word on screen when there is no voice."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kiosk import i18n
from kiosk.audio import speech as speech_module
from kiosk.audio.cues import CueListener, cue_files
from kiosk.audio.prompts import PromptLoader
from kiosk.audio.speech import DEFAULT_VOICE, Line, Script, SpeechPrompts, key, left_phrase
from kiosk.audio.voices import VoiceChoice, Voices, choose, parse_voices
from kiosk.engine.events import SideSwitched, StepWarning
from kiosk.routines.loader import load_routine
from kiosk.routines.plan import make_plan
from kiosk_testkit.audio_analysis import read_wav
from kiosk_testkit.players import RecordingPlayer
from tests.audio.test_cues import started
from tests.engine.factories import block, routine, timed

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
SPANISH_ROUTINE = Path(__file__).resolve().parent.parent / "data" / "routines" / "good" / "espalda-es.yaml"

#: Lines from espeak-ng 1.51's ``--voices``, as printed (the columns are padded with spaces).
LISTING = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  ar              --/M      Arabic             sem/ar
 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
 5  cmn-latn-pinyin --/M      Chinese_(Mandarin,_latin_as_Pinyin) sit/cmn-Latn-pinyin  (zh-cmn 5)(zh 5)
 5  en-029          --/M      English_(Caribbean) gmw/en-029           (en 10)
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  es              --/M      Spanish_(Spain)    roa/es
 5  es-419          --/M      Spanish_(Latin_America) roa/es-419           (es-mx 6)(es 6)
 5  fr-be           --/M      French_(Belgium)   roa/fr-BE            (fr 8)
 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
 5  he              --/M      Hebrew             sem/he
 5  hi              --/M      Hindi              inc/hi
 5  nb              --/M      Norwegian_Bokmål  gmq/nb               (no 5)
 5  pt              --/M      Portuguese_(Portugal) roa/pt               (pt-pt 5)
 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR            (pt 6)
 5  yue             --/M      Chinese_(Cantonese) sit/yue              (zh-yue 5)(zh 8)
"""


@pytest.fixture
def catalogues(tmp_path, monkeypatch):
    """The kiosk's catalogues in a folder of the test's own: empty until ``add`` writes one."""
    folder = tmp_path / "locale"
    monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
    i18n._translations.cache_clear()

    def add(tag: str, messages: dict) -> None:
        catalog = Catalog(locale=i18n.locale_name(tag), domain=i18n.DOMAIN)
        for msgid, msgstr in messages.items():
            catalog.add(msgid, msgstr)
        target = folder / i18n.locale_name(tag) / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as f:
            write_mo(f, catalog)
        i18n._translations.cache_clear()

    yield add
    i18n._translations.cache_clear()


#: Spanish as CLDR counts it (Babel writes three plural forms: one, many for millions, other).
SPANISH = {
    "switch sides": "cambia de lado",
    "one minute left": "queda un minuto",
    ("{n} minute left", "{n} minutes left"): ("queda {n} minuto", "quedan {n} de minutos", "quedan {n} minutos"),
    ("{n} second left", "{n} seconds left"): ("queda {n} segundo", "quedan {n} de segundos", "quedan {n} segundos"),
}


class TestChoosingAVoice:
    NAMES = parse_voices(LISTING)

    @pytest.mark.parametrize("tag, voice", [
        ("es", "es"), ("es-MX", "es-419"), ("es-AR", "es"), ("pt", "pt"), ("pt-BR", "pt-br"),
        ("zh", "cmn-latn-pinyin"), ("zh-Hant-TW", "cmn-latn-pinyin"), ("zh_CN", "cmn-latn-pinyin"),
        ("cmn", "cmn"), ("zh-HK", "yue"), ("he", "he"), ("iw", "he"),
        ("ar-EG", "ar"), ("hi", "hi"), ("fr", "fr-fr"), ("fr-CA", "fr-fr"), ("fr-BE", "fr-be"), ("no", "nb"),
        ("en", "en"), ("en-AU", "en"), ("en-US", "en-us"), ("EN-us", "en-us"),
    ])
    def test_the_most_specific_voice_that_answers_to_the_tag(self, tag, voice):
        assert choose(tag, self.NAMES) == VoiceChoice(tag, voice + "+f3", True)

    def test_chinese_falls_back_to_cmn_where_espeak_ng_lacks_the_pinyin_voice(self):
        names = parse_voices("\n".join(line for line in LISTING.splitlines() if "cmn-latn-pinyin" not in line))
        assert choose("zh-TW", names).voice == "cmn+f3"

    @pytest.mark.parametrize("tag", ["tlh", "yi", "sw-KE"])
    def test_a_language_without_a_voice_gets_english_and_says_so(self, tag):
        assert choose(tag, self.NAMES) == VoiceChoice(tag, DEFAULT_VOICE, False)

    def test_a_broken_espeak_ng_lists_nothing_and_speaks_english(self, tmp_path):
        assert Voices("/bin/false").choose("es") == VoiceChoice("es", DEFAULT_VOICE, False)

    @needs_espeak
    @pytest.mark.parametrize("tag, voice", [
        ("he", "he"), ("ar", "ar"), ("zh", "cmn-latn-pinyin"), ("zh-TW", "cmn-latn-pinyin"), ("hi", "hi"),
        ("es", "es"), ("ja", "ja"), ("th", "th"), ("pt-BR", "pt-br"), ("fr", "fr-fr"),
    ])
    def test_this_machines_espeak_ng(self, tag, voice):
        assert Voices(shutil.which("espeak-ng")).choose(tag) == VoiceChoice(tag, voice + "+f3", True)


class TestFixedPhrases:
    def test_an_english_routine_says_them_in_english(self, catalogues):
        script = Script(VoiceChoice("en", DEFAULT_VOICE, True))
        assert script.switch_sides() == Line("switch sides", DEFAULT_VOICE)
        assert script.left(90) == Line("1.5 minutes left", DEFAULT_VOICE)

    def test_an_english_routine_in_american_keeps_its_voice_for_them(self, catalogues):
        script = Script(VoiceChoice("en-US", "en-us+f3", True))
        assert script.switch_sides() == Line("switch sides", "en-us+f3")

    def test_without_a_catalogue_the_english_voice_says_them_in_english(self, catalogues):
        script = Script(VoiceChoice("es", "es+f3", True))
        assert script.step("Calentamiento suave") == Line("Calentamiento suave", "es+f3")
        assert script.switch_sides() == Line("switch sides", DEFAULT_VOICE)
        assert script.left(60) == Line("one minute left", DEFAULT_VOICE)

    def test_with_the_catalogue_the_routines_voice_says_them_in_its_language(self, catalogues):
        catalogues("es", SPANISH)
        script = Script(VoiceChoice("es", "es+f3", True))
        assert script.switch_sides() == Line("cambia de lado", "es+f3")
        assert script.left(60) == Line("queda un minuto", "es+f3")
        assert script.left(120) == Line("quedan 2 minutos", "es+f3")
        assert script.left(90) == Line("quedan 1,5 minutos", "es+f3")  # a Spanish decimal comma
        assert script.left(1) == Line("queda 1 segundo", "es+f3")
        assert script.left(15) == Line("quedan 15 segundos", "es+f3")

    def test_each_phrase_is_decided_on_its_own(self, catalogues):
        """A catalogue part-way through translation: what it has in Spanish, the rest in English."""
        catalogues("es", {"switch sides": "cambia de lado"})
        script = Script(VoiceChoice("es", "es+f3", True))
        assert script.switch_sides() == Line("cambia de lado", "es+f3")
        assert script.left(15) == Line("15 seconds left", DEFAULT_VOICE)

    def test_a_regional_tag_uses_its_languages_catalogue(self, catalogues):
        catalogues("es", SPANISH)
        assert Script(VoiceChoice("es-MX", "es-419+f3", True)).switch_sides() == Line("cambia de lado", "es-419+f3")

    def test_a_language_without_a_voice_keeps_english_words_even_with_a_catalogue(self, catalogues):
        catalogues("tlh", {"switch sides": "nIteb"})
        assert Script(VoiceChoice("tlh", DEFAULT_VOICE, False)).switch_sides() == Line("switch sides", DEFAULT_VOICE)

    def test_left_phrase_counts_in_the_routines_language(self, catalogues):
        catalogues("es", SPANISH)
        assert left_phrase(180, i18n.language("es")) == "quedan 3 minutos"
        assert left_phrase(180) == "3 minutes left"
        assert left_phrase(1) == "1 second left"

    def test_the_cue_listener_plays_each_line_in_its_voice(self, catalogues):
        player = RecordingPlayer()
        player.load(cue_files())
        plan = make_plan(routine(timed("Apertura", 60), block("Piernas", timed("Pantorrilla", 60),
                                                                 sides=("left", "right"))))
        script = Script(VoiceChoice("es", "es+f3", True))
        player.load({line.key: cue_files()["rep_tick"] for line in script.lines(plan.steps, 15)})
        listener = CueListener(player, speech=SpeechPrompts(Path("unused"), binary="/nonexistent"), script=script)
        listener.on_events([started(plan.steps[0])])
        listener.on_events([SideSwitched(at=9.0, index=2, side="right", previous="left")])
        listener.on_events([StepWarning(at=50.0, index=2, seconds=15.0)])
        assert player.names == ["step_start", key("Apertura", "es+f3"), "side_switch", key("switch sides"),
                                "warning", key("15 seconds left")]


@needs_espeak
class TestRenderedWithItsVoice:
    ROUTINES = {
        "he": ("he+f3", "חימום קל", "עיסוי גב"),
        "ar": ("ar+f3", "إحماء خفيف", "تدليك الظهر"),
        "zh": ("cmn-latn-pinyin+f3", "轻度热身", "背部按摩"),
        "hi": ("hi+f3", "हल्का वार्म-अप", "पीठ की मालिश"),
        "es": ("es+f3", "Calentamiento suave", "Barridos junto a la columna"),
    }

    @pytest.fixture
    def commands(self, monkeypatch):
        """Every espeak-ng command line the speech module runs (and runs it for real)."""
        seen: list[list[str]] = []
        real = subprocess.run

        def run(args, *a, **kw):
            seen.append(list(args))
            return real(args, *a, **kw)

        monkeypatch.setattr(speech_module.subprocess, "run", run)
        return seen

    @pytest.mark.parametrize("tag", sorted(ROUTINES))
    def test_a_routine_in_each_language_is_rendered_by_its_voice(self, tag, tmp_path, commands, catalogues):
        voice, first, second = self.ROUTINES[tag]
        speech = SpeechPrompts(tmp_path / "cache")
        plan = make_plan(dataclasses.replace(routine(timed(first, 60), timed(second, 60)), language=tag))
        script = speech.script(tag)
        files = speech.render(script.lines(plan.steps, 60))
        assert set(files) == {key(first, voice), key(second, voice), key("one minute left")}
        renders = [c for c in commands if "--stdin" in c]
        assert sorted(c[c.index("-v") + 1] for c in renders) == sorted([voice, voice, DEFAULT_VOICE])
        english = SpeechPrompts(tmp_path / "cache").render([first])  # the same words, the English voice
        own, other = read_wav(files[key(first, voice)]), read_wav(english[key(first)])
        assert files[key(first, voice)] != english[key(first)]
        assert own.samples != other.samples and own.seconds > 0.8

    @pytest.mark.parametrize("tag, text", [
        *((tag, words[1]) for tag, words in ROUTINES.items()), ("ja", "せなかの マッサージ"), ("th", "นวดหลัง"),
    ])
    def test_the_voice_reads_the_routines_words_in_its_language_not_as_english(self, tag, text):
        """espeak-ng marks a switch to English in its phonemes as "(en)": 1.51's cmn voice did that
        for every Chinese character, saying "ni three hao three" for 你好."""
        voice = Voices(shutil.which("espeak-ng")).choose(tag).voice
        phonemes = subprocess.run(["espeak-ng", "-v", voice, "-x", "-q", text], capture_output=True, text=True,
                                  check=True).stdout
        assert phonemes.strip() and "(en)" not in phonemes, phonemes

    def test_same_words_two_voices_two_files(self, tmp_path):
        speech = SpeechPrompts(tmp_path)
        files = speech.render([Line("Hola", "es+f3"), Line("Hola", DEFAULT_VOICE), Line("Hola", "es+f3")])
        assert set(files) == {key("Hola", "es+f3"), key("Hola")}
        spanish, english = files[key("Hola", "es+f3")], files[key("Hola")]
        assert spanish != english and spanish.read_bytes() != english.read_bytes()
        assert sorted(p.name for p in tmp_path.glob("*.wav")) == sorted([spanish.name, english.name])
        assert speech.render([Line("Hola", DEFAULT_VOICE)]) == {key("Hola"): english}  # each from its own file

    def test_the_spanish_routine_end_to_end(self, tmp_path, catalogues):
        """Chosen in an English room: step names in Spanish by the Spanish voice; with the Spanish
        catalogue, "switch sides" and the heads-up in Spanish too, all rendered off the main thread."""
        catalogues("es", SPANISH)
        player = RecordingPlayer()
        player.load(cue_files())
        cues = CueListener(player)
        pending: list = []
        loader = PromptLoader(cues, player, cache_dir=tmp_path, spoken=lambda: False, room_language=lambda: "en",
                              handoff=Inline(), notify=pytest.fail, run=pending.append)
        plan = make_plan(load_routine(SPANISH_ROUTINE))
        loader.on_plan(plan)
        pending.pop()()
        assert cues.script is not None and cues.script.voice == "es+f3"
        for name in ("Calentar la loción", "Barridos junto a la columna", "cambia de lado", "queda un minuto"):
            assert player.loaded(key(name, "es+f3")), name
        switch = next(i for i, s in enumerate(plan.steps) if s.side == "right")
        cues.on_events([SideSwitched(at=300.0, index=switch, side="right", previous="left")])
        assert player.names[-2:] == ["side_switch", key("cambia de lado", "es+f3")]


class Inline:
    def call(self, fn, *args):
        fn(*args)


class TestNoVoiceForTheLanguage:
    def test_english_speaks_and_the_screen_says_so_once(self, tmp_path, catalogues):
        player = RecordingPlayer()
        player.load(cue_files())
        cues, notices, pending = CueListener(player), [], []

        class Speech(SpeechPrompts):
            def __init__(self, folder):
                super().__init__(folder, binary="true")  # "found", with the voices below
                self.voices.choose = lambda tag: choose(tag, parse_voices(LISTING))  # type: ignore[method-assign]

            def render(self, lines):
                return {line.key: cue_files()["rep_tick"] for line in lines}

        loader = PromptLoader(cues, player, cache_dir=tmp_path, spoken=lambda: True, handoff=Inline(),
                              notify=notices.append, run=pending.append, make_speech=Speech)
        klingon = make_plan(dataclasses.replace(routine(timed("Opening", 60)), language="tlh"))
        for _ in range(2):
            loader.on_plan(klingon)
            pending.pop()()
        assert notices == ["Spoken prompts: espeak-ng has no voice for Klingon, so they are spoken in English."]
        assert cues.on_events([started(klingon.steps[0])]) == ["step_start", key("Opening")]
        loader.on_plan(make_plan(dataclasses.replace(routine(timed("Opening", 60)), language="yi")))
        pending.pop()()
        assert len(notices) == 2 and "Yiddish" in notices[1]

    @needs_espeak
    def test_with_this_machines_espeak_ng(self, tmp_path, catalogues):
        speech = SpeechPrompts(tmp_path)
        script = speech.script("tlh")
        assert script.voice == DEFAULT_VOICE and "Klingon" in (script.notice or "")
        files = speech.render(script.lines([timed("Opening", 60)], 15))
        assert set(files) == {key("Opening"), key("15 seconds left")}
        assert speech.script("he").notice is None


class TestTheKiosksWiring:
    def test_a_routine_without_a_language_is_spoken_in_the_language_the_screens_speak(self, tmp_path, monkeypatch):
        from kiosk import composition
        from kiosk.audio import player as player_module
        from kiosk.config import RoomConfig
        from kiosk.engine.clock import FakeClock
        from kiosk.paths import ROUTINES_DIR

        monkeypatch.setattr(player_module, "open_player", lambda **kw: RecordingPlayer())
        services = composition.build_services(composition.RunOptions(routines=(ROUTINES_DIR,)), clock=FakeClock(0.0),
                                              data_dir=tmp_path)
        composition.attach_audio(services, RoomConfig(), tmp_path, Inline())
        (loader,) = [x for x in services.controller.listeners if isinstance(x, PromptLoader)]
        try:
            assert loader.room_language() == "en"
            i18n.use("he")
            assert loader.room_language() == "he"
        finally:
            i18n.use(i18n.SOURCE_LANGUAGE)
