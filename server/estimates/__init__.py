"""Wait estimates: plain Python over a snapshot of an office, so any tool can evaluate them."""
