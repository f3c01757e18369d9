/* The counter console: renders the counter's state, sends button presses and shortcuts, stays live.
 *
 * Live: Socket.IO's /staff namespace (the office's staff room) tells us something changed and we
 * fetch our state again; when the socket is down we poll every few seconds, so a ticket another
 * counter took never stays listed as waiting for long. Each answer carries the whole new state.
 */
(() => {
  "use strict";

  const root = document.getElementById("console");
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const text = JSON.parse(document.getElementById("console-text").textContent);
  let state = JSON.parse(document.getElementById("console-data").textContent);
  let clockOffset = Date.parse(state.now) - Date.now(); // server time minus this PC's time
  let busy = false;
  let liveConnected = false;
  let lastRefresh = Date.now();
  let refreshTimer = null;
  // A refresh may be answered before an action commits even if it arrives after it: a refresh that was
  // under way while an action ran is dropped and made again, and an action's own answer always wins.
  let actionsDone = 0;

  const $ = (id) => document.getElementById(id);
  const serverNow = () => Date.now() + clockOffset;
  const buttons = Array.from(root.querySelectorAll("button[data-action]"));
  const timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", timeZone: state.office.timezone,
  });

  function duration(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") node.style.cssText = value;  // CSSOM: the CSP refuses style attributes
      else if (key.startsWith("data-") || key.startsWith("aria-") || key === "title" || key === "type") node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  // ---- what is possible now ---------------------------------------------------------------

  function recallReady(current) {
    return current.next_recall_at !== null && serverNow() >= Date.parse(current.next_recall_at);
  }

  function available(action) {
    const open = state.counter.state === "open";
    const current = state.current;
    switch (action) {
      case "call-next":
      case "call":
        return open && !current && state.waiting.length > 0;
      case "recall":
        return !!current && current.state === "called" && recallReady(current);
      case "start":
      case "no-show":
        return !!current && current.state === "called";
      case "complete":
        return !!current && (current.state === "called" || current.state === "serving");
      case "transfer":
        return !!current && transferTargets().length > 0;
      case "pause":
        return true;
      default:
        return false;
    }
  }

  function transferTargets() {
    const current = state.current;
    return current ? state.transfer_targets.filter((line) => line.id !== current.service_id) : [];
  }

  // ---- rendering ----------------------------------------------------------------------------

  function render() {
    renderHead();
    renderCurrent();
    renderActions();
    renderWaiting();
    renderOthers();
    renderRecent();
    tick();
  }

  function renderHead() {
    const pill = $("counter-state");
    pill.dataset.state = state.counter.state;
    pill.textContent = text[state.counter.state] || state.counter.state;
  }

  function renderCurrent() {
    const box = $("current");
    const current = state.current;
    box.replaceChildren();
    box.dataset.state = current ? current.state : "none";
    if (!current) {
      let hint = text.no_ticket;
      if (state.counter.state === "paused") hint = text.paused_hint;
      if (state.counter.state === "closed") hint = text.closed_hint;
      box.append(el("p", { class: "current-empty" }, hint));
      return;
    }
    const since = current.state === "serving" ? current.started_at : current.called_at;
    box.append(
      el("div", { class: "current-number", id: "current-number" }, current.number),
      el("div", { class: "current-service" }, current.service_name),
      el("div", { class: "current-line" },
        el("span", { class: `pill ticket-${current.state}` }, text[current.state] || current.state),
        el("span", { class: "timer", id: "current-timer", "data-since": since }, "0:00"),
        el("span", { class: "timer-label" }, current.state === "serving" ? text.serving_for : text.since_called)),
      el("div", { class: "current-meta" },
        el("span", {}, `${text.call} ${current.call_count}`),
        el("span", { id: "recall-note", class: "recall-note" })),
    );
  }

  function renderActions() {
    for (const button of buttons) {
      const action = button.dataset.action;
      button.disabled = busy || !available(action);
      if (action === "pause") {
        button.querySelector("[data-label]").textContent =
          state.counter.state === "open" ? text.break : state.counter.state === "paused" ? text.resume : text.open_counter;
      }
    }
  }

  function renderWaiting() {
    const body = $("waiting");
    body.replaceChildren();
    // The list holds the first few in calling order; the count is everyone in the counter's lines.
    const total = state.lines.reduce((sum, line) => sum + line.waiting, 0);
    $("waiting-count").textContent = String(Math.max(total, state.waiting.length));
    $("waiting-empty").hidden = state.waiting.length > 0;
    const canCall = available("call");
    state.waiting.forEach((ticket, index) => {
      const callButton = el("button", { type: "button", class: "small", disabled: !canCall, "data-call": ticket.id },
        text.call_this);
      body.append(el("tr", { "data-ticket-id": String(ticket.id), "data-number": ticket.number },
        el("td", { class: "position" }, String(index + 1)),
        el("td", { class: "number" },
          el("span", { class: "swatch", style: `background:${ticket.colour}` }), " ", ticket.number),
        el("td", {}, ticket.service_name),
        el("td", { class: "waited", "data-since": ticket.waiting_since }, ""),
        el("td", {}, callButton)));
    });
    $("lines").replaceChildren(...state.lines.map((line) =>
      el("span", { class: "line-chip" }, el("span", { class: "swatch", style: `background:${line.colour}` }),
        ` ${line.name} (${line.prefix}) · ${line.waiting}`)));
  }

  function renderOthers() {
    $("others").replaceChildren(...state.others.map((other) => el("li", { class: `other state-${other.state}` },
      el("strong", {}, other.name), " ",
      el("span", { class: "other-ticket" }, other.ticket_number
        ? `${other.ticket_number} · ${text[other.ticket_state] || other.ticket_state}`
        : (text[other.state] || other.state)),
      el("span", { class: "other-clerk" }, other.clerk || text.nobody))));
  }

  function renderRecent() {
    $("recent").replaceChildren(...state.recent.map((item) => el("li", {},
      el("strong", {}, item.number), ` ${text[item.state] || item.state}`,
      item.finished_at ? el("span", { class: "hint" }, ` ${timeFormat.format(new Date(item.finished_at))}`) : null)));
  }

  function tick() {
    const now = serverNow();
    for (const node of root.querySelectorAll("[data-since]")) {
      const since = node.getAttribute("data-since");
      node.textContent = since ? duration(now - Date.parse(since)) : "";
    }
    const note = $("recall-note");
    const current = state.current;
    if (note && current && current.state === "called") {
      let message = "";
      if (current.auto_no_show_at) {
        message = `${text.auto_no_show_in} ${duration(Date.parse(current.auto_no_show_at) - now)}`;
      } else if (current.next_recall_at === null) {
        message = text.no_more_recalls;
      } else if (!recallReady(current)) {
        message = `${text.recall_in} ${duration(Date.parse(current.next_recall_at) - now)}`;
      }
      note.textContent = message;
      const recallButton = root.querySelector('button[data-action="recall"]');
      const ready = !busy && available("recall");
      if (recallButton.disabled === ready) recallButton.disabled = !ready;
    }
  }

  // ---- talking to the server ---------------------------------------------------------------

  function setState(next) {
    state = next;
    clockOffset = Date.parse(state.now) - Date.now();
    render();
  }

  let messageTimer = null;
  function showMessage(message, kind) {
    const box = $("message");
    box.textContent = message || "";
    box.dataset.kind = kind;
    clearTimeout(messageTimer);
    if (kind === "ok") messageTimer = setTimeout(() => { box.textContent = ""; }, 6000);
  }

  async function refresh() {
    const startedAfter = actionsDone;
    const startedIdle = !busy;
    lastRefresh = Date.now();
    try {
      const response = await fetch(root.dataset.stateUrl, {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store",
      });
      if (response.status === 401 || response.redirected) { window.location.reload(); return; }
      if (!response.ok) return;
      const next = await response.json();
      if (busy || !startedIdle || startedAfter !== actionsDone) { scheduleRefresh(); return; } // maybe stale
      setState(next);
    } catch (error) {
      setLive(liveConnected ? "live" : "offline");
    }
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 120); // several changes in a burst cost one fetch
  }

  async function send(action, body = {}) {
    if (busy) return;
    busy = true;
    renderActions();
    try {
      const response = await fetch(root.dataset.actionUrl.replace("ACTION", action), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
      });
      if (response.status === 401) { window.location.reload(); return; }
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        showMessage(data.message, "ok");
        setState(data.state);
      } else {
        showMessage((data.error && data.error.message) || `${response.status} ${response.statusText}`, "bad");
        refresh();
      }
    } catch (error) {
      showMessage("The server could not be reached. Check the screen before trying again.", "bad");
      refresh();
    } finally {
      actionsDone += 1;
      busy = false;
      renderActions();
      renderWaiting();
      tick();
    }
  }

  // ---- actions, dialogs and shortcuts --------------------------------------------------------

  function perform(action) {
    if (!available(action) || busy) return;
    const current = state.current;
    switch (action) {
      case "call-next": send("call-next"); break;
      case "recall":
      case "start":
      case "complete": send(action, { ticket_id: current.id }); break;
      case "no-show": confirmNoShow(current); break;
      case "transfer": openTransfer(); break;
      case "call": openCall(null); break;
      case "pause": send(state.counter.state === "open" ? "pause" : "resume"); break;
      default: break;
    }
  }

  function confirmNoShow(current) {
    const dialog = $("confirm-dialog");
    $("confirm-title").textContent = text.confirm_no_show.replace("{number}", current.number);
    $("confirm-text").textContent = text.confirm_no_show_text;
    dialog.returnValue = "";
    dialog.onclose = () => {
      if (dialog.returnValue === "yes") send("no-show", { ticket_id: current.id });
    };
    dialog.showModal();
    $("confirm-yes").focus();
  }

  function openTransfer() {
    const dialog = $("transfer-dialog");
    const ticketId = state.current.id;
    const options = $("transfer-options");
    options.replaceChildren(...transferTargets().map((line, index) => {
      const button = el("button", { type: "button", "data-service-id": String(line.id), "data-choice": String(index + 1) },
        el("span", { class: "key" }, index < 9 ? String(index + 1) : "·"),
        el("span", { class: "swatch", style: `background:${line.colour}` }),
        ` ${line.name} (${line.prefix}) · ${line.waiting} ${text.waiting.toLowerCase()}`);
      button.addEventListener("click", () => {
        dialog.close();
        send("transfer", { ticket_id: ticketId, service_id: line.id });
      });
      return button;
    }));
    dialog.showModal();
    const first = options.querySelector("button");
    if (first) first.focus();
  }

  function openCall(ticketId) {
    const dialog = $("call-dialog");
    const select = $("call-ticket");
    select.replaceChildren(...state.waiting.map((ticket) => el("option", { value: String(ticket.id) },
      `${ticket.number} · ${ticket.service_name} · ${text.waited} ${duration(serverNow() - Date.parse(ticket.waiting_since))}`)));
    if (ticketId !== null) select.value = String(ticketId);
    $("call-reason").value = "";
    $("call-error").textContent = "";
    dialog.showModal();
    (ticketId !== null ? $("call-reason") : select).focus();
  }

  $("call-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = $("call-reason").value.trim();
    if (reason.length < 3) { $("call-error").textContent = text.pick_reason; $("call-reason").focus(); return; }
    const ticketId = Number($("call-ticket").value);
    $("call-dialog").close();
    send("call", { ticket_id: ticketId, reason });
  });
  for (const choice of document.querySelectorAll("#reason-choices button")) {
    choice.addEventListener("click", () => {
      $("call-reason").value = choice.dataset.reason;
      $("call-error").textContent = "";
      $("call-reason").focus();
    });
  }
  $("call-reason").addEventListener("input", () => { $("call-error").textContent = ""; });
  document.querySelector("#call-dialog [data-close]").addEventListener("click", () => $("call-dialog").close());

  $("transfer-dialog").addEventListener("keydown", (event) => {
    if (!/^[1-9]$/.test(event.key)) return;
    const choice = $("transfer-options").querySelector(`button[data-choice="${event.key}"]`);
    if (choice) { event.preventDefault(); choice.click(); }
  });

  for (const button of buttons) button.addEventListener("click", () => perform(button.dataset.action));
  $("waiting").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-call]");
    if (button && !button.disabled) openCall(Number(button.dataset.call));
  });
  $("leave-form").addEventListener("submit", (event) => {
    if (state.current) {
      event.preventDefault();
      showMessage(`${state.current.number}: complete it, mark it as a no-show or transfer it before signing out of the counter.`, "bad");
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (document.querySelector("dialog[open]")) return; // a dialog has the keyboard
    const target = event.target;
    if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) return;
    const button = buttons.find((candidate) => candidate.dataset.key === event.key.toUpperCase());
    if (!button) return;
    event.preventDefault();
    perform(button.dataset.action);
  });

  // ---- live updates -----------------------------------------------------------------------------

  function setLive(mode) {
    const badge = $("live");
    badge.dataset.live = mode;
    badge.textContent = mode === "live" ? text.live : mode === "polling" ? text.polling : text.reconnecting;
  }

  function connectLive() {
    if (typeof window.io !== "function") { setLive("polling"); return; }
    const socket = window.io("/staff", {
      auth: { office_id: Number(root.dataset.officeId) },
      transports: ["websocket", "polling"],
    });
    socket.on("connect", () => { liveConnected = true; setLive("live"); scheduleRefresh(); });
    socket.on("disconnect", () => { liveConnected = false; setLive("reconnecting"); });
    socket.on("connect_error", () => { liveConnected = false; setLive("reconnecting"); });
    socket.on("change", scheduleRefresh);
    socket.on("snapshot", scheduleRefresh);
    // Socket up but changes no longer reaching this server (Redis away): poll until they do (feed_heartbeat.js).
    window.waitwellFeedHeartbeat(socket, {
      behind: () => { liveConnected = false; setLive("polling"); },
      current: () => { liveConnected = true; setLive("live"); },
      catchUp: scheduleRefresh,
    });
    if (window.waitwellPrinterAlerts) window.waitwellPrinterAlerts.listen(socket); // printer_alerts.js
  }

  function loadSocketClient() {
    const script = document.createElement("script");
    script.src = root.dataset.socketScript;
    script.onload = connectLive;
    script.onerror = () => setLive("polling");
    document.head.append(script);
  }

  // Without the socket, poll every 3 s; with it, still fetch every 30 s in case a message was lost.
  setInterval(() => {
    tick();
    const every = liveConnected ? 30000 : 3000;
    if (!busy && Date.now() - lastRefresh >= every) refresh();
  }, 1000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });

  render();
  loadSocketClient();
})();
