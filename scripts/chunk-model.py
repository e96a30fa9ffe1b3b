#!/usr/bin/env python3
"""Time to ready for a long upload split across W workers: the README's split-and-stitch model.

T(W, c) = P + makespan(W, c) + S. The tasks (the audio tasks, then ceil(L / c) chunks) are taken in queue order
by whichever worker is free first (list scheduling, as competing SQS consumers do); each worker pays the source
download D before its first task. Inputs are per second of video, from the chunking bench (README).
"""
import heapq
import math
import sys


def makespan(workers, chunk, length, e, o, audio_tasks, a, d):
    tasks = [a * length / audio_tasks] * audio_tasks
    n = math.ceil(length / chunk)
    tasks += [e * min(chunk, length - k * chunk) + o for k in range(n)]
    free = [(0.0, w, True) for w in range(workers)]  # (time free, worker, first task still to come)
    heapq.heapify(free)
    end = 0.0
    for t in tasks:
        at, w, first = heapq.heappop(free)
        done = at + (d if first else 0.0) + t
        end = max(end, done)
        heapq.heappush(free, (done, w, False))
    return end


def main():
    args = dict(a.split("=") for a in sys.argv[1:])
    length = float(args.get("length", 3600))
    e, o = float(args.get("e", 2.73)), float(args.get("o", 0))
    a, audio_tasks = float(args.get("A", 0.074)), int(args.get("audio_tasks", 3))
    s, d, p = float(args.get("S", 0.072)), float(args.get("D", 67)), float(args.get("P", 70))
    print("| workers | best chunk (s) | T (min) | T with 60 s chunks (min) |")
    print("| --- | --- | --- | --- |")
    for w in (1, 4, 16, 64):
        best = min(range(10, int(length) + 1, 2),
                   key=lambda c: makespan(w, c, length, e, o, audio_tasks, a, d))
        t = p + makespan(w, best, length, e, o, audio_tasks, a, d) + s * length
        t60 = p + makespan(w, 60, length, e, o, audio_tasks, a, d) + s * length
        print(f"| {w} | {best} | {t / 60:.1f} | {t60 / 60:.1f} |")


if __name__ == "__main__":
    main()
