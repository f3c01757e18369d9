"""The announcement chime, synthesised here (no recorded or downloaded sound): a soft two-note "ding-dong"."""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from functools import cache

SAMPLE_RATE = 22_050
# (start second, frequency Hz): E5 then C5, the classic public-address interval (a major third down).
NOTES = ((0.0, 659.25), (0.55, 523.25))
NOTE_SECONDS = 1.4
# Partials of a struck bell: (frequency ratio, loudness, decay per second). Higher ones fade faster.
PARTIALS = ((1.0, 1.0, 2.6), (2.0, 0.35, 4.0), (3.0, 0.12, 6.0), (4.2, 0.05, 9.0))
ATTACK_SECONDS = 0.008  # a short ramp so the start does not click
PEAK = 0.55  # of full scale: clear in a lobby without clipping on cheap TV speakers


@cache
def chime_wav() -> bytes:
    """The chime as a 16-bit mono WAV file (about 2 seconds)."""
    length = int(SAMPLE_RATE * (NOTES[-1][0] + NOTE_SECONDS))
    samples = [0.0] * length
    for start, frequency in NOTES:
        offset = int(start * SAMPLE_RATE)
        for index in range(int(NOTE_SECONDS * SAMPLE_RATE)):
            if offset + index >= length:
                break
            t = index / SAMPLE_RATE
            attack = min(1.0, t / ATTACK_SECONDS)
            value = sum(loudness * math.exp(-decay * t) * math.sin(2 * math.pi * frequency * ratio * t)
                        for ratio, loudness, decay in PARTIALS)
            samples[offset + index] += attack * value
    loudest = max(abs(s) for s in samples) or 1.0
    fade = int(0.05 * SAMPLE_RATE)  # end on silence
    for index in range(fade):
        samples[length - fade + index] *= 1 - index / fade
    pcm = array("h", (int(s / loudest * PEAK * 32767) for s in samples))
    if sys.byteorder == "big":
        pcm.byteswap()  # WAV samples are little-endian
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()
