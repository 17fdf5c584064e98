#!/usr/bin/env python3
"""Accuracy of shipcheck against oracle tools on the real-code corpus.

    bench/corpus.sh                 # fetch the corpus first
    python3 bench/accuracy.py [--corpus DIR] [--oracles DIR] [--shipcheck BIN] [--out DIR]

Oracles (installed outside the repo, in --oracles, default /tmp/oracles):
  npm: eslint, @typescript-eslint/parser, typescript (<6.1), leasot,
       eslint-plugin-no-only-tests
  PyPI: ruff (on PATH)
Comparisons, keyed by (file, line):
  JS/TS debug/console   vs ESLint no-console (no allow-list)
  JS/TS debug/debugger  vs ESLint no-debugger
  JS/TS debug/focused-test vs eslint-plugin-no-only-tests (plus fit/fdescribe/fcontext)
  Python debug/breakpoint vs ruff T100
  Python TODO comments  vs ruff FIX001-FIX004
  JS/TS TODO comments   vs leasot (tags TODO, FIXME, XXX, HACK)
shipcheck runs with debug/console allow: [], production-code exclude: [] and
test-files: ["**"] so every file is both production code and a test file, and
with max-file-size: 1GiB and minified-line-length: 0 so it lexes every file the
oracles read, minified bundles and multi-megabyte files included (by default
it skips them; the script counts the oracle hits in those files). shipcheck reports only TODOs
without an issue reference, so oracle TODO hits on lines carrying a
reference (#12, owner/repo#12, ABC-12, an issue URL) are dropped from the
oracle set. ESLint runs only on JS/TS files whose text contains `console` or
`debugger` (lossless: no other file can hold a hit of either tool); leasot
only on files containing a marker word. Files ESLint could not parse are left
out of the console/debugger comparison and counted.
Disagreements are written to OUT/disagreements.json with a class (heuristic,
or read by hand: BY_HAND). The debug rules' deliberate exemptions each have a
class: command-line packages (a package.json with `bin` and no `main`/`exports`
beyond it: the whole folder; a library that also ships a command: only its
`bin` files), files build-time package.json scripts run, `#!` files, logger
modules, modules importing a CLI framework or bundler API, `typeof console.x`,
logger adapters forwarding a spread argument, development-only blocks, and
`window.console` (shipcheck-only). Exit status 1 if any disagreement is left
unexplained (not `deliberate` or `oracle wrong`), `shipcheck wrong` included.
"""
import argparse, json, os, re, subprocess, sys, collections

JS_EXT = ('.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts')
REF_RE = re.compile(r'#\d+|\b[A-Z][A-Z0-9]{1,9}-\d+\b|https?://\S*/(issues|pull|browse|ticket)s?/\S*\d', re.I)
MARKERS = ('TODO', 'FIXME', 'XXX', 'HACK')
MAX_SIZE = 1 << 20

def run(cmd, cwd=None, ok=(0, 1)):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p.stdout

def files_with(root, exts, words):
    rx = re.compile('|'.join(map(re.escape, words)))
    out = []
    for d, dirs, fs in os.walk(root):
        for f in fs:
            if f.endswith(exts) and not f.endswith('.d.ts') or f.endswith('.d.ts') and '.ts' in exts:
                p = os.path.join(d, f)
                try:
                    with open(p, encoding='utf-8', errors='replace') as fh:
                        if rx.search(fh.read()):
                            out.append(os.path.relpath(p, CORPUS))
                except OSError:
                    pass
    return sorted(out)

_lines = {}
def line_text(path, line):
    if path not in _lines:
        try:
            with open(os.path.join(CORPUS, path), encoding='utf-8', errors='replace') as fh:
                _lines[path] = fh.read().split('\n')
        except OSError:
            _lines[path] = []
    ls = _lines[path]
    return ls[line - 1] if 0 < line <= len(ls) else ''

def skipped_by_shipcheck(path):
    full = os.path.join(CORPUS, path)
    if os.path.getsize(full) > MAX_SIZE:
        return 'too large (>1 MiB)'
    name = os.path.basename(path)
    if name.endswith(('.min.js', '.bundle.js')):
        return 'minified name'
    parts = path.split('/')
    if any(p in ('node_modules', 'vendor', 'third_party') for p in parts):
        return 'vendored dir'
    if path.endswith(JS_EXT):
        line_text(path, 1)
        if any(len(l) > 1000 for l in _lines[path]):
            return 'line over 1000 chars (minified)'
    return None

