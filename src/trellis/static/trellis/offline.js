/* The learner's offline mode on the page side (docs/offline.md): registers
   the service worker, shows what is kept for offline use, queues answers
   given offline in IndexedDB (with the form's idempotency key and the time
   they were given) and sends them, in order, when the connection is back.
   Practice works the same way on the next questions the server chose while
   online (a practice answer has no attempt).
   Its words come translated from the page (#offline-strings). */
(function () {
  "use strict";
  var DB_NAME = "trellis-offline";
  var QUEUE = "queue";
  var REFUSED = "refused";
  var API = "/api/v1/responses";
  var INDEX_URL = "/offline-index.json";
  var RETRY_MS = 4000;
  var shownAt = Date.now();
  var syncing = false;
  var retryTimer = null;

  function strings() {
    var node = document.getElementById("offline-strings");
    return node ? node.dataset : {};
  }
  function format(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  /* IndexedDB, promised. */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore(QUEUE, { keyPath: "seq", autoIncrement: true });
        db.createObjectStore(REFUSED, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result = work(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }

  /* What is kept for offline use: the list on the assessments page and a
     badge on each assessment. */
  function showIndex(index) {
    var s = strings();
    document.querySelectorAll("[data-offline-badge]").forEach(function (badge) {
      var id = Number(badge.dataset.offlineBadge);
      badge.hidden = !index.entries.some(function (e) { return e.assessment_id === id && e.complete; });
    });
    var list = document.querySelector("[data-offline-list]");
    if (!list) { return; }
    var ul = list.querySelector("ul");
    ul.textContent = "";
    index.entries.forEach(function (entry) {
      var li = document.createElement("li");
      var text = entry.complete
        ? format(s.available, { title: entry.title, n: entry.cached })
        : entry.started ? format(s.partly, { title: entry.title, n: entry.cached, total: entry.pending })
          : format(s.notStarted, { title: entry.title });
      li.textContent = text;
      li.dataset.offlineEntry = entry.complete ? "complete" : "missing";
      ul.appendChild(li);
    });
    (index.practice || []).forEach(function (plan) {
      if (!plan.urls.length) { return; }
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = plan.urls[0];
      link.textContent = format(s.practice, { title: plan.label, n: plan.urls.length });
      li.appendChild(link);
      li.dataset.offlinePractice = String(plan.competency_id);
      ul.appendChild(li);
    });
    list.querySelector("[data-offline-usage]").textContent = format(s.usage, {
      used: (index.used_bytes / 1048576).toFixed(1),
      budget: (index.budget_bytes / 1048576).toFixed(1)
    });
    list.hidden = false;
  }
  function readIndex() {
    if (!("caches" in window)) { return; }
    caches.match(INDEX_URL).then(function (hit) {
      if (hit) { hit.json().then(showIndex); }
    });
  }
  function register() {
    var url = document.body.dataset.serviceWorker;
    if (!url || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "offline-index") { showIndex(event.data.index); }
    });
    navigator.serviceWorker.register(url, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (navigator.onLine && registration.active) { registration.active.postMessage({ type: "refresh" }); }
    }).catch(function () { /* no worker: the site works online as before */ });
  }

  /* The queue on the page: the status line and the refused answers. */
  function say(text) {
    var status = document.querySelector("[data-offline-status]");
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }
  function showQueue() {
    return all(QUEUE).then(function (queued) {
      say(queued.length ? format(strings().queued, { n: queued.length }) : "");
      return queued;
    });
  }
  function showRefused() {
    var region = document.querySelector("[data-offline-refused]");
    if (!region) { return Promise.resolve(); }
    return all(REFUSED).then(function (refused) {
      var ul = region.querySelector("ul");
      ul.textContent = "";
      refused.forEach(function (entry) {
        var li = document.createElement("li");
        var what = document.createElement("strong");
        what.textContent = entry.prompt || entry.assessment_title || "";
        li.appendChild(what);
        li.appendChild(document.createTextNode(" — " + format(strings().refusedAnswer, { answer: entry.answer_label }) + " "));
        var reason = document.createElement("span");
        reason.className = "offline-reason";
        reason.textContent = entry.reason;
        li.appendChild(reason);
        ul.appendChild(li);
      });
      region.hidden = refused.length === 0;
    });
  }
  function dismissRefused() {
    run(REFUSED, "readwrite", function (s) { return s.clear(); }).then(showRefused);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* Send the queue in order; each answer carries its idempotency key, so a
     retry after a lost reply records it once. A refusal is kept on the
     device (and by the server, for the teacher) with its reason. */
  function sync() {
    if (syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var sent = 0;
    function next() {
      return all(QUEUE).then(function (queued) {
        if (!queued.length) { return "done"; }
        queued.sort(function (a, b) { return a.seq - b.seq; });
        var entry = queued[0];
        return fetch(API, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": entry.key },
          body: JSON.stringify({
            item_id: entry.item_id,
            attempt_id: entry.attempt_id,
            answer: entry.answer,
            time_on_item_ms: entry.time_on_item_ms,
            answered_at: entry.answered_at,
            offline: true
          })
        }).then(function (response) {
          if (response.ok) {
            sent += 1;
            return run(QUEUE, "readwrite", function (s) { return s.delete(entry.seq); }).then(next);
          }
          if ([400, 403, 404, 409, 422].indexOf(response.status) >= 0) {
            return response.json().catch(function () { return {}; }).then(function (body) {
              entry.reason = body.detail || response.statusText;
              return run(REFUSED, "readwrite", function (s) { return s.put(entry); });
            }).then(function () {
              return run(QUEUE, "readwrite", function (s) { return s.delete(entry.seq); });
            }).then(next);
          }
          return "later";  // signed out, or the server is unwell: keep and retry
        });
      });
    }
    return next().catch(function () { return "later"; }).then(function (outcome) {
      syncing = false;
      return Promise.all([showQueue(), showRefused()]).then(function () {
        if (outcome === "later") { schedule(); return; }
        var form = document.querySelector("form[data-offline-take]");
        if (sent && form) {
          // The page may show a question already answered: ask the server
          // where this assessment stands now.
          window.location.assign(form.dataset.takeUrl);
        }
      });
    });
  }
  function schedule() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () { retryTimer = null; sync(); }, RETRY_MS);
  }

  /* The question page: offline, or with answers still waiting (so that
     answers reach the server in the order they were given), an answer is
     queued instead of posted, and the next question kept on the device is
     opened. */
  function answerOf(form) {
    var data = new FormData(form);
    var answer = data.get("answer");
    var label = answer;
    var checked = form.querySelector("input[name=answer]:checked");
    if (checked && checked.labels && checked.labels[0]) { label = checked.labels[0].textContent.trim(); }
    if (form.querySelector("input[type=checkbox][name=answer]")) {
      // Choose all that apply: the stored form "0,2" and every chosen text.
      var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=answer]:checked"));
      answer = boxes.map(function (box) { return box.value; }).join(",");
      label = boxes.map(function (box) { return box.labels && box.labels[0] ? box.labels[0].textContent.trim() : box.value; }).join("; ");
    }
    return { answer: answer === null ? "" : String(answer), label: label === null ? "" : String(label), token: data.get("token") };
  }
  function nextQuestion(form, queued) {
    var done = {};
    queued.forEach(function (q) { done[q.page_url] = true; });
    var next = (form.dataset.next ? form.dataset.next.split("|") : []).filter(function (url) { return !done[url]; });
    return next.length ? next[0] : null;
  }
  function allSaved(form) {
    form.hidden = true;
    var note = document.querySelector("[data-offline-done]");
    if (note) { note.hidden = false; }
  }
  function wireTake(form) {
    var pageUrl = form.dataset.pageUrl;
    showQueue().then(function (queued) {
      var here = queued.some(function (q) { return q.page_url === pageUrl; });
      if (!here) { return; }
      // Reloaded on a question already answered on this device.
      var next = nextQuestion(form, queued);
      if (next && !navigator.onLine) { window.location.assign(next); } else { allSaved(form); }
    });
    form.addEventListener("submit", function (event) {
      // A file cannot wait in the device's queue: online it is posted as it
      // is; offline the learner is told to reconnect (docs/offline.md).
      var product = form.querySelector("input[type=file]");
      if (product && product.files && product.files.length) {
        if (navigator.onLine) { return; }
        event.preventDefault();
        say(product.dataset.needsConnection || "");
        return;
      }
      var given = answerOf(form);
      if (!given.answer) { return; }  // the server explains what is missing
      event.preventDefault();
      all(QUEUE).then(function (queued) {
        if (navigator.onLine && !queued.length) { form.submit(); return null; }
        var prompt = document.getElementById("prompt");
        var entry = {
          key: given.token,
          item_id: Number(form.dataset.item),
          attempt_id: form.dataset.attempt ? Number(form.dataset.attempt) : null,
          answer: given.answer,
          answer_label: given.label,
          answered_at: new Date().toISOString(),
          time_on_item_ms: Date.now() - shownAt,
          page_url: pageUrl,
          prompt: prompt ? prompt.textContent.trim() : "",
          assessment_title: form.dataset.title
        };
        return run(QUEUE, "readwrite", function (s) { return s.add(entry); }).then(function () {
          queued.push(entry);
          return showQueue();
        }).then(function (nowQueued) {
          say(format(strings().saved, { n: nowQueued.length }));
          var next = nextQuestion(form, nowQueued);
          if (navigator.onLine) { sync(); return; }
          if (next) { window.setTimeout(function () { window.location.assign(next); }, 600); } else { allSaved(form); }
        });
      });
    }, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.body.dataset.serviceWorker || !("indexedDB" in window)) { return; }
    register();
    readIndex();
    document.querySelectorAll("[data-offline-dismiss]").forEach(function (button) {
      button.addEventListener("click", dismissRefused);
    });
    var form = document.querySelector("form[data-offline-take]");
    if (form) { wireTake(form); }
    showRefused();
    sync();
  });
  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { showQueue(); });
})();
