"""The .kv extractor hands Babel the words of each rule that calls the translator, at its line."""

from __future__ import annotations

import io

from babel.messages.extract import DEFAULT_KEYWORDS

from kiosk.i18n_kv import extract_kv

KV = b'''#:import tr kiosk.ui.translate.tr
<Demo>:
    Label:
        # text: tr._("Only a comment")
        text: tr._("Routines")
    Button:
        text: tr.ngettext("{n} step", "{n} steps", root.count).format(n=root.count)
        on_release: app.go("picker")
    Label:
        text: tr._("Settings") + (("  \xc2\xb7  " + app.room_name) if app.room_name else "")
        color: 1, 1, 1, 1
'''


def test_rules_give_their_words_at_their_lines():
    found = [(line, func, msg) for line, func, msg, _c in extract_kv(io.BytesIO(KV), DEFAULT_KEYWORDS, [], {})]
    assert found == [(5, "_", "Routines"), (7, "ngettext", ("{n} step", "{n} steps", None)),
                     (10, "_", "Settings")]