def shipcheck(binary, out):
    cfg = os.path.join(out, 'shipcheck-accuracy.yml')
    with open(cfg, 'w') as fh:
        fh.write("production-code:\n  exclude: []\ntest-files: ['**']\n"
                 "max-file-size: 1GiB\nminified-line-length: 0\n"
                 "rules:\n  debug/console:\n    allow: []\n")
    raw = run([binary, 'check', CORPUS, '--config', cfg, '--format', 'json'])
    with open(os.path.join(out, 'shipcheck.json'), 'w') as fh:
        fh.write(raw)
    rep = json.loads(raw)
    by = collections.defaultdict(set)
    for f in rep['findings']:
        p = f['path']
        if os.path.isabs(p):
            p = os.path.relpath(p, CORPUS)
        by[f['rule']].add((p, f['line']))
    return rep, by

def eslint(oracles, files, out):
    cfg = os.path.join(CORPUS, 'eslint.accuracy.config.mjs')
    parser = os.path.join(oracles, 'node_modules/@typescript-eslint/parser/dist/index.js')
    only = os.path.join(oracles, 'node_modules/eslint-plugin-no-only-tests/index.js')
    with open(cfg, 'w') as fh:
        fh.write(f"""import * as tsParser from {json.dumps(parser)};
import noOnly from {json.dumps(only)};
const rules = {{ 'no-console': 'error', 'no-debugger': 'error',
  'no-only-tests/no-only-tests': ['error', {{ functions: ['fit', 'fdescribe', 'fcontext'] }}] }};
const plugins = {{ 'no-only-tests': noOnly }};
const lo = (jsx) => ({{ parser: tsParser, ecmaVersion: 'latest', sourceType: 'module',
  parserOptions: {{ ecmaFeatures: {{ jsx }} }} }});
export default [
  {{ files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx', '**/*.tsx'], languageOptions: lo(true), rules, plugins,
     linterOptions: {{ noInlineConfig: true, reportUnusedDisableDirectives: 'off' }} }},
  {{ files: ['**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: lo(false), rules, plugins,
     linterOptions: {{ noInlineConfig: true, reportUnusedDisableDirectives: 'off' }} }},
];
""")
    res = []
    cache = os.path.join(out, 'eslint.json')
    if os.path.exists(cache) and os.environ.get('ACCURACY_REUSE'):
        res = json.load(open(cache)); files = []
    for i in range(0, len(files), 300):
        raw = run([os.path.join(oracles, 'node_modules/.bin/eslint'), '-c', cfg, '--no-ignore',
                   '--format', 'json', *files[i:i + 300]], cwd=CORPUS)
        res += json.loads(raw)
    os.remove(cfg)
    if files:
        json.dump(res, open(cache, 'w'))
    hits = {'no-console': set(), 'no-debugger': set(), 'no-only-tests/no-only-tests': set()}
    fatal = set()
    for r in res:
        p = os.path.relpath(r['filePath'], CORPUS)
        for m in r['messages']:
            if m.get('fatal'):
                fatal.add(p)
            elif m.get('ruleId') in hits:
                hits[m['ruleId']].add((p, m['line']))
    return hits, fatal

def ruff(out):
    raw = run(['ruff', 'check', '--isolated', '--no-cache', '--exit-zero', '--select',
               'T100,FIX001,FIX002,FIX003,FIX004', '--output-format', 'json', 'pypi'], cwd=CORPUS)
    t100, fix = set(), set()
    for m in json.loads(raw):
        p = os.path.relpath(m['filename'], CORPUS)
        key = (p, m['location']['row'])
        if m['code'] == 'T100':
            t100.add(key)
        elif m['code'] and m['code'].startswith('FIX'):
            fix.add(key)
    return t100, fix

