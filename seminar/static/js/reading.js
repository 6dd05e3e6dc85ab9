// Active reading time: while this lesson's tab is visible and has been used in the last
// minute, tell the server every 30 seconds. An idle or hidden tab sends nothing.
(function () {
  "use strict";
  var article = document.querySelector("[data-heartbeat]");
  if (!article) return;
  var url = article.dataset.heartbeat;
  var token = document.querySelector("input[name=csrf_token]");
  var lastActivity = Date.now();
  var IDLE_AFTER = 60 * 1000;

  ["scroll", "keydown", "mousemove", "touchstart", "click"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function beat() {
    if (document.visibilityState !== "visible") return;
    if (Date.now() - lastActivity > IDLE_AFTER) return;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    }).catch(function () { /* offline: this interval is simply not counted */ });
  }

  beat();
  setInterval(beat, 30 * 1000);
})();
