// Conversa's browser glue. Pages are rendered by the server; htmx reloads
// fragments; this file does the rest in one place:
//  - forms marked data-api send JSON to /api/v1 (the API is the only place
//    with behaviour) and show its localized error in the form;
//  - the step-up password dialog, retried transparently;
//  - live updates: the SSE stream triggers "live" on [data-live] elements;
//  - the 24-hour window countdown, on the server's clock;
//  - the emoji and canned-response pickers and the WhatsApp-style template
//    preview.
"use strict";
(function () {
  const body = document.body;
  const M = JSON.parse(body.dataset.i18n || "{}");
  const t = (k) => M[k] || k;
  const lang = document.documentElement.lang || "pt-BR";
  // The sandbox can move the server's clock; the countdown must follow it.
  let clockSkew = Date.parse(body.dataset.now) - Date.now() || 0;
  const now = () => Date.now() + clockSkew;

  // Tell the server the browser's time zone once, for dates it formats.
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && !document.cookie.includes("conversa_tz=" + tz)) {
      document.cookie = "conversa_tz=" + tz + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (_) { /* no Intl: the server's default zone stays */ }

  async function api(method, path, data) {
    const opts = { method, credentials: "same-origin",
      headers: { "Accept": "application/json", "Accept-Language": lang } };
    if (data !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(data);
    }
    let res;
    try {
      res = await fetch(path, opts);
    } catch (_) {
      return { ok: false, status: 0, error: { code: "network", message: t("network") } };
    }
    const text = await res.text();
    let json = {};
    try { json = text ? JSON.parse(text) : {}; } catch (_) { /* non-JSON body */ }
    if (res.ok) return { ok: true, status: res.status, data: json };
    return { ok: false, status: res.status, error: json.error || { code: "http_" + res.status, message: t("failed") } };
  }

  // stepUp asks for the password and resolves true once the API accepted it.
  function stepUp() {
    const dlg = document.getElementById("stepup");
    if (!dlg) return Promise.resolve(false);
    const form = dlg.querySelector("form");
    const err = form.querySelector(".form-error");
    form.reset();
    err.textContent = "";
    dlg.showModal();
    return new Promise((resolve) => {
      const done = (ok) => { dlg.close(); form.onsubmit = null; resolve(ok); };
      form.querySelector("[data-cancel]").onclick = () => done(false);
      dlg.oncancel = () => done(false);
      form.onsubmit = async (ev) => {
        ev.preventDefault();
        const r = await api("POST", "/api/v1/auth/reauth", { password: form.password.value });
        if (r.ok) return done(true);
        err.textContent = r.error.message;
        form.password.select();
      };
    });
  }

  // call sends a request, handling step-up and an ended session.
  async function call(method, path, data, anon) {
    let r = await api(method, path, data);
    if (!r.ok && r.error.code === "reauth_required" && await stepUp()) r = await api(method, path, data);
    if (!r.ok && r.status === 401 && !anon) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    }
    return r;
  }

  // formJSON turns a form into the API's JSON: data-type="number|bool|list|json"
  // on a field converts it; "a.b" names nest; data-omit-empty drops blanks.
  function formJSON(form) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.dataset.skip !== undefined) continue;
      if ((el.type === "radio" || (el.type === "checkbox" && el.dataset.type !== "bool")) && !el.checked) continue;
      let v = el.value;
      const type = el.dataset.type;
      if (type === "bool") v = el.checked;
      else if (type === "number") v = v === "" ? null : Number(v);
      else if (type === "json") v = v ? JSON.parse(v) : null;
      if (el.dataset.omitEmpty !== undefined && (v === "" || v === null)) continue;
      const keys = el.name.split(".");
      let o = out;
      keys.slice(0, -1).forEach((k) => { o = o[k] = o[k] || {}; });
      const last = keys[keys.length - 1];
      if (type === "list") (o[last] = o[last] || []).push(v);
      else o[last] = v;
    }
    return out;
  }

  // then runs a form's data-then after success: "go:/path/{id}" (fields of
  // the answer fill the braces), "next" (the page the login was asked for,
  // taken as is: braces in it must not pull the session's token into a
  // URL), "reload", or "refresh[:selector,...]".
  function then(form, data) {
    const spec = form.dataset.then || "reload";
    if (spec === "next") {
      location.href = form.dataset.next || "/";
    } else if (spec.startsWith("go:")) {
      location.href = spec.slice(3).replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(data[k] ?? ""));
    } else if (spec.startsWith("refresh")) {
      const sel = spec.split(":")[1];
      const targets = sel ? [...document.querySelectorAll(sel)] : [form.closest("[data-live]")];
      if (form.dataset.keep === undefined) form.reset();
      targets.forEach((el) => el && window.htmx && htmx.trigger(el, "refresh"));
    } else {
      location.reload();
    }
  }

  const builders = {}; // data-build: forms whose JSON isn't a flat copy of fields

  document.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (!form.matches("form[data-api]")) return;
    ev.preventDefault();
    if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
    // Small button forms show errors in their group's [data-errors] line.
    const err = form.querySelector(".form-error") || form.closest("[data-errors]")?.querySelector(".form-error");
    const btn = ev.submitter || form.querySelector("[type=submit]");
    if (err) err.textContent = "";
    if (btn) btn.disabled = true;
    try {
      const build = builders[form.dataset.build];
      const data = build ? await build(form) : formJSON(form);
      const hasBody = !["GET", "DELETE"].includes(form.dataset.method) && form.dataset.nobody === undefined;
      // "{field}" in data-api is that field's value (after the builder ran).
      const path = form.dataset.api.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(form.elements[k]?.value ?? ""));
      const r = await call(form.dataset.method || "POST", path, hasBody ? data : undefined, form.dataset.anon !== undefined);
      if (r.ok) return then(form, r.data || {});
      if (err) { err.textContent = r.error.message; err.focus && err.focus(); }
      form.dispatchEvent(new CustomEvent("api:error", { detail: r.error, bubbles: true }));
    } catch (e) {
      if (err) err.textContent = e.message;
    } finally {
      if (btn) btn.disabled = false;
    }
  });

  // Live updates: every event refreshes the [data-live] parts of the page
  // (each fetches what it shows); a burst of events costs one refresh.
  let liveTimer = null;
  function live() {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      document.querySelectorAll("[data-live]").forEach((el) => window.htmx && htmx.trigger(el, "live"));
    }, 150);
  }
  if (body.dataset.liveStream !== undefined && window.EventSource) {
    const es = new EventSource("/api/v1/events");
    // Whatever changed between rendering the page and (re)connecting the
    // stream would be missed: refresh the live parts once on every open.
    es.addEventListener("open", live);
    ["message", "message.created", "message.status", "conversation.created", "conversation.updated",
      "conversation.labels", "note.created", "window.changed", "template.updated", "template.status",
      "channel.updated", "onboarding.updated", "campaign.progress", "campaign.updated", "resync"]
      .forEach((type) => es.addEventListener(type, live));
    window.addEventListener("beforeunload", () => es.close());
  }

  // within lists root itself and its descendants matching sel.
  const within = (root, sel) => [...(root.matches && root.matches(sel) ? [root] : []), ...root.querySelectorAll(sel)];

  // htmx:load fires on every element htmx inserts (outerHTML swaps too).
  // The server's clock moves in the sandbox; each fragment says its "now".
  // A log ([data-scroll-end]) stays at its end as it grows (a refresh, an
  // image loading), unless the reader scrolled up to older messages: then
  // it stays where they are. data-at-end follows the reader's scrolling.
  const keptScroll = {};
  document.addEventListener("scroll", (ev) => {
    const log = ev.target;
    if (log.matches && log.matches("[data-scroll-end]")) {
      log.dataset.atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40 ? "1" : "0";
    }
  }, true);
  document.addEventListener("load", (ev) => {
    const log = ev.target.tagName === "IMG" && ev.target.closest("[data-scroll-end]");
    if (log && log.dataset.atEnd !== "0") log.scrollTop = log.scrollHeight;
  }, true);
  document.addEventListener("htmx:beforeSwap", (ev) => {
    const old = ev.detail.target, log = old.id && within(old, "[data-scroll-end]")[0];
    if (log) keptScroll[old.id] = log.dataset.atEnd === "0" ? log.scrollTop : null;
  });
  document.addEventListener("htmx:load", (ev) => {
    within(ev.target, "[data-now]").forEach((n) => { clockSkew = Date.parse(n.dataset.now) - Date.now(); });
    const kept = keptScroll[ev.target.id];
    delete keptScroll[ev.target.id];
    within(ev.target, "[data-scroll-end]").forEach((el) => {
      el.scrollTop = kept ?? el.scrollHeight;
      el.dataset.atEnd = kept == null ? "1" : "0";
    });
    tick();
  });
  document.querySelectorAll("[data-scroll-end]").forEach((el) => { el.scrollTop = el.scrollHeight; });

  // The 24-hour window countdown; at zero the composer is re-rendered by the
  // server, which then offers templates only.
  function tick() {
    document.querySelectorAll("[data-expires]").forEach((el) => {
      const left = Date.parse(el.dataset.expires) - now();
      if (left <= 0) {
        el.textContent = t("window.closed");
        if (!el.dataset.fired) {
          el.dataset.fired = "1";
          const target = el.closest("[data-live]") || document.getElementById("composer");
          if (target && window.htmx) htmx.trigger(target, "refresh");
        }
        return;
      }
      const s = Math.floor(left / 1000);
      const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, "0")).join(":");
      el.textContent = t("window.left").replace("%s", hms);
      el.classList.toggle("soon", left < 3600 * 1000);
    });
  }
  setInterval(tick, 1000);
  tick();

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

  // Template preview: [data-preview] holds a bubble whose text comes from
  // data-text (a stored template) or the field named by data-source (the
  // editor); inputs [data-var="1"|"name"] fill the variables as typed.
  function renderPreview(box) {
    const src = box.dataset.source ? box.querySelector(box.dataset.source) : null;
    const text = src ? src.value : box.dataset.text || "";
    const vals = {};
    box.querySelectorAll("[data-var]").forEach((i) => { vals[i.dataset.var] = i.value; });
    const out = box.querySelector("[data-preview-body]");
    if (!out) return;
    out.textContent = "";
    text.split(/(\{\{\s*\w+\s*\}\})/).forEach((part) => {
      const m = part.match(/^\{\{\s*(\w+)\s*\}\}$/);
      if (!m) return out.append(part);
      const span = document.createElement("mark");
      span.textContent = vals[m[1]] || part;
      out.append(span);
    });
    box.dispatchEvent(new CustomEvent("preview:render", { detail: { text }, bubbles: true }));
  }
  document.addEventListener("input", (ev) => {
    const box = ev.target.closest("[data-preview]");
    if (box) renderPreview(box);
  });
  const previewAll = (root) => root.querySelectorAll("[data-preview]").forEach(renderPreview);
  document.addEventListener("htmx:load", (ev) => within(ev.target, "[data-preview]").forEach(renderPreview));
  previewAll(document);

  // The onboarding's first step is Meta's Embedded Signup popup. In the
  // sandbox the simulator plays Meta: its control API issues the code the
  // popup would have returned.
  builders.signup = async (form) => {
    if (!form.dataset.sim) return formJSON(form);
    const r = await api("POST", form.dataset.sim + "/_sim/signup", { business_name: form.dataset.business });
    if (!r.ok) throw new Error(r.error.message || t("failed"));
    return { code: r.data.code, business_id: r.data.business_id };
  };

  // The template editor: one example field per body variable (Meta's
  // reviewers need them), the header/footer/buttons in the preview, and the
  // components in Meta's shape.
  document.addEventListener("preview:render", (ev) => {
    const box = ev.target, form = box.querySelector("#template-form");
    if (!form) return;
    const ex = form.querySelector("#t-examples");
    const names = [...new Set([...ev.detail.text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))];
    [...ex.querySelectorAll("[data-var]")].forEach((i) => { if (!names.includes(i.dataset.var)) i.parentElement.remove(); });
    names.forEach((n) => {
      if (ex.querySelector(`[data-var="${n}"]`)) return;
      const wrap = document.createElement("div");
      wrap.innerHTML = `<label></label><input required data-skip>`;
      wrap.querySelector("label").textContent = ex.dataset.label.replace("%s", `{{${n}}}`);
      wrap.querySelector("label").htmlFor = wrap.querySelector("input").id = "t-ex-" + n;
      wrap.querySelector("input").dataset.var = n;
      ex.append(wrap);
    });
    box.querySelector("[data-preview-header]").textContent = form.header.value;
    box.querySelector("[data-preview-footer]").textContent = form.footer.value;
    const btns = box.querySelector("[data-preview-buttons]");
    btns.textContent = "";
    form.buttons.value.split("\n").map((l) => l.trim()).filter(Boolean).forEach((l) => {
      const s = document.createElement("span"); s.textContent = l; btns.append(s);
    });
  });
  builders.template = (form) => {
    const f = form.elements, components = [];
    if (f.header.value.trim()) components.push({ type: "HEADER", format: "TEXT", text: f.header.value.trim() });
    const body = { type: "BODY", text: f.body.value };
    const examples = [...form.querySelectorAll("#t-examples [data-var]")].map((i) => i.value);
    if (examples.length) body.example = { body_text: [examples] };
    components.push(body);
    if (f.footer.value.trim()) components.push({ type: "FOOTER", text: f.footer.value.trim() });
    const buttons = f.buttons.value.split("\n").map((l) => l.trim()).filter(Boolean)
      .map((text) => ({ type: "QUICK_REPLY", text }));
    if (buttons.length) components.push({ type: "BUTTONS", buttons });
    if (form.dataset.edit !== undefined) return { category: f.category.value, components };
    return { channel_id: Number(f.channel_id.value), name: f.name.value.trim(), language: f.language.value,
      category: f.category.value, components };
  };

  // The template picker previews through the server (the API renders and
  // prices); typing asks for a new preview, debounced by htmx.
  document.addEventListener("input", (ev) => {
    const f = ev.target.form;
    if (f && f.querySelector("#tpl-preview") && ev.target.name !== "template" && window.htmx) htmx.trigger(f, "recalc");
  });
  builders.tplsend = (form) => {
    const f = form.elements;
    const out = { type: "template", template: { name: f.tpl_name ? f.tpl_name.value : "",
      language: f.tpl_lang ? f.tpl_lang.value : "", parameters: [...form.querySelectorAll("[name=p]")].map((i) => i.value) } };
    if (f.to && form.dataset.start !== undefined) { out.channel_id = Number(f.channel_id.value); out.to = f.to.value; }
    // The header's text or media link, and the buttons' values (a URL's end,
    // a coupon code), as the API takes them (compose.go addInputs).
    // An empty field is left out, so the API names what is missing.
    const hdr = form.querySelector("[data-header]");
    if (hdr && hdr.value.trim()) out.template.header = hdr.dataset.header === "text" ? { text: hdr.value } : { [hdr.dataset.header]: { link: hdr.value.trim() } };
    const buttons = [...form.querySelectorAll("[data-button]")].filter((i) => i.value.trim())
      .map((i) => ({ index: Number(i.dataset.button), [i.dataset.field]: i.value }));
    if (buttons.length) out.template.buttons = buttons;
    return out;
  };

  // The composer: Enter sends (Shift+Enter is a new line); a link makes it
  // a media message with the text as caption.
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && ev.target.matches("[data-enter-submits]")) {
      ev.preventDefault();
      if (ev.target.value.trim() || ev.target.form.elements.link.value) ev.target.form.requestSubmit();
    }
  });
  builders.freeform = (form) => {
    const f = form.elements, link = f.link.value.trim(), body = f.body.value;
    if (!link) return { type: "text", text: { body } };
    const media = { link };
    if (body.trim()) media.caption = body;
    return { type: f.kind.value, [f.kind.value]: media };
  };
  // A new inbound message can open the window (or a clock jump close it):
  // the composer follows the thread's state.
  document.addEventListener("htmx:load", () => {
    const thread = document.getElementById("thread-messages"), comp = document.getElementById("composer");
    if (thread && comp && thread.dataset.window !== comp.dataset.window && window.htmx) htmx.trigger(comp, "refresh");
  });

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

  // The price table is saved whole; a row without a region is skipped.
  builders.prices = (form) => ({ currency: form.dataset.currency || "USD",
    rates: [...form.querySelectorAll("[data-rate-row]")].map((tr) => {
      const row = {};
      tr.querySelectorAll("[data-field]").forEach((i) => {
        row[i.dataset.field] = i.dataset.field === "region" ? i.value.trim().toUpperCase() : Number(i.value);
      });
      return row;
    }).filter((row) => row.region) });

  // Campaigns. The CSV goes to the API as text (it reads name, phone,
  // variables and tags itself and reports the rows it rejects).
  builders.csvlist = async (form) => {
    const file = form.elements.file.files[0];
    if (!file) throw new Error(t("campaign.no_file"));
    return { name: form.elements.name.value.trim(), csv: await file.text() };
  };
  // The campaign form: the template, a list column per variable, and the
  // schedule, in the browser's time zone.
  builders.campaign = (form) => {
    const f = form.elements, zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const out = { name: f.name.value.trim(), channel_id: Number(f.channel_id.value), list_id: Number(f.list_id.value),
      template: { name: f.tpl_name ? f.tpl_name.value : "", language: f.tpl_lang ? f.tpl_lang.value : "" },
      variables: [...form.querySelectorAll("select[name=var]")].map((s) => s.value) };
    if (f.when.value === "at") {
      if (!f.at.value) throw new Error(t("campaign.no_time"));
      out.scheduled_at = new Date(f.at.value).toISOString();
    }
    if (f.hours.checked) {
      out.sending_hours = { start: Number(f.hours_start.value), end: Number(f.hours_end.value), time_zone: zone };
    }
    return out;
  };
  // A new mapping or template re-renders the first recipient's preview.
  const recalcCampaign = () => {
    const form = document.getElementById("campaign-form");
    if (form && window.htmx) htmx.trigger(form, "recalc");
  };
  document.addEventListener("change", (ev) => { if (ev.target.closest("#campaign-form")) recalcCampaign(); });
  document.addEventListener("htmx:load", (ev) => { if (ev.target.id === "campaign-template") recalcCampaign(); });

  window.conversa = { api: call, t, builders, formJSON, renderPreview, now };
})();
