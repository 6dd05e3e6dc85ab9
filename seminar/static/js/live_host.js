// The live quiz on the projector: polls where the quiz is (twice a second while answers come
// in, so the count follows within a second), reloads when it moves on, counts down the
// server's time and closes the question itself when the time is up. In the lobby it shows
// who joined and follows a rotating check-in code.
(function () {
  "use strict";
  var panel = document.querySelector(".live-screen[data-state]");
  if (!panel) return;
  var status = panel.dataset.status;
  var index = panel.dataset.index;
  var answers = panel.querySelector(".answer-count");
  var joined = panel.querySelector(".joined-count");
  var names = panel.querySelector(".joined-names");
  var code = panel.querySelector(".code-value");
  var qr = panel.querySelector(".stage-qr");
  var closeForm = document.querySelector('form[data-key="c"]');

  function closeQuestion() {
    // The host page's own timer: a second screen doing the same is told the quiz moved on.
    var token = closeForm ? closeForm.querySelector("input[name=csrf_token]") : null;
    if (!token) return;
    fetch(panel.dataset.close, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token.value },
    }).then(function () { window.location.reload(); })
      .catch(function () { /* offline: the next poll that works reloads */ });
  }

  var left = panel.querySelector(".seconds-left");
  var countdown = left && status === "open"
    ? window.seminarCountdown(left, parseInt(panel.dataset.secondsLeft, 10), closeQuestion)
    : null;

  function showNames(list) {
    if (!names) return;
    var current = Array.prototype.map.call(names.children, function (li) { return li.textContent; });
    if (current.join("\n") === list.join("\n")) return;
    names.replaceChildren.apply(names, list.map(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      return li;
    }));
  }

  window.seminarPoll(panel.dataset.state, {
    interval: status === "open" || status === "lobby" ? 500 : 1500,
    onState: function (state) {
      if (state.status !== status || String(state.index) !== index) {
        window.location.reload();
        return;
      }
      if (answers && state.answers !== undefined) answers.textContent = state.answers;
      if (countdown) countdown.sync(state.seconds_left);
      if (joined && state.joined !== undefined) joined.textContent = state.joined;
      if (state.names) showNames(state.names);
      if (state.invite && code && code.textContent !== state.invite.code) {
        code.textContent = state.invite.code;
        if (qr) qr.src = state.invite.qr;
      }
    },
  });
})();
