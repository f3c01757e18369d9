// The printer form shows only the settings its chosen connection needs (and only those are saved):
// the form's data-connection-fields maps each connection to its fields, as PrinterForm.NEEDED does.
"use strict";

(() => {
  const form = document.querySelector("form[data-connection-fields]");
  const select = form && form.querySelector("#connection");
  if (!select) return;
  const needed = JSON.parse(form.dataset.connectionFields);
  const all = [...new Set(Object.values(needed).flat())];
  const show = () => {
    for (const name of all) {
      const box = form.querySelector(`[data-field="${name}"]`);
      if (box) box.hidden = !(needed[select.value] || []).includes(name);
    }
  };
  select.addEventListener("change", show);
  show();
})();
