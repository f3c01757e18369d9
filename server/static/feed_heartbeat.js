/* Is this screen's feed still current? (docs/realtime.md, "When Redis goes away")
   The server sends "heartbeat" {link} every 2 s while its process hears the other processes' changes; snapshots
   carry the link too. With no heartbeat for 6 s the socket may be up but changes no longer reach it: the page
   says it may be behind (`behind`), and catches up (`catchUp`) every 5 s meanwhile and once more when
   heartbeats come back. A heartbeat naming another link than the last one seen means the process stopped
   hearing for a while and may have missed a change: catch up too.

   var feed = waitwellFeedHeartbeat(socket, { behind: fn, current: fn, catchUp: fn });
   feed.isBehind()  -> true between `behind` and `current` */
(function () {
  "use strict";

  var SILENCE_LIMIT_MS = 6000;
  var CATCH_UP_EVERY_MS = 5000;

  window.waitwellFeedHeartbeat = function (socket, on) {
    var link;                        // undefined: no snapshot or heartbeat yet
    var lastBeat = Date.now();
    var lastCatchUp = 0;
    var behind = false;

    function catchUp() {
      lastCatchUp = Date.now();
      on.catchUp();
    }

    socket.on("snapshot", function (data) {
      if (data && "link" in data) link = data.link;
      lastBeat = Date.now();
    });

    socket.on("heartbeat", function (beat) {
      lastBeat = Date.now();
      var missed = link !== undefined && beat.link !== link;
      link = beat.link;
      if (behind) {
        behind = false;
        on.current();
        catchUp();
      } else if (missed) {
        catchUp();
      }
    });

    setInterval(function () {
      if (!socket.connected) { lastBeat = Date.now(); return; }   // the connection's own banner says it
      if (!behind && Date.now() - lastBeat > SILENCE_LIMIT_MS) {
        behind = true;
        on.behind();
        catchUp();
      } else if (behind && Date.now() - lastCatchUp > CATCH_UP_EVERY_MS) {
        catchUp();
      }
    }, 1000);

    return { isBehind: function () { return behind; } };
  };
})();
