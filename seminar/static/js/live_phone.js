// A phone in a live quiz. It polls where the quiz is and, when the host moves on, fetches its
// screen again and shows it in place (a whole page reload from 300 phones at once is what a
// room's server feels most), so a phone that lost the venue's Wi-Fi finds its seat, its
// points and the current question by itself when the network is back (the poll backs off
// meanwhile). An answer is sent without a page load; one that cannot be sent waits on this
// phone, says so, and goes as soon as the connection returns (the server takes it while the
// question is open, and only once).
(function () {
  "use strict";
  var panel = document.querySelector(".phone[data-state]");
  if (!panel) return;
  var screenUrl = panel.dataset.screen;
  var status = panel.dataset.status;
  var index = panel.dataset.index;
  var countdown = null;
  var form = null;
  var note = null;
  var storeKey = null;
  var pending = null;  // an answer waiting for the network: {question, choices}
  var retries = 0;
  var retryTimer = null;
  var fetching = false;
  var again = false;  // asked for while a fetch was on its way: fetch once more after it
  var sendTo = null;  // where the waiting answer goes: {action, token}

  // Waiting for the next question, poll about once a second (jittered: 300 phones do not ask
  // in step); while a question is open nothing is urgent (the countdown runs here, the results
  // come when the host shows them), so every two seconds or so is enough.
  var poll = window.seminarPoll(panel.dataset.state, {
    interval: function () {
      return status === "open" ? 2000 + Math.random() * 600 : 1000 + Math.random() * 300;
    },
    onState: function (state) {
      if (state.status !== status || String(state.index) !== index) {
        // A new question shows at once (its time runs from when the host opened it); the
        // rest (answers closed, results, the end) can wait up to a second, so that 300
        // phones do not all ask at the same instant.
        if (state.status === "open") refresh();
        else setTimeout(refresh, Math.random() * 1000);
        return;
      }
      if (countdown) countdown.sync(state.seconds_left);
    },
  });

  // The screen as the server shows it now, in place of this one; a whole page load if it
  // cannot be had that way (the next poll tries again when the network is down).
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    again = false;
    fetch(screenUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (r) {
        if (r.redirected || !r.ok) {
          window.location.reload();  // logged out, or no seat any more: the page says why
          return null;
        }
        return r.text();
      })
      .then(function (html) {
        fetching = false;
        if (html === null) return;
        if (again) {
          refresh();
          return;
        }
        var next = new DOMParser().parseFromString(html, "text/html").querySelector(".phone");
        if (!next) {
          window.location.reload();
          return;
        }
        var moved = next.dataset.status !== status || next.dataset.index !== index;
        panel.replaceWith(next);
        panel = next;
        start();
        var heading = panel.querySelector("h1");
        if (moved && heading) {  // a screen reader hears the new question, as after a page load
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      })
      .catch(function () {
        fetching = false;  // offline: the poll notices, backs off, and calls again
      });
  }

  function say(text) { if (note) note.textContent = text; }

  function lock(choices) {
    Array.prototype.forEach.call(form.querySelectorAll(".answer-tile"), function (tile) {
      var input = tile.querySelector("input");
      var value = input ? input.value : tile.value;
      if (tile.tagName === "BUTTON") {
        tile.disabled = true;
        tile.setAttribute("aria-pressed", choices.indexOf(value) >= 0 ? "true" : "false");
      } else if (input) {
        input.checked = choices.indexOf(value) >= 0;
        input.disabled = true;
      }
    });
    var submit = form.querySelector("button[type=submit]:not(.answer-tile)");
    if (submit) submit.disabled = true;
  }

  function send() {
    clearTimeout(retryTimer);
    var key = "live-answer-" + pending.question;
    fetch(sendTo.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": sendTo.token },
      body: JSON.stringify(pending),
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (result) {
      sessionStorage.removeItem(key);
      pending = null;
      retries = 0;
      if (!result.ok) say(result.body.error || "Your answer was not taken.");
      refresh();  // the screen shows what the server holds
    }).catch(function () {
      retries += 1;
      say("Waiting to send your answer: it is sent as soon as the connection returns.");
      retryTimer = setTimeout(send, Math.min(8000, 500 * Math.pow(2, retries)));
    });
  }

  // The answer and where it goes are kept apart from the form: the screen may change while
  // the answer still waits for the network.
  function keep(answerToSend) {
    var token = form.querySelector("input[name=csrf_token]");
    pending = answerToSend;
    sendTo = { action: form.action, token: token ? token.value : "" };
  }

  function answer(choices) {
    keep({ question: parseInt(form.dataset.question, 10), choices: choices });
    sessionStorage.setItem(storeKey, JSON.stringify(pending));
    lock(choices);
    say("Sending…");
    send();
  }

  // What the screen now showing needs: its countdown, and its answer form.
  function start() {
    status = panel.dataset.status;
    index = panel.dataset.index;
    if (countdown) countdown.stop();
    var left = panel.querySelector(".seconds-left");
    countdown = left && status === "open"
      ? window.seminarCountdown(left, parseInt(panel.dataset.secondsLeft, 10), null)
      : null;
    form = panel.querySelector("form.answer-form");
    note = null;
    if (!form) return;
    note = form.querySelector(".send-state");
    storeKey = "live-answer-" + form.dataset.question;

    form.addEventListener("click", function (event) {
      var tile = event.target.closest("button.answer-tile");
      if (!tile) return;
      event.preventDefault();
      answer([tile.value]);
    });

    form.addEventListener("submit", function (event) {
      if (form.dataset.kind !== "multiple") return;
      event.preventDefault();
      var picked = Array.prototype.map.call(
        form.querySelectorAll("input[name=choice]:checked"), function (box) { return box.value; });
      if (!picked.length) {
        say("Pick at least one.");
        return;
      }
      answer(picked);
    });

    // Shown with an answer still waiting (the screen came back before the answer went).
    var waiting = sessionStorage.getItem(storeKey);
    if (waiting) {
      keep(JSON.parse(waiting));
      lock(pending.choices.map(String));
      send();
    }
  }

  window.addEventListener("online", function () {
    if (pending) send();
    poll.now();
  });

  start();
})();
