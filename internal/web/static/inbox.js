// Conversa's browser glue, inbox part: the composer (Enter sends, emoji,
// canned responses, files from the agent's computer), marking a thread
// read, labels and the list's filters. Builds on app.js (window.conversa).
"use strict";
(function () {
  const { call, t, lang, builders, SENT } = window.conversa;

  // insertText puts text at the textarea's cursor.
  function insertText(ta, text) {
    const at = ta.selectionStart ?? ta.value.length;
    ta.value = ta.value.slice(0, at) + text + ta.value.slice(ta.selectionEnd ?? at);
    ta.focus();
    ta.selectionStart = ta.selectionEnd = at + text.length;
    ta.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Emoji picker: buttons inside [data-emoji-for="textareaId"] insert at the cursor.
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-emoji-for] button");
    if (b) insertText(document.getElementById(b.closest("[data-emoji-for]").dataset.emojiFor), b.textContent);
  });

  // Canned responses: a button of [data-canned-for="textareaId"] inserts its
  // text; one typed as "/shortcut" alone in the message is replaced. The
  // search field and a message starting with "/" narrow the list, and
  // Enter on either takes the first one left.
  const slashToken = /^\/(\S*)$/;
  function useCanned(b) {
    const ta = document.getElementById(b.closest("[data-canned-for]").dataset.cannedFor);
    if (slashToken.test(ta.value)) ta.value = "";
    insertText(ta, b.dataset.text);
    const box = b.closest("details");
    if (!box) return;
    box.open = false;
    const q = box.querySelector("[data-canned-filter]");
    if (q) q.value = "";
    filterCanned(box, "");
  }
  function filterCanned(box, q) {
    q = q.toLowerCase();
    let first = null;
    box.querySelectorAll("[data-canned-for] button").forEach((b) => {
      const hit = !q || b.dataset.shortcut.startsWith(q) || b.dataset.text.toLowerCase().includes(q);
      b.parentElement.hidden = !hit;
      if (hit && !first) first = b;
    });
    return first;
  }
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-canned-for] button");
    if (b) useCanned(b);
  });
  document.addEventListener("input", (ev) => {
    const el = ev.target;
    if (el.matches("[data-canned-filter]")) filterCanned(el.closest("details"), el.value.replace(/^\//, ""));
    const box = el.matches("[data-enter-submits]") && el.form.querySelector("#canned");
    if (!box || !box.querySelector("[data-canned-for]")) return;
    const m = el.value.match(slashToken);
    if (m) { box.open = true; filterCanned(box, m[1]); } else if (box.open && el.value) { filterCanned(box, ""); }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.shiftKey) return;
    const el = ev.target;
    let first = null;
    if (el.matches("[data-canned-filter]")) {
      ev.preventDefault(); // not the message form's submit
      first = filterCanned(el.closest("details"), el.value.replace(/^\//, ""));
    } else if (el.matches("[data-enter-submits]") && slashToken.test(el.value) && el.form.querySelector("#canned[open]")) {
      first = filterCanned(el.form.querySelector("#canned"), el.value.slice(1));
      if (first) ev.stopImmediatePropagation(), ev.preventDefault();
    }
    if (first) useCanned(first);
  }, true);

  // The composer: Enter sends (Shift+Enter is a new line), also a file
  // without text; with a file chosen the message goes as its caption.
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && ev.target.matches("[data-enter-submits]")) {
      ev.preventDefault();
      if (ev.target.value.trim() || chosenFile(ev.target.form)) ev.target.form.requestSubmit();
    }
  });
  builders.freeform = (form) => {
    const file = chosenFile(form), body = form.elements.body.value;
    return file ? sendFile(form, file, body) : { type: "text", text: { body } };
  };
  // A new inbound message can open the window (or a clock jump close it):
  // the composer follows the thread's state.
  document.addEventListener("htmx:load", () => {
    const thread = document.getElementById("thread-messages"), comp = document.getElementById("composer");
    if (thread && comp && thread.dataset.window !== comp.dataset.window && window.htmx) htmx.trigger(comp, "refresh");
  });

  // Reading. An open thread with unread customer messages (data-unread,
  // the API's count, on each render of #thread-messages: when it opens and
  // after each new message) is marked read: the count drops to zero and
  // the customer gets blue ticks. Only while the page is visible: a tab in
  // the background hasn't been read, so it waits until it is shown.
  let reading = "";
  function markRead() {
    const th = document.getElementById("thread-messages");
    if (!th || document.visibilityState !== "visible" || !(Number(th.dataset.unread) > 0) || reading === th.dataset.conv) return;
    reading = th.dataset.conv;
    call("POST", "/api/v1/conversations/" + reading + "/read").then((r) => {
      if (r.ok && th.isConnected) th.dataset.unread = "0"; // until the live refresh says so
    }).finally(() => { reading = ""; });
  }
  document.addEventListener("htmx:load", markRead);
  document.addEventListener("visibilitychange", markRead);
  markRead();

  // Adding a label: a known one (the field's suggestions, where those the
  // conversation has are disabled) is tagged; a new name is created first
  // (the API lets only supervisors), then tagged.
  builders.label = async (form) => {
    const name = form.elements.label_name.value.trim();
    const opt = [...document.querySelectorAll("#label-options option")].find((o) => o.value.toLowerCase() === name.toLowerCase());
    let id = opt && opt.dataset.id;
    if (!id) {
      const r = await call("POST", "/api/v1/labels", { name });
      if (!r.ok) throw new Error(r.error.message);
      id = r.data.id;
    }
    form.elements.label_id.value = id;
    return {};
  };

  // The inbox list's filters apply as soon as one is chosen; the URL keeps
  // only the filters set.
  document.addEventListener("change", (ev) => {
    const f = ev.target.form;
    if (f && f.dataset.autosubmit !== undefined && ev.target.matches("select")) f.requestSubmit();
  });
  document.addEventListener("submit", (ev) => {
    const f = ev.target;
    if (f.dataset.autosubmit === undefined) return;
    ev.preventDefault();
    const q = new URLSearchParams([...new FormData(f)].filter(([, v]) => v !== ""));
    location.href = f.action + (q.size ? "?" + q : "");
  });

  // Files. The rules (data-rules on the input: kinds, MIME types,
  // extensions, sizes) are the API's; a file they refuse is explained as
  // soon as it is picked, before anything is uploaded.
  const chosenFile = (form) => form.elements.file?.files[0] || null;
  const rulesOf = (input) => JSON.parse(input.dataset.rules || "[]");
  function kindOf(input, file) {
    const ext = (file.name.match(/\.[^.]+$/) || [""])[0].toLowerCase();
    return rulesOf(input).find((k) => k.types.includes(file.type)) || rulesOf(input).find((k) => k.exts.includes(ext));
  }
  function size(n) {
    const mb = n / 1048576;
    return mb >= 1 ? mb.toLocaleString(lang, { maximumFractionDigits: 1 }) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }
  const fill = (s, ...args) => args.reduce((out, a) => out.replace("%s", a), s);
  // problem is why the file can't go, or "".
  function problem(input, file) {
    const kind = kindOf(input, file);
    if (!kind) return fill(t("upload.bad_type"), file.type || file.name);
    if (file.size > kind.max) return fill(t("upload.too_big"), size(file.size), t("kind." + kind.kind), size(kind.max));
    return "";
  }
  function showChosen(input) {
    const box = input.form.querySelector("#c-file-chosen"), err = input.form.querySelector(".form-error");
    const file = input.files[0];
    err.textContent = "";
    box.hidden = !file;
    if (!file) return;
    const why = problem(input, file);
    if (why) {
      input.value = "";
      box.hidden = true;
      err.textContent = why;
      return;
    }
    box.querySelector(".name").textContent = fill(t("upload.chosen"), file.name, t("kind." + kindOf(input, file).kind), size(file.size));
  }
  document.addEventListener("change", (ev) => { if (ev.target.id === "c-file") showChosen(ev.target); });
  document.addEventListener("click", (ev) => {
    if (ev.target.id !== "c-file-clear") return;
    const input = ev.target.form.elements.file;
    input.value = "";
    showChosen(input);
    input.focus();
  });
  // After a send the form resets: the attach panel closes, the thread
  // gets its room back.
  document.addEventListener("reset", (ev) => {
    const input = ev.target.elements?.file;
    if (!input) return;
    input.closest("details").open = false;
    setTimeout(() => showChosen(input)); // after the reset cleared it
  });

  // sendFile uploads the file with its caption (POST .../media, one
  // request; an Idempotency-Key so a retry can't send it twice), showing
  // the progress; audio takes no caption, so the text follows on its own.
  async function sendFile(form, file, text) {
    const input = form.elements.file, why = problem(input, file);
    if (why) throw new Error(why);
    const kind = kindOf(input, file).kind, data = new FormData();
    data.append("file", file);
    data.append("type", kind);
    if (text.trim() && kind !== "audio") data.append("caption", text);
    const r = await upload(form.dataset.upload, data, form.querySelector("#c-file-progress"), file.name);
    if (r.ok && kind === "audio" && text.trim()) await call("POST", form.dataset.api, { type: "text", text: { body: text } });
    return { [SENT]: r };
  }
  function upload(path, data, bar, name) {
    const status = bar.closest("form").querySelector("#c-file-chosen .name");
    bar.value = 0;
    bar.hidden = false;
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open("POST", path);
      x.setRequestHeader("Accept", "application/json");
      x.setRequestHeader("Accept-Language", lang);
      x.setRequestHeader("Idempotency-Key", "upload-" + Date.now() + "-" + Math.random().toString(36).slice(2));
      x.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        bar.value = Math.round(e.loaded * 100 / e.total);
        status.textContent = fill(t("upload.sending"), name, bar.value);
      };
      const done = (r) => { bar.hidden = true; resolve(r); };
      x.onload = () => {
        let json = {};
        try { json = JSON.parse(x.responseText || "{}"); } catch (_) { /* not JSON */ }
        if (x.status === 401) location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
        done(x.status < 300 ? { ok: true, status: x.status, data: json }
          : { ok: false, status: x.status, error: json.error || { code: "http_" + x.status, message: t("failed") } });
      };
      x.onerror = () => done({ ok: false, status: 0, error: { code: "network", message: t("network") } });
      x.send(data);
    });
  }
})();
