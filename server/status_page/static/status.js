/* Status page: keeps the server-rendered page live over the /ticket feed (snapshot on every
   connect, then versioned changes; a gap -> "resync"). Works unchanged if this never runs. */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("status-settings").textContent);
  var RESYNC_EVERY_MS = 120000;
  var status = settings.status;
  var version = status.version;
  var baseTitle = document.title;

  var byId = function (id) { return document.getElementById(id); };
  var all = function (selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); };

  function waitText(wait) {
    if (!wait) return "";
    return settings.waits[wait.kind].replace("%(low)s", wait.low).replace("%(high)s", wait.high);
  }

  function render(s) {
    document.body.classList.remove("state-" + status.state);
    document.body.classList.add("state-" + s.state);
    all("[data-state]").forEach(function (block) { block.hidden = block.dataset.state !== s.state; });
    byId("turn").hidden = s.state !== "called";
    var values = {
      people_ahead: s.people_ahead === null ? "–" : String(s.people_ahead),
      wait: waitText(s.wait),
      last_called: s.last_called || "–",
      counter: s.counter || "",
      number: s.number,
      service: s.service  // a transfer moves the ticket to another line
    };
    all("[data-field]").forEach(function (field) { field.textContent = values[field.dataset.field]; });
    all("[data-needs=wait]").forEach(function (item) { item.hidden = !s.wait; });
    all("[data-needs=cancellable]").forEach(function (item) {
      item.hidden = s.state !== "waiting" && s.state !== "called";
    });
    document.title = s.state === "called" ? "🔔 " + settings.text.your_turn_title + " · " + s.counter
      : s.state === "waiting" && s.people_ahead !== null ? s.number + " · " + s.people_ahead : baseTitle;
  }

  function apply(next) {
    var wasCalled = status.state === "called" && status.call_count === next.call_count;
    render(next);
    status = next;
    version = next.version;
    window.waitwellStatus = { state: next.state, version: version };
    if (next.state === "called" && !wasCalled) alertCitizen(next);
  }

  // ---- "It's your turn": vibration and a notification, if the phone allows them -------------
  function alertCitizen(s) {
    if (navigator.vibrate) navigator.vibrate([500, 250, 500, 250, 800]);
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var title = settings.text.your_turn_title;
    var options = { body: s.number + " → " + s.counter, tag: "waitwell-turn", renotify: true,
                    requireInteraction: true, data: { url: location.pathname } };
    var show = function () { try { new Notification(title, options); } catch (e) { /* Android: needs the worker */ } };
    if (!navigator.serviceWorker) { show(); return; }
    navigator.serviceWorker.getRegistration("/t/").then(function (registration) {
      if (registration) registration.showNotification(title, options);
      else show();
    }).catch(show);
  }

  var notify = byId("notify");
  function registerWorker() {
    if (navigator.serviceWorker) navigator.serviceWorker.register("/t/sw.js", { scope: "/t/" }).catch(function () {});
  }
  if ("Notification" in window && notify) {
    if (Notification.permission === "default") notify.hidden = false;
    if (Notification.permission === "granted") registerWorker();
    notify.addEventListener("click", function () {
      if (navigator.vibrate) navigator.vibrate(1);   // this tap also lets the page vibrate later
      Notification.requestPermission().then(function (answer) {
        if (answer === "granted") {
          registerWorker();
          notify.textContent = settings.text.notify_on;
          notify.disabled = true;
        } else {
          notify.hidden = true;
        }
      });
    });
  }

  // ---- the feed --------------------------------------------------------------------------------
  if (typeof io !== "function") return;   // the page stays useful (and refreshes itself) without it
  var socket = io("/ticket", {
    auth: { token: settings.token },
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.3,
    timeout: 5000
  });

  function setOffline(offline) {
    byId("connection").hidden = !offline;
    document.body.classList.toggle("offline", offline);
  }

  // Socket up but changes no longer reaching this server (Redis away): say so, and catch up (feed_heartbeat.js).
  var feed = window.waitwellFeedHeartbeat(socket, {
    behind: function () { setOffline(true); },
    current: function () {},          // the snapshot the catch-up asks for clears the notice
    catchUp: function () { socket.emit("resync"); }
  });

  socket.on("snapshot", function (data) { apply(data); setOffline(feed.isBehind()); });
  socket.on("change", function (data) {
    // Each message is the ticket's whole state: a newer one replaces the page's (a phone is sent only the
    // versions that concern it, so a skipped version is not a missed change).
    if (data.version <= version) return;
    apply(data);
  });
  socket.on("disconnect", function () { setOffline(true); });
  socket.on("connect_error", function (error) {
    if (error && /does not exist/.test(error.message || "")) { location.reload(); return; }  // expired: show why
    setOffline(true);
  });

  // A phone asleep in a pocket drops the connection: catch up the moment the page is looked at.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") return;
    if (socket.connected) socket.emit("resync");
    else socket.connect();
  });
  setInterval(function () {
    if (socket.connected && document.visibilityState === "visible") socket.emit("resync");
  }, RESYNC_EVERY_MS);
})();
