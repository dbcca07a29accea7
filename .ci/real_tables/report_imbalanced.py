"""Markdown table from results/*.json files written by imb.py: python report.py results/a.json results/b.json ..."""
import json, sys
rows = [r for f in sys.argv[1:] for r in json.load(open(f))]
order = {'default': 0, 'email': 1, 'caravan': 2}
rows.sort(key=lambda r: (order.get(r['table'], 9), 'wt-dec' in r['checkout']))
f = lambda x, n=4: '-' if x is None else f"{x:.{n}f}"
print("| table | rows | positive (share) | checkout | model (selection metric) | threshold | test BA | test ROC AUC | test log loss "
      "| baseline BA | reference BA (LR / LGBM) | reference ROC AUC (LR / LGBM) | seconds fw / ref |\n|" + "---|" * 13)
for r in rows:
    if 'error' in r: print(f"| {r['table']} | error: {r['error'][:150]} |" + " |" * 11); continue
    d, m, ref = r.get('decision') or {}, r['metrics'], r['reference']
    thr = d.get('threshold') if isinstance(d, dict) else None
    print(f"| {r['table']} | {r['rows']} | {r['positive']} ({r['positive_share']:.3f}) | {r['checkout'].split('/')[-1]} @{r['commit']} "
          f"| {r['selected']} ({r['metric']}) | {f(thr, 3) if thr is not None else '0.5 (none)'} | {f(m.get('balanced_accuracy'))} "
          f"| {f(m.get('roc_auc'))} | {f(m.get('log_loss'))} | {f(r['baseline'].get('balanced_accuracy'))} "
          f"| {f(ref['logistic']['balanced_accuracy'])} / {f(ref['lightgbm']['balanced_accuracy'])} "
          f"| {f(ref['logistic']['roc_auc'])} / {f(ref['lightgbm']['roc_auc'])} "
          f"| {r['seconds']} / {ref['logistic']['seconds'] + ref['lightgbm']['seconds']:.1f} |")
print("\nTargets for 'after' (wt-dec): BA >= baseline BA; BA >= 0.95 x best reference BA; ROC AUC >= 'before' ROC AUC.\n")
print("| table | BA >= baseline | BA / best reference BA (>= 0.95) | ROC AUC after - before (>= 0) | positive class (fw / minority) | split rows match |\n|---|---|---|---|---|---|")
for t in order:
    b = next((r for r in rows if r['table'] == t and 'wt-base' in r['checkout'] and 'error' not in r), None)
    a = next((r for r in rows if r['table'] == t and 'wt-dec' in r['checkout'] and 'error' not in r), None)
    if not a: continue
    ba, best = a['metrics']['balanced_accuracy'], max(a['reference'][k]['balanced_accuracy'] for k in a['reference'])
    dauc = a['metrics']['roc_auc'] - b['metrics']['roc_auc'] if b else None
    pos = (a.get('decision') or {}).get('positive_class') if isinstance(a.get('decision'), dict) else None
    print(f"| {t} | {'yes' if ba >= a['baseline']['balanced_accuracy'] else 'NO'} ({f(ba)} vs {f(a['baseline']['balanced_accuracy'])}) "
          f"| {'yes' if ba >= 0.95 * best else 'NO'} ({ba / best:.3f}) | {'yes' if dauc is not None and dauc >= 0 else 'NO'} ({f(dauc)}) "
          f"| {pos} / {a['positive']} | {a['split_matches']} ({a['test_rows']} / {a['rows_run']['test']}) |")
