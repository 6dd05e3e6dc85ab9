// A phone in a live quiz. It polls where the quiz is and reloads when the host moves on, so a
// phone that lost the venue's Wi-Fi finds its seat, its points and the current question by
// itself when the network is back (the poll backs off meanwhile). An answer is sent without a
// page load; one that cannot be sent waits on this phone, says so, and goes as soon as the
// connection returns (the server takes it while the question is open, and only once).
(function () {
  "use strict";
  var panel = document.querySelector(".phone[data-state]");
  if (!panel) return;
  var status = panel.dataset.status;
  var index = panel.dataset.index;
  var form = panel.querySelector("form.answer-form");
  var left = panel.querySelector(".seconds-left");
  var countdown = left && status === "open"
    ? window.seminarCountdown(left, parseInt(panel.dataset.secondsLeft, 10), null)
    : null;
  var pending = null;  // an answer waiting for the network: {question, choices}
  var retries = 0;
  var retryTimer = null;

  // Waiting for the next question, poll about once a second (jittered: 300 phones do not ask
  // in step); while a question is open nothing is urgent (the countdown runs here, the results
  // come when the host shows them), so every two seconds or so is enough.
  var poll = window.seminarPoll(panel.dataset.state, {
    interval: function () {
      return status === "open" ? 2000 + Math.random() * 600 : 1000 + Math.random() * 300;
    },
    onState: function (state) {
      if (state.status !== status || String(state.index) !== index) {
        window.location.reload();
        return;
      }
      if (countdown) countdown.sync(state.seconds_left);
    },
  });

  if (!form) return;
  var note = form.querySelector(".send-state");
  var storeKey = "live-answer-" + form.dataset.question;
  var token = form.querySelector("input[name=csrf_token]");

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
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(pending),
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (result) {
      sessionStorage.removeItem(storeKey);
      pending = null;
      if (!result.ok) say(result.body.error || "Your answer was not taken.");
      window.location.reload();  // the page shows what the server holds
    }).catch(function () {
      retries += 1;
      say("Waiting to send your answer: it is sent as soon as the connection returns.");
      retryTimer = setTimeout(send, Math.min(8000, 500 * Math.pow(2, retries)));
    });
  }

  function answer(choices) {
    pending = { question: parseInt(form.dataset.question, 10), choices: choices };
    sessionStorage.setItem(storeKey, JSON.stringify(pending));
    lock(choices);
    say("Sending…");
    send();
  }

  window.addEventListener("online", function () {
    if (pending) send();
    poll.now();
  });

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

  // Reloaded with an answer still waiting (the page came back before the answer went).
  var waiting = sessionStorage.getItem(storeKey);
  if (waiting) {
    pending = JSON.parse(waiting);
    lock(pending.choices.map(String));
    send();
  }
})();
