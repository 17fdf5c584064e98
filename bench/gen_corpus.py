#!/usr/bin/env python3
"""Generate a large synthetic monorepo for benchmarking shipcheck.

Deterministic: the same arguments (and --seed) always produce byte-identical
output. Python standard library only.

    python3 bench/gen_corpus.py OUT_DIR [--files 20000] [--scale 1.0] [--seed 1]

Layout (monorepo-ish):

    apps/<app>/src/{components,pages,hooks,lib,routes,store,...}/...   JS/JSX/TS/TSX
    apps/<app>/src/**/__tests__/*.test.tsx                              tests
    apps/<app>/scripts/*.js                                             scripts
    packages/<pkg>/src/...                                              TS/JS libraries
    packages/<pkg>/tests/*.test.ts
    services/<svc>/<svc_pkg>/{api,models,tasks,...}/*.py                Python services
    services/<svc>/tests/test_*.py
    services/<svc>/src/...                                              Node (TS) services

File contents are plausible code: imports, functions, classes, JSX components,
TS interfaces, Python classes/docstrings/decorators/f-strings, comments, and
decoys that a lexer-aware tool must not flag (`// console.log(x)` in
comments, "console.log" in strings, `${}` template literals, regex literals,
`breakpoint()` inside docstrings). Real findings are planted at low density:
about one `console.log(` per three production JS/TS files, a `debugger;` per
~40, a Python `breakpoint()` per ~40 and `import pdb` per ~80, and TODO/FIXME/
XXX/HACK comments, about half tracked with an issue reference (`#123`,
`ABC-123`).

File sizes are log-uniform between 2 KiB and 40 KiB (times --scale), so the
default 20,000 files come to roughly 270 MB. No line is longer than ~200
characters and no file exceeds 1 MiB. A `.gitignore` with `node_modules/` is
written at the root. A JSON summary (file count, bytes, planted findings) is
printed on stdout.
"""

import argparse
import json
import math
import os
import random
import sys
import time

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

NOUNS = (
    "user account session course lesson module quiz grade student teacher invoice payment "
    "order cart product price subscription plan coupon report chart metric event message "
    "thread comment post author tag category search filter token profile avatar upload "
    "file asset video transcript certificate enrollment cohort schedule calendar slot "
    "notification email webhook job queue worker cache config feature flag tenant org "
    "team member role permission audit log entry batch record item list page cursor"
).split()
VERBS = (
    "get set load fetch save update create delete remove build parse format render "
    "validate normalize compute resolve handle process sync merge map reduce apply "
    "register dispatch emit subscribe track select sort group split sanitize encode "
    "decode serialize hydrate refresh reset toggle open close submit cancel retry"
).split()
ADJS = (
    "active pending current next previous default cached remote local primary draft "
    "visible hidden selected archived public private total partial raw safe"
).split()
APPS = ["web", "admin", "mobile", "dashboard", "marketing", "checkout", "studio", "portal"]
PACKAGES = [
    "ui", "core", "utils", "api-client", "auth", "forms", "analytics", "i18n", "icons",
    "hooks", "state", "validation", "charts", "editor", "payments", "config",
]
PY_SERVICES = ["billing", "grading", "search", "notifications", "ingest", "reports", "media"]
NODE_SERVICES = ["gateway", "realtime", "webhooks", "scheduler"]
FRONT_DIRS = [
    "components", "components/common", "components/layout", "components/forms", "pages",
    "routes", "hooks", "lib", "store", "store/slices", "features/courses", "features/billing",
    "features/profile", "features/search", "utils", "services", "context", "views",
]
PKG_DIRS = ["", "lib", "internal", "adapters", "helpers", "models", "core"]
PY_DIRS = ["api", "api/v1", "api/v2", "models", "services", "tasks", "utils", "db", "schemas", "core"]
NODE_SVC_DIRS = ["handlers", "routes", "lib", "middleware", "models", "jobs"]
NPM_MODS = [
    "react", "react-dom", "react-router-dom", "axios", "lodash", "date-fns", "zod", "clsx",
    "redux", "@reduxjs/toolkit", "express", "uuid", "classnames", "swr", "immer", "yup",
]
PY_MODS = [
    "os", "re", "json", "logging", "typing", "datetime", "dataclasses", "functools",
    "itertools", "collections", "pathlib", "decimal", "uuid", "hashlib", "enum",
]
PY_FROM = [
    ("typing", "Any, Dict, List, Optional"), ("dataclasses", "dataclass, field"),
    ("datetime", "datetime, timedelta"), ("collections", "defaultdict"),
    ("functools", "lru_cache, wraps"), ("pathlib", "Path"), ("decimal", "Decimal"),
    ("sqlalchemy", "Column, Integer, String"), ("fastapi", "APIRouter, Depends, HTTPException"),
    ("pydantic", "BaseModel, Field"),
]
JSX_DECOYS = ["    // renders <p>console.log</p> text below", "    // JSX text may say debugger; or TODO freely"]
EMPTY_INITS = ["null", "0", "false", "[]", "''"]
PY_DECORATORS = ["lru_cache(maxsize=128)", 'router.get("/items")', "staticmethod", "retry(3)", "wraps(func)"]
TAGS = ["div", "section", "span", "ul", "li", "header", "footer", "main", "article", "p"]
# Statement kinds (see Gen.js_stmt / Gen.py_stmt) whose text holds a rule's
# token (console, debugger, TODO, breakpoint, pdb) where it must not match:
# comments, strings, template text, regex literals. They are picked with
# probability DECOY_RATE per statement, so most files hold a few.
DECOY_RATE = 0.015
JS_DECOYS = (3, 4, 8, 9, 11, 12, 18)
JS_PLAIN = tuple(k for k in range(22) if k not in JS_DECOYS)
PY_DECOYS = (3, 4, 8, 11, 14)
PY_PLAIN = tuple(k for k in range(18) if k not in PY_DECOYS)
TRACKERS = ["#{n}", "(#{n})", "ENG-{n}", "LMS-{n}", "acme/platform#{n}"]
TODO_TEXT = [
    "handle the empty state", "remove after the migration", "make this configurable",
    "this is slow for large cohorts", "use the shared helper", "check the error path",
    "paginate this query", "add retries", "clean up once v2 ships", "validate input here",
    "dedupe with the billing version", "memoize", "race with the websocket reconnect",
]


