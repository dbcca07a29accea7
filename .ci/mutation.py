#!/usr/bin/env python3
"""A bounded mutation pass: how many small, plausible bugs in the generated package do the notebook tests catch?

    .venv/bin/python .ci/mutation.py [--modules config,data,...] [--per-module 6] [--timeout 240] [--seed 0]

A notebook's cells define its module's code when the notebook runs as a test, so mutants are made in the exported
cells of the notebook that exports the module (and exported again, so later notebooks would see them too).
For each module it picks `--per-module` mutation points at random (seeded, so a rerun picks the same ones):
a comparison flipped (`<` to `<=`, `==` to `!=`, `in` to `not in`, ...), `and`/`or` swapped, a `not` dropped,
`True`/`False` swapped, a small whole number moved by one, an `if` condition negated. Each mutant is written into a
copy of the project (the working tree is never touched) and the notebook that exports the module is run as
`make test` runs it (`pytest` on that notebook, slow cells skipped). A mutant is *killed* when that run fails,
*survives* when it passes, and counts as killed on timeout. A notebook that fails unmutated is skipped. Prints one row per mutant and the kill rate.
"""
import argparse, ast, json, os, random, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

CORE = 'config,data,schema,features,train,compare,artifact,onnx_export,conform,batch,inference,serve,scale'
FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
        ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}

def mutation_points(tree:ast.AST) -> list[tuple]:
    "Every place a mutant can be made: (kind, node, detail), in source order."
    points = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            points += [('compare', node, i) for i, op in enumerate(node.ops) if type(op) in FLIP]
        elif isinstance(node, ast.BoolOp): points.append(('boolop', node, None))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not): points.append(('not', node, None))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool): points.append(('bool', node, None))
        elif isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= 1000:
            points.append(('int', node, None))
        elif isinstance(node, ast.If): points.append(('if', node, None))
    return [p for p in points if getattr(p[1], 'lineno', None)]

class _Apply(ast.NodeTransformer):
    "Applies one mutation to the node it is given (found again by position)."
    def __init__(self, kind, target, detail): self.kind, self.target, self.detail = kind, target, detail
    def _is(self, node): return (type(node), node.lineno, node.col_offset) == self.target
    def generic_visit(self, node):
        node = super().generic_visit(node)
        if not hasattr(node, 'lineno') or not self._is(node): return node
        if self.kind == 'compare': node.ops[self.detail] = FLIP[type(node.ops[self.detail])]()
        elif self.kind == 'boolop': node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif self.kind == 'not': return node.operand
        elif self.kind == 'bool': node.value = not node.value
        elif self.kind == 'int': node.value = node.value + 1
        elif self.kind == 'if': node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
        return node

DIRECTIVE = re.compile(r'^\s*#\|.*$', re.M)

def mutate(source:str, kind:str, node, detail) -> tuple[str, str]:
    "A cell's source with one mutation applied (its `#|` directives kept), and a one-line description of it."
    target = (type(node), node.lineno, node.col_offset)
    new = ast.fix_missing_locations(_Apply(kind, target, detail).visit(ast.parse(source)))
    directives = ''.join(l + '\n' for l in source.splitlines() if DIRECTIVE.match(l))
    line = source.splitlines()[node.lineno - 1].strip()
    return directives + ast.unparse(new), f"{kind}: {line[:80]}"

def exported_cells(nb:dict) -> list[int]:
    "Indices of a notebook's `#| export` code cells."
    return [i for i, c in enumerate(nb['cells']) if c['cell_type'] == 'code'
            and re.search(r'^\s*#\|\s*export[si]?\b', ''.join(c['source']), re.M)]

def all_points(nb:dict) -> list[tuple]:
    "Every mutation point of a notebook's exported cells: (cell index, kind, node, detail)."
    out = []
    for i in exported_cells(nb):
        try: tree = ast.parse(''.join(nb['cells'][i]['source']))
        except SyntaxError: continue
        out += [(i, *p) for p in mutation_points(tree)]
    return out

def module_notebooks(root:Path) -> dict[str, Path]:
    "Module name -> the notebook that exports it (its `#| default_exp`)."
    out = {}
    for nb in sorted((root/'nbs').glob('*.ipynb')):
        for c in json.loads(nb.read_text(encoding='utf-8'))['cells']:
            m = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M)
            if m: out[m.group(1)] = nb; break
    return out

def run_notebook(copy:Path, nb:Path, timeout:float) -> str:
    "Export the copy, then run one notebook's tests in it: 'killed', 'survived' or 'timeout'."
    env = {**os.environ, 'PYTHONDONTWRITEBYTECODE': '1', 'MPLBACKEND': 'Agg', 'INSIGHT_TEST_FLAGS': ''}
    bin_ = Path(sys.executable).parent
    subprocess.run([bin_/'nbdev_export'], cwd=copy, env=env, capture_output=True, check=True)
    cmd = [sys.executable, '-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', f'nbs/{nb.name}']
    try: r = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired: return 'timeout'
    return 'survived' if r.returncode == 0 else 'killed'

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--modules', default=CORE); p.add_argument('--per-module', type=int, default=6)
    p.add_argument('--timeout', type=float, default=240); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    root = Path(__file__).resolve().parent.parent
    nbs = module_notebooks(root)
    with tempfile.TemporaryDirectory(prefix='insight-mutation-') as tmp:
        copy = Path(tmp)/'project'
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns('.venv', '.git', 'models', 'reports', '_docs',
                                                                  '_proc', '__pycache__', 'mutants'))
        rows = []
        for name in a.modules.split(','):
            if name not in nbs: print(f'{name}: no notebook exports it, skipped', file=sys.stderr); continue
            path = copy/'nbs'/nbs[name].name
            original = path.read_text(encoding='utf-8')
            nb, points = json.loads(original), all_points(json.loads(original))
            if (base := run_notebook(copy, path, a.timeout)) != 'survived':
                print(f'{name}: {path.name} fails without a mutant ({base}): skipped', file=sys.stderr); continue
            for cell, kind, node, detail in random.Random(f'{a.seed}-{name}').sample(points, min(a.per_module, len(points))):
                mutant = json.loads(original)
                src, what = mutate(''.join(nb['cells'][cell]['source']), kind, node, detail)
                mutant['cells'][cell]['source'] = src.splitlines(True)
                path.write_text(json.dumps(mutant, indent=1, ensure_ascii=False), encoding='utf-8')
                t = time.monotonic(); status = run_notebook(copy, path, a.timeout)
                rows.append((name, what, status, time.monotonic() - t))
                print(f"{name:<12} {status:<8} {rows[-1][3]:6.1f}s  {what}", flush=True)
            path.write_text(original, encoding='utf-8')
    killed = sum(s != 'survived' for _, _, s, _ in rows)
    print(f"\n{'module':<12} mutants killed")
    for name in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == name]
        print(f"{name:<12} {len(mine):>7} {sum(r[2] != 'survived' for r in mine):>6}")
    print(f"kill rate: {killed}/{len(rows)} = {killed / max(len(rows), 1):.0%}")

if __name__ == '__main__': main()
