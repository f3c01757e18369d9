/* Lobby display: follows the /display feed, keeps the board current and announces every call.
   Protocol (docs/realtime.md): a snapshot on every (re)connect, then changes with the office's
   feed version; a gap in versions -> ask for a snapshot ("resync"). */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("display-settings").textContent);
  var RESYNC_EVERY_MS = 60000;       // waits grow with time; a new day clears the calls
  var SILENCE_LIMIT_MS = 150000;     // connected but nothing heard for this long: treat as broken
  var ANNOUNCE_WITHIN_MS = 120000;   // after an outage, announce only calls made in the last 2 minutes
  var MAX_CATCH_UP_ANNOUNCEMENTS = 3;
  var HIGHLIGHT_MS = 8000;

  var board = settings.board;
  var version = board.version;
  var serverOffsetMs = Date.parse(board.server_time) - Date.now();
  var lastHeard = Date.now();
  var announced = new Set(board.calls.map(function (call) { return call.key; }));

  var state = {                       // read by tests and by anyone debugging the screen
    connection: "connecting",
    version: version,
    announcements: [],
    resyncs: 0,                       // gaps in versions
    behind: 0,                        // times the heartbeat went silent
    catchUps: 0                       // snapshots asked for because of the heartbeat
  };
  window.waitwellDisplay = state;

  // ---- rendering -----------------------------------------------------------------------------
  var el = function (id) { return document.getElementById(id); };

  function waitText(wait) {
    if (!wait) return "";
    return settings.waits[wait.kind].replace("%(low)s", wait.low).replace("%(high)s", wait.high);
  }

  // The last-10 figure: "12 min", "—" before any call, "Closed" outside opening hours, flagged when stale.
  function lastTenCell(cell, figure) {
    var words = settings.last_ten;
    cell.classList.toggle("stale", !!(figure && figure.stale && figure.office_open !== false));
    if (figure && figure.office_open === false) { cell.textContent = words.closed; return; }
    if (!figure || figure.average_wait_min === null) { cell.textContent = words.none; return; }
    cell.textContent = words.minutes.replace("%(minutes)s", Math.round(figure.average_wait_min));
    if (figure.stale) {
      var flag = document.createElement("span");
      flag.className = "flag";
      flag.textContent = words.stale;
      cell.append(" ", flag);
    }
  }

  // One row per call in the feed (a recall is a call of its own, announced again); the board shows each
  // ticket once, at its latest call.
  function latestPerTicket(calls) {
    var seen = new Set();
    return calls.filter(function (call) {
      if (seen.has(call.number)) return false;
      seen.add(call.number);
      return true;
    });
  }

  function render(data) {
    var shown = latestPerTicket(data.calls);
    var newest = shown[0];
    el("now-call").hidden = !newest;
    el("now-idle").hidden = !!newest;
    if (newest) {
      el("now-number").textContent = newest.number;
      el("now-counter").textContent = newest.counter || "";
    }
    var recent = el("recent");
    recent.replaceChildren.apply(recent, shown.slice(1, data.display.calls_shown).map(function (call) {
      var item = document.createElement("li");
      var number = document.createElement("span");
      number.className = "number";
      number.textContent = call.number;
      var counter = document.createElement("span");
      counter.className = "counter";
      counter.textContent = call.counter || "";
      item.append(number, counter);
      return item;
    }));
    var lines = el("lines");
    lines.replaceChildren.apply(lines, data.services.map(function (service) {
      var row = document.createElement("tr");
      var name = document.createElement("th");
      name.scope = "row";
      var prefix = document.createElement("span");
      prefix.className = "prefix";
      prefix.textContent = service.prefix;
      name.append(prefix, " " + service.name);
      var count = document.createElement("td");
      count.className = "count";
      count.textContent = service.waiting;
      var wait = document.createElement("td");
      wait.className = "wait";
      wait.textContent = service.waiting || service.wait ? waitText(service.wait) : "";
      var lastTen = document.createElement("td");
      lastTen.className = "last-ten";
      lastTenCell(lastTen, service.last_ten);
      row.append(name, count, wait, lastTen);
      return row;
    }));
    lastTenCell(el("office-last-ten"), data.last_ten);
    fitAll();
  }

  function tooWide(element) { return element.scrollWidth > element.clientWidth + 1; }
  function tooTall(element) { return element.scrollHeight > element.clientHeight + 1; }

  // Scale an element down (--fit, in 5 % steps) while `tooBig()` holds, but not below `floor`.
  function shrink(element, tooBig, floor) {
    element.style.removeProperty("--fit");
    for (var fit = 1; tooBig() && fit > floor; fit -= 0.05) {
      element.style.setProperty("--fit", fit.toFixed(2));
    }
  }

  // Long counter names or many services shrink to fit, never cut off.
  function fitWidth(element, floor) {
    shrink(element, function () { return tooWide(element); }, floor || 0.4);
  }

  function fitAll() {
    fitCall();
    Array.prototype.forEach.call(el("recent").children, function (item) { fitOrWrap(item); });
    var lines = document.querySelector(".lines");
    lines.classList.remove("compact");
    fitLines(lines);
    if (tooTall(lines)) {  // many lines: they matter more than the footnote
      lines.classList.add("compact");
      fitLines(lines);
    }
  }

  // The waiting-now table as large as the panel allows, from 3.8 vh down to 1.6 vh.
  function fitLines(lines) {
    var names = lines.querySelectorAll("tbody th");
    var figures = lines.querySelectorAll("td");
    var size = 3.8;
    function overflows() {  // too tall for the panel, or a figure wider than its column
      return tooTall(lines) || Array.prototype.some.call(figures, tooWide);
    }
    function setSize() { lines.style.setProperty("--lines-size", size.toFixed(1) + "vh"); }
    lines.style.removeProperty("--lines-size");
    Array.prototype.forEach.call(names, function (name) {  // one line each while the rows are fitted
      name.classList.remove("wraps");
      name.style.removeProperty("--fit");
    });
    while (overflows() && size > 1.6) { size -= 0.2; setSize(); }
    fitNames(names);
    while (overflows() && size > 1.6) { size -= 0.2; setSize(); fitNames(names); }  // a name had to wrap
  }

  // Each service name on one line, shrunk down to 55 %; one longer still wraps at full size.
  function fitNames(names) {
    Array.prototype.forEach.call(names, function (name) {
      if (fitOrWrap(name, 0.55)) name.style.removeProperty("--fit");
    });
  }

  // The call on one line if it fits at 40 %; else on two lines, as large as the panel's height allows.
  function fitCall() {
    var call = el("now-call");
    var now = el("now");
    if (!fitOrWrap(call)) return;
    shrink(call, function () { return tooTall(now) || tooWide(call); }, 0.3);
  }

  // Shrink to one line down to `floor`; what is longer still wraps (class "wraps"): never cut off.
  function fitOrWrap(element, floor) {
    element.classList.remove("wraps");
    fitWidth(element, floor);
    var wraps = tooWide(element);
    element.classList.toggle("wraps", wraps);
    return wraps;
  }

  function highlight() {
    var now = el("now");
    now.classList.remove("fresh");
    void now.offsetWidth;             // restart the animation for a call right after another
    now.classList.add("fresh");
    clearTimeout(highlight.timer);
    highlight.timer = setTimeout(function () { now.classList.remove("fresh"); }, HIGHLIGHT_MS);
  }

  // ---- clock (office timezone, server time: a TV's own clock is often wrong) -----------------
  var timeFormat = new Intl.DateTimeFormat(document.documentElement.lang,
    { timeZone: board.office.timezone, hour: "2-digit", minute: "2-digit" });
  var dateFormat = new Intl.DateTimeFormat(document.documentElement.lang,
    { timeZone: board.office.timezone, weekday: "long", day: "numeric", month: "long" });
  function tick() {
    var now = new Date(Date.now() + serverOffsetMs);
    el("clock").textContent = timeFormat.format(now);
    el("date").textContent = dateFormat.format(now);
  }
  tick();
  setInterval(tick, 1000);
  fitAll();
  window.addEventListener("resize", fitAll);

  // ---- connection state ------------------------------------------------------------------------
  function setConnection(value) {
    state.connection = value;
    document.body.dataset.connection = value;
    if (value === "live") return;
    el("connection-text").textContent = settings.text[value] || settings.text.reconnecting;
    el("last-update").textContent = value === "connecting" ? "" :
      settings.text.last_update.replace("%(time)s", timeFormat.format(new Date(lastHeard + serverOffsetMs)));
  }

  // ---- announcements: a queue, one at a time, never dropped ------------------------------------
  var queue = [];
  var speaking = false;
  var chime = new Audio(settings.chimeUrl);
  chime.preload = "auto";

  function spelled(number) { return number.split("").join(" "); }

  function enqueue(call) {
    queue.push(call);
    pump();
  }

  function pump() {
    if (speaking || !queue.length) return;
    speaking = true;
    var call = queue.shift();
    var record = { number: call.number, counter: call.counter, key: call.key, at: Date.now(), spoken: [] };
    state.announcements.push(record);
    playChime()
      .then(function () { return speakAll(call, record); })
      .then(function () { record.ended = Date.now(); return pause(700); })
      .then(function () { speaking = false; pump(); });
  }

  function playChime() {
    return new Promise(function (resolve) {
      var done = false;
      var finish = function () { if (!done) { done = true; resolve(); } };
      setTimeout(finish, 4000);        // never let a stuck audio element hold the queue
      chime.onended = finish;
      try {
        chime.currentTime = 0;
        var playing = chime.play();
        if (playing && playing.catch) {
          playing.catch(function (error) {
            if (error && error.name === "NotAllowedError") el("sound-gate").hidden = false;
            finish();
          });
        }
      } catch (error) { finish(); }
    });
  }

  function speakAll(call, record) {
    return settings.voices.reduce(function (previous, voice) {
      return previous.then(function () {
        var text = voice.text.replace("%(number)s", spelled(call.number))
                             .replace("%(counter)s", call.counter || "");
        record.spoken.push({ lang: voice.lang, text: text });
        return speak(text, voice.lang);
      });
    }, Promise.resolve());
  }

  function speak(text, lang) {
    return new Promise(function (resolve) {
      if (!("speechSynthesis" in window)) { resolve(); return; }
      var done = false;
      var finish = function () { if (!done) { done = true; resolve(); } };
      // Chromium sometimes never fires "end": a deadline from the sentence's length keeps the queue moving.
      setTimeout(finish, 3000 + text.length * 150);
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      utterance.rate = 0.9;
      var voice = pickVoice(lang);
      if (voice) utterance.voice = voice;
      utterance.onend = finish;
      utterance.onerror = finish;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    });
  }

  function pickVoice(lang) {
    var voices = window.speechSynthesis.getVoices();
    var base = lang.split("-")[0];
    var exact = voices.filter(function (v) { return v.lang === lang; });
    var near = voices.filter(function (v) { return v.lang.split(/[-_]/)[0] === base; });
    var pool = exact.length ? exact : near;
    // Local voices work without the internet; network voices stop when the line does.
    return pool.filter(function (v) { return v.localService; })[0] || pool[0] || null;
  }

  function pause(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  el("sound-gate").addEventListener("click", function () {
    el("sound-gate").hidden = true;
    chime.play().catch(function () {});
  });

  // ---- applying the feed -------------------------------------------------------------------
  function apply(data) {
    var previousNewest = board.calls[0] && board.calls[0].key;
    board = data;
    version = data.version;
    state.version = version;
    serverOffsetMs = Date.parse(data.server_time) - Date.now();
    lastHeard = Date.now();
    render(data);
    if (data.calls[0] && data.calls[0].key !== previousNewest) highlight();
    var serverNow = Date.now() + serverOffsetMs;
    var fresh = data.calls.filter(function (call) {
      return !announced.has(call.key) && serverNow - Date.parse(call.called_at) < ANNOUNCE_WITHIN_MS;
    });
    data.calls.forEach(function (call) { announced.add(call.key); });
    fresh.slice(0, MAX_CATCH_UP_ANNOUNCEMENTS).reverse().forEach(enqueue);  // oldest first
  }

  var socket = io("/display", {
    auth: { display_id: settings.displayId },
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,       // back within ~3 s of the server, however long it was away
    randomizationFactor: 0.3,
    timeout: 5000
  });

  // Socket up but changes no longer reaching this server (Redis away): say so, and catch up (feed_heartbeat.js).
  var feed = window.waitwellFeedHeartbeat(socket, {
    behind: function () { state.behind += 1; setConnection("behind"); },
    current: function () {},          // the snapshot the catch-up asks for clears the banner
    catchUp: function () { state.catchUps += 1; socket.emit("resync"); }
  });

  socket.on("snapshot", function (data) {
    apply(data);
    setConnection(feed.isBehind() ? "behind" : "live");
  });

  socket.on("change", function (data) {
    lastHeard = Date.now();
    if (data.version <= version) return;          // already known (or older): nothing to do
    if (data.version !== version + 1) {           // missed something: ask for the whole board
      state.resyncs += 1;
      socket.emit("resync");
      return;
    }
    apply(data);
  });

  socket.on("disconnect", function () { setConnection("reconnecting"); });
  socket.on("connect_error", function () {
    if (state.connection !== "connecting") setConnection("reconnecting");
  });

  setInterval(function () {
    if (socket.connected) socket.emit("resync");
  }, RESYNC_EVERY_MS);

  setInterval(function () {
    if (socket.connected && Date.now() - lastHeard > SILENCE_LIMIT_MS) {
      setConnection("stale");
      socket.disconnect().connect();
    }
  }, 5000);
})();