class Gen:
    """All randomness goes through one seeded random.Random."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.issue = 100
        self.planted = {
            "console": 0, "debugger": 0, "breakpoint": 0, "pdb": 0,
            "todo_untracked": 0, "todo_tracked": 0,
            "console_in_tests_or_scripts": 0,
        }

    # -- names -------------------------------------------------------------
    def noun(self):
        return self.r.choice(NOUNS)

    def camel(self):
        r = self.r
        return r.choice(VERBS) + r.choice(NOUNS).capitalize() + (r.choice(ADJS).capitalize() if r.random() < 0.3 else "")

    def var(self):
        r = self.r
        if r.random() < 0.5:
            return r.choice(NOUNS)
        return r.choice(ADJS) + r.choice(NOUNS).capitalize()

    def pascal(self):
        r = self.r
        return r.choice(NOUNS).capitalize() + r.choice(["View", "Card", "List", "Panel", "Form", "Row", "Modal", "Badge", "Table", "Item"])

    def snake(self):
        r = self.r
        return r.choice(VERBS) + "_" + r.choice(NOUNS) + ("_" + r.choice(ADJS) if r.random() < 0.3 else "")

    def klass(self):
        r = self.r
        return r.choice(NOUNS).capitalize() + r.choice(["Service", "Manager", "Repository", "Client", "Handler", "Store", "Builder", "Schema"])

    def todo(self, lead, tracked_p=0.5):
        """A TODO-family comment line (without indentation)."""
        r = self.r
        word = r.choice(["TODO", "TODO", "TODO", "FIXME", "FIXME", "XXX", "HACK"])
        text = r.choice(TODO_TEXT)
        if r.random() < tracked_p:
            self.issue += r.randint(1, 7)
            ref = r.choice(TRACKERS).format(n=self.issue)
            self.planted["todo_tracked"] += 1
            if r.random() < 0.5:
                return f"{lead} {word}({ref}): {text}"
            return f"{lead} {word}: {text} {ref}"
        self.planted["todo_untracked"] += 1
        return f"{lead} {word}: {text}"

    # -- JS / TS -----------------------------------------------------------
    def js_imports(self, ts):
        r = self.r
        out = []
        for m in r.sample(NPM_MODS, r.randint(2, 6)):
            if r.random() < 0.5:
                out.append(f"import {{ {self.camel()}, {self.camel()} }} from '{m}';")
            else:
                out.append(f"import {self.var()}Lib from '{m}';")
        for _ in range(r.randint(1, 5)):
            depth = "../" * r.randint(1, 3)
            out.append(f"import {{ {self.camel()} }} from '{depth}{r.choice(FRONT_DIRS)}/{self.noun()}';")
        if ts and r.random() < 0.6:
            out.append(f"import type {{ {self.pascal()}Props }} from './types';")
        return out

    def js_stmt(self, ind, ts):
        """One or a few statement lines, decoys included."""
        r = self.r
        k = r.choice(JS_DECOYS) if r.random() < DECOY_RATE else r.choice(JS_PLAIN)
        a, b = self.var(), self.var()
        if k == 0:
            return [f"{ind}const {a} = await {self.camel()}({b}, {{ limit: {r.randint(1, 500)}, force: {r.choice(['true', 'false'])} }});"]
        if k == 1:
            return [f"{ind}if (!{a} || {a}.length === 0) {{", f"{ind}  return {r.choice(['null', '[]', 'undefined', '{}'])};", f"{ind}}}"]
        if k == 2:
            return [f"{ind}const {a} = `${{{b}.{self.noun()}}}/{self.noun()}/${{{self.var()}}}?page=${{page + 1}}`;"]
        if k == 3:
            return [f"{ind}// console.log('{a}', {b});"]
        if k == 4:
            return [f"{ind}logger.{r.choice(['info', 'warn', 'error'])}(\"console.log is disabled here\", {{ {a} }});"]
        if k == 5:
            return [f"{ind}const {a}Re = /^[a-z0-9_-]{{{r.randint(1, 4)},{r.randint(8, 64)}}}$/i;"]
        if k == 6:
            return [f"{ind}const {a} = {b}.filter((x) => x.{self.noun()} !== {r.randint(0, 99)}).map((x) => ({{ ...x, {self.noun()}: x.id }}));"]
        if k == 7:
            return [f"{ind}for (const {a} of {b}) {{", f"{ind}  total += {a}.{self.noun()} ?? 0;", f"{ind}}}"]
        if k == 8:
            return [f"{ind}try {{", f"{ind}  await {self.camel()}({a});", f"{ind}}} catch (err) {{",
                    f"{ind}  reportError(err, '{self.camel()} failed: debugger attached?');", f"{ind}}}"]
        if k == 9:
            return [f"{ind}/* {self.noun()} is {r.choice(ADJS)}; see console.debug output in staging */"]
        if k == 10:
            return [f"{ind}const {a} = {b} ? {r.randint(0, 9)} : {r.randint(10, 99)}; // {self.noun()} fallback"]
        if k == 11:
            return [f"{ind}const matcher = /console\\.(log|warn)\\(/g;"]
        if k == 12:
            return [f"{ind}const label = `debugger: ${{{a}}} -> ${{`${{{b}}}`}}`;"]
        if k == 13:
            if ts:
                return [f"{ind}const {a}: {r.choice(['string', 'number', 'boolean', 'string[]', 'Record<string, number>'])} = {b} as any;"]
            return [f"{ind}let {a} = {b} || {{}};"]
        if k == 14:
            return [f"{ind}switch ({a}.kind) {{", f"{ind}  case '{self.noun()}':", f"{ind}    return {self.camel()}({a});",
                    f"{ind}  default:", f"{ind}    break;", f"{ind}}}"]
        if k == 15:
            return [f"{ind}{a}.{self.noun()} = Math.max({r.randint(0, 10)}, {b}.{self.noun()} / {r.randint(2, 9)});"]
        if k == 16:
            return [f"{ind}const ratio = {a} / {b} / {r.randint(2, 16)}; // not a /regex/"]
        if k == 17:
            return [f"{ind}emit('{self.noun()}:{r.choice(VERBS)}', {{ id: {a}.id, at: Date.now() }});"]
        if k == 18:
            return [f"{ind}const msg = '// TODO is not a comment inside a string';"]
        if k == 19:
            return [f"{ind}const [{a}, set{a[0].upper() + a[1:]}] = useState({r.choice(EMPTY_INITS)});"]
        if k == 20:
            return [f"{ind}return {a}.{r.choice(VERBS)}({b}).then((res) => res.data);"]
        return [f"{ind}{self.camel()}({a}, {b}, {r.randint(0, 1000)});"]

    def js_function(self, ts, plant):
        r = self.r
        name = self.camel()
        params = ", ".join(self.var() + (": " + r.choice(["string", "number", "Options", "unknown"]) if ts else "") for _ in range(r.randint(0, 3)))
        out = []
        if r.random() < 0.4:
            out += ["/**", f" * {name[0].upper() + name[1:]} for the {self.noun()} {self.noun()}.", f" * @param {self.var()} the {self.noun()}",
                    " */"]
            if r.random() < 0.1:
                out.insert(-1, " * Example: console.log(result) -- in a doc comment, not code.")
        style = r.randrange(3)
        ret = ": Promise<void>" if ts and r.random() < 0.3 else ""
        if style == 0:
            out.append(f"export async function {name}({params}){ret} {{")
        elif style == 1:
            out.append(f"export const {name} = async ({params}){ret} => {{")
        else:
            out.append(f"function {name}({params}){ret} {{")
        for _ in range(r.randint(3, 12)):
            out += self.js_stmt("  ", ts)
        if plant:
            out += plant
        out.append(f"  return {self.var()};")
        out.append("};" if style == 1 else "}")
        out.append("")
        return out

    def js_class(self, ts, plant):
        r = self.r
        name = self.klass()
        out = [f"export class {name}{' extends Base' + name if r.random() < 0.3 else ''} {{"]
        if ts:
            out += [f"  private {self.var()}: Map<string, number> = new Map();", f"  readonly {self.var()}: string = '{self.noun()}';"]
        out += [f"  constructor({self.var()}{': Options' if ts else ''}) {{", f"    this.{self.var()} = {self.var()};", "  }", ""]
        for i in range(r.randint(1, 4)):
            out.append(f"  {'async ' if r.random() < 0.4 else ''}{self.camel()}({self.var()}) {{")
            for _ in range(r.randint(2, 7)):
                out += self.js_stmt("    ", ts)
            if plant and i == 0:
                out += ["  " + line for line in plant]
            out += [f"    return this.{self.var()};", "  }", ""]
        out += ["}", ""]
        return out

    def jsx_component(self, ts, plant):
        r = self.r
        name = self.pascal()
        props = f"{{ {self.var()}, {self.var()}, onChange }}"
        out = []
        if ts:
            out += [f"interface {name}Props {{", f"  {self.var()}: string;", f"  {self.var()}?: number;", "  onChange?: (value: string) => void;", "}", ""]
            out.append(f"export function {name}({props}: {name}Props) {{")
        else:
            out.append(f"export function {name}({props}) {{")
        for _ in range(r.randint(2, 6)):
            out += self.js_stmt("  ", ts)
        if plant:
            out += plant
        t1, t2 = r.choice(TAGS), r.choice(TAGS)
        a = self.var()
        out += [
            "  return (",
            r.choice(JSX_DECOYS) if r.random() < 0.1 else f"    // {self.noun()} markup",
            f"    <{t1} className=\"{self.noun()}-{self.noun()}\" data-testid=\"{name.lower()}\">",
            f"      <{t2} onClick={{() => onChange?.({a})}}>{{`${{{a}}} of ${{total}}`}}</{t2}>",
            f"      {{{a} ? <{self.pascal()} value={{{a}}} /> : null}}",
            f"      <p>{self.noun().capitalize()} and {self.noun()}: {{{self.var()}.length}} left</p>",
            f"      {{items.map((item) => (",
            f"        <{self.pascal()} key={{item.id}} {{...item}} />",
            f"      ))}}",
            f"    </{t1}>",
            "  );",
            "}",
            "",
        ]
        return out

    def ts_types(self):
        r = self.r
        name = self.pascal()
        out = [f"export interface {name} {{"]
        for _ in range(r.randint(2, 8)):
            out.append(f"  {self.var()}{'?' if r.random() < 0.3 else ''}: {r.choice(['string', 'number', 'boolean', 'Date', 'string[]', name + '[]', 'Record<string, unknown>'])};")
        out += ["}", "", f"export type {name}Id = string & {{ readonly __brand: '{name}' }};", ""]
        return out

    def js_file(self, size, ts, jsx, production):
        r = self.r
        out = []
        if r.random() < 0.3:
            out.append("'use strict';" if not ts else "// @ts-check")
        out += self.js_imports(ts)
        out.append("")
        if r.random() < 0.3:
            out.append(self.todo("//"))
            out.append("")
        # plan the real findings for this file
        n_console = 1 if r.random() < 0.34 else 0
        if r.random() < 0.04:
            n_console += 1
        n_debugger = 1 if r.random() < 0.025 else 0
        plants = []
        for _ in range(n_console):
            m = r.choice(["log", "log", "log", "debug", "info", "trace"])
            plants.append([f"  console.{m}('{self.camel()}', {self.var()});"])
            if production:
                self.planted["console"] += 1
            else:
                self.planted["console_in_tests_or_scripts"] += 1
        for _ in range(n_debugger):
            plants.append(["  debugger;"])
            if production:
                self.planted["debugger"] += 1
        size_now = sum(len(l) + 1 for l in out)
        while size_now < size:
            plant = plants.pop() if plants and r.random() < 0.5 else None
            k = r.random()
            if jsx and k < 0.35:
                block = self.jsx_component(ts, plant)
            elif ts and k < 0.5:
                block = self.ts_types()
                if plant:
                    plants.append(plant)
            elif k < 0.75:
                block = self.js_function(ts, plant)
            else:
                block = self.js_class(ts, plant)
            if r.random() < 0.015:
                block.insert(0, self.todo("//"))
            if r.random() < 0.005:
                block.insert(0, f"/* FIXME{'(#' + str(self.issue) + ')' if r.random() < 0.5 else ''}: block-comment marker */")
                if "(#" in block[0]:
                    self.planted["todo_tracked"] += 1
                else:
                    self.planted["todo_untracked"] += 1
            out += block
            size_now += sum(len(l) + 1 for l in block)
        for plant in plants:  # leftovers go in a final helper
            out += self.js_function(ts, plant)
        out.append(f"export default {self.camel()};")
        return "\n".join(out) + "\n"

    def js_test_file(self, size, ts):
        r = self.r
        out = [f"import {{ describe, it, expect }} from 'vitest';", f"import {{ {self.camel()} }} from '../{self.noun()}';", ""]
        size_now = 100
        while size_now < size:
            block = [f"describe('{self.camel()}', () => {{"]
            for _ in range(r.randint(2, 6)):
                block.append(f"  it('{r.choice(VERBS)}s the {self.noun()}', async () => {{")
                for _ in range(r.randint(2, 6)):
                    block += self.js_stmt("    ", ts)
                if r.random() < 0.02:
                    block.append(f"    console.log({self.var()});")
                    self.planted["console_in_tests_or_scripts"] += 1
                block.append(f"    expect({self.var()}).toEqual({r.randint(0, 99)});")
                block.append("  });")
            block += ["});", ""]
            out += block
            size_now += sum(len(l) + 1 for l in block)
        return "\n".join(out) + "\n"

    # -- Python --------------------------------------------------------------
    def py_stmt(self, ind):
        r = self.r
        k = r.choice(PY_DECOYS) if r.random() < DECOY_RATE else r.choice(PY_PLAIN)
        a, b = self.snake(), r.choice(NOUNS)
        if k == 0:
            return [f"{ind}{a} = {self.snake()}({b}, limit={r.randint(1, 500)})"]
        if k == 1:
            return [f"{ind}if not {b}:", f"{ind}    return {r.choice(['None', '[]', '{}', 'False'])}"]
        if k == 2:
            return [f"{ind}message = f\"{{{b}.id}}: {self.noun()} {{{b}!r}} at {{datetime.now():%Y-%m-%d}}\""]
        if k == 3:
            return [f"{ind}# breakpoint()  # left from debugging, commented out"]
        if k == 4:
            return [f"{ind}logger.{r.choice(['info', 'warning', 'debug'])}(\"calling breakpoint() is forbidden in %s\", {b})"]
        if k == 5:
            return [f"{ind}for {b} in {self.snake()}():", f"{ind}    total += {b}.{r.choice(NOUNS)} or 0"]
        if k == 6:
            return [f"{ind}try:", f"{ind}    {self.snake()}({b})", f"{ind}except {r.choice(['ValueError', 'KeyError', 'RuntimeError'])} as exc:",
                    f"{ind}    logger.exception(\"{self.noun()} failed: %s\", exc)", f"{ind}    raise"]
        if k == 7:
            return [f"{ind}{a} = [x for x in {b}s if x.{r.choice(NOUNS)} > {r.randint(0, 50)}]"]
        if k == 8:
            return [f"{ind}pattern = re.compile(r\"import pdb|pdb\\.set_trace\\(\\)\")"]
        if k == 9:
            return [f"{ind}{a} = {{k: v for k, v in {b}.items() if v is not None}}"]
        if k == 10:
            return [f"{ind}with open({b}_path, encoding=\"utf-8\") as fh:", f"{ind}    data = json.load(fh)"]
        if k == 11:
            return [f"{ind}return {{\"{self.noun()}\": {b}, \"ok\": True, \"note\": 'TODO in a string'}}"]
        if k == 12:
            return [f"{ind}{a} = {b} if {b} is not None else {r.randint(0, 10)}  # default {self.noun()}"]
        if k == 13:
            return [f"{ind}await {self.snake()}({b}, retries={r.randint(1, 5)})" if r.random() < 0.3 else f"{ind}{self.snake()}({b})"]
        if k == 14:
            return [f"{ind}sql = \"\"\"", f"{ind}    SELECT id, {self.noun()} FROM {self.noun()}s", f"{ind}    WHERE {self.noun()}_id = %s -- TODO: not a comment", f"{ind}\"\"\""]
        if k == 15:
            return [f"{ind}self.{b} = {b}" if r.random() < 0.5 else f"{ind}{b}.update({a}={r.randint(0, 9)})"]
        if k == 16:
            return [f"{ind}assert isinstance({b}, {r.choice(['dict', 'list', 'str', 'int'])}), \"{self.noun()} must be valid\""]
        return [f"{ind}{a} = {self.snake()}({b}, {r.choice(NOUNS)}={r.choice(['True', 'False', 'None'])})"]

    def py_function(self, ind, plant, method=False):
        r = self.r
        out = []
        if r.random() < 0.3:
            out.append(f"{ind}@{r.choice(PY_DECORATORS)}" if not method else f"{ind}@property")
        args = ", ".join(r.choice(NOUNS) + (": " + r.choice(["int", "str", "dict", "Optional[str]"]) if r.random() < 0.5 else "") for _ in range(r.randint(0, 3)))
        if method:
            args = "self" + (", " + args if args else "")
        out.append(f"{ind}{'async ' if r.random() < 0.2 else ''}def {self.snake()}({args}):")
        if r.random() < 0.6:
            out += [f"{ind}    \"\"\"{self.snake().replace('_', ' ').capitalize()} for the {self.noun()}.", "",
                    f"{ind}    Do not call breakpoint() or import pdb here; use logging." if r.random() < 0.1 else f"{ind}    Returns the {self.noun()}.", f"{ind}    \"\"\""]
        for _ in range(r.randint(2, 10)):
            out += self.py_stmt(ind + "    ")
        if plant:
            out += [ind + "    " + line for line in plant]
        out.append(f"{ind}    return {r.choice(NOUNS)}")
        out.append("")
        return out

    def py_class(self, plant):
        r = self.r
        name = self.klass()
        out = []
        if r.random() < 0.4:
            out.append("@dataclass")
        out.append(f"class {name}({r.choice(['object', 'BaseModel', 'Base', 'Exception'])}):")
        out.append(f"    \"\"\"{name} keeps the {self.noun()} state.\"\"\"")
        out.append("")
        for _ in range(r.randint(1, 4)):
            out.append(f"    {self.noun()}: {r.choice(['int', 'str', 'Optional[str]', 'List[int]'])} = {r.choice(['0', 'None', 'field(default_factory=list)', repr(self.noun())])}")
        out.append("")
        for i in range(r.randint(1, 4)):
            out += self.py_function("    ", plant if i == 0 else None, method=True)
        out.append("")
        return out

    def py_file(self, size, production):
        r = self.r
        out = [f"\"\"\"{self.noun().capitalize()} {self.noun()} module.", "", f"{self.noun().capitalize()} helpers for the {self.noun()} service.", "\"\"\"", ""]
        if r.random() < 0.15:
            out[2] = "Never leave breakpoint() in production code."
        if r.random() < 0.5:
            out.append("from __future__ import annotations")
            out.append("")
        for m in r.sample(PY_MODS, r.randint(2, 6)):
            out.append(f"import {m}")
        for m, names in r.sample(PY_FROM, r.randint(1, 4)):
            out.append(f"from {m} import {names}")
        out += ["", "logger = logging.getLogger(__name__)", ""]
        if r.random() < 0.3:
            out.append(self.todo("#"))
            out.append("")
        plants = []
        if r.random() < 0.025:
            plants.append(["breakpoint()"])
            if production:
                self.planted["breakpoint"] += 1
        if r.random() < 0.0125:
            plants.append(["import pdb; pdb.set_trace()"])
            if production:
                self.planted["pdb"] += 1
        size_now = sum(len(l) + 1 for l in out)
        while size_now < size:
            plant = plants.pop() if plants and r.random() < 0.5 else None
            block = self.py_class(plant) if r.random() < 0.35 else self.py_function("", plant)
            if r.random() < 0.015:
                block.insert(0, self.todo("#"))
            out += block
            size_now += sum(len(l) + 1 for l in block)
        for plant in plants:
            out += self.py_function("", plant)
        out += ["", "if __name__ == \"__main__\":", f"    {self.snake()}()"]
        return "\n".join(out) + "\n"

    def py_test_file(self, size):
        r = self.r
        out = ["import pytest", "", f"from ..{self.noun()} import {self.snake()}", ""]
        size_now = 60
        while size_now < size:
            block = [f"def test_{self.snake()}():"]
            for _ in range(r.randint(2, 8)):
                block += self.py_stmt("    ")
            block += [f"    assert {self.snake()}() == {r.randint(0, 9)}", "", ""]
            out += block
            size_now += sum(len(l) + 1 for l in block)
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------

def plan_paths(r, n):
    """Return n (relpath, kind) pairs. kind: js/jsx/ts/tsx/py, with a -test or
    -script suffix for non-production files."""
    plans = []
    seen = set()

    def add(path, kind):
        if path in seen:
            return False
        seen.add(path)
        plans.append((path, kind))
        return True

    while len(plans) < n:
        area = r.random()
        if area < 0.45:  # frontend apps
            app = r.choice(APPS)
            roll = r.random()
            if roll < 0.10:
                d = r.choice(FRONT_DIRS)
                ext = r.choice(["tsx", "ts", "jsx", "js"])
                add(f"apps/{app}/src/{d}/__tests__/{r.choice(VERBS)}{r.choice(NOUNS).capitalize()}.test.{ext}", ext + "-test")
            elif roll < 0.13:
                add(f"apps/{app}/scripts/{r.choice(VERBS)}-{r.choice(NOUNS)}.js", "js-script")
            else:
                d = r.choice(FRONT_DIRS)
                ext = r.choices(["tsx", "ts", "jsx", "js"], weights=[40, 30, 15, 15])[0]
                sub = f"/{r.choice(NOUNS)}" if r.random() < 0.3 else ""
                base = (r.choice(NOUNS).capitalize() + r.choice(["View", "Card", "List", "Panel", "Form", "Page"])) if ext in ("tsx", "jsx") else (r.choice(VERBS) + r.choice(NOUNS).capitalize())
                add(f"apps/{app}/src/{d}{sub}/{base}.{ext}", ext)
        elif area < 0.72:  # packages
            pkg = r.choice(PACKAGES)
            roll = r.random()
            if roll < 0.12:
                ext = r.choice(["ts", "js"])
                add(f"packages/{pkg}/tests/{r.choice(NOUNS)}-{r.choice(VERBS)}.test.{ext}", ext + "-test")
            else:
                d = r.choice(PKG_DIRS)
                d = f"/{d}" if d else ""
                ext = r.choices(["ts", "tsx", "js"], weights=[60, 20, 20])[0]
                add(f"packages/{pkg}/src{d}/{r.choice(NOUNS)}-{r.choice(VERBS)}.{ext}", ext)
        elif area < 0.93:  # python services
            svc = r.choice(PY_SERVICES)
            roll = r.random()
            if roll < 0.13:
                add(f"services/{svc}/tests/test_{r.choice(NOUNS)}_{r.choice(VERBS)}.py", "py-test")
            elif roll < 0.16:
                add(f"services/{svc}/scripts/{r.choice(VERBS)}_{r.choice(NOUNS)}.py", "py-script")
            else:
                d = r.choice(PY_DIRS)
                add(f"services/{svc}/{svc}_app/{d}/{r.choice(NOUNS)}_{r.choice(VERBS)}.py", "py")
        else:  # node services
            svc = r.choice(NODE_SERVICES)
            roll = r.random()
            if roll < 0.1:
                add(f"services/{svc}/__tests__/{r.choice(NOUNS)}.test.ts", "ts-test")
            else:
                d = r.choice(NODE_SVC_DIRS)
                ext = r.choices(["ts", "js"], weights=[70, 30])[0]
                add(f"services/{svc}/src/{d}/{r.choice(NOUNS)}{r.choice(VERBS).capitalize()}.{ext}", ext)
    return plans


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output directory (created; must be empty or absent)")
    ap.add_argument("--files", type=int, default=20000, help="number of source files (default 20000)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every file's target size (default 1.0, ~270 MB at 20000 files)")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    args = ap.parse_args()
    if args.files < 1 or args.scale <= 0:
        ap.error("--files must be >= 1 and --scale > 0")
    if os.path.isdir(args.out) and os.listdir(args.out):
        ap.error(f"{args.out} exists and is not empty")

    t0 = time.time()
    g = Gen(args.seed)
    r = g.r
    plans = plan_paths(r, args.files)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, ".gitignore"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("node_modules/\n")

    lo, hi = math.log(2048), math.log(40960)
    max_size = 1024 * 1024 - 64 * 1024  # leave headroom under shipcheck's 1 MiB limit
    total = 0
    made_dirs = set()
    by_kind = {}
    for i, (rel, kind) in enumerate(plans):
        size = min(int(math.exp(r.uniform(lo, hi)) * args.scale), max_size)
        size = max(size, 200)
        lang, _, role = kind.partition("-")
        production = role == ""
        if lang == "py":
            text = g.py_file(size, production) if role != "test" else g.py_test_file(size)
        elif role == "test":
            text = g.js_test_file(size, lang in ("ts", "tsx"))
        else:
            text = g.js_file(size, lang in ("ts", "tsx"), lang in ("jsx", "tsx"), production)
        # the final block can overshoot; a hard cap keeps every file under 1 MiB
        if len(text) > max_size:
            text = text[: text.rfind("\n", 0, max_size) + 1]
        path = os.path.join(args.out, rel)
        d = os.path.dirname(path)
        if d not in made_dirs:
            os.makedirs(d, exist_ok=True)
            made_dirs.add(d)
        data = text.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        total += len(data)
        by_kind[kind] = by_kind.get(kind, 0) + 1
        if (i + 1) % 5000 == 0:
            print(f"  {i + 1} files, {total / 1e6:.0f} MB, {time.time() - t0:.1f}s", file=sys.stderr)

    summary = {
        "files": len(plans),
        "bytes": total,
        "seed": args.seed,
        "scale": args.scale,
        "seconds": round(time.time() - t0, 1),
        "by_kind": dict(sorted(by_kind.items())),
        "planted_in_production": {k: v for k, v in g.planted.items() if k != "console_in_tests_or_scripts"},
        "console_in_tests_or_scripts": g.planted["console_in_tests_or_scripts"],
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
