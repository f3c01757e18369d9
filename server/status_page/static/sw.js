/* Status page service worker: only so that phones can show "It's your turn" notifications. */
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url.indexOf(url) !== -1) return windows[i].focus();
    }
    return self.clients.openWindow(url);
  }));
});
