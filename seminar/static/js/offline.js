// Lessons readable offline: on a student's lesson pages (they carry a meta "offline-worker"),
// register the service worker that keeps what they open (static/js/sw.js, scope /lessons/).
// Logging out forgets it all: the server's Clear-Site-Data header does, and this script too,
// for browsers that ignore the header.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.caches) return;  // http at a venue: no worker
  var PREFIX = "seminar-lessons-";

  var worker = document.querySelector('meta[name="offline-worker"]');
  if (worker) {
    navigator.serviceWorker.register(worker.content, { scope: "/lessons/" })
      .catch(function () { /* reading online still works */ });
  }

  function forget() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () {
      return navigator.serviceWorker.getRegistrations();
    }).then(function (registrations) {
      return Promise.all(registrations.map(function (r) { return r.unregister(); }));
    });
  }

  var logout = document.querySelector('form[action$="/logout"]');
  if (logout) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      var go = function () { logout.submit(); };
      Promise.race([forget(), new Promise(function (done) { setTimeout(done, 1500); })])
        .then(go, go);
    });
  }
})();