def leasot(oracles, files):
    hits = set()
    for i in range(0, len(files), 200):
        # leasot exits before a large piped stdout is flushed: write to a file
        tmp = os.path.join(CORPUS, '.leasot.json')
        with open(tmp, 'w') as fh:
            subprocess.run([os.path.join(oracles, 'node_modules/.bin/leasot'), '-x', '-S', '-r', 'json',
                            '-T', 'XXX,HACK', *files[i:i + 200]], cwd=CORPUS, stdout=fh, check=True)
        raw = open(tmp).read()
        os.remove(tmp)
        s = raw[raw.find('['):] if '[' in raw else '[]'
        for t in json.loads(s):
            hits.add((os.path.relpath(os.path.join(CORPUS, t['file']), CORPUS), t['line']))
    return hits

# Disagreements read and classified by hand (path, line) -> class; the
# heuristics below cover the large classes.
BY_HAND = {
    ('npm/eslint/lib/rule-tester/rule-tester.js', 1016):
        'deliberate: `it.only` referenced, not called (feature test); shipcheck flags only calls',
    ('npm/eslint/lib/rule-tester/rule-tester.js', 1017):
        'deliberate: `it.only` referenced, not called (feature test); shipcheck flags only calls',
    ('npm/next/dist/compiled/@vercel/og/index.edge.js', 14190):
        'oracle wrong: object key `fit: "fit-content"` matched by the plugin\'s functions: [fit] option',
    ('npm/next/dist/compiled/@vercel/og/index.node.js', 14166):
        'oracle wrong: object key `fit: "fit-content"` matched by the plugin\'s functions: [fit] option',
    ('pypi/celery/t/unit/contrib/test_rdb.py', 50):
        'oracle wrong: `rdb.set_trace()` after `from celery.contrib import rdb`; ruff only knows the qualified name',
    ('pypi/celery/t/unit/contrib/test_rdb.py', 51):
        'oracle wrong: `rdb.set_trace()` after `from celery.contrib import rdb`; ruff only knows the qualified name',
    ('pypi/celery/t/unit/contrib/test_rdb.py', 55):
        'oracle wrong: `rdb.set_trace()` after `from celery.contrib import rdb`; ruff only knows the qualified name',
    ('pypi/django/django/test/runner.py', 130):
        'deliberate: `pdb.post_mortem()` starts the debugger; not in ruff T100\'s list',
    ('pypi/django/django/test/runner.py', 132):
        'deliberate: `pdb.post_mortem()` starts the debugger; not in ruff T100\'s list',
    ('pypi/celery/celery/contrib/rdb.py', 47):
        'deliberate: `from pdb import Pdb` imports the debugger; ruff flags only set_trace imports',
    ('npm/next/dist/esm/lib/dist-dir.js', 8):
        'oracle wrong: leasot misses a `// TODO` after a `/** */` comment on the same line',
    ('npm/next/dist/lib/dist-dir.js', 71):
        'oracle wrong: leasot misses a `// TODO` after a `/** */` comment on the same line',
    ('npm/next/dist/esm/server/app-render/entry-base.js', 14):
        'oracle wrong: leasot misses a `// TODO` after a `/* */` comment on the same line',
    ('npm/rxjs/src/internal/scheduler/AsyncAction.ts', 124):
        'oracle wrong: leasot folds this `// TODO` line into the `// HACK` comment above it',
    ('npm/next/dist/compiled/next-devtools/index.js', 2527):
        'oracle wrong: marker inside a string literal (CSS in a template literal)',
    # `/* todo: … */` in the CSS a css-loader module holds as a template
    # literal: string content (and lower-case, which shipcheck skips anyway).
    **{('npm/next/dist/compiled/next-devtools/index.js', n):
       'oracle wrong: marker inside a string literal (CSS in a template literal)' for n in (158, 160, 166, 172, 189)},
    # Development-only blocks the indentation heuristic cannot see through (a
    # template literal's text or an IIFE at column 0 inside the block).
    ('npm/next/dist/compiled/react-refresh/cjs/react-refresh-runtime.development.js', 428):
        'deliberate: development-only block (`if (process.env.NODE_ENV !== "production") {` at line 13)',
    ('npm/next/dist/shared/lib/get-img-props.js', 395):
        'deliberate: development-only block (`if (process.env.NODE_ENV !== \'production\') {` at line 251)',
    ('npm/next/dist/esm/shared/lib/get-img-props.js', 387):
        'deliberate: development-only block (`if (process.env.NODE_ENV !== \'production\') {` at line 243)',
}

