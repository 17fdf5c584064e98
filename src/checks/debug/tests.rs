use crate::checks::test_support::{found_in, Case};
use crate::config::Settings;

const C: &str = "debug/console";
const D: &str = "debug/debugger";
const F: &str = "debug/focused-test";
const B: &str = "debug/breakpoint";
const P: &str = "debug/print";

/// (path, source, expected (rule, line) findings) — hits and decoys side by side.
const CASES: &[Case] = &[
    // console: code only, reported where the call starts
    ("src/a.ts", "console.log(x);\n", &[(C, 1)]),
    ("src/a.ts", "const a = 1;\nconsole\n  .log(\n  a,\n);\n", &[(C, 2)]),
    ("src/a.js", "console.table(rows); console.debug('x'); console?.info(1)\n", &[(C, 1), (C, 1), (C, 1)]),
    ("src/a.ts", "const f = console.log.bind(console);\n", &[(C, 1)]),
    // an Astro component: its frontmatter and its scripts are code
    ("src/pages/index.astro", "---\nconst posts = await getPosts();\nconsole.log(posts);\n// console.log('commented')\n---\n<ul>{posts.map((p) => <li>{p.title}</li>)}</ul>\n<!-- console.log -->\n<script>\n  console.debug('hydrated');\n</script>\n", &[(C, 3), (C, 9)]),
    // an HTML page runs only its script blocks
    ("public/index.html", "<p>Call console.log(x) to debug.</p>\n<script>\n  console.log('boot');\n  debugger;\n</script>\n<script type=\"text/template\">console.log(1)</script>\n", &[(C, 3), (D, 4)]),
    // a logger adapter forwards its callers' arguments
    ("src/jobs.ts", "const logger = {\n  debug: (...args) => console.debug(`[${id}]`, ...args),\n  log: (m) => console.log(m),\n};\nconsole.log({ ...stats, n });\n", &[(C, 3), (C, 5)]),
    // development-only code does not run in production
    ("src/api.ts", "if (process.env.NODE_ENV === \"development\") {\n  console.log('response', res);\n}\nif (process.env.NODE_ENV !== 'production') console.log(x);\nif (process.env.NODE_ENV === 'production') {\n  console.log('prod');\n}\nif (import.meta.env.DEV) { console.log(1) }\n", &[(C, 6)]),
    ("src/notify.ts", "export function log(m) {\n  if (process.env.VERCEL_ENV !== \"production\") {\n    if (verbose) {\n      console.log(m);\n    }\n  }\n  console.info(m);\n}\n", &[(C, 7)]),
    // a type position names the method's type, it calls nothing
    ("src/a.ts", "type Args = Parameters<typeof console.log>;\nfunction d(...args: Parameters<typeof console.debug>) {}\n", &[]),
    ("src/a.ts", "const mytypeof = 1; mytypeof\nconsole.log(x);\n", &[(C, 2)]),
    ("src/a.ts", "console.error(e); console.warn(w);\n", &[]),
    ("src/a.ts", "// console.log(x)\n/* console.log(y) */\n/** @example console.log(z) */\n", &[]),
    ("src/a.ts", "const s = 'console.log(x)' + \"console.log(y)\";\n", &[]),
    ("src/a.ts", "const t = `console.log(${user.name})`;\n", &[]),
    ("src/a.ts", "const t = `value: ${console.log(v)}`;\n", &[(C, 1)]),
    ("src/a.ts", "const re = /console\\.log\\(/g;\nconst n = a / b / c; console.log(n);\n", &[(C, 2)]),
    ("src/a.ts", "logger.log(x); this.console.log(y); app.window.console.log(z); myconsole.log(1)\n", &[]),
    // the global console through the global object
    ("src/a.ts", "window.console.log(a);\nglobalThis.console.debug(b);\nself.console.info(c);\n", &[(C, 1), (C, 2), (C, 3)]),
    ("src/a.tsx", "export const A = () => <p>Don't console.log here {/* console.log */}</p>;\n", &[]),
    ("src/a.ts", "import { console } from './log';\nconsole.log('shadowed');\n", &[]),
    ("src/a.ts", "const console = makeLogger();\nconsole.log('shadowed');\n", &[]),
    ("src/a.vue", "<template><p>{{ msg }}</p><!-- console.log --></template>\n<script>\nconsole.log('x')\n</script>\n", &[(C, 3)]),
    // non-production code is left alone
    ("src/a.test.ts", "console.log(x); debugger;\n", &[]),
    ("scripts/seed.ts", "console.log(x);\n", &[]),
    ("packages/prisma/seed-database.ts", "console.log(x);\n", &[]),
    // a script run from the command line prints its output
    ("other/mdx/compile.ts", "#!/usr/bin/env node\nconsole.log('compiled 3 files');\n", &[]),
    ("tools/report.py", "#!/usr/bin/env python3\nprint('done')\n", &[]),
    ("lib/tasks/import.rake", "puts 'done'\n", &[]),
    ("next.config.js", "console.log(x);\n", &[]),
    ("src/Button.stories.tsx", "console.log(x);\n", &[]),
    // debugger statements, not properties
    ("src/a.js", "function f() {\n  debugger;\n  if (x) debugger\n}\n", &[(D, 2), (D, 3)]),
    ("src/a.js", "const o = { debugger: true }; o.debugger = false; // debugger;\nlet s = 'debugger;';\n", &[]),
    // focused tests only in test files
    ("src/a.spec.ts", "describe.only('x', () => {\n  it.only('y', f);\n  test.describe.only('z', g);\n  fit('w', h);\n  fdescribe('v', k);\n});\n", &[(F, 1), (F, 2), (F, 3), (F, 4), (F, 5)]),
    ("src/a.spec.ts", "// it.only('x')\nconst s = 'describe.only(';\nit('runs', f); obj.fit(1); function fit(x) {}\n", &[]),
    ("src/a.ts", "it.only('not a test file', f);\n", &[]),
    // Python
    ("worker/job.py", "import os\nimport pdb\n\ndef run():\n    breakpoint()\n    pdb.set_trace()\n", &[(B, 2), (B, 5), (B, 6)]),
    ("worker/job.py", "# import pdb\n# breakpoint()\nmsg = \"breakpoint()\"\ndoc = '''pdb.set_trace()'''\nbreakpoint_count = 2\nself.breakpoint()\ndef breakpoint(self): pass\n", &[]),
    ("worker/tests/test_job.py", "breakpoint()\n", &[]),
    ("worker/rdb.py", "from celery.contrib.rdb import set_trace\n\ndef f():\n    set_trace()\n", &[(B, 1), (B, 4)]),
    ("worker/pdbs.py", "from pdb import set_trace\nset_trace()\n", &[(B, 1), (B, 2)]),
    ("worker/other.py", "from tracing import set_trace\nset_trace()\n", &[]),
    ("src/make.js", "module.exports = ({ level = 'info', console }) => {\n  console.log(level);\n};\n", &[]),
    ("src/make2.js", "function make(console, x) {\n  console.debug(x);\n}\n", &[]),
    ("src/call.js", "send(console);\nconsole.log(1);\n", &[(C, 2)]),
    // a local `console` shadows the global only in its own scope
    ("src/spin.js", "function spin(text, logFn = console.log) {\n  console.log(text);\n}\nconst f = (x = console.info) => x;\n", &[(C, 1), (C, 2), (C, 4)]),
    ("src/scope.js", "function a() {\n  const console = logger;\n  console.log(1);\n}\nconsole.log(2);\n", &[(C, 5)]),
    ("src/scope.js", "const g = (console) => console.log(1);\nconsole.debug(2);\nconst h = console => console.info(3);\n", &[(C, 2)]),
    ("src/scope.js", "wrap(function (console) {\n  console.log(1);\n});\nconsole.log(2);\nif (console) { console.log(3); }\n", &[(C, 4), (C, 5)]),
    ("src/scope.ts", "class L {\n  log(console: Console): void {\n    console.log(1);\n  }\n}\ntry { x() } catch (console) { console.log(2) }\nconsole.trace(3);\n", &[(C, 7)]),
    // an argument, a superclass call or a renamed key binds nothing; `as console` does
    ("src/r.js", "const l = dbg ? bind(console) : null;\nfunction main() {\n  console.log(\"hi\");\n}\n", &[(C, 3)]),
    ("src/r.js", "class A extends mixin(console) { run() { console.debug(1) } }\n", &[(C, 1)]),
    ("src/r.js", "const f = ({ console: c }) => { console.log(1) };\n", &[(C, 1)]),
    ("src/r.ts", "import { log as console } from './l';\nconsole.log(1);\n", &[]),
    ("src/r.ts", "const g = (console: Console): void => console.log(1);\nconsole.info(2);\n", &[(C, 2)]),
    ("src/r.ts", "const h = (console) => {\n  const inner = (console) => console.log(1);\n};\nconsole.log(2);\n", &[(C, 4)]),
    // `var` is hoisted to its function; `let` stays in its block
    ("src/v.js", "function f(x) {\n  if (x) { var console = x; }\n  console.log(1);\n}\nconsole.log(2);\n", &[(C, 5)]),
    ("src/v.js", "function f(x) {\n  if (x) { let console = x; }\n  console.log(1);\n}\n", &[(C, 3)]),
    // found by fuzzing: a multi-byte character right before a parameter list
    ("src/u.js", "x = 1 …(a, console) => 1;\nconsole.log(1);\n", &[(C, 2)]),
    ("src/bundle.js", "var m={1:function(e){var console=e.c;console.log(1)},2:function(){console.debug(2)}};\n", &[(C, 1)]),
    // a string-literal key is the same member; a run-time key is a logger's choice
    ("src/k.js", "console['log'](1); console[\"debug\"](2);\nconsole?.[ `table` ](3)\n", &[(C, 1), (C, 1), (C, 2)]),
    ("src/k.js", "console[level](msg); console[m + 'x'](1); console['log' + s](2); console[''](3)\n", &[]),
    ("src/k.js", "console['error'](e);\nconst s = \"console['log'](1)\"; // console['log']\n", &[]),
    // Ruby, Rust, Go, PHP
    ("app/models/user.rb", "def save\n  binding.pry\n  byebug\n  x = 1 # binding.pry\nend\n", &[(B, 2), (B, 3)]),
    ("src/lib.rs", "fn f() { let x = dbg!(1); let s = \"dbg!(x)\"; }\n// dbg!(y)\n#[cfg(test)]\nmod tests { fn t() { dbg!(2); } }\n", &[(B, 1)]),
    ("src/lib.rs", "#[cfg(test)]\n#[derive(Debug)]\nstruct S(u8);\nfn f() { dbg!(1); }\n#[cfg(test)]\nmod t;\nfn g() { dbg!(2); }\n", &[(B, 4), (B, 7)]),
    ("main.go", "package main\nimport \"runtime\"\nfunc f() {\n\truntime.Breakpoint()\n\t// runtime.Breakpoint()\n}\n", &[(B, 4)]),
    ("index.php", "<?php\nvar_dump($x);\ndd($y);\n// var_dump($z);\n$this->dd($w);\nfunction dd($v) {}\n", &[(B, 2), (B, 3)]),
    // prints are off by default
    ("worker/job.py", "print('hi')\n", &[]),
];

