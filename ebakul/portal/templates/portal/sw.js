{% load static %}// eBakul service worker (docs/adr/0162). It caches the shell only: the stylesheet, the
// scripts, the icons and the offline page. Pages and files with personal data (every other
// response) always come from the network and are never stored.
"use strict";
const CACHE = "ebakul-shell-{{ version }}";
const SHELL = [
  "{% url 'portal:offline' %}",
  "{% static 'portal/portal.css' %}",
  "{% static 'portal/portal.js' %}",
  "{% static 'portal/purchase.js' %}",
  "{% static 'portal/icons/icon-192.png' %}",
];
const STATIC_PREFIX = "{% get_static_prefix %}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("{% url 'portal:offline' %}")));
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
