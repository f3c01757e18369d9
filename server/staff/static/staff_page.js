// What staff pages declare with data- attributes, since the Content-Security-Policy allows no inline handlers:
// a form with data-confirm="question" is sent only when the question is answered OK, and a <select data-navigate>
// opens the address of the option chosen (the dashboard's office switch).
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-navigate") && select.value) {
    window.location.href = select.value;
  }
});
