// Kith's only script: search as you type on the contacts page, keyboard
// shortcuts, and confirmation of destructive buttons. Pages work without it.
(function () {
  "use strict";

  // "/" focuses the search box; "g" then a letter moves between pages.
  var pending = null;
  var jumps = { t: "/", c: "/contacts", f: "/follow-ups", g: "/goals", o: "/organisation", k: "/calendar", s: "/settings" };
  var quick = document.querySelector("a.quick");
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
    if (!pending && e.key === "n" && quick) { e.preventDefault(); window.location.href = quick.href; return; }
    pending = e.key === "g" ? setTimeout(function () { pending = null; }, 1200) : null;
  });

  // A field marked autofocus has the focus, also where the browser skipped
  // it (a page opened by a key, a restored tab).
  var first = document.querySelector("[autofocus]");
  if (first && document.activeElement !== first) first.focus();

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

// Passkeys (WebAuthn): the server sends options with base64url strings; the
// browser wants bytes, and answers in bytes the server wants as base64url.
(function () {
  "use strict";
  if (!window.PublicKeyCredential) return;
  function bytes(text) {
    var s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  }
  function text(buffer) {
    if (!buffer) return null;
    var b = new Uint8Array(buffer), s = "";
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || ("error " + r.status)); return j; });
    });
  }
  function fail(e) {
    var box = document.querySelector("[data-passkey-error]");
    if (box) { box.textContent = e.message || String(e); box.hidden = false; }
  }
  var register = document.querySelector("[data-passkey-register]");
  if (register) register.addEventListener("submit", function (e) {
    e.preventDefault();
    var name = register.querySelector("input[name=name]").value;
    post("/settings/passkeys/start", {}).then(function (start) {
      var o = start.options.publicKey;
      o.challenge = bytes(o.challenge);
      o.user.id = bytes(o.user.id);
      (o.excludeCredentials || []).forEach(function (c) { c.id = bytes(c.id); });
      return navigator.credentials.create({ publicKey: o }).then(function (c) {
        return post("/settings/passkeys/finish", {
          ticket: start.ticket, name: name,
          credential: { id: c.id, rawId: text(c.rawId), type: c.type, extensions: {},
            response: { attestationObject: text(c.response.attestationObject), clientDataJSON: text(c.response.clientDataJSON) } }
        });
      });
    }).then(function (done) { window.location.href = done.to; window.location.reload(); }, fail);
  });
  var login = document.querySelector("[data-passkey-login]");
  if (login) login.addEventListener("click", function () {
    var form = login.form;
    var username = form.querySelector("input[name=username]").value;
    var next = form.querySelector("input[name=next]").value;
    if (!username) { fail(new Error("Type your username first.")); return; }
    post("/login/passkey/start", { username: username }).then(function (start) {
      var o = start.options.publicKey;
      o.challenge = bytes(o.challenge);
      (o.allowCredentials || []).forEach(function (c) { c.id = bytes(c.id); });
      return navigator.credentials.get({ publicKey: o }).then(function (c) {
        return post("/login/passkey/finish", {
          ticket: start.ticket, next: next,
          credential: { id: c.id, rawId: text(c.rawId), type: c.type, extensions: {},
            response: { authenticatorData: text(c.response.authenticatorData), clientDataJSON: text(c.response.clientDataJSON),
              signature: text(c.response.signature), userHandle: text(c.response.userHandle) } }
        });
      });
    }).then(function (done) { window.location.href = done.to; }, fail);
  });
})();

// The service worker (sw.js) makes Kith installable and keeps the dashboard
// and the contact pages opened readable offline, for a signed-in user; the
// sign-in page drops what it kept for the last one.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  if (document.querySelector("header.top")) {
    navigator.serviceWorker.register("/sw.js").catch(function (e) {
      console.warn("Kith works without offline pages here:", e);
    });
  } else if (document.querySelector('form[action="/login"]') && window.caches) {
    caches.delete("kith-pages");
  }
})();

// The people picker: under every field marked data-people, the contacts
// whose name matches what is typed after the last comma; arrows and Enter
// (or a click) put the name in. Without the script the field is plain text.
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-people]");
  Array.prototype.forEach.call(fields, function (input, n) {
    var box = document.createElement("div");
    box.className = "picker";
    var focused = document.activeElement === input || input.autofocus;
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    // Moving a field takes its focus away: give it back.
    if (focused) input.focus();
    var list = document.createElement("ul");
    list.id = "picker-" + n;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, seq = 0, active = -1, people = [];
    function typed() { var parts = input.value.split(","); return parts[parts.length - 1].trim(); }
    function close() { list.hidden = true; list.textContent = ""; active = -1; people = []; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (i >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + i);
    }
    function choose(i) {
      var parts = input.value.split(",");
      parts[parts.length - 1] = (parts.length > 1 ? " " : "") + people[i].name;
      input.value = parts.join(",");
      close();
      input.focus();
    }
    function show(found) {
      close();
      people = found;
      if (!found.length) return;
      found.forEach(function (p, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = p.name;
        if (p.about) { var small = document.createElement("small"); small.textContent = p.about; li.appendChild(small); }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = typed();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch("/people?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) { if (mine === seq) show(found); })
          .catch(function () {});
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % people.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark((active - 1 + people.length) % people.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  });
})();

// Ctrl+Enter (or Cmd+Enter) in a text area marked data-submit-on-ctrl-enter
// sends its form.
document.addEventListener("keydown", function (e) {
  var t = e.target;
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && t && t.hasAttribute && t.hasAttribute("data-submit-on-ctrl-enter") && t.form) {
    e.preventDefault();
    t.form.requestSubmit();
  }
});

// Buttons marked data-copy put the text of what they name on the clipboard
// (shown only where the script runs and the clipboard can be written).
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.innerText.trim()).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed: select the codes instead";
      });
    });
  });
})();
