#!/usr/bin/env python3
"""Summarise a JMH JSON result of the throughput benchmarks (RingThroughputBenchmark, ChannelThroughputBenchmark).

For each benchmark and parameter set: the median of the `consumed` counter over all measurement iterations, the
median of each fork, and B/op from the GC profiler (gc.alloc.rate.norm). This 2-core VM's cross-core speed flips
between a fast and a slow mode from fork to fork, so also prints ratios of per-fork medians within a fork rank
(fastest fork against fastest fork, and so on) beside the plain ratio of overall medians.

Usage: bench/summarize-results.py bench/target/results/jmh-<stamp>.json
"""
import json
import statistics
import sys


def main(path):
    results = json.load(open(path))
    rows = {}
    for result in results:
        metrics = result.get('secondaryMetrics', {})
        if 'consumed' not in metrics:
            continue
        params = result.get('params', {})
        key = (result['benchmark'].split('.')[-2], params.get('size', ''))
        label = params.get('impl') or params.get('mode')
        forks = metrics['consumed']['rawData']
        everything = [value for fork in forks for value in fork]
        per_fork = sorted((statistics.median(fork) for fork in forks), reverse=True)
        alloc = metrics.get('gc.alloc.rate.norm', {}).get('score', float('nan'))
        rows.setdefault(key, {})[label] = (statistics.median(everything), per_fork, alloc)
    for (benchmark, size), labels in sorted(rows.items()):
        print('%s size=%s' % (benchmark, size))
        for label, (median, per_fork, alloc) in labels.items():
            forks = ' '.join('%.2f' % (value / 1e6) for value in per_fork)
            print('  %-12s median %8.2f M/s   forks [%s] M/s   %.3f B/op' % (label, median / 1e6, forks, alloc))
        anchor = 'mac-only' if 'mac-only' in labels else None
        pairs = [(mine, anchor) for mine in labels if anchor and mine != anchor]
        if not anchor:
            pairs = [(mine, mine.replace('bastion', 'agrona')) for mine in labels if mine.startswith('bastion')]
        for mine, other in pairs:
            if other in labels:
                a, b = labels[mine], labels[other]
                ranked = ' '.join('%.2f' % (x / y) for x, y in zip(a[1], b[1]))
                print('  %s / %s: %.2f (medians), by fork rank [%s]' % (mine, other, a[0] / b[0], ranked))


if __name__ == '__main__':
    main(sys.argv[1])
