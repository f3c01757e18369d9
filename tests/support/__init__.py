"""What every part of the suite shares to run real parts: free ports (ports), waiting for a condition
(waiting), the app on a loopback port in this process (live) and servers in processes of their own
(processes)."""
