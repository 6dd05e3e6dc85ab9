// Live quiz screens poll the server's state every second and reload when the host moves on.
// The state lives in the database, so any worker answers; the timer is the server's.
(function () {
  "use strict";
  var panel = document.querySelector(".live[data-state]");
  if (!panel) return;
  var token = document.querySelector("input[name=csrf_token]");

  function poll() {
    fetch(panel.dataset.state, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) return;
        if (state.status !== panel.dataset.status || String(state.index) !== panel.dataset.index) {
          window.location.reload();
          return;
        }
        var left = panel.querySelector(".seconds-left");
        if (left) left.textContent = state.seconds_left;
        var count = panel.querySelector(".answer-count");
        if (count && state.answers !== undefined) count.textContent = state.answers;
      })
      .catch(function () { /* flaky Wi-Fi: the next tick tries again */ });
  }
  setInterval(poll, 1000);

  // Answer without a page load; the server refuses late or repeated answers.
  var form = panel.querySelector("form.live-answer");
  if (form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=choice]");
      if (!button) return;
      event.preventDefault();
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify({ question: form.question.value, choice: button.value }),
      }).then(function () { window.location.reload(); })
        .catch(function () { form.submit(); });
    });
  }
})();
