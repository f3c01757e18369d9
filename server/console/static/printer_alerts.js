/* Printer alerts on the counter console and the supervisor dashboard: the office's printer problems and the
 * waiting tickets whose paper failed, each with a Reprint button (templates/console/_printer_alerts.html).
 *
 * Live: the page hands over its /staff socket (`waitwellPrinterAlerts.listen(socket)`), on which the server
 * pushes the whole list when the socket connects and whenever it changes. The list is also fetched when the
 * page opens and every 30 s, which is what keeps it current while the socket is down.
 */
(() => {
  "use strict";

  const box = document.getElementById("printer-alerts");
  if (!box) return;
  const text = JSON.parse(document.getElementById("printer-alerts-text").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const REFRESH_MS = 30000;
  let current = { alerts: [], unprinted: [], unprinted_count: 0 };
  let noticeTimer = null;
  let received = 0; // pushes and answers applied: a fetch that started before a push must not undo it

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function words(template, values) {
    return Object.entries(values).reduce((sentence, [key, value]) => sentence.replace(`{${key}}`, value), template);
  }

  function render() {
    $("printer-problems").replaceChildren(...current.alerts.map((alert) => el("li",
      { class: `printer-problem problem-${alert.problem}`, "data-problem": alert.problem,
        "data-printer-id": String(alert.printer_id) },
      el("strong", {}, words(text[alert.problem] || text.offline, { printer: alert.printer_name })),
      alert.detail ? el("span", { class: "printer-detail" }, alert.detail) : null)));
    const rows = current.unprinted.map((ticket) => el("li",
      { class: "unprinted", "data-number": ticket.number, "data-ticket-id": String(ticket.ticket_id) },
      el("strong", { class: "unprinted-number" }, ticket.number),
      el("span", { class: "unprinted-state" }, `${ticket.given_up ? text.given_up : text.retrying} · ${ticket.printer_name}`),
      ticket.reason ? el("span", { class: "printer-detail" }, ticket.reason) : null,
      el("button", { type: "button", class: "small reprint", "data-reprint": String(ticket.ticket_id) }, text.reprint)));
    const more = current.unprinted_count - current.unprinted.length;
    if (more > 0) rows.push(el("li", { class: "unprinted-more" }, words(text.more, { count: String(more) })));
    $("unprinted").replaceChildren(...rows);
    $("printer-problems-block").hidden = current.alerts.length === 0;
    $("unprinted-block").hidden = current.unprinted.length === 0;
    const nothingWrong = current.alerts.length === 0 && current.unprinted.length === 0;
    box.hidden = nothingWrong && !$("printer-alerts-notice").textContent;
    box.classList.toggle("all-clear", nothingWrong); // only the answer to a Reprint is left to show
  }

  function apply(alerts) {
    received += 1;
    current = alerts;
    render();
  }

  function notify(message, kind) {
    const notice = $("printer-alerts-notice");
    notice.textContent = message;
    notice.dataset.kind = kind;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { notice.textContent = ""; render(); }, 8000);
    render();
  }

  async function refresh() {
    const before = received;
    try {
      const response = await fetch(box.dataset.url, {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store",
      });
      if (response.ok && before === received) apply(await response.json());
    } catch (error) {
      // the page says itself whether it is live; the next refresh or push brings the list
    }
  }

  async function reprint(button) {
    button.disabled = true;
    try {
      const response = await fetch(box.dataset.reprintUrl.replace("/tickets/0/", `/tickets/${button.dataset.reprint}/`), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
        body: "{}",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        apply(answer.alerts);
        notify(words(text.reprinted, { number: answer.number, printer: answer.printer_name }), "ok");
      } else {
        notify((answer.error && answer.error.message) || `${response.status} ${response.statusText}`, "bad");
        refresh();
      }
    } catch (error) {
      notify(text.unreachable, "bad");
    } finally {
      button.disabled = false;
    }
  }

  box.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-reprint]");
    if (button && !button.disabled) reprint(button);
  });

  window.waitwellPrinterAlerts = {
    listen(socket) { socket.on("printer_alerts", apply); },
  };
  setInterval(refresh, REFRESH_MS);
  refresh();
})();
