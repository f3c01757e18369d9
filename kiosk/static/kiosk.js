/* Kiosk page: start screen, a tap issued exactly once (idempotency key, retried), result, idle reset. */
(function () {
  "use strict";

  const settings = JSON.parse(document.getElementById("kiosk-settings").textContent);
  const BOARD_REFRESH_MS = 15000;
  const RECONNECT_REFRESH_MS = 3000;
  const REQUEST_TIMEOUT_MS = 8000;
  const TAP_GIVE_UP_MS = 120000;
  const PRINT_WATCH_MS = 6000;
  const SCANNER_GAP_MS = 60;

  const $ = (id) => document.getElementById(id);
  const screens = ["start", "busy", "result", "appointment"];
  let language = settings.language;
  let board = null;
  let screen = "start";
  let tapping = false;
  let connected = true;
  let boardTimer = null;
  let idleTimer = null;
  let resultTimer = null;
  let lastResult = null;

  // --- words -------------------------------------------------------------------------------
  function t(key, values) {
    const table = settings.messages[language] || settings.messages.en;
    let text = table[key] || settings.messages.en[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("%(" + name + ")s").join(String(value));
    }
    return text;
  }
  const plural = (base, n) => t(n === 0 ? base + "_none" : n === 1 ? base + "_one" : base + "_other", { n: n });

  function applyLanguage(code) {
    language = settings.messages[code] ? code : settings.language;
    document.documentElement.lang = language;
    document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll("[data-i18n-alt]").forEach((node) => { node.alt = t(node.dataset.i18nAlt); });
    document.querySelectorAll(".language").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.language === language));
    });
    renderServices();
    if (lastResult && screen === "result") renderResult(lastResult.ticket, lastResult.printState);
  }

  // --- screens and idle reset ----------------------------------------------------------------
  function show(name) {
    screen = name;
    screens.forEach((id) => { $(id).hidden = id !== name; });
    document.body.className = document.body.className.replace(/\bscreen-\S+/g, "").trim() + " screen-" + name;
    if (name === "start") fitServices();
    armIdle();
  }

  function armIdle() {
    clearTimeout(idleTimer);
    if (screen === "busy" || screen === "result") return;  // these end by themselves
    idleTimer = setTimeout(resetToStart, settings.idleSeconds * 1000);
  }

  function resetToStart() {
    clearTimeout(resultTimer);
    lastResult = null;
    document.body.classList.remove("printer-problem");
    $("booking-code").value = "";
    $("appointment-message").hidden = true;
    $("walk-in-button").hidden = true;
    $("check-in-button").hidden = false;
    $("notice").hidden = true;
    $("live").textContent = "";
    show("start");
    applyLanguage(settings.language);
    window.scrollTo(0, 0);
  }

  ["pointerdown", "keydown", "touchstart"].forEach((type) => {
    document.addEventListener(type, armIdle, { passive: true });
  });

  // --- network ------------------------------------------------------------------------------
  async function request(url, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(url, Object.assign({ signal: controller.signal, cache: "no-store" }, options));
      const body = await response.json().catch(() => ({}));
      return { status: response.status, body: body };
    } finally {
      clearTimeout(timer);
    }
  }

  function setConnected(value) {
    if (connected === value) return;
    connected = value;
    $("connection").hidden = value;
    fitServices();  // the banner takes room from the list, or gives it back
    if (screen === "busy") $("busy-text").textContent = t(value ? "issuing" : "reconnecting");
  }

  async function refreshBoard() {
    clearTimeout(boardTimer);
    try {
      const answer = await request(settings.boardUrl);
      if (answer.status !== 200) throw new Error("board " + answer.status);
      board = answer.body;
      setConnected(true);
      renderServices();
    } catch (error) {
      setConnected(false);
    }
    boardTimer = setTimeout(refreshBoard, connected ? BOARD_REFRESH_MS : RECONNECT_REFRESH_MS);
  }

  // --- start screen -------------------------------------------------------------------------
  function renderServices() {
    const list = $("services");
    if (!board) return;
    const wanted = board.services.map((s) => String(s.service_id)).join(",");
    if (list.dataset.services !== wanted) {
      list.textContent = "";
      board.services.forEach((service) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "service";
        button.dataset.serviceId = service.service_id;
        button.innerHTML = '<span class="service-name-text"></span><span class="service-description"></span>' +
          '<span class="service-figures"><span class="waiting"></span><span class="wait"></span></span>';
        button.addEventListener("click", () => tap(service.service_id));
        item.appendChild(button);
        list.appendChild(item);
      });
      list.dataset.services = wanted;
    }
    board.services.forEach((service) => {
      const button = list.querySelector('[data-service-id="' + service.service_id + '"]');
      const wait = service.wait[language] || service.wait.en || "";
      button.querySelector(".service-name-text").textContent = serviceName(service.service_id, service.name);
      button.querySelector(".service-description").textContent = service.description;
      button.querySelector(".waiting").textContent = service.active ? plural("waiting", service.people_waiting) : "";
      button.querySelector(".wait").textContent = !service.active ? t("unavailable")
        : wait ? t("wait", { range: wait }) : t("no_estimate");
      button.disabled = !service.active;
    });
    fitServices();
  }

  // A service's name in the page's language, where the office gave one (its default name otherwise).
  function serviceName(serviceId, fallback) {
    const service = board && board.services.find((s) => s.service_id === serviceId);
    return (service && service.names && service.names[language]) || fallback;
  }

  // Every service on screen without scrolling: a visitor does not guess that the list scrolls. Denser
  // layouts are tried in turn (more columns, then no descriptions, then smaller type) until all fit;
  // should even the densest not fit, a hint says that more services are below.
  const DENSITIES = ["", "columns", "columns compact", "columns compact small", "more-columns compact small"];

  function fitServices() {
    const list = $("services");
    if (screen !== "start") return;  // sizes are only known on screen; fitted again when it shows
    const fits = () => list.scrollHeight <= list.clientHeight + 1;
    for (const density of DENSITIES) {
      list.dataset.density = density;
      if (fits()) break;
    }
    $("more-services").hidden = fits();
  }

  window.addEventListener("resize", fitServices);

  // --- a tap: one key, retried until the server answers ----------------------------------------
  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // works on plain http too, unlike crypto.randomUUID
    return "tap-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function tap(serviceId) {
    if (tapping) return;
    tapping = true;
    const body = JSON.stringify({ service_id: serviceId, idempotency_key: newKey(), language: language });
    $("busy-text").textContent = t(connected ? "issuing" : "reconnecting");
    show("busy");
    const started = Date.now();
    let delay = 500;
    try {
      for (;;) {
        let answer = null;
        try {
          answer = await request(settings.tapUrl, {
            method: "POST", headers: { "Content-Type": "application/json" }, body: body,
          });
        } catch (error) {
          answer = null;  // network down, server restarting, or the answer was lost: same key again
        }
        if (answer && answer.status === 201) {
          setConnected(true);
          showResult(answer.body);
          return;
        }
        if (answer && answer.status < 500) {
          setConnected(true);
          notice(answer.status === 429 ? t("too_many") : (answer.body.error || {}).message || t("failed"));
          return;
        }
        setConnected(false);
        if (Date.now() - started > TAP_GIVE_UP_MS) {
          notice(t("server_unreachable"));
          return;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    } finally {
      tapping = false;
    }
  }

  function notice(text) {
    show("start");
    const box = $("notice");
    box.textContent = text;
    box.hidden = false;
    setTimeout(() => { box.hidden = true; }, 8000);
  }

  // --- result -------------------------------------------------------------------------------
  function showResult(ticket) {
    const job = ticket.print;
    let printState = "none";
    if (job) {
      const trouble = ["paper_out", "offline"].includes(ticket.printer_status) || job.state === "failed";
      printState = job.state === "printed" ? "printed" : trouble ? "problem" : "printing";
    }
    lastResult = { ticket: ticket, printState: printState };
    $("result-qr").src = ticket.qr_svg_url;
    $("result-qr").dataset.payload = ticket.status_url;
    renderResult(ticket, printState);
    show("result");
    $("result-title").focus();
    refreshBoard();
    if (printState === "printing") watchPrint(ticket, job.job_id);
    scheduleReturn(printState);
  }

  function scheduleReturn(printState) {
    clearTimeout(resultTimer);
    const seconds = printState === "problem" ? settings.resultSeconds * 3 : settings.resultSeconds;
    resultTimer = setTimeout(resetToStart, seconds * 1000);
  }

  function renderResult(ticket, printState) {
    const ahead = ticket.people_ahead || 0;
    const wait = ticket.wait[language] || ticket.wait.en || "";
    $("result-number").textContent = ticket.number;
    $("result-service").textContent = serviceName(ticket.service_id, ticket.service_name);
    $("result-ahead").textContent = plural("ahead", ahead);
    const booked = ticket.appointment_at && (ticket.appointment_at[language] || ticket.appointment_at.en);
    $("result-wait").textContent = booked ? t("checked_in_for", { time: booked }) : wait ? t("wait", { range: wait }) : "";
    const message = $("print-message");
    document.body.classList.toggle("printer-problem", printState === "problem");
    message.textContent = "";
    if (printState === "problem") {
      const title = document.createElement("strong");
      title.textContent = t("printer_problem_title");
      message.appendChild(title);
      message.appendChild(document.createTextNode(t("printer_problem")));
    } else {
      message.textContent = t({ printed: "printed", printing: "printing", none: "no_printer" }[printState]);
    }
    $("live").textContent = t("summary", {
      number: ticket.number, ahead: $("result-ahead").textContent, wait: $("result-wait").textContent,
      print: message.textContent,
    });
  }

  async function watchPrint(ticket, jobId) {
    const until = Date.now() + PRINT_WATCH_MS;
    while (lastResult && lastResult.ticket === ticket && Date.now() < until) {
      await sleep(400);
      try {
        const answer = await request(settings.printJobUrl + jobId);
        if (answer.status !== 200) continue;
        if (answer.body.state === "printed") return updatePrint(ticket, "printed");
        if (answer.body.state === "retrying" || answer.body.state === "failed") return updatePrint(ticket, "problem");
      } catch (error) {
        /* the board refresh shows "reconnecting"; keep watching */
      }
    }
    updatePrint(ticket, "problem");  // nothing came out in time: the visitor must not leave empty-handed
  }

  function updatePrint(ticket, printState) {
    if (!lastResult || lastResult.ticket !== ticket || lastResult.printState === printState) return;
    lastResult.printState = printState;
    renderResult(ticket, printState);
    scheduleReturn(printState);
  }

  // --- appointments -------------------------------------------------------------------------
  function openAppointment(code) {
    show("appointment");
    $("appointment-message").hidden = true;
    $("booking-code").value = code || "";
    $("booking-code").focus();
    if (code) checkIn(code);
  }

  async function checkIn(code) {
    const message = $("appointment-message");
    message.hidden = false;
    message.textContent = t("checking_in");
    $("walk-in-button").hidden = true;
    $("check-in-button").hidden = false;
    try {
      const answer = await request(settings.checkInUrl, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: code, language: language }),
      });
      const body = answer.body || {};
      const inLanguage = (texts) => (texts || {})[language] || (texts || {}).en || "";
      if (answer.status === 200 && body.outcome === "checked_in") {
        showResult(body);  // a ticket like a tap's: number, QR, printing
        return;
      } else if (answer.status === 200 && body.outcome === "too_early") {
        message.textContent = body.opens_on
          ? t("too_early_day", { day: inLanguage(body.opens_on), time: inLanguage(body.opens_at) })
          : t("too_early", { time: inLanguage(body.opens_at) });
      } else if (answer.status === 200 && body.outcome === "too_late") {
        message.textContent = t("too_late", { time: inLanguage(body.appointment_at) });
        if (body.walk_in && body.walk_in.offered) {
          $("check-in-button").hidden = true;  // checking in again cannot work: only the offer is left
          const button = $("walk-in-button");
          button.textContent = t("walk_in", { service: body.walk_in.service_name });
          button.dataset.serviceId = body.walk_in.service_id;
          button.hidden = false;
        }
      } else if (answer.status === 404 || answer.status === 422) {
        message.textContent = t("booking_not_found");
      } else {
        message.textContent = (body.error || {}).message || t("failed");
      }
    } catch (error) {
      message.textContent = t("server_unreachable");
    }
    $("live").textContent = message.textContent;
  }

  $("walk-in-button").addEventListener("click", (event) => {
    event.currentTarget.hidden = true;
    tap(Number(event.currentTarget.dataset.serviceId));
  });

  $("appointment-button").addEventListener("click", () => openAppointment(""));
  $("appointment-back").addEventListener("click", resetToStart);
  $("appointment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("booking-code").value.trim();
    if (code) checkIn(code);
  });

  // A USB barcode scanner types the QR content fast and ends with Enter: treat that as a check-in.
  let scanned = "";
  let lastKeyAt = 0;
  document.addEventListener("keydown", (event) => {
    if (screen !== "start" || event.target.tagName === "INPUT") return;
    const now = Date.now();
    if (now - lastKeyAt > SCANNER_GAP_MS) scanned = "";
    lastKeyAt = now;
    if (event.key === "Enter" && scanned.length >= 4) {
      event.preventDefault();
      openAppointment(scanned);
      scanned = "";
    } else if (event.key.length === 1) {
      scanned += event.key;
    }
  });

  // --- wiring -------------------------------------------------------------------------------
  document.querySelectorAll(".language").forEach((button) => {
    button.addEventListener("click", () => applyLanguage(button.dataset.language));
  });
  $("done-button").addEventListener("click", resetToStart);
  window.addEventListener("online", refreshBoard);
  document.addEventListener("contextmenu", (event) => event.preventDefault());

  applyLanguage(settings.language);
  show("start");
  refreshBoard();
})();