def never_scanned(path):
    """Files shipcheck never reads, whatever the config: vendored names."""
    return os.path.basename(path).endswith(('.min.js', '.min.mjs', '.min.cjs', '.bundle.js', '-bundle.js'))

def classify_todo(path, line, side):
    if (path, line) in BY_HAND:
        return BY_HAND[(path, line)]
    txt = line_text(path, line)
    if side == 'oracle' and never_scanned(path):
        return 'deliberate: *.min.js / *.bundle.js name, vendored (never scanned)'
    m = re.search(r'(#|//|/\*|^\s*\*)(.*)', txt)
    body = m.group(2) if m else txt
    up = re.search(r'\b(TODO|FIXME|XXX|HACK)\b', body)
    anyc = re.search(r'\b(todo|fixme|xxx|hack)\b', body, re.I)
    if side == 'oracle':
        if path.endswith('.glsl.js'):
            return 'oracle wrong: marker inside a string literal (GLSL shader source)'
        nxt = [line_text(path, line + i) for i in (1, 2, 3)]
        if any(REF_RE.search(t) for t in nxt if re.match(r'\s*(#|//|\*)', t)):
            return 'deliberate: issue reference on a continuation line of the comment'
        if not up and anyc:
            return 'deliberate: lower/mixed-case marker (shipcheck markers are case-sensitive)'
        if up and not re.match(r'[\s*#/!-]*@?(TODO|FIXME|XXX|HACK)\b', body):
            return 'deliberate: marker not at comment start'
        return 'unclassified'
    else:
        code = re.match(r'\s*(.*?)(//|/\*)', txt)
        if code and code.group(1).strip() and path.startswith('npm/'):
            return 'oracle wrong: leasot misses comments after code on the same line'
        return 'unclassified'

SCRIPT_EXT = ('.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.py', '.rb')
def _entry_points(v):
    """The paths a package.json entry-point field names, `./` dropped."""
    out, st = [], [v] if v is not None else []
    while st:
        x = st.pop()
        if isinstance(x, str):
            while x.startswith('./'):
                x = x[2:]
            out.append(x)
        elif isinstance(x, dict):
            st.extend(x.values())
        elif isinstance(x, list):
            st.extend(x)
    return out

def _build_time(name):
    h = name.split(':')[0]
    h = h[3:] if h.startswith('pre') else h[4:] if h.startswith('post') else h
    return h in ('build', 'install', 'prepare', 'publish', 'publishOnly', 'pack', 'generate', 'gen',
                 'codegen', 'seed')

def _norm(rel):
    parts = []
    for x in rel.split('/'):
        if x in ('', '.'):
            continue
        if x == '..':
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(x)
    return '/'.join(parts)

_scripts = None
def package_scripts():
    """What shipcheck's package.json reading (src/checks/scripts.rs) leaves out
    of the debug rules, as {path: kind}; a folder ends in `/`. A package.json
    with `bin` whose `main`/`exports` entries, if any, are all among its bin
    entries is a command-line package: its whole folder. A library that also
    ships a command (next, eslint, prettier, typescript, webpack: `main`
    beyond `bin`): only the bin files. Also the files build-time scripts
    (`build`, `prepare`, `postinstall`, …) run."""
    global _scripts
    if _scripts is not None:
        return _scripts
    _scripts = {}
    for d, _, fs in os.walk(CORPUS):
        if 'package.json' not in fs:
            continue
        rel = os.path.relpath(d, CORPUS)
        if rel == '.':
            continue  # the root package's would cover the whole corpus
        try:
            with open(os.path.join(d, 'package.json'), encoding='utf-8') as fh:
                m = json.load(fh)
        except (OSError, ValueError):
            continue
        if not isinstance(m, dict):
            continue
        bins = _entry_points(m.get('bin'))
        library = any(e not in bins for e in _entry_points(m.get('main')) + _entry_points(m.get('exports')))
        if bins and not library:
            _scripts[rel + '/'] = 'cli'
        else:
            for b in bins:
                n = _norm(f'{rel}/{b}')
                if n:
                    _scripts[n] = 'bin'
        scripts = m.get('scripts') if isinstance(m.get('scripts'), dict) else {}
        for name, cmd in scripts.items():
            if isinstance(cmd, str) and _build_time(name):
                for w in re.split(r'[\s"\'`&;|()]', cmd):
                    if w.endswith(SCRIPT_EXT) and '://' not in w:
                        n = _norm(f'{rel}/{w}')
                        if n:
                            _scripts.setdefault(n, 'build')
    return _scripts

