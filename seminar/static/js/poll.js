// Polling that survives venue Wi-Fi: a screen asks the server for the state every so often;
// when a request fails it waits twice as long each time (up to 15 s, with jitter, so 300
// phones do not all retry in step), says the connection dropped, and picks up by itself when
// the network is back (the browser's "online" event polls at once).
(function () {
  "use strict";

  window.seminarPoll = function (url, options) {
    var maxDelay = options.maxDelay || 15000;
    var failures = 0;
    var timer = null;
    // Looked up each time: a phone's screen, banner included, is replaced when the quiz moves.
    function banner() { return document.querySelector(".connection-lost"); }

    function interval() {
      return typeof options.interval === "function" ? options.interval() : options.interval;
    }

    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(tick, ms);
    }

    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (r.redirected || r.status === 404 || r.status === 403) {
            window.location.reload();  // logged out, or no seat any more: the page says why
            return null;
          }
          if (!r.ok) throw new Error("status " + r.status);
          return r.json();
        })
        .then(function (state) {
          if (state === null) return;
          var recovered = failures > 0;
          failures = 0;
          if (banner()) banner().hidden = true;
          options.onState(state, recovered);
          schedule(interval());
        })
        .catch(function () {
          failures += 1;
          if (banner() && failures >= 2) banner().hidden = false;
          var delay = Math.min(maxDelay, interval() * Math.pow(2, failures));
          schedule(delay / 2 + Math.random() * delay / 2);
        });
    }

    window.addEventListener("online", function () { schedule(0); });
    schedule(interval());
    return { now: function () { schedule(0); } };
  };

  // A countdown from the server's seconds left (never the device's clock), corrected by each
  // poll; calls onZero once when it reaches zero.
  window.seminarCountdown = function (element, secondsLeft, onZero) {
    var endsAt = Date.now() + secondsLeft * 1000;
    var done = false;
    function tick() {
      var left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      element.textContent = left;
      var box = element.closest(".countdown");
      if (box) box.classList.toggle("ending", left <= 5);
      if (left === 0 && !done) {
        done = true;
        if (onZero) onZero();
      }
    }
    var handle = setInterval(tick, 250);
    tick();
    return {
      sync: function (serverLeft) {
        var mine = (endsAt - Date.now()) / 1000;
        if (Math.abs(mine - serverLeft) > 1.5) endsAt = Date.now() + serverLeft * 1000;
      },
      stop: function () { clearInterval(handle); },
    };
  };
})();
