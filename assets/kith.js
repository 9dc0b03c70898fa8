// Kith's only script: search as you type on the contacts page, keyboard
// shortcuts, and confirmation of destructive buttons. Pages work without it.
(function () {
  "use strict";

  // "/" focuses the search box; "g" then a letter moves between pages.
  var pending = null;
  var jumps = { t: "/", c: "/contacts", f: "/follow-ups", g: "/goals", o: "/organisation", k: "/calendar", s: "/settings" };
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (e.key === "/") {
      var box = document.querySelector("[data-search]") || document.querySelector("form.search input");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (pending && jumps[e.key]) { window.location.href = jumps[e.key]; pending = null; return; }
    pending = e.key === "g" ? setTimeout(function () { pending = null; }, 1200) : null;
  });

  // Buttons with data-confirm ask first.
  document.addEventListener("submit", function (e) {
    var button = e.submitter;
    var message = (button && button.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) e.preventDefault();
  });

  // Search as you type: replace the results with the server's rendering.
  var box = document.querySelector("[data-search]");
  var results = document.getElementById("results");
  if (box && results) {
    var timer = null, seq = 0;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var form = box.form;
        var params = new URLSearchParams(new FormData(form));
        params.set("partial", "1");
        var mine = ++seq;
        fetch(form.action + "?" + params.toString(), { headers: { Accept: "text/html" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
          .then(function (html) {
            if (mine !== seq) return;
            results.innerHTML = html;
            params.delete("partial");
            history.replaceState(null, "", form.action + "?" + params.toString());
          })
          .catch(function () {});
      }, 150);
    });
  }
})();

// Uploads show their progress; the report replaces the page when done.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest) return;
  form.addEventListener("submit", function (e) {
    var bar = document.getElementById("upload-progress");
    if (!bar) return;
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.onprogress = function (p) { if (p.lengthComputable) bar.value = Math.round(100 * p.loaded / p.total); };
    xhr.onload = function () {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
    };
    xhr.onerror = function () { form.submit(); };
    xhr.send(new FormData(form));
  });
})();
