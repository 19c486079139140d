// The front-desk board: one card per room, live from the desk's event stream, counting down in the
// browser from the absolute times each room published (never from a ticking number).
"use strict";
(function () {
  var CSRF = document.querySelector('meta[name="csrf-token"]').content;
  var SOON_S = 5 * 60;          // "ends in 5 min" from here on
  var LATE_SHOWN_S = 30;        // a projected end this far past the booking reads "+M:SS late"
  var rooms = {};               // id -> room object from the desk
  var cards = {};               // id -> card element
  var pending = {};             // command id -> room id, until the room answers
  var skew = 0;                 // desk server time minus this browser's time (seconds)
  var list = document.getElementById("rooms");
  var template = document.getElementById("card");
  var STATES = {
    offline: ["Offline", "⨯"], idle: ["Free", "○"], ready: ["Ready to start", "◔"],
    running: ["In session", "▶"], paused: ["Paused", "❚❚"], finished: ["Finished", "✓"],
    unknown: ["Waiting for the room", "…"]
  };

  function now() { return Date.now() / 1000 + skew; }
  function t(iso) { return iso ? Date.parse(iso) / 1000 : null; }
  function hhmm(sec) {
    var d = new Date(sec * 1000);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }
  function mss(sec) {
    sec = Math.max(0, Math.round(sec));
    var h = Math.floor(sec / 3600), m = Math.floor(sec % 3600 / 60), s = sec % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
  }
  function kind(room) {
    if (room.online === false) return "offline";
    return room.state ? room.state.state : "unknown";
  }
  function endsAt(room) {
    var s = room.state && room.state.session;
    return s ? t(s.ends_at) : null;
  }
  function sortKey(room) {
    var k = kind(room), end = endsAt(room);
    if (k === "finished") return [0, 0];
    if (k === "running" || k === "paused") return [1, end || 9e12];
    return [{ ready: 2, unknown: 3, idle: 4, offline: 5 }[k], 0];
  }

  function card(id) {
    if (cards[id]) return cards[id];
    var el = template.content.firstElementChild.cloneNode(true);
    el.dataset.room = id;
    el.querySelector(".history").href = "/rooms/" + encodeURIComponent(id) + "/history";
    el.querySelectorAll(".presets button").forEach(function (b) {
      b.addEventListener("click", function () { send(id, { message: b.dataset.text, ttl_s: 600 }, "“" + b.textContent + "”"); });
    });
    el.querySelector("form.free").addEventListener("submit", function (e) {
      e.preventDefault();
      var input = e.target.elements.text;
      if (input.value.trim()) { send(id, { message: input.value, ttl_s: 600 }, "your message"); input.value = ""; }
    });
    el.querySelector("form.endby").addEventListener("submit", function (e) {
      e.preventDefault();
      send(id, { end_by: e.target.elements.end_by.value }, "the end time " + e.target.elements.end_by.value);
    });
    el.querySelector(".clear").addEventListener("click", function () { send(id, { clear_message: true }, "clearing the message"); });
    cards[id] = el;
    return el;
  }

  function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

  function render(room) {
    var el = card(room.id), k = kind(room), st = room.state || {}, label = STATES[k];
    el.dataset.state = k;
    setText(el.querySelector(".name"), room.name);
    setText(el.querySelector(".state"), label[0]);
    setText(el.querySelector(".icon"), label[1]);
    var routine = st.routine || "";
    if (k === "ready" && st.session && st.session.length_s) routine += ", " + Math.round(st.session.length_s / 60) + " min";
    if (k === "offline") routine = "The kiosk is off or off the network" + (st.routine ? " (last: " + st.routine + ")" : "");
    setText(el.querySelector(".routine"), routine);
    var step = st.step, name = "";
    if (step && (k === "running" || k === "paused")) name = step.name + (step.side ? " (" + step.side + ")" : "") + (step.reps ? ", " + step.reps : "");
    setText(el.querySelector(".step-name"), name);
    var msg = st.message, mEl = el.querySelector(".message");
    mEl.hidden = !msg || k === "offline";
    if (msg) setText(el.querySelector(".message-text"), "On the room's screen: “" + msg.text + "”");
    var res = room.result, ack = el.querySelector(".ack");
    ack.hidden = k === "offline";
    if (res && !pendingFor(room.id)) {
      var what = { message: "Message", clear_message: "Clear", end_by: "End time" }[res.command] || "Command";
      setText(ack, res.ok ? "✓ " + what + " shown by the room at " + hhmm(t(res.at))
                          : "✗ The room refused it: " + (res.reason || "no reason given"));
      ack.dataset.ok = res.ok ? "yes" : "no";
    }
    tick(room);
  }

  function pendingFor(id) {
    for (var k in pending) if (pending[k].room === id) return true;
    return false;
  }

  function tick(room) {
    var el = cards[room.id], k = kind(room), st = room.state || {}, n = now();
    var step = st.step, left = "";
    if (step && k === "running" && step.ends_at) left = mss(t(step.ends_at) - n) + " left in this step";
    else if (step && k === "paused" && step.remaining_s != null) left = mss(step.remaining_s) + " left in this step";
    setText(el.querySelector(".step-left"), left);
    el.querySelector(".step").hidden = !left && !el.querySelector(".step-name").textContent;
    var end = endsAt(room), endText = "", toGo = "", alert = "", late = "";
    var s = st.session;
    if ((k === "running" || k === "paused") && end) {
      var rest = end - n;
      endText = "ends " + hhmm(end);
      toGo = mss(rest) + " to go" + (k === "paused" ? " once resumed" : "");
      if (k === "running" && rest <= SOON_S) alert = rest > 0 ? "◷ Ends in " + Math.max(1, Math.ceil(rest / 60)) + " min" : "◷ Ending now";
      if (s.over_s != null && s.over_s >= LATE_SHOWN_S) late = "+" + mss(s.over_s) + " late";
    } else if (k === "finished") {
      alert = "✓ Room free";
    }
    setText(el.querySelector(".end-at"), endText);
    setText(el.querySelector(".to-go"), toGo);
    var lateEl = el.querySelector(".late");
    lateEl.hidden = !late; setText(lateEl, late);
    el.querySelector(".end").hidden = !endText && !late;
    var a = el.querySelector(".alert");
    a.hidden = !alert; setText(a, alert);
    el.dataset.soon = alert.indexOf("Ends in") >= 0 || alert.indexOf("Ending") >= 0 ? "yes" : "no";
    el.dataset.late = late ? "yes" : "no";
  }

  function order() {
    var ids = Object.keys(rooms).sort(function (a, b) {
      var x = sortKey(rooms[a]), y = sortKey(rooms[b]);
      return x[0] - y[0] || x[1] - y[1] || rooms[a].name.localeCompare(rooms[b].name);
    });
    ids.forEach(function (id, i) {
      var el = cards[id];
      if (list.children[i] !== el && !el.contains(document.activeElement)) list.insertBefore(el, list.children[i] || null);
      else if (list.children[i] !== el) list.appendChild(el);
    });
    document.getElementById("empty").hidden = ids.length > 0;
  }

  function update(room) { rooms[room.id] = room; render(room); order(); }

  function send(id, command, what) {
    var ack = cards[id].querySelector(".ack");
    setText(ack, "Sending " + what + "…"); ack.dataset.ok = "";
    fetch("/api/rooms/" + encodeURIComponent(id) + "/command", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": CSRF }, body: JSON.stringify(command)
    }).then(function (r) {
      if (r.status === 401) { location.href = "/login"; return null; }
      return r.json().then(function (body) { return [r.ok, body]; });
    }).then(function (answer) {
      if (!answer) return;
      if (!answer[0]) { setText(ack, "✗ Not sent: " + answer[1].error); ack.dataset.ok = "no"; return; }
      pending[answer[1].id] = { room: id, at: Date.now() };
      setText(ack, "Sent " + what + "; waiting for the room…");
      setTimeout(function () {
        if (pending[answer[1].id]) {
          delete pending[answer[1].id];
          setText(ack, "✗ No answer from the room in 10 s: is its kiosk on?"); ack.dataset.ok = "no";
        }
      }, 10000);
    }).catch(function () { setText(ack, "✗ Not sent: the desk does not answer"); ack.dataset.ok = "no"; });
  }

  var live = document.getElementById("live"), source = null;
  function connect() {
    source = new EventSource("/events");
    source.addEventListener("snapshot", function (e) {
      var data = JSON.parse(e.data);
      skew = data.server_time - Date.now() / 1000;
      var seen = {};
      data.rooms.forEach(function (r) { seen[r.id] = true; rooms[r.id] = r; render(r); });
      Object.keys(rooms).forEach(function (id) { if (!seen[id]) { cards[id].remove(); delete rooms[id]; delete cards[id]; } });
      order(); broker(data.broker);
      setText(live, "● Live"); live.dataset.ok = "yes";
    });
    source.addEventListener("room", function (e) {
      var room = JSON.parse(e.data);
      if (room.result && pending[room.result.id]) delete pending[room.result.id];
      update(room);
    });
    source.addEventListener("gone", function (e) {
      var id = JSON.parse(e.data).id;
      if (cards[id]) cards[id].remove();
      delete rooms[id]; delete cards[id]; order();
    });
    source.addEventListener("broker", function (e) { broker(JSON.parse(e.data)); });
    source.addEventListener("logout", function () { location.href = "/login"; });
    source.onerror = function () {
      setText(live, "◌ Reconnecting to the desk…"); live.dataset.ok = "no";
      if (source.readyState === EventSource.CLOSED) {  // refused (logged out?) or gone: look, then retry
        fetch("/api/board", { credentials: "same-origin" }).then(function (r) {
          if (r.status === 401) location.href = "/login";
        }).catch(function () {});
        setTimeout(connect, 2000);
      }
    };
  }
  function broker(b) {
    var el = document.getElementById("broker");
    el.hidden = b.connected;
    setText(el, "The desk cannot reach the rooms (" + b.text + "). Cards show the last news and may be out of date.");
  }

  document.getElementById("theme").addEventListener("click", function () {
    var next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try { localStorage.setItem("desk-theme", next); } catch (e) { /* private mode */ }
  });
  setInterval(function () {
    var n = now();
    setText(document.getElementById("clock"), hhmm(n));
    Object.keys(rooms).forEach(function (id) { tick(rooms[id]); });
  }, 250);
  connect();
})();
