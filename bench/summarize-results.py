#!/usr/bin/env python3
"""Summarise JMH JSON results of the throughput benchmarks (RingThroughputBenchmark, ChannelThroughputBenchmark).

For each benchmark and set of the other parameters (size, idle, ...): the median of the `consumed` counter over all measurement iterations, the
median of each fork, and B/op from the GC profiler (gc.alloc.rate.norm). This 2-core VM's cross-core speed flips
between a fast and a slow mode from fork to fork, so beside the plain ratio of overall medians it prints:
- for one file (all forks of one implementation ran back to back): ratios of per-fork medians within a fork rank
  (fastest fork against fastest fork, and so on);
- for several files named round-NN-*.json (bench/run-interleaved.sh: one fork per implementation per round, the
  order alternating): the ratio within each round, and their median, the figure to quote; and, when some rounds'
  forks differ by more than 2x (the two forks most likely ran in different modes), the median of the other rounds.
When the JMH text log beside a JSON file (same name, .txt) holds the core-to-core round trips the benchmark's
CoreToCoreProbe printed at the start and end of each fork, every fork is also labelled near or far (both round trips
below or above PROBE_FAR_NS, default 100 ns; forks whose start and end disagree are left out), and each
implementation's median is printed per placement, with the ratio of those medians: like against like.

Usage: bench/summarize-results.py RESULT.json [RESULT.json ...]
"""
import json
import os
import re
import statistics
import sys

# Forks further apart than this factor ran in different modes of the machine (its slow mode is 3-4x slower).
MODE_GAP = 2.0

# Round trips (ns) at or above this mean the two vCPUs sat far apart on the host for that fork.
PROBE_FAR_NS = float(os.environ.get('PROBE_FAR_NS', '100'))
PROBE_LINE = re.compile(r'# core-to-core round trip \((\w+)\): ([0-9.]+) ns')


def placements(path):
    """The placement of each fork in the text log beside path, in run order: 'near', 'far' or 'mixed' (empty if no log)."""
    log = os.path.splitext(path)[0] + '.txt'
    if not os.path.exists(log):
        return []
    forks, current = [], []
    for line in open(log, errors='replace'):
        match = PROBE_LINE.search(line)
        if match:
            current.append(float(match.group(2)))
            if match.group(1) == 'end':
                forks.append(current)
                current = []
    labels = []
    for trips in forks:
        far = [trip >= PROBE_FAR_NS for trip in trips]
        labels.append('far' if all(far) else 'near' if not any(far) else 'mixed')
    return labels


def load(paths):
    """rows[(benchmark, other parameters)][label] = {'values': [...], 'forks': [...], 'alloc': [...], 'rounds': {round: median}}"""
    rows = {}
    for index, path in enumerate(paths):
        match = re.match(r'round-(\d+)-', os.path.basename(path))
        round_id = int(match.group(1)) if match else index
        # Probe lines come in run order, one start and end pair per fork of each benchmark that has the counter.
        fork_placements = placements(path)
        probed_forks = 0
        for result in json.load(open(path)):
            metrics = result.get('secondaryMetrics', {})
            if 'consumed' not in metrics:
                continue
            params = result.get('params', {})
            # Every parameter but the one compared (impl or mode) tells the rows apart: size, idle, ...
            others = ' '.join('%s=%s' % (name, value) for name, value in sorted(params.items())
                              if name not in ('impl', 'mode'))
            key = (result['benchmark'].split('.')[-2], others)
            label = params.get('impl') or params.get('mode')
            row = rows.setdefault(key, {}).setdefault(
                label, {'values': [], 'forks': [], 'alloc': [], 'rounds': {}, 'placed': {}})
            for fork in metrics['consumed']['rawData']:
                if probed_forks < len(fork_placements):
                    row['placed'].setdefault(fork_placements[probed_forks], []).append(statistics.median(fork))
                probed_forks += 1
                row['values'].extend(fork)
                row['forks'].append(statistics.median(fork))
                row['rounds'][round_id] = statistics.median(fork)
            alloc = metrics.get('gc.alloc.rate.norm', {}).get('score')
            if alloc is not None:
                row['alloc'].append(alloc)
    return rows


def pairs_of(labels):
    if 'mac-only' in labels:
        return [(mine, 'mac-only') for mine in labels if mine != 'mac-only']
    return [(mine, mine.replace('bastion', 'agrona')) for mine in labels
            if mine.startswith('bastion') and mine.replace('bastion', 'agrona') in labels]


def main(paths):
    rows = load(paths)
    interleaved = len(paths) > 1
    for (benchmark, others), labels in sorted(rows.items()):
        print('%s %s' % (benchmark, others))
        for label, row in labels.items():
            forks = ' '.join('%.2f' % (value / 1e6) for value in sorted(row['forks'], reverse=True))
            alloc = max(row['alloc']) if row['alloc'] else float('nan')
            print('  %-12s median %8.2f M/s   forks [%s] M/s   %.3f B/op (worst fork)'
                  % (label, statistics.median(row['values']) / 1e6, forks, alloc))
        for mine, other in pairs_of(labels):
            a, b = labels[mine], labels[other]
            overall = statistics.median(a['values']) / statistics.median(b['values'])
            if interleaved:
                common = sorted(set(a['rounds']) & set(b['rounds']))
                ratios = [a['rounds'][r] / b['rounds'][r] for r in common]
                print('  %s / %s: %.2f median of %d per-round ratios [%s] (min %.2f, max %.2f); overall medians %.2f'
                      % (mine, other, statistics.median(ratios), len(ratios), ' '.join('%.2f' % r for r in ratios),
                         min(ratios), max(ratios), overall))
                # A round whose two forks differ by more than MODE_GAP most likely caught the machine in different
                # modes: the ratio then measures the machine, not the code.
                matched = [r for r in ratios if 1 / MODE_GAP <= r <= MODE_GAP]
                if len(matched) < len(ratios):
                    print('    rounds within %.0fx of each other (same machine mode, likely): %s'
                          % (MODE_GAP, '%.2f median of %d [%s]' % (statistics.median(matched), len(matched),
                                                                   ' '.join('%.2f' % r for r in matched))
                             if matched else 'none'))
            else:
                ranked = ' '.join('%.2f' % (x / y) for x, y in zip(sorted(a['forks'], reverse=True),
                                                                   sorted(b['forks'], reverse=True)))
                print('  %s / %s: %.2f (medians), by fork rank [%s]' % (mine, other, overall, ranked))
            for placement in ('near', 'far'):
                mine_forks, other_forks = a['placed'].get(placement, []), b['placed'].get(placement, [])
                if mine_forks and other_forks:
                    print('    %s placement only: %.2f (%.2f M/s over %d forks / %.2f M/s over %d forks)'
                          % (placement, statistics.median(mine_forks) / statistics.median(other_forks),
                             statistics.median(mine_forks) / 1e6, len(mine_forks),
                             statistics.median(other_forks) / 1e6, len(other_forks)))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
