// The supervisor dashboard: draws today's figures from one JSON document and refreshes it whenever the
// office changes (a live Socket.IO feed, the same staff namespace the counter console uses) and every
// 30 seconds anyway, since waits grow while nothing happens.
(function () {
  "use strict";

  var script = document.currentScript;
  var officeId = Number(script.dataset.office);
  var todayUrl = script.dataset.todayUrl;
  var whatIfUrl = script.dataset.whatIfUrl;
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var charts = {};
  var REFRESH_MS = 30000;
  var DEBOUNCE_MS = 800;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function min(value) { return value === null || value === undefined ? "—" : value.toFixed(0) + " min"; }
  function min1(value) { return value === null || value === undefined ? "—" : value.toFixed(1) + " min"; }
  function pct(value) { return value === null || value === undefined ? "—" : value.toFixed(0) + "%"; }
  function num(value) { return value === null || value === undefined ? "—" : String(value); }

  function lastTenText(figure) {
    if (figure.office_open === false) return "closed";
    if (figure.average_wait_min === null) return "no calls yet";
    return min(figure.average_wait_min);
  }

  function lastTenNote(figure) {
    if (figure.updated_at_local === null) return "";
    var note = "last call " + figure.updated_at_local + (figure.calls < 10 ? " · " + figure.calls + " calls" : "");
    return figure.stale ? note + " · stale" : note;
  }

  // --- tiles -------------------------------------------------------------------------------------

  function tile(label, value, short, definition, extra, warn) {
    return el("div", {className: "tile" + (warn ? " tile-warn" : ""), title: definition}, [
      el("p", {className: "tile-label", text: label}),
      el("p", {className: "tile-value", text: value}),
      extra ? el("p", {className: "tile-extra", text: extra}) : el("span"),
      el("p", {className: "tile-def", text: short}),
    ]);
  }

  function drawTiles() {
    var s = data.summary, d = data.definitions, v = data.visits;
    var breached = data.services.some(function (x) { return x.breach; });
    var tiles = [
      tile("Waiting now", num(data.waiting_now), "In line now, not yet called.", d.waiting_now),
      tile("Longest wait now", min(data.longest_wait_min), "Longest anyone still in line has waited so far.",
           d.longest_wait, null, breached),
      tile("Last-10 average", lastTenText(data.last_ten),
           "Last 10 customers called: ticket to first call, time at the counter excluded.", d.last_ten,
           lastTenNote(data.last_ten)),
      tile("Average wait today", min(s.average_wait_min), "Joining the line to first call, tickets called today.",
           d.average_wait_min),
      tile("90% waited at most", min(s.p90_wait_min), "90th percentile of today's waits.", d.p90_wait_min),
      tile("Average service", min1(s.average_service_min), "First call to finished, tickets served.",
           d.average_service_min),
      tile("Within target", pct(s.within_target_pct), "Waits within their service's target.", d.within_target_pct,
           "≤15 min " + pct(s.within_15_min_pct) + " · ≤30 " + pct(s.within_30_min_pct) +
           " · ≤45 " + pct(s.within_45_min_pct)),
      tile("No-show rate", pct(s.no_show_rate_pct), "Called but never came, per ticket called.", d.no_show_rate_pct,
           num(s.no_shows) + " no-shows"),
      tile("Tickets issued / served", num(v.issued) + " / " + num(v.served), "A transferred ticket is one visit.",
           "Visits today: issued, and ended served.",
           num(v.cancelled) + " cancelled · " + num(v.unfinished) + " not finished"),
    ];
    var box = document.getElementById("tiles");
    box.replaceChildren.apply(box, tiles);
  }

  // --- tables ------------------------------------------------------------------------------------

  function headRow(cells) {
    return el("thead", {}, [el("tr", {}, cells.map(function (c) {
      return el("th", {scope: "col", title: c[1] || ""}, [c[0]]);
    }))]);
  }

  function drawServices() {
    var d = data.definitions;
    var table = document.getElementById("services");
    var head = headRow([
      ["Service"], ["Waiting", d.waiting_now], ["Longest now", d.longest_wait], ["Last-10 average", d.last_ten],
      ["Avg wait", d.average_wait_min], ["90% at most", d.p90_wait_min], ["Avg service", d.average_service_min],
      ["Within target", d.within_target_pct], ["Within 15 / 30 / 45 min", d.within_15_min_pct],
      ["No-shows", d.no_shows], ["In line today", d.legs], ["Served", d.served],
    ]);
    var body = el("tbody", {}, data.services.map(function (x) {
      var s = x.summary;
      var name = el("th", {scope: "row"}, [el("span", {className: "prefix", text: x.prefix}), " " + x.name]);
      if (x.breach) {
        name.appendChild(el("span", {className: "badge badge-bad", text: "Over target"}));
        name.appendChild(el("span", {className: "breach-reason", text: x.breach}));
      }
      var lastTen = el("td", {}, [lastTenText(x.last_ten)]);
      var note = lastTenNote(x.last_ten);
      if (note) lastTen.appendChild(el("span", {className: "cell-note" + (x.last_ten.stale ? " stale" : ""), text: note}));
      return el("tr", {className: x.breach ? "breach" : ""}, [
        name, el("td", {text: num(x.waiting_now)}), el("td", {text: min(x.longest_wait_min)}), lastTen,
        el("td", {text: min(s.average_wait_min)}), el("td", {text: min(s.p90_wait_min)}),
        el("td", {text: min1(s.average_service_min)}),
        el("td", {}, [pct(s.within_target_pct), el("span", {className: "cell-note", text: "target " + x.target_wait_min + " min"})]),
        el("td", {className: "bands", text: pct(s.within_15_min_pct) + " · " + pct(s.within_30_min_pct) + " · " +
                  pct(s.within_45_min_pct)}),
        el("td", {text: num(s.no_shows)}),
        el("td", {text: num(s.legs)}), el("td", {text: num(s.served)}),
      ]);
    }));
    table.replaceChildren(head, body);
    document.getElementById("breach-note").textContent = d.breach;
  }

  function utilisationCell(value) {
    var cell = el("td", {className: "util"});
    if (value === null) { cell.textContent = "—"; return cell; }
    var bar = el("span", {className: "bar"}, [el("span", {className: "bar-fill", style: "width:" + Math.min(value, 100) + "%"})]);
    cell.appendChild(bar);
    cell.appendChild(document.createTextNode(pct(value)));
    return cell;
  }

  function hours(value) {
    var total = Math.round(value * 60);
    return Math.floor(total / 60) + " h " + String(total % 60).padStart(2, "0");
  }

  function drawCounters() {
    var d = data.definitions;
    var head = headRow([["Counter"], ["State"], ["Now"], ["Serves"], ["Served", d.served],
      ["Avg service", d.average_service_min], ["Open", d.utilisation], ["Serving", d.utilisation],
      ["Utilisation", d.utilisation]]);
    var body = el("tbody", {}, data.counters.map(function (c) {
      return el("tr", {}, [
        el("th", {scope: "row", text: c.name}),
        el("td", {}, [el("span", {className: "state state-" + c.state, text: c.state})]),
        el("td", {text: c.current_ticket || "—"}), el("td", {text: c.services.join(", ")}),
        el("td", {text: num(c.summary.served)}), el("td", {text: min1(c.summary.average_service_min)}),
        el("td", {text: hours(c.open_hours)}), el("td", {text: hours(c.serving_hours)}),
        utilisationCell(c.utilisation_pct),
      ]);
    }));
    document.getElementById("counters").replaceChildren(head, body);
  }

  // --- charts ------------------------------------------------------------------------------------

  function chart(id, config) {
    if (typeof Chart === "undefined") return;
    if (charts[id]) {
      charts[id].data = config.data;
      charts[id].update("none");
      return;
    }
    charts[id] = new Chart(document.getElementById(id), config);
  }

  function drawCharts() {
    var h = data.hourly;
    var labels = h.hours.map(function (x) { return String(x).padStart(2, "0") + ":00"; });
    var typical = "Typical " + data.office.weekday + " (" + h.days_compared + " of last " + h.days_asked + ")";
    var common = {responsive: true, maintainAspectRatio: false, animation: false,
                  plugins: {legend: {position: "bottom"}}, scales: {y: {beginAtZero: true}}};
    chart("arrivals-chart", {type: "bar", options: common, data: {labels: labels, datasets: [
      {type: "bar", label: "Today", data: h.today_arrivals, backgroundColor: "#1f4e8c"},
      {type: "line", label: typical, data: h.typical_arrivals, borderColor: "#9a5b00", backgroundColor: "#9a5b00",
       borderDash: [6, 4], pointRadius: 2},
    ]}});
    chart("waits-chart", {type: "line", options: common, data: {labels: labels, datasets: [
      {label: "Today", data: h.today_wait_min, borderColor: "#1f4e8c", backgroundColor: "#1f4e8c", spanGaps: false},
      {label: typical, data: h.typical_wait_min, borderColor: "#9a5b00", backgroundColor: "#9a5b00",
       borderDash: [6, 4], pointRadius: 2},
    ]}});
    document.getElementById("hourly-note").textContent = data.definitions.hourly +
      (h.days_compared === 0 ? " No earlier " + data.office.weekday + " has tickets yet." : "");
  }

  // --- estimates and definitions -------------------------------------------------------------------

  function fact(list, term, value) {
    list.appendChild(el("dt", {text: term}));
    list.appendChild(el("dd", {text: value}));
  }

  function drawAccuracy() {
    var a = data.accuracy, list = document.getElementById("accuracy");
    list.replaceChildren();
    if (a.given === 0) {
      fact(list, "Estimates given", "none yet today");
      return;
    }
    var bias = a.bias_min === null ? "—" : (a.bias_min > 0 ? "waited " + a.bias_min.toFixed(1) + " min longer than told"
      : a.bias_min < 0 ? "waited " + (-a.bias_min).toFixed(1) + " min less than told" : "on the mark");
    // Every figure is over the same tickets, the ones called so far, and says how many (docs/metrics.md).
    fact(list, "Estimates given at issue", a.given + " (" + a.called + " called so far)");
    if (a.called > 0) {
      var of = function (count) { return " (" + count + " of " + a.called + ")"; };
      fact(list, "Figures below are over", "the " + a.called + (a.called === 1 ? " ticket" : " tickets") + " called");
      fact(list, "Mean absolute error", min1(a.mean_absolute_error_min));
      fact(list, "On average", bias);
      fact(list, "Actual wait within the range given", pct(a.within_range_pct) + of(a.within_range_count));
      fact(list, "Waited over 10 min longer than told", pct(a.under_by_10_min_pct) + of(a.under_by_10_min_count));
      fact(list, "Average range width", min1(a.average_range_width_min));
    }
    fact(list, "Not called yet", a.not_called + (a.past_range > 0 ? " (" + a.past_range +
      " already waited past the top of their range)" : ""));
  }

  function drawDefinitions() {
    var list = document.getElementById("definitions");
    list.replaceChildren();
    var names = {last_ten: "Last-10 average", wait: "Wait", waiting_now: "Waiting now", longest_wait: "Longest wait now",
      average_wait_min: "Average wait", p90_wait_min: "90% waited at most", average_service_min: "Average service",
      within_target_pct: "Within target", within_15_min_pct: "Within 15 min (30, 45 alike)",
      no_show_rate_pct: "No-show rate", legs: "In line today", served: "Served", utilisation: "Utilisation",
      breach: "Over target", hourly: "By hour", accuracy: "Estimates", what_if: "What if"};
    Object.keys(names).forEach(function (key) { fact(list, names[key], data.definitions[key]); });
    document.querySelectorAll("[data-definition]").forEach(function (node) {
      node.textContent = data.definitions[node.dataset.definition] || "";
    });
  }

  function draw() {
    document.getElementById("office-clock").textContent = data.office.weekday + " " + data.office.day + " · " +
      data.office.now_local + " (" + data.office.timezone + ")" + (data.office.open === false ? " · closed now" : "");
    drawTiles();
    drawServices();
    drawCounters();
    drawCharts();
    drawAccuracy();
    drawDefinitions();
  }

  // --- staying current ---------------------------------------------------------------------------

  var pending = null;
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, DEBOUNCE_MS);
  }

  function refresh() {
    return fetch(todayUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (response.status === 401) { location.reload(); throw new Error("signed out"); }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (fresh) { data = fresh; draw(); })
      .catch(function () { setLive("stale", "Could not refresh; showing figures of " + data.office.now_local); });
  }

  function setLive(state, text) {
    var node = document.getElementById("live");
    node.dataset.state = state;
    node.textContent = text;
  }

  function connect() {
    if (typeof io === "undefined") { setLive("stale", "Refreshing every 30 s"); return; }
    var socket = io("/staff", {auth: {office_id: officeId}, transports: ["websocket", "polling"]});
    socket.on("connect", function () { setLive("live", "Live"); refreshSoon(); });
    socket.on("disconnect", function () { setLive("stale", "Reconnecting…"); });
    socket.on("connect_error", function () { setLive("stale", "Reconnecting…"); });
    socket.on("change", refreshSoon);
    // Socket up but changes no longer reaching this server (Redis away): say so, catch up (feed_heartbeat.js).
    window.waitwellFeedHeartbeat(socket, {
      behind: function () { setLive("stale", "Reconnecting…"); },
      current: function () { setLive("live", "Live"); },
      catchUp: refreshSoon
    });
    if (window.waitwellPrinterAlerts) window.waitwellPrinterAlerts.listen(socket); // printer_alerts.js
  }

  // --- what if -----------------------------------------------------------------------------------

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function waitOrNobody(value) {
    if (value === null) return "nobody served";
    return min1(value);
  }

  function drawWhatIf(answer) {
    var box = document.getElementById("what-if-result");
    var head = headRow([["Counters open for " + answer.service_name], ["Average wait, everyone called"],
      ["90% waited at most"], ["Average wait, " + answer.service_name], ["People called"], ["Never called"]]);
    var body = el("tbody", {}, answer.variants.map(function (v) {
      var never = el("td", {text: v.never_called ? v.never_called.toFixed(0) : "0"});
      if (v.never_called) never.className = "bad";
      return el("tr", {className: v.name === "as now" ? "baseline" : ""}, [
        el("th", {scope: "row", text: v.name + " (" + v.counters_for_service + ")"}),
        el("td", {text: waitOrNobody(v.average_wait_min)}), el("td", {text: min1(v.p90_wait_min)}),
        el("td", {text: waitOrNobody(v.service_average_wait_min)}), el("td", {text: v.people.toFixed(0)}), never,
      ]);
    }));
    var later = answer.expected_arrivals >= 0.5
      ? "about " + answer.expected_arrivals.toFixed(0) + " more expected by a typical " + data.office.weekday + "."
      : "nobody more expected (recent " + data.office.weekday + "s had no tickets later in the day).";
    var notes = [el("p", {className: "hint", text: "From " + answer.from_local + " to " + answer.until_local + ": " +
      answer.waiting_now + " waiting now, " + later})];
    if (answer.variants.some(function (v) { return v.never_called; })) {
      notes.push(el("p", {className: "hint bad", text: "Where people are never called (no counter open for their " +
        "service), they are left out of the averages: compare the never-called column too."}));
    }
    box.replaceChildren.apply(box, notes.concat([
      el("div", {className: "table-wrap"}, [el("table", {className: "figures compact"}, [head, body])])]));
  }

  document.getElementById("what-if").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = document.getElementById("what-if-result");
    box.replaceChildren(el("p", {className: "hint", text: "Replaying the rest of the day…"}));
    fetch(whatIfUrl, {method: "POST", credentials: "same-origin",
                      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
                      body: JSON.stringify({service_id: Number(document.getElementById("what-if-service").value)})})
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (pair) {
        if (!pair[0]) throw new Error(pair[1].error ? pair[1].error.message : "failed");
        drawWhatIf(pair[1]);
      })
      .catch(function (error) { box.replaceChildren(el("p", {className: "error", text: String(error.message)})); });
  });

  draw();
  connect();
  setInterval(refresh, REFRESH_MS);
})();