#[test]
fn debug_rules_hit_real_code_and_skip_decoys() {
    for (path, src, want) in CASES {
        let want: Vec<(&str, u32)> = want.to_vec();
        let got: Vec<(&str, u32)> = found_in(&["debug"], &Settings::defaults(), path, src);
        assert_eq!(got, want, "{path}:\n{src}");
    }
}

#[test]
fn print_rule_when_enabled() {
    let s = crate::registry::parse_settings("rules:\n  debug/print: warning\n", "t").unwrap();
    let cases: &[Case] = &[
        ("a.py", "print('x')\n# print('y')\ns = 'print(1)'\ndef print(x): pass\n", &[(P, 1)]),
        ("src/main.rs", "fn main() { println!(\"x\"); eprintln!(\"y\"); }\n#[cfg(test)]\nmod t { fn f() { println!(\"z\"); } }\n", &[(P, 1), (P, 1)]),
        ("main.go", "package main\nfunc f() { fmt.Println(1); fmt.Printf(\"%d\", 2) }\n", &[(P, 2), (P, 2)]),
        ("App.java", "class A { void f() { System.out.println(1); } }\n", &[(P, 1)]),
        ("tests/test_a.py", "print('fine in tests')\n", &[]),
    ];
    for (path, src, want) in cases {
        assert_eq!(found_in(&["debug"], &s, path, src), want.to_vec(), "{path}");
    }
}

#[test]
fn console_allow_list_is_configurable() {
    let s = crate::registry::parse_settings("rules:\n  debug/console:\n    allow: [info]\n", "t")
        .unwrap();
    assert_eq!(
        found_in(
            &["debug"],
            &s,
            "src/a.ts",
            "console.info(1); console.error(2);\n"
        ),
        vec![(C, 1)]
    );
}

#[test]
fn production_code_filter_is_overridable() {
    let s = crate::registry::parse_settings("production-code:\n  exclude: []\n", "t").unwrap();
    assert_eq!(
        found_in(&["debug"], &s, "scripts/x.ts", "console.log(1);\n"),
        vec![(C, 1)]
    );
}

#[test]
fn off_rules_report_nothing() {
    let s = crate::registry::parse_settings("rules:\n  debug/console: off\n", "t").unwrap();
    assert_eq!(
        found_in(&["debug"], &s, "src/a.ts", "console.log(1); debugger;\n"),
        vec![(D, 1)]
    );
}
