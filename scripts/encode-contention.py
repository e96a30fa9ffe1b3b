#!/usr/bin/env python3
"""What runs beside the pipeline's encodes (issue 20, goal 1): samples /proc every 10 ms for SECONDS.

  python3 scripts/encode-contention.py SECONDS [REPORT_FILE]

Start it, then the load benchmark (mvn -o -B -Pbench verify -Dbench.quick=true -Dbench.only=load ...). It prints
 1. every ffmpeg run (-version checks left out): start (s from the first), wall and CPU seconds, and whose child it
    is: "pipeline" (the runner, `java ... run`), "cloud" (`localcloud`), "other" (the harness's bare runs);
 2. while a pipeline encode runs: the mean number of runnable threads (state R: running or waiting for a core) of
    every other process, by process and thread name (digits folded) - who competes with ffmpeg for the two cores.
Reading every thread's stat every 10 ms while a pipeline encode runs loads the machine itself (a load run with it
gave 1.41 for batch 2, 1.17-1.30 without): use it to see who competes, not for the ratios.
"""
import collections
import os
import re
import sys
import time

CLK_TCK = os.sysconf('SC_CLK_TCK')


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def stat_fields(text):
    """(name, state, fields after the name) of a /proc stat line; the name may hold spaces and parentheses."""
    close = text.rfind(')')
    return text[text.find('(') + 1:close], text[close + 2], text[close + 2:].split()


def kind_of(pid, cache):
    """pipeline/cloud/harness/ffprobe/... for a process, from its command line (cached per pid)."""
    if pid not in cache:
        cmd = (read('/proc/%s/cmdline' % pid) or '').split('\0')
        prog = os.path.basename(cmd[0]) if cmd else ''
        if prog == 'java':
            cache[pid] = 'cloud' if 'localcloud' in cmd else ('runner' if 'run' in cmd else 'other-java')
        else:
            cache[pid] = prog or '?'
    return cache[pid]


def main():
    seconds = float(sys.argv[1])
    out = open(sys.argv[2], 'w') if len(sys.argv) > 2 else sys.stdout
    kinds, encodes, runnable = {}, {}, collections.Counter()
    encode_samples = 0
    t_first = None
    end = time.time() + seconds
    while time.time() < end:
        now = time.time()
        procs = [p for p in os.listdir('/proc') if p.isdigit()]
        pipeline_encoding = False
        for pid in procs:
            text = read('/proc/%s/stat' % pid)
            if text is None:
                continue
            name, _, f = stat_fields(text)
            if name != 'ffmpeg':
                continue
            if pid not in encodes:
                if '-version' in (read('/proc/%s/cmdline' % pid) or '').split('\0'):
                    encodes[pid] = None
                    continue
                owner = kind_of(f[1], kinds)  # the parent: setpriv execs ffmpeg, so the JVM that started it
                encodes[pid] = {'owner': {'runner': 'pipeline', 'cloud': 'cloud'}.get(owner, 'other'),
                                'start': now, 'last': now, 'ticks': 0}
                t_first = t_first or now
            e = encodes[pid]
            if e is not None:
                e['last'], e['ticks'] = now, int(f[11]) + int(f[12])
                pipeline_encoding |= e['owner'] == 'pipeline'
        if pipeline_encoding:
            encode_samples += 1
            for pid in procs:
                comm = (read('/proc/%s/comm' % pid) or '').strip()
                if comm == 'ffmpeg' or comm.startswith('python'):
                    continue
                try:
                    tids = os.listdir('/proc/%s/task' % pid)
                except OSError:
                    continue
                for tid in tids:
                    text = read('/proc/%s/task/%s/stat' % (pid, tid))
                    if text is None:
                        continue
                    name, state, _ = stat_fields(text)
                    if state == 'R':
                        runnable[(kind_of(pid, kinds), re.sub(r'\d+', '#', name))] += 1
        time.sleep(0.01)
    print('ffmpeg runs: start s, wall s, CPU s, started by', file=out)
    for e in sorted((e for e in encodes.values() if e), key=lambda e: e['start']):
        print('%8.2f %6.2f %6.2f %s' % (e['start'] - t_first, e['last'] - e['start'], e['ticks'] / CLK_TCK,
                                        e['owner']), file=out)
    print('\nrunnable threads beside the pipeline encodes (mean over %d samples), by process and thread:'
          % encode_samples, file=out)
    by_process = collections.Counter()
    for (kind, _), n in runnable.items():
        by_process[kind] += n
    for kind, n in by_process.most_common():
        print('  %5.2f %s' % (n / max(1, encode_samples), kind), file=out)
    for (kind, name), n in runnable.most_common(25):
        print('  %5.2f %-10s %s' % (n / max(1, encode_samples), kind, name), file=out)


if __name__ == '__main__':
    main()
