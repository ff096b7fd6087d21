// Conversa's browser glue, editors part: the WhatsApp-style template
// preview (tpl_editor.js adds the editor's header, samples and buttons),
// the template picker's send form, the onboarding's signup step, the
// settings' keywords and company, the price table and campaigns. Builds
// on app.js (window.conversa).
"use strict";
(function () {
  const { api, t, builders, formJSON, within } = window.conversa;

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

  // Opt-out keywords: the API takes the whole list, read from the chips,
  // less the one being removed (data-remove) or plus the one typed.
  builders.optout = (form) => {
    let list = [...document.querySelectorAll("#optout-keywords [data-keyword]")].map((li) => li.dataset.keyword);
    if (form.dataset.remove) list = list.filter((k) => k !== form.dataset.remove);
    const add = form.elements.keyword?.value.trim();
    if (add) list.push(add);
    return { keywords: list };
  };

  // The company's settings: a zone outside the list is typed in the free
  // field shown when "another zone" is chosen (data-other names it).
  builders.company = (form) => {
    const data = formJSON(form);
    if (data.time_zone !== "other") return data;
    data.time_zone = form.elements.time_zone_other.value.trim();
    // An empty name would be taken as UTC: say what to type instead.
    if (!data.time_zone) throw new Error(t("zone_required"));
    return data;
  };
  document.addEventListener("change", (ev) => {
    const sel = ev.target;
    if (!sel.matches("select[data-other]")) return;
    const box = document.querySelector(sel.dataset.other);
    box.hidden = sel.value !== "other";
    if (!box.hidden) box.querySelector("input").focus();
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

})();
