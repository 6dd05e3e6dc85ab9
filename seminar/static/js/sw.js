// The service worker of the lessons (scope /lessons/): a student's lesson pages, their
// pictures and the site's styles and scripts stay readable when the venue's Wi-Fi drops.
//
// Network first, always: online, pages are as fresh as ever. What the server marks with
// X-Offline-Key (a student's own lesson pages; never a staff page, never a write) is kept in a
// cache named after that key, and only the cache of the person last seen is ever read back:
// when someone else's pages arrive, the previous person's copy is deleted. A logged-out
// answer (a redirect to the login page) deletes every copy.
"use strict";

var PREFIX = "seminar-lessons-";
var WHO = PREFIX + "who";  // remembers whose copy is current, across the worker's restarts
var LESSON_PAGE = /^\/lessons\/[^/]*$/;  // the list and each lesson; not edit or history pages

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function currentKey() {
  return caches.open(WHO)
    .then(function (cache) { return cache.match("/lessons/.who"); })
    .then(function (hit) { return hit ? hit.text() : null; });
}

function forgetAllBut(key) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== WHO && name !== PREFIX + key;
    }).map(function (name) { return caches.delete(name); }));
  });
}

function remember(key) {
  return currentKey().then(function (known) {
    if (known === key) return null;
    return forgetAllBut(key).then(function () {
      return caches.open(WHO).then(function (cache) {
        return cache.put("/lessons/.who", new Response(key));
      });
    });
  });
}

function forgetEveryone() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
      .map(function (name) { return caches.delete(name); }));
  });
}

function keep(request, response, page) {
  var key = response.headers.get("X-Offline-Key");
  if (response.type === "opaqueredirect" || (page && response.ok && !key)) {
    return forgetEveryone();  // logged out, or someone the server does not mark (staff)
  }
  if (!response.ok) return Promise.resolve();
  var copy = response.clone();
  var store = key
    ? remember(key).then(function () { return key; })
    : currentKey();  // a stylesheet or script: into the current person's copy, if any
  return store.then(function (owner) {
    if (!owner) return null;
    return caches.open(PREFIX + owner).then(function (cache) { return cache.put(request, copy); });
  });
}

var OFFLINE_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  "<title>Offline · S.O.T. Seminar</title></head><body><main>" +
  "<h1>You are offline</h1><p>This page is not saved on this device. The lessons you have " +
  'opened before can be read offline: <a href="/lessons/">your lessons</a>.</p>' +
  "</main></body></html>";

function fromNetwork(event, page) {
  var request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(keep(request, response, page));
    return response;
  }).catch(function () {
    return currentKey().then(function (owner) {
      if (!owner) return null;
      return caches.open(PREFIX + owner).then(function (c) {
        return c.match(request, { ignoreVary: true });
      });
    }).then(function (hit) {
      if (hit) return hit;
      if (page) {
        return new Response(OFFLINE_PAGE, {
          status: 503,
          headers: { "Content-Type": "text/html; charset=utf-8" },
        });
      }
      return Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // a write always goes to the server, or fails
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var page = request.mode === "navigate" && LESSON_PAGE.test(url.pathname);
  var asset = url.pathname.indexOf("/lessons/assets/") === 0 || url.pathname.indexOf("/static/") === 0;
  if (!page && !asset) return;  // everything else: the network, as without a worker
  event.respondWith(fromNetwork(event, page));
});
