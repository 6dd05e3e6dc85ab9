// Projector page: keep the count of students checked in current, and reload when the
// check-in code changes or closes, so the screen never shows a code that no longer works.
(function () {
  "use strict";
  var panel = document.querySelector(".projector[data-state]");
  if (!panel) return;
  var count = panel.querySelector(".present-count");

  function poll() {
    fetch(panel.dataset.state, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) return;
        if ((state.code || "") !== panel.dataset.code) {
          window.location.reload();
          return;
        }
        if (count) count.textContent = state.present;
      })
      .catch(function () { /* the venue's Wi-Fi: try again at the next tick */ });
  }

  setInterval(poll, 3000);
})();
