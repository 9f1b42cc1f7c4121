#!/usr/bin/env python3
"""Summarise bench/run-ab.sh: per benchmark, parameters and implementation, the `consumed` median of each build's
fork in each round, the round's ratio new/base, and the median of those ratios; each fork's core-to-core placement
(near/far, from the probe lines in the text log) beside it; B/op of each build. Rounds whose two forks ran in
different placements are marked and left out of the 'like placement' median.

Usage: bench/summarize-ab.py RESULTS_FOLDER
"""
import glob
import os
import statistics
import sys


def load_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'summarize_results', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'summarize-results.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(folder):
    summarize = load_module()
    builds = {}
    for label in ('base', 'new'):
        builds[label] = summarize.load(sorted(glob.glob(os.path.join(folder, 'round-*-%s.json' % label))))
    for key in sorted(set(builds['base']) & set(builds['new'])):
        benchmark, others = key
        for impl in sorted(set(builds['base'][key]) & set(builds['new'][key])):
            base, new = builds['base'][key][impl], builds['new'][key][impl]
            print('%s %s %s' % (benchmark, others, impl))
            ratios, like = [], []
            for round_id in sorted(set(base['rounds']) & set(new['rounds'])):
                b, n = base['rounds'][round_id], new['rounds'][round_id]
                pb = [p for p, values in base['placed'].items() if b in values]
                pn = [p for p, values in new['placed'].items() if n in values]
                place_b, place_n = (pb or ['?'])[0], (pn or ['?'])[0]
                ratio = n / b if b else float('nan')
                ratios.append(ratio)
                if place_b == place_n and place_b != '?':
                    like.append(ratio)
                print('  round %d: base %.2f M/s (%s)  new %.2f M/s (%s)  new/base %.2f%s' % (
                    round_id, b / 1e6, place_b, n / 1e6, place_n, ratio,
                    '' if place_b == place_n else '  (placements differ)'))
            if ratios:
                print('  median new/base %.2f over %d rounds; like placement %s' % (
                    statistics.median(ratios), len(ratios),
                    '%.2f over %d' % (statistics.median(like), len(like)) if like else 'none'))
            for label, row in (('base', base), ('new', new)):
                if row['alloc']:
                    print('  %s B/op: %s' % (label, ' '.join('%.3f' % a for a in row['alloc'])))


if __name__ == '__main__':
    main(sys.argv[1])