def package_script(path):
    """The kind of package.json script `path` is ('cli', 'bin', 'build'), or None."""
    sc = package_scripts()
    if path in sc:
        return sc[path]
    for k, v in sc.items():
        if k.endswith('/') and path.startswith(k):
            return v
    return None

CONSOLE_CALL = re.compile(r'\bconsole\s*\??\.\s*[A-Za-z_$][\w$]*\s*\(')
CONSOLE_MEMBER = re.compile(r'\bconsole\s*\??\.\s*[A-Za-z_$]')
def forwards_spread(txt):
    """Every console call on the line hands on a spread argument of its own,
    `console.log(message, ...params)`: a logger adapter (shipcheck reads the
    call's arguments the same way, at depth 1)."""
    calls = list(CONSOLE_CALL.finditer(txt))
    if not calls:
        return False
    for m in calls:
        depth, i, found = 1, m.end(), False
        while i < len(txt) and depth:
            c = txt[i]
            if c in '\'"`':  # a string's text is no spread: skip it
                j = i + 1
                while j < len(txt) and txt[j] != c:
                    j += 2 if txt[j] == '\\' else 1
                i = j + 1
                continue
            if c in '([{':
                depth += 1
            elif c in ')]}':
                depth -= 1
            elif depth == 1 and txt.startswith('...', i):
                found = True
                break
            i += 1
        if not found:
            return False
    return True

LOGGER_NAMES = ('log', 'logs', 'logger', 'loggers', 'logging')
def logger_module(path):
    """The app's own logger: `log.js`, `lib/logger.ts`, `logging/index.js`."""
    parts = path.split('/')
    stem = parts[-1].split('.')[0]
    return stem in LOGGER_NAMES or stem == 'index' and len(parts) > 1 and parts[-2] in LOGGER_NAMES

TOOL_IMPORT = re.compile(r'(?m)^\s*(?:import\b[^;\'"]*?(?:\bfrom\s*)?|(?:const|let|var)\b[^=;]*=\s*require\s*\(\s*)'
                         r'[\'"](?:nestjs-command|nest-commander|commander|yargs|yargs/yargs|@oclif/core|@oclif/command'
                         r'|clipanion|citty|cac|sade|meow|vite|rollup|webpack|esbuild|tsup|unplugin|@rspack/core)[\'"]')
DEV_IF = re.compile(r'\bif\b.*(?:NODE_ENV|VERCEL_ENV|APP_ENV)\s*(?:===?\s*[\'"]development[\'"]|!==?\s*[\'"]production[\'"])'
                    r'|\bif\b.*(?:import\.meta\.env\.DEV\b|__DEV__)')
def development_only(path, line):
    """Inside the block of (or on the line of) an `if` that holds only in
    development, read from the indentation of formatted code."""
    ls = _lines[path]
    txt = ls[line - 1]
    if len(txt) > 1000:
        return False
    if DEV_IF.search(txt) and DEV_IF.search(txt).start() < txt.find('console'):
        return True
    ind = len(txt) - len(txt.lstrip())
    for k in range(line - 2, -1, -1):
        t = ls[k]
        if not t.strip():
            continue
        i = len(t) - len(t.lstrip())
        if i < ind:
            if DEV_IF.search(t) and t.rstrip().endswith('{'):
                return True
            ind = i
            if i == 0:
                return False
    return False

