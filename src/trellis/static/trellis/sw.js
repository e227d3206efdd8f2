/* Trellis's service worker (docs/offline.md), served at /sw.js so that it
   controls every page. While online it keeps, within the size budget the
   server states, the learner's open assessments' question pages and the
   next practice questions the server chose for them (as the
   server rendered them for this learner, accommodations applied) and the
   static files they use; offline it answers those pages from its cache.
   Answers are not handled here: the page queues them in IndexedDB
   (offline.js) and sends them when the connection is back. */
"use strict";

var CACHE = "trellis-offline-v1";
var PACK_URL = "/api/v1/offline-pack";
var LIST_URL = "/assessments/";
/* A key in the cache (never a real page) holding what was kept and why. */
var INDEX_URL = "/offline-index.json";
var STATIC_PREFIX = "/static/";
var refreshing = null;

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("trellis-offline-") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function sameOrigin(url) { return url.origin === self.location.origin; }

function assetsOf(html) {
  var found = [];
  var pattern = /(?:href|src)="(\/static\/[^"?#]+)"/g;
  var match;
  while ((match = pattern.exec(html)) !== null) {
    if (found.indexOf(match[1]) < 0) { found.push(match[1]); }
  }
  return found;
}

/* Fetch the pack, keep its pages and their static files in order until the
   budget is spent, drop what is no longer in it, and write the index. */
function refresh() {
  if (refreshing) { return refreshing; }
  refreshing = doRefresh().finally(function () { refreshing = null; });
  return refreshing;
}

async function doRefresh() {
  var packResponse = await fetch(PACK_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!packResponse.ok) { return null; }
  var pack = await packResponse.json();
  var cache = await caches.open(CACHE);
  var budget = pack.budget_bytes;
  var used = 0;
  var kept = {};
  var skipped = [];
  var unreachable = false;

  async function keep(url) {
    if (kept[url] !== undefined) { return true; }
    var response;
    try {
      // "manual": a page that now redirects (the learner signed out) is not
      // followed to the sign-in page, whose new CSRF cookie would spoil the
      // sign-in form open in the tab.
      response = await fetch(url, {
        credentials: "same-origin", redirect: "manual", headers: { "X-Trellis-Offline-Fetch": "1" }
      });
    } catch (err) {
      unreachable = true;  // the connection went: keep what was kept before
      return false;
    }
    if (!response.ok || response.redirected || response.type === "opaqueredirect") { return false; }
    var body = await response.clone().arrayBuffer();
    if (used + body.byteLength > budget) { skipped.push(url); return false; }
    used += body.byteLength;
    kept[url] = body.byteLength;
    await cache.put(url, response);
    if ((response.headers.get("Content-Type") || "").indexOf("text/html") === 0) {
      var assets = assetsOf(new TextDecoder().decode(body));
      for (var i = 0; i < assets.length; i++) { await keep(assets[i]); }
    }
    return true;
  }

  await keep(LIST_URL);
  var entries = [];
  for (var e = 0; e < pack.entries.length; e++) {
    var entry = pack.entries[e];
    var cached = 0;
    for (var u = 0; u < entry.urls.length; u++) {
      if (await keep(entry.urls[u])) { cached += 1; }
    }
    entries.push({
      assessment_id: entry.assessment_id,
      title: entry.title,
      class_name: entry.class_name,
      started: entry.started,
      pending: entry.pending,
      cached: cached,
      complete: entry.started && cached === entry.urls.length && entry.urls.length > 0
    });
  }
  /* Practice: the next questions the server chose while online, after the
     assessments (which come first in the budget). */
  var practice = [];
  var packPractice = pack.practice || [];
  for (var p = 0; p < packPractice.length; p++) {
    var plan = packPractice[p];
    var kept_urls = [];
    for (var q = 0; q < plan.urls.length; q++) {
      if (await keep(plan.urls[q])) { kept_urls.push(plan.urls[q]); }
    }
    practice.push({ competency_id: plan.competency_id, label: plan.label, practice_url: plan.practice_url, urls: kept_urls });
  }
  if (unreachable) { return null; }
  var requests = await cache.keys();
  for (var k = 0; k < requests.length; k++) {
    var path = new URL(requests[k].url);
    var key = path.pathname + path.search;
    if (kept[key] === undefined && key !== INDEX_URL) { await cache.delete(requests[k]); }
  }
  var index = { budget_bytes: budget, used_bytes: used, skipped: skipped, entries: entries, practice: practice, updated_at: new Date().toISOString() };
  await cache.put(INDEX_URL, new Response(JSON.stringify(index), { headers: { "Content-Type": "application/json" } }));
  return index;
}

self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "refresh") { return; }
  var source = event.source;
  event.waitUntil(refresh().then(function (index) {
    if (source && index) { source.postMessage({ type: "offline-index", index: index }); }
  }).catch(function () { /* offline or signed out: keep what is cached */ }));
});

/* Offline, a competency's practice page opens its first question kept on
   the device (the ones after it follow from the page). */
function keptPractice(pathname) {
  return caches.match(INDEX_URL).then(function (hit) {
    return hit ? hit.json() : null;
  }).then(function (index) {
    var plans = (index && index.practice) || [];
    for (var i = 0; i < plans.length; i++) {
      if (plans[i].practice_url === pathname && plans[i].urls.length) { return caches.match(plans[i].urls[0]); }
    }
    return null;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!sameOrigin(url) || url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js") { return; }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    // Static files are named by content in production; the cached copy is
    // used first, the network otherwise.
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    // Pages: the network first (it is the truth), the kept copy offline.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(url.pathname + url.search).then(function (hit) {
        return hit || keptPractice(url.pathname);
      }).then(function (hit) {
        return hit || caches.match(LIST_URL).then(function (list) { return list || Response.error(); });
      });
    }));
  }
});
