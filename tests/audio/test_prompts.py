"""Each chosen routine's own sounds and spoken prompts: rendered off the UI thread, switched on
through the hand-off, and never for a routine that is no longer the one chosen."""

from __future__ import annotations

import dataclasses
import queue
import threading

import pytest

from kiosk.audio.cues import CueListener, cue_files
from kiosk_testkit.players import RecordingPlayer
from kiosk.audio.prompts import PromptLoader
from kiosk.audio.speech import DEFAULT_VOICE, WHISPER_GAIN, Line, Script, SpeechPrompts, key
from kiosk.audio.voices import choose, parse_voices
from kiosk.routines.plan import make_plan
from tests.audio.test_cues import started
from tests.engine.factories import block, routine, timed

BELL = cue_files()["rep_tick"]  # any real WAV will do for a rendered prompt


def plan_of(*items, speak=None, name="Test routine"):
    return make_plan(dataclasses.replace(routine(*items, name=name), speak=speak))


BACK = plan_of(timed("Opening", 60), block("Legs", timed("Calf", 60), sides=("left", "right")), name="Back")
NECK = plan_of(timed("Neck", 60), name="Neck")


#: The voices FakeSpeech's espeak-ng has: Spanish and Hebrew, not Klingon.
VOICES = parse_voices(
    "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
    " 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)\n"
    " 5  es              --/M      Spanish_(Spain)    roa/es\n"
    " 5  he              --/M      Hebrew             sem/he\n")


class FakeSpeech:
    """Stands in for espeak-ng: every text "renders" to a real WAV; remembers what and on which thread."""

    gain = WHISPER_GAIN
    notice = None
    available = True
    voice = DEFAULT_VOICE

    def __init__(self, cache_dir):
        self.cache_dir = cache_dir
        self.rendered: list[tuple[list[str], str]] = []
        self.lines: list[Line] = []

    def script(self, tag=None):
        return Script.english() if tag is None else Script(choose(tag, VOICES))

    def render(self, lines):
        lines = list(lines)
        self.lines.extend(lines)
        self.rendered.append(([line.text for line in lines], threading.current_thread().name))
        return {line.key: BELL for line in lines}


class Handoff:
    """The main-thread hand-off, inline: counts what came back through it."""

    def __init__(self):
        self.calls = 0

    def call(self, fn, *args):
        self.calls += 1
        fn(*args)


@pytest.fixture
def player():
    p = RecordingPlayer()
    p.load(cue_files())
    return p


class Kit:
    def __init__(self, player, tmp_path, *, spoken=True, make_speech=FakeSpeech, cache=True, room="en"):
        self.player = player
        self.room = room
        self.cues = CueListener(player)
        self.handoff = Handoff()
        self.pending: list = []  # renderings started and not yet run
        self.notices: list[str] = []
        self.spoken = spoken
        self.speeches: list = []

        def make(cache_dir):
            self.speeches.append(make_speech(cache_dir))
            return self.speeches[-1]

        self.loader = PromptLoader(self.cues, player, cache_dir=tmp_path / "speech" if cache else None,
                                   spoken=lambda: self.spoken, handoff=self.handoff, notify=self.notices.append,
                                   run=self.pending.append, make_speech=make, room_language=lambda: self.room)

    def finish(self, index: int = 0) -> None:
        self.pending.pop(index)()