def classify_debug(path, line, side, fatal=()):
    if (path, line) in BY_HAND:
        return BY_HAND[(path, line)]
    txt = line_text(path, line)
    if side == 'oracle' and never_scanned(path):
        return 'deliberate: *.min.js / *.bundle.js name, vendored (never scanned)'
    if side == 'oracle' and re.search(r'\bconsole\s*(\?\.\s*)?\[\s*[^\s\'"`]', txt) and not CONSOLE_MEMBER.search(txt):
        return 'deliberate: computed member console[x] not matched'
    kind = package_script(path) if side == 'oracle' else None
    if kind == 'cli':
        return ('deliberate: file of a command-line package (package.json with `bin` and no `main`/`exports` '
                'beyond it); debug rules leave the folder alone')
    if kind == 'bin':
        return 'deliberate: a `bin` file of a library that also ships a command; debug rules leave it alone'
    if kind == 'build':
        return 'deliberate: a file a build-time package.json script runs (build, prepare, …); tooling, not the app'
    if side == 'oracle' and _lines[path][:1] and _lines[path][0].startswith('#!'):
        return 'deliberate: file starts with `#!`, a command-line script'
    if side == 'oracle' and logger_module(path):
        return 'deliberate: the app\'s logger module (log/logger/logging file or folder index)'
    if side == 'oracle' and TOOL_IMPORT.search('\n'.join(_lines[path])):
        return 'deliberate: module built on a CLI framework or a bundler API (prints its output)'
    if side == 'oracle' and CONSOLE_MEMBER.search(txt) and all(
            re.search(r'\btypeof\s*$', txt[:m.start()]) for m in CONSOLE_MEMBER.finditer(txt)):
        return 'deliberate: `typeof console.x` calls nothing'
    if side == 'oracle' and forwards_spread(txt):
        return 'deliberate: logger adapter forwarding a spread argument, `console.x(msg, ...args)`'
    if side == 'oracle' and development_only(path, line):
        return 'deliberate: development-only block (`if (process.env.NODE_ENV !== "production")` and alike)'
    if side == 'shipcheck' and re.search(r'\b(window|globalThis|self|global)\s*\.\s*console\b', txt):
        return 'deliberate: the global console through the global object (`window.console.log`); ESLint sees only the `console` variable'
    if side == 'shipcheck':
        _ = line_text(path, 1)
        whole = '\n'.join(_lines[path])
        if re.search(r'\b(var|let|const)\s+console\b|function\s*\w*\s*\([^)]*\bconsole\b|\(\{[^)]*\bconsole\b[^)]*\}\)\s*=>|\bconsole\s*=[^=]', whole):
            return 'shadowed/assigned `console` (oracle: not the global)'
    return 'unclassified'

def prf(ship, orc):
    tp = len(ship & orc)
    p = tp / len(ship) if ship else 1.0
    r = tp / len(orc) if orc else 1.0
    return tp, len(ship - orc), len(orc - ship), p, r

