// The check-in projector: keeps the count of students checked in current, follows a rotating
// code (the code, its QR code and the seconds until the next), and reloads when check-in
// opens or closes, so the screen never shows a code that no longer works.
(function () {
  "use strict";
  var panel = document.querySelector(".checkin-screen[data-state]");
  if (!panel) return;
  var count = panel.querySelector(".present-count");
  var code = panel.querySelector(".code-value");
  var qr = panel.querySelector(".stage-qr");
  var next = panel.querySelector(".code-next");
  var rotating = panel.dataset.rotating === "yes";
  var changesAt = next ? Date.now() + parseInt(next.textContent, 10) * 1000 : 0;

  if (next) {
    setInterval(function () {
      next.textContent = Math.max(0, Math.ceil((changesAt - Date.now()) / 1000));
    }, 250);
  }

  window.seminarPoll(panel.dataset.state, {
    interval: rotating ? 1000 : 3000,
    onState: function (state) {
      if ((state.open ? "yes" : "no") !== panel.dataset.open) {
        window.location.reload();
        return;
      }
      if (count) count.textContent = state.present;
      if (!state.invite || !code) return;
      if (code.textContent !== state.invite.code) {
        code.textContent = state.invite.code;
        if (qr) qr.src = state.invite.qr;
      }
      if (state.invite.next_in !== null) changesAt = Date.now() + state.invite.next_in * 1000;
    },
  });
})();
