"""Helpers shared by the benchmarks: resident memory and a sampler of its peak, the CPU's name."""

import os
import platform
import threading
import time


def cpu_name():
    """The CPU's model name from /proc/cpuinfo (Linux), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def rss_mib():
    """This process's resident memory, in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRSS:
    """``with PeakRSS(period) as peak:`` samples resident memory; ``peak.base`` and ``peak.peak`` in MiB."""

    def __init__(self, period=0.002):
        self.period = period

    def __enter__(self):
        self.base = self.peak = rss_mib()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()
        return self

    def _sample(self):
        while not self._done.is_set():
            self.peak = max(self.peak, rss_mib())
            time.sleep(self.period)

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())
        return False