def main():
    global CORPUS
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=os.environ.get('CORPUS_DIR', '/tmp/shipcheck-corpus'))
    ap.add_argument('--oracles', default='/tmp/oracles')
    ap.add_argument('--shipcheck', default='/tmp/target-acc/release/shipcheck')
    ap.add_argument('--out', default='/tmp/shipcheck-accuracy')
    a = ap.parse_args()
    CORPUS = os.path.abspath(a.corpus)
    os.makedirs(a.out, exist_ok=True)

    rep, sc = shipcheck(a.shipcheck, a.out)
    js_debug_files = files_with(os.path.join(CORPUS, 'npm'), JS_EXT,
                                ['console', 'debugger', '.only', 'fit(', 'fdescribe(', 'fcontext('])
    js_todo_files = files_with(os.path.join(CORPUS, 'npm'), JS_EXT, list(MARKERS))
    es, fatal = eslint(a.oracles, js_debug_files, a.out)
    t100, fix = ruff(a.out)
    lea = leasot(a.oracles, js_todo_files)

    isjs = lambda k: k[0].startswith('npm/') and k[0].endswith(JS_EXT) and k[0] not in fatal
    ispy = lambda k: k[0].startswith('pypi/') and k[0].endswith('.py')
    isjs_todo = lambda k: k[0].startswith('npm/') and k[0].endswith(JS_EXT)
    noref = lambda k: not REF_RE.search(line_text(*k))
    todo_sc = sc['todo/untracked'] | sc['todo/expired']
    comps = [
        ('JS/TS debug/console vs ESLint no-console', {k for k in sc['debug/console'] if isjs(k)},
         {k for k in es['no-console'] if isjs(k)}, classify_debug),
        ('JS/TS debug/debugger vs ESLint no-debugger', {k for k in sc['debug/debugger'] if isjs(k)},
         {k for k in es['no-debugger'] if isjs(k)}, classify_debug),
        ('JS/TS debug/focused-test vs eslint-plugin-no-only-tests', {k for k in sc['debug/focused-test'] if isjs(k)},
         {k for k in es['no-only-tests/no-only-tests'] if isjs(k)}, classify_debug),
        ('Python debug/breakpoint vs ruff T100', {k for k in sc['debug/breakpoint'] if ispy(k)},
         {k for k in t100 if ispy(k)}, classify_debug),
        ('Python TODO (untracked+expired) vs ruff FIX00x (no-ref lines)', {k for k in todo_sc if ispy(k)},
         {k for k in fix if ispy(k) and noref(k)}, classify_todo),
        ('JS/TS TODO (untracked+expired) vs leasot (no-ref lines)', {k for k in todo_sc if isjs_todo(k)},
         {k for k in lea if isjs_todo(k) and noref(k)}, classify_todo),
    ]
    rows, dis, skipped_note = [], {}, {}
    for name, s, o, cls in comps:
        tp, fp, fn, p, r = prf(s, o)
        sf, of = {k[0] for k in s}, {k[0] for k in o}
        ftp, _, _, fpp, frr = prf(sf, of)
        rows.append((name, len(s), len(o), tp, fp, fn, p, r, fpp, frr))
        d = []
        for k in sorted(s - o):
            d.append({'side': 'shipcheck-only', 'path': k[0], 'line': k[1],
                      'text': line_text(*k).strip()[:200], 'class': cls(k[0], k[1], 'shipcheck')})
        for k in sorted(o - s):
            d.append({'side': 'oracle-only', 'path': k[0], 'line': k[1],
                      'text': line_text(*k).strip()[:200], 'class': cls(k[0], k[1], 'oracle')})
        dis[name] = d
        wrong = lambda x: not x['class'].startswith(('deliberate', 'oracle wrong'))
        sw = sum(1 for x in d if x['side'] == 'shipcheck-only' and wrong(x))
        ow = sum(1 for x in d if x['side'] == 'oracle-only' and wrong(x))
        orc_wrong = sum(1 for x in d if x['side'] == 'oracle-only' and x['class'].startswith('oracle wrong'))
        adj_p = 1 - sw / len(s) if s else 1.0
        denom = len(o) - orc_wrong
        adj_r = 1 - ow / denom if denom else 1.0
        rows[-1] = rows[-1] + (sw + ow, adj_p, adj_r)
        default_skip = collections.Counter(skipped_by_shipcheck(k[0]) for k in o)
        default_skip.pop(None, None)
        skipped_note[name] = default_skip
    with open(os.path.join(a.out, 'disagreements.json'), 'w') as fh:
        json.dump(dis, fh, indent=1)

    print(f"corpus: {CORPUS}; shipcheck files_scanned={rep['files_scanned']} skipped={rep['files_skipped']}")
    print(f"ESLint ran on {len(js_debug_files)} JS/TS files ({len(fatal)} could not be parsed, left out); "
          f"leasot on {len(js_todo_files)} files")
    print()
    print('| comparison | shipcheck | oracle | both | shipcheck-only | oracle-only | precision | recall | file P | file R '
          '| shipcheck wrong or unexplained | precision excl. explained | recall excl. explained |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print('| %s | %d | %d | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %d | %.4f | %.4f |' % r)
    print()
    for name, d in dis.items():
        c = collections.Counter((x['side'], x['class']) for x in d)
        if c:
            print(f'{name}:')
            for (side, cl), n in c.most_common():
                print(f'  {n:6d}  {side:15s} {cl}')
    print('\nOracle lines in files shipcheck skips by default (scanned here):')
    for name, c in skipped_note.items():
        if c:
            print(f'  {name}: ' + ', '.join(f'{n} {why}' for why, n in c.most_common()))
    print(f"\ndisagreements: {os.path.join(a.out, 'disagreements.json')}")
    unexplained = sum(r[10] for r in rows)
    print(f"shipcheck wrong or unexplained: {unexplained}")
    sys.exit(1 if unexplained else 0)

if __name__ == '__main__':
    main()