class TestSpokenPrompts:
    def test_they_join_in_once_rendered_and_not_before(self, player, tmp_path):
        kit = Kit(player, tmp_path)
        kit.loader.on_plan(BACK)
        assert kit.cues.on_events([started(BACK.steps[0])]) == ["step_start"]  # still rendering: bells only
        kit.finish()
        assert kit.handoff.calls == 1
        texts = kit.speeches[0].rendered[0][0]
        assert texts == ["Opening", "Calf", "Calf", "switch sides", "15 seconds left"]
        assert kit.cues.on_events([started(BACK.steps[0])]) == ["step_start", key("Opening")]

    def test_they_are_rendered_on_a_thread_of_their_own(self, player, tmp_path):
        back = queue.Queue()

        class ThreadHandoff(Handoff):
            def call(self, fn, *args):  # like MainThreadHandoff from another thread: queue it
                back.put((fn, args, threading.current_thread().name))

        cues = CueListener(player)
        made = []
        loader = PromptLoader(cues, player, cache_dir=tmp_path, spoken=lambda: True, handoff=ThreadHandoff(),
                              notify=print, make_speech=lambda folder: made.append(FakeSpeech(folder)) or made[-1])
        loader.on_plan(NECK)
        fn, args, thread = back.get(timeout=10)
        assert thread == "spoken prompts" and made[0].rendered[0][1] == "spoken prompts"
        assert cues.speech is None  # nothing switched on from the rendering thread
        fn(*args)  # the main thread's turn
        assert cues.speech is made[0] and player.loaded(key("Neck"))

    def test_a_routine_chosen_meanwhile_is_not_spoken_with_the_last_ones_prompts(self, player, tmp_path):
        kit = Kit(player, tmp_path)
        kit.loader.on_plan(BACK)
        kit.loader.on_plan(NECK)  # the therapist went back and chose another routine
        kit.finish(0)  # Back's prompts come in late
        assert kit.cues.speech is None and not player.loaded(key("Opening"))
        kit.finish(0)
        assert kit.cues.speech is not None and player.loaded(key("Neck"))

    def test_choosing_again_silences_the_previous_prompts_until_the_new_ones_are_ready(self, player, tmp_path):
        kit = Kit(player, tmp_path)
        kit.loader.on_plan(BACK)
        kit.finish()
        kit.loader.on_plan(NECK)
        assert kit.cues.speech is None
        assert kit.cues.on_events([started(NECK.steps[0])]) == ["step_start"]

    @pytest.mark.parametrize("setting, own, spoken", [
        (False, None, False), (True, None, True), (False, True, True), (True, False, False),
    ])
    def test_the_routines_own_speak_wins_over_the_setting(self, player, tmp_path, setting, own, spoken):
        kit = Kit(player, tmp_path, spoken=setting)
        kit.loader.on_plan(plan_of(timed("Opening", 60), speak=own))
        assert len(kit.pending) == int(spoken)

    def test_the_setting_is_read_when_a_routine_is_chosen(self, player, tmp_path):
        kit = Kit(player, tmp_path, spoken=False)
        kit.loader.on_plan(BACK)
        kit.spoken = True  # switched on in Settings
        kit.loader.on_plan(NECK)
        assert len(kit.pending) == 1

    def test_without_espeak_the_kiosk_says_so_once_and_keeps_its_bells(self, player, tmp_path):
        kit = Kit(player, tmp_path, make_speech=lambda folder: SpeechPrompts(folder, binary="/nonexistent/espeak-ng"))
        kit.loader.on_plan(BACK)
        kit.loader.on_plan(NECK)
        assert kit.pending == [] and len(kit.speeches) == 1
        assert len(kit.notices) == 1 and "apt-get install espeak-ng" in kit.notices[0]
        assert kit.cues.on_events([started(NECK.steps[0])]) == ["step_start"]

    def test_without_a_data_folder_there_are_no_prompts(self, player, tmp_path):
        kit = Kit(player, tmp_path, cache=False)
        kit.loader.on_plan(BACK)
        assert kit.pending == [] and kit.speeches == []


class TestLanguage:
    def test_a_routine_without_a_language_speaks_the_rooms(self, player, tmp_path):
        kit = Kit(player, tmp_path, room="he")
        kit.loader.on_plan(NECK)
        kit.finish()
        assert kit.speeches[0].lines[0] == Line("Neck", "he+f3")
        assert kit.cues.on_events([started(NECK.steps[0])]) == ["step_start", key("Neck", "he+f3")]

    def test_the_room_language_is_read_when_a_routine_is_chosen(self, player, tmp_path):
        kit = Kit(player, tmp_path, room="he")
        kit.loader.on_plan(NECK)
        kit.room = "es"  # switched in Settings
        kit.loader.on_plan(NECK)
        kit.finish(0)
        kit.finish(0)
        assert [line for line in kit.speeches[0].lines if line.text == "Neck"] == [
            Line("Neck", "he+f3"), Line("Neck", "es+f3")]
        assert kit.cues.on_events([started(NECK.steps[0])]) == ["step_start", key("Neck", "es+f3")]

    def test_the_routines_own_language_wins(self, player, tmp_path):
        kit = Kit(player, tmp_path, room="he")
        kit.loader.on_plan(dataclasses.replace(NECK, routine=dataclasses.replace(NECK.routine, language="es")))
        kit.finish()
        assert kit.speeches[0].lines[0] == Line("Neck", "es+f3")


class TestOwnSounds:
    def test_a_steps_own_wav_is_loaded_when_its_routine_is_chosen(self, player, tmp_path):
        kit = Kit(player, tmp_path, spoken=False)
        own = str(cue_files()["session_end"])
        gong = plan_of(timed("Gong", 30, sound=own))
        assert not player.loaded(own)
        kit.loader.on_plan(gong)
        assert player.loaded(own) and kit.cues.on_events([started(gong.steps[0])]) == [own]
