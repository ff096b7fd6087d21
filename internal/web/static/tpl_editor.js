// Conversa's browser glue, template editor part (template_edit.html):
// sample fields for the header's and body's variables (numbered or
// named), the header's kind (text, or media with the sample Meta's
// reviewers need), button rows (quick replies, links with an optional
// {{1}} at the end, a phone number) within Meta's limits, the live
// preview of all of it, and the components in Meta's shape. Builds on
// app.js and editor.js (the preview fires "preview:render" on input).
"use strict";
(function () {
  const { builders } = window.conversa;
  const varsOf = (text) => [...new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))];
  const urlVar = /\{\{\s*1\s*\}\}$/;
  const limits = { total: 10, URL: 2, PHONE_NUMBER: 1 };
  const icons = { URL: "↗", PHONE_NUMBER: "📞", QUICK_REPLY: "↩", COPY_CODE: "⧉" };

  // syncSamples keeps one sample field (attribute attr = the variable) per
  // variable of text in box, filled from data-values when editing.
  function syncSamples(box, text, attr, prefix) {
    const names = varsOf(text), saved = JSON.parse(box.dataset.values || "{}");
    box.querySelectorAll(`[${attr}]`).forEach((i) => { if (!names.includes(i.getAttribute(attr))) i.parentElement.remove(); });
    names.forEach((n) => {
      if (box.querySelector(`[${attr}="${n}"]`)) return;
      const wrap = document.createElement("div");
      wrap.innerHTML = `<label></label><input required data-skip>`;
      const label = wrap.querySelector("label"), input = wrap.querySelector("input");
      label.textContent = box.dataset.label.replace("%s", `{{${n}}}`);
      label.htmlFor = input.id = prefix + n;
      input.setAttribute(attr, n);
      input.value = saved[n] || "";
      box.append(wrap);
    });
  }
  const samplesIn = (box, attr) => [...box.querySelectorAll(`[${attr}]`)].map((i) => [i.getAttribute(attr), i.value]);

  // show shows or hides a part of the form; hidden fields are disabled, so
  // they neither block the form's validation nor reach the API.
  function show(el, on) {
    el.hidden = !on;
    el.querySelectorAll("input, select, textarea").forEach((i) => { i.disabled = !on; });
  }
  function showHeader(form) {
    const kind = form.elements.header_format.value;
    form.querySelectorAll("[data-header-for]").forEach((d) => show(d, kind !== "" && d.dataset.headerFor === (kind === "TEXT" ? "TEXT" : "MEDIA")));
    form.elements.header_sample.required = kind !== "" && kind !== "TEXT";
  }

  // Buttons: a row per button from the row template.
  const rowsOf = (form) => [...form.querySelectorAll("#t-button-list .button-row")];
  const kindLabel = (kind) => document.getElementById("t-button-kinds").content.querySelector(`[data-kind="${kind}"]`)?.textContent || kind;
  function addButton(form, b) {
    const row = document.getElementById("t-button-row").content.firstElementChild.cloneNode(true);
    row.dataset.type = b.type;
    row.dataset.original = JSON.stringify(b);
    row.querySelector("[data-kind-label]").textContent = kindLabel(b.type);
    const field = (f) => row.querySelector(`[data-field="${f}"]`);
    field("text").value = b.text || "";
    field("url").value = b.url || "";
    field("phone").value = b.phone_number || "";
    const prefix = (b.url || "").replace(urlVar, "");
    field("example").value = ((b.example || [])[0] || "").replace(prefix, "");
    form.querySelector("#t-button-list").append(row);
    showRow(row);
    return row;
  }
  function showRow(row) {
    const type = row.dataset.type, url = row.querySelector('[data-field="url"]').value;
    row.querySelectorAll("[data-for]").forEach((el) => {
      const on = el.dataset.for === type || (el.dataset.for === "URL_VAR" && type === "URL" && urlVar.test(url));
      show(el, on);
    });
    const text = row.querySelector('[data-field="text"]').value;
    row.querySelector("[data-remove-button]").setAttribute("aria-label", row.querySelector("[data-remove-button]").textContent + ": " + (text || kindLabel(type)));
  }
  function updateAdders(form) {
    const rows = rowsOf(form), count = (type) => rows.filter((r) => r.dataset.type === type).length;
    form.querySelectorAll("[data-add-button]").forEach((b) => {
      const type = b.dataset.addButton;
      b.disabled = rows.length >= limits.total || (limits[type] !== undefined && count(type) >= limits[type]);
    });
  }
  // buttonOf is a row as Meta's button; kinds the editor doesn't edit
  // (copy code, OTP, flows) keep what they had, with the new text.
  function buttonOf(row) {
    const type = row.dataset.type, val = (f) => row.querySelector(`[data-field="${f}"]`).value.trim();
    const b = { ...JSON.parse(row.dataset.original || "{}"), type, text: val("text") };
    if (type === "URL") {
      b.url = val("url");
      delete b.example;
      if (urlVar.test(b.url)) b.example = [b.url.replace(urlVar, val("example"))];
    } else if (type === "PHONE_NUMBER") {
      b.phone_number = val("phone");
    }
    return b;
  }
  // Meta wants quick replies together, before or after the others.
  const buttonsOf = (form) => {
    const all = rowsOf(form).map(buttonOf);
    return [...all.filter((b) => b.type === "QUICK_REPLY"), ...all.filter((b) => b.type !== "QUICK_REPLY")];
  };

  document.addEventListener("click", (ev) => {
    const form = ev.target.closest("#template-form");
    if (!form) return;
    const add = ev.target.closest("[data-add-button]"), remove = ev.target.closest("[data-remove-button]");
    if (add) addButton(form, { type: add.dataset.addButton }).querySelector('[data-field="text"]').focus();
    if (remove) {
      remove.closest(".button-row").remove();
      form.querySelector("[data-add-button]").focus();
    }
    if (add || remove) {
      updateAdders(form);
      form.dispatchEvent(new Event("input", { bubbles: true })); // the preview follows
    }
  });
  document.addEventListener("input", (ev) => {
    const row = ev.target.closest("#template-form .button-row");
    if (row) showRow(row);
  });

  // The preview: editor.js fills the body; the rest is here.
  document.addEventListener("preview:render", (ev) => {
    const box = ev.target, form = box.querySelector("#template-form");
    if (!form) return;
    const f = form.elements;
    syncSamples(form.querySelector("#t-examples"), ev.detail.text, "data-var", "t-ex-");
    syncSamples(form.querySelector("#t-header-examples"), f.header.value, "data-hvar", "t-hex-");
    showHeader(form);
    const kind = f.header_format.value, hvals = Object.fromEntries(samplesIn(form, "data-hvar"));
    box.querySelector("[data-preview-header]").textContent = kind === "TEXT" ?
      f.header.value.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, n) => hvals[n] || m) : "";
    const media = box.querySelector("[data-preview-media]");
    media.hidden = kind === "" || kind === "TEXT";
    media.textContent = media.hidden ? "" : f.header_format.selectedOptions[0].textContent;
    media.dataset.kind = kind;
    box.querySelector("[data-preview-footer]").textContent = f.footer.value;
    const btns = box.querySelector("[data-preview-buttons]");
    btns.textContent = "";
    buttonsOf(form).filter((b) => b.text).forEach((b) => {
      const s = document.createElement("span"), icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = (icons[b.type] || "•") + " ";
      s.append(icon, b.text);
      s.dataset.type = b.type;
      btns.append(s);
    });
  });

  builders.template = (form) => {
    const f = form.elements, named = f.parameter_format.value === "NAMED", components = [];
    const example = (pairs, namedKey, listKey, nest) => {
      if (!pairs.length) return undefined;
      if (named) return { [namedKey]: pairs.map(([n, v]) => ({ param_name: n, example: v })) };
      const values = pairs.map(([, v]) => v);
      return { [listKey]: nest ? [values] : values };
    };
    const kind = f.header_format.value;
    if (kind === "TEXT") {
      components.push({ type: "HEADER", format: "TEXT", text: f.header.value.trim(),
        example: example(samplesIn(form, "data-hvar"), "header_text_named_params", "header_text", false) });
    } else if (kind) {
      components.push({ type: "HEADER", format: kind, example: { header_handle: [f.header_sample.value.trim()] } });
    }
    components.push({ type: "BODY", text: f.body.value,
      example: example(samplesIn(form, "data-var"), "body_text_named_params", "body_text", true) });
    if (f.footer.value.trim()) components.push({ type: "FOOTER", text: f.footer.value.trim() });
    const buttons = buttonsOf(form);
    if (buttons.length) components.push({ type: "BUTTONS", buttons });
    const common = { category: f.category.value, parameter_format: f.parameter_format.value, components };
    if (form.dataset.edit !== undefined) return common;
    return { channel_id: Number(f.channel_id.value), name: f.name.value.trim(), language: f.language.value, ...common };
  };

  // The editor starts with the template's buttons.
  const form = document.getElementById("template-form");
  if (form) {
    JSON.parse(form.querySelector("#t-buttons").dataset.buttons || "[]").forEach((b) => addButton(form, b));
    updateAdders(form);
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }
})();
