// Kith's service worker. It makes Kith an app a phone can install, and
// keeps today's dashboard and the contact pages already opened readable
// offline, marked with when they were fetched. It touches only what Kith
// serves itself, and only GET requests: a form sent offline fails as it
// would without it. Signing out clears what it kept (the server answers
// /logout with Clear-Site-Data), and so does the sign-in page.
"use strict";

const VERSION = "__KITH_VERSION__";
const ASSETS = "kith-assets-" + VERSION;
const PAGES = "kith-pages";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(ASSETS)
      .then((cache) =>
        cache.addAll(["/assets/" + VERSION + "/kith.css", "/assets/" + VERSION + "/kith.js", "/favicon.svg"]),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("kith-assets-") && k !== ASSETS).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

// The pages kept for reading offline: the dashboard and each contact's page.
function keptOffline(url) {
  return url.pathname === "/" || /^\/contacts\/\d+$/.test(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/assets/") || url.pathname === "/favicon.svg") {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate" && keptOffline(url)) {
    event.respondWith(networkFirst(request, url.origin + url.pathname));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offline(null, null)));
  }
});

// The page from the server, kept for later; offline, the page as kept.
async function networkFirst(request, key) {
  const cache = await caches.open(PAGES);
  let response;
  try {
    response = await fetch(request);
  } catch (e) {
    const kept = await cache.match(key);
    return offline(kept, kept && (await kept.text()));
  }
  // Only the page itself as the signed-in user sees it, never the sign-in
  // page a redirect leads to.
  const type = response.headers.get("content-type") || "";
  if (response.status === 200 && !response.redirected && type.startsWith("text/html")) {
    const headers = new Headers(response.headers);
    headers.set("x-kith-fetched", new Date().toISOString());
    const body = await response.clone().arrayBuffer();
    await cache.put(key, new Response(body, { status: 200, headers: headers }));
  }
  return response;
}

// A page kept (`html`, with its response `kept`) with a notice saying it is
// offline and when it was fetched, or, with none kept, a page saying so.
function offline(kept, html) {
  const headers = new Headers(kept ? kept.headers : { "content-type": "text/html; charset=utf-8" });
  headers.delete("x-kith-fetched");
  if (!kept) {
    const page =
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Kith</title>' +
      '<link rel="stylesheet" href="/assets/' + VERSION + '/kith.css"></head><body><main id="content">' +
      '<div class="panel flash error" role="status">You are offline, and Kith kept no copy of this page. ' +
      'It keeps <a href="/">today\'s dashboard</a> and the contact pages you opened.</div></main></body></html>';
    return new Response(page, { status: 503, headers: headers });
  }
  const at = new Date(kept.headers.get("x-kith-fetched"));
  const when = isNaN(at) ? "earlier" : at.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  const notice =
    '<div class="panel flash offline" role="status" data-offline>You are offline: this page is as it was on ' +
    '<time datetime="' + (isNaN(at) ? "" : at.toISOString()) + '">' + when + "</time>.</div>";
  // The notice takes the place of one the page had then ("Signed in."),
  // and of its Undo button, which offline could only fail.
  const marked = html
    .replace(/<div class="panel flash[^]*?<\/div>/, "")
    .replace('<main id="content">', '<main id="content">' + notice);
  return new Response(marked, { status: 200, headers: headers });
}
