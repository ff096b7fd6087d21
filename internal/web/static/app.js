// Conversa's browser glue, core part. Pages are rendered by the server;
// htmx reloads fragments; this file does what every screen needs:
//  - forms marked data-api send JSON to /api/v1 (the API is the only place
//    with behaviour) and show its localized error, or data-success, in the
//    form;
//  - the step-up password dialog, retried transparently;
//  - live updates: each SSE event refreshes only the [data-live] parts it
//    concerns, and new customer messages are announced to screen readers;
//  - the 24-hour window countdown, on the server's clock;
//  - the top bar's availability switch.
// inbox.js (the composer) and editor.js (templates, campaigns, prices)
// build on window.conversa, set at the end.
"use strict";
(function () {
  const body = document.body;
  const M = JSON.parse(body.dataset.i18n || "{}");
  const t = (k) => M[k] || k;
  const lang = document.documentElement.lang || "pt-BR";
  // The sandbox can move the server's clock; the countdown must follow it.
  let clockSkew = Date.parse(body.dataset.now) - Date.now() || 0;
  const now = () => Date.now() + clockSkew;

  // Dates are in the company's time zone unless this browser pinned
  // another in Settings; the server reads the choice from two cookies.
  // "" follows the company again; "browser" is this browser's own zone.
  const cookie = (k, v) => { document.cookie = k + "=" + v + "; path=/; max-age=" + (v ? 31536000 : 0) + "; SameSite=Lax"; };
  document.addEventListener("change", (ev) => {
    if (!ev.target.matches("[data-tz-pick]")) return;
    let zone = ev.target.value;
    if (zone === "browser") {
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (_) { zone = ""; }
    }
    cookie("conversa_tz_pinned", zone ? "1" : "");
    cookie("conversa_tz", zone);
    location.reload();
  });

  // api calls the JSON API; headers adds to the usual ones (an
  // Idempotency-Key).
  async function api(method, path, data, headers) {
    const opts = { method, credentials: "same-origin",
      headers: { "Accept": "application/json", "Accept-Language": lang, ...headers } };
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
  async function call(method, path, data, anon, headers) {
    let r = await api(method, path, data, headers);
    if (!r.ok && r.error.code === "reauth_required" && await stepUp()) r = await api(method, path, data, headers);
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

  // data-build: forms whose JSON isn't a flat copy of fields. A builder
  // that sends the request itself (a file upload with progress) returns
  // {[SENT]: result} with call's result instead of the JSON.
  const builders = {};
  const SENT = Symbol("sent");

  // succeeded shows a form's data-success sentence ({field} filled from
  // the answer) in its .form-ok line, a polite status.
  function succeeded(form, data) {
    const ok = form.querySelector(".form-ok") || form.closest("[data-errors]")?.querySelector(".form-ok");
    if (ok && form.dataset.success) ok.textContent = form.dataset.success.replace(/\{(\w+)\}/g, (_, k) => data[k] ?? "");
  }

  document.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (!form.matches("form[data-api]")) return;
    ev.preventDefault();
    if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
    // Small button forms show errors in their group's [data-errors] line.
    const err = form.querySelector(".form-error") || form.closest("[data-errors]")?.querySelector(".form-error");
    const ok = form.querySelector(".form-ok") || form.closest("[data-errors]")?.querySelector(".form-ok");
    const btn = ev.submitter || form.querySelector("[type=submit]");
    if (err) err.textContent = "";
    if (ok) ok.textContent = "";
    if (btn) btn.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const build = builders[form.dataset.build];
      const data = build ? await build(form) : formJSON(form);
      const hasBody = !["GET", "DELETE"].includes(form.dataset.method) && form.dataset.nobody === undefined;
      // "{field}" in data-api is that field's value (after the builder ran).
      const path = form.dataset.api.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(form.elements[k]?.value ?? ""));
      // data-idempotency: the request's Idempotency-Key, so the same
      // action sent twice (two clicks, two tabs, two agents) acts once.
      const headers = form.dataset.idempotency ? { "Idempotency-Key": form.dataset.idempotency } : undefined;
      const r = data && data[SENT] ? data[SENT] :
        await call(form.dataset.method || "POST", path, hasBody ? data : undefined, form.dataset.anon !== undefined, headers);
      if (r.ok) {
        succeeded(form, r.data || {});
        return then(form, r.data || {});
      }
      if (err) { err.textContent = r.error.message; err.focus && err.focus(); }
      form.dispatchEvent(new CustomEvent("api:error", { detail: r.error, bubbles: true }));
    } catch (e) {
      if (err) err.textContent = e.message;
    } finally {
      if (btn) btn.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });

  // Live updates. Each [data-live] part names the events it shows
  // (data-live="message.created conversation.updated"; no value: every
  // event) and, with data-live-conv, the one conversation it is about, so
  // an event refreshes only the parts it concerns: a new message elsewhere
  // costs an open thread nothing but the list. A part refreshes at most once
  // per liveGap however many events arrive; "open" (the stream connected
  // again) and "resync" (it lagged) refresh every part, for what it missed.
  const liveDelay = 150, liveGap = 500;
  const liveTimers = new Map(); // a part's id → {timer, last}
  function concerns(el, type, data) {
    const types = el.dataset.live;
    if (types && !types.split(/\s+/).includes(type)) return false;
    const conv = el.dataset.liveConv;
    if (!conv) return true;
    const about = data.conversation_id ?? (type.startsWith("conversation.") ? data.id : undefined);
    return about === undefined || String(about) === conv;
  }
  function schedule(el) {
    const key = el.id || el;
    const s = liveTimers.get(key) || { timer: null, last: 0 };
    liveTimers.set(key, s);
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      s.last = Date.now();
      const cur = el.id ? document.getElementById(el.id) : el; // htmx may have swapped it
      if (cur && cur.isConnected && window.htmx) htmx.trigger(cur, "live");
    }, Math.max(liveDelay, s.last + liveGap - Date.now()));
  }
  function onLive(type, data) {
    document.querySelectorAll("[data-live]").forEach((el) => { if (concerns(el, type, data)) schedule(el); });
    if (type === "message.created" && data.direction === "in") announce(data);
    if (type === "agent.availability" && String(data.user_id) === body.dataset.me) showAvailability(data.available);
  }
  const refreshAll = () => document.querySelectorAll("[data-live]").forEach(schedule);
  if (body.dataset.liveStream !== undefined && window.EventSource) {
    const es = new EventSource("/api/v1/events");
    es.addEventListener("open", refreshAll);
    es.addEventListener("resync", refreshAll);
    ["message", "message.created", "message.status", "conversation.created", "conversation.updated",
      "conversation.labels", "note.created", "window.changed", "template.updated", "template.status",
      "channel.updated", "onboarding.updated", "campaign.progress", "campaign.updated", "agent.availability"]
      .forEach((type) => es.addEventListener(type, (ev) => {
        let data = {};
        try { data = JSON.parse(ev.data || "{}") || {}; } catch (_) { /* not JSON: treat as about everything */ }
        onLive(type, data);
      }));
    window.addEventListener("beforeunload", () => es.close());
  }

  // announce tells screen readers about a customer's new message in a
  // short sentence ("Nova mensagem de Ana"), in the polite #live-announce
  // region: on the inbox, for conversations its list shows (the agent's
  // view, not the whole company's traffic). A conversation new to the list
  // is announced once the list has refreshed (or not, if it isn't there).
  function announce(data) {
    const region = document.getElementById("live-announce");
    if (!region || !document.getElementById("convs")) return;
    const key = data.type === "reaction" ? "announce.reaction" : "announce.message";
    const nameIn = () => document.querySelector(`#convs [data-conversation="${data.conversation_id}"] .name`);
    const say = () => {
      const name = nameIn();
      if (!name) return;
      const p = document.createElement("p");
      p.textContent = t(key).replace("%s", name.textContent.trim());
      region.append(p);
      while (region.children.length > 3) region.firstChild.remove();
    };
    if (nameIn()) return say();
    let done = false;
    const once = () => { if (!done) { done = true; document.removeEventListener("htmx:load", onList); say(); } };
    const onList = (ev) => { if (ev.target.id === "convs") once(); };
    document.addEventListener("htmx:load", onList);
    setTimeout(once, 2000);
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

  // The availability switch: a choice is saved at once; if the API
  // refuses, the old one comes back with the reason. Another tab's change
  // arrives as a live event (onLive).
  function showAvailability(on) {
    const box = document.getElementById("availability");
    const radio = box && box.querySelector(`input[value="${on ? "true" : "false"}"]`);
    if (radio) radio.checked = true;
  }
  document.addEventListener("change", async (ev) => {
    const box = ev.target.closest("#availability");
    if (!box) return;
    const err = box.querySelector(".form-error"), on = ev.target.value === "true";
    err.textContent = "";
    box.setAttribute("aria-busy", "true");
    const r = await call("PUT", "/api/v1/me/availability", { available: on });
    box.removeAttribute("aria-busy");
    if (r.ok) return showAvailability(r.data.available ?? on);
    showAvailability(!on);
    err.textContent = r.error.message;
  });

  window.conversa = { api, call, t, lang, builders, SENT, formJSON, within, now };
})();
