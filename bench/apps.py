#!/usr/bin/env python3
"""Real-application evaluation (issue 12): shipcheck, no config, on the apps of
bench/apps.manifest, with every error- and warning-level finding judged.

    bench/apps.sh                                   # the corpus, at the pinned commits
    bench/apps.py [--shipcheck PATH] [--corpus DIR] # run, write bench/APPS.md
    bench/apps.py --review                          # unreviewed findings, JSON lines
    bench/apps.py --import verdicts.jsonl           # merge a reviewer's verdicts

Each app is checked with `PATH check APP --format json --branch feature/apps-eval`,
no `--config` (no app of the manifest has a `.shipcheck.yml`; one that had would
make this script stop rather than let the app's own config change the result),
SHIPCHECK_TODAY=2026-12-05 and an environment cleared of CI variables
(GITHUB_BASE_REF, GITHUB_ACTIONS, …), so a run in Actions or on a laptop gives
the same findings.

Verdicts live in bench/apps-verdicts.json, keyed `<owner>/<name>|<fingerprint>`:
    {"rule": …, "place": "path:line", "verdict": "true"|"false"|"debatable", "why": …}
"false" is a false alarm. A rerun asks only about findings whose key has no
verdict; verdicts whose finding is gone are kept (a later pin may bring it back)
and counted as stale in APPS.md. Notice-level findings are counted and need no
verdict; verdicts given for them anyway are shown in their row (no target).

`--review` prints one JSON object a line to stdout for each unreviewed error or
warning finding (with the source line), and does not write APPS.md. A reviewer
adds `"verdict"` and `"why"` to those lines and merges them back with
`--import FILE` (lines without a verdict are skipped).

Target (issue 12), per rule: no false alarm at error level, at most 2% at
warning level, among the reviewed findings.

Exit: 0 written, 1 a target missed, 2 setup error (no binary, corpus not at the
manifest's commits, a shipcheck run that crashed).
"""
import argparse
import collections
import datetime
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "bench", "apps.manifest")
VERDICTS = os.path.join(ROOT, "bench", "apps-verdicts.json")
OUT = os.path.join(ROOT, "bench", "APPS.md")
TODAY = "2026-12-05"
BRANCH = "feature/apps-eval"
JUDGED = ("error", "warning")
VERDICT_VALUES = ("true", "false", "debatable")
# Kept from the caller's environment; everything else (CI, GITHUB_*, NODE_ENV, …)
# is dropped so that no run depends on where it is made.
KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def die(msg, code=2):
    print(f"apps.py: {msg}", file=sys.stderr)
    sys.exit(code)


def read_manifest(path):
    apps = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 3 or len(parts[1]) != 40:
                die(f"{path}:{n}: expected '<owner>/<name> <sha> <kind>'")
            apps.append({"app": parts[0], "sha": parts[1], "kind": parts[2],
                         "dir_name": parts[0].replace("/", "+")})
    return apps


def default_shipcheck():
    release = os.path.join(ROOT, "target", "release", "shipcheck")
    return release if os.path.exists(release) else os.path.join(ROOT, "target", "debug", "shipcheck")


def git_head(path):
    try:
        return subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


def load_verdicts(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for key, v in data.items():
        if "|" not in key:
            die(f"{path}: key {key!r} is not '<owner>/<name>|<fingerprint>'")
        if v.get("verdict") not in VERDICT_VALUES:
            die(f"{path}: {key}: verdict {v.get('verdict')!r} is not one of {', '.join(VERDICT_VALUES)}")
        if not v.get("why", "").strip():
            die(f"{path}: {key}: a verdict needs a `why`")
    return data


def save_verdicts(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(data.items())), f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def run_app(shipcheck, app_dir):
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env["SHIPCHECK_TODAY"] = TODAY
    cmd = [shipcheck, "check", app_dir, "--format", "json", "--branch", BRANCH]
    start = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd="/")
    elapsed = time.monotonic() - start
    if p.returncode not in (0, 1):
        die(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[:500]}")
    try:
        report = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        die(f"{' '.join(cmd)}: not JSON ({e})")
    return report, elapsed


def source_line(app_dir, path, line):
    try:
        with open(os.path.join(app_dir, path), encoding="utf-8", errors="replace") as f:
            for n, text in enumerate(f, 1):
                if n == line:
                    return text.rstrip("\n")[:300]
    except (OSError, TypeError):
        pass
    return None


def place(f):
    return f"{f.get('path') or '.'}:{f.get('line') or 0}"


def pct(n, d):
    return f"{100.0 * n / d:.1f}%" if d else "—"


def md_escape(s):
    return s.replace("|", "\\|").replace("\n", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shipcheck", default=None, help="binary (default: target/release/shipcheck, else target/debug/shipcheck)")
    ap.add_argument("--corpus", default=os.environ.get("CORPUS_DIR", "/tmp/shipcheck-apps"),
                    help="where bench/apps.sh put the clones (default /tmp/shipcheck-apps)")
    ap.add_argument("--review", action="store_true",
                    help="print the unreviewed error/warning findings as JSON lines; do not write APPS.md")
    ap.add_argument("--import", dest="import_file", metavar="FILE",
                    help="merge verdicts from JSON lines (key, verdict, why) into the verdicts file, then report")
    ap.add_argument("--verdicts", default=VERDICTS, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=OUT, help=argparse.SUPPRESS)
    ap.add_argument("--raw", default=None, help="also keep each app's JSON report in this directory")
    args = ap.parse_args()

    shipcheck = os.path.abspath(args.shipcheck or default_shipcheck())  # runs use cwd=/
    if not os.access(shipcheck, os.X_OK):
        die(f"no shipcheck binary at {shipcheck} (cargo build, or --shipcheck PATH)")
    version = subprocess.run([shipcheck, "--version"], capture_output=True, text=True).stdout.strip()

    apps = read_manifest(MANIFEST)
    for a in apps:
        a["dir"] = os.path.join(args.corpus, a["dir_name"])
        head = git_head(a["dir"])
        if head != a["sha"]:
            die(f"{a['dir']} is {'at ' + head if head else 'missing'}, the manifest pins {a['sha']}: "
                f"run bench/apps.sh {args.corpus}")
        for own in (".shipcheck.yml", ".shipcheck-baseline.json"):
            if os.path.exists(os.path.join(a["dir"], own)):
                die(f"{a['app']} has its own {own}: the evaluation is of the defaults, so it would "
                    f"have to be left out of the run (not supported yet)")

    verdicts = load_verdicts(args.verdicts)

    findings = []  # dicts with app, key, and the report's fields
    per_app = {}
    for a in apps:
        report, elapsed = run_app(shipcheck, a["dir"])
        if args.raw:
            os.makedirs(args.raw, exist_ok=True)
            with open(os.path.join(args.raw, a["dir_name"] + ".json"), "w") as f:
                json.dump(report, f, indent=1)
        sets = collections.Counter(m.get("framework", "?") for m in report.get("migration_sets", []))
        per_app[a["app"]] = {"elapsed": elapsed, "files": report.get("files_scanned", 0),
                             "counts": report.get("counts", {}),
                             "migrations": ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in sorted(sets.items())) or "—"}
        seen = set()
        for f in report.get("findings", []):
            key = f"{a['app']}|{f['fingerprint']}"
            if key in seen:
                die(f"{a['app']}: two findings share fingerprint {f['fingerprint']}")
            seen.add(key)
            findings.append(dict(f, app=a["app"], key=key, dir=a["dir"]))
        print(f"apps.py: {a['app']}: {len(report.get('findings', []))} findings, {elapsed:.1f}s",
              file=sys.stderr)

    by_key = {f["key"]: f for f in findings}

    # A verdict holds for the level it was given at: a finding whose level
    # changed (an optional read now a warning) is asked about again. Older
    # verdicts without a level count as given at error when their class
    # says the level was the problem.
    def judged_level(v, f):
        return v.get("level") or ("error" if "at error level" in v.get("why", "") else f["level"])
    relevelled = [k for k, v in verdicts.items() if k in by_key and judged_level(v, by_key[k]) != by_key[k]["level"]]
    for k in relevelled:
        del verdicts[k]

    if args.import_file:
        added = stale_imported = 0
        with open(args.import_file, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                raw = raw.strip()
                if not raw:
                    continue
                rec = json.loads(raw)
                if not rec.get("verdict"):
                    continue
                if rec["verdict"] not in VERDICT_VALUES or not rec.get("why", "").strip():
                    die(f"{args.import_file}:{n}: needs verdict in {VERDICT_VALUES} and a why")
                f = by_key.get(rec["key"])
                if f is not None:
                    rule, where = f["rule"], place(f)
                elif rec.get("rule") and rec.get("place"):
                    rule, where = rec["rule"], rec["place"]  # a finding this binary no longer makes
                    stale_imported += 1
                else:
                    die(f"{args.import_file}:{n}: {rec['key']} is no current finding (give rule and place to keep it)")
                verdicts[rec["key"]] = {"rule": rule, "place": where,
                                        "level": f["level"] if f is not None else rec.get("level"),
                                        "verdict": rec["verdict"], "why": rec["why"].strip()}
                added += 1
        save_verdicts(args.verdicts, verdicts)
        print(f"apps.py: {added} verdicts merged into {args.verdicts}"
              + (f" ({stale_imported} for findings no longer made)" if stale_imported else ""), file=sys.stderr)

    judged = [f for f in findings if f["level"] in JUDGED]
    unreviewed = [f for f in judged if f["key"] not in verdicts]

    if args.review:
        for f in unreviewed:
            print(json.dumps({"key": f["key"], "app": f["app"], "rule": f["rule"], "level": f["level"],
                              "place": place(f), "message": f["message"],
                              "source": source_line(f["dir"], f.get("path"), f.get("line")),
                              "verdict": "", "why": ""}, ensure_ascii=False))
        print(f"apps.py: {len(unreviewed)} unreviewed error/warning findings of {len(judged)}",
              file=sys.stderr)
        return 0

    # Per rule and level.
    rows = collections.OrderedDict()
    for f in sorted(findings, key=lambda f: (f["rule"], ("error", "warning", "notice").index(f["level"]))):
        r = rows.setdefault((f["rule"], f["level"]), collections.Counter())
        r["findings"] += 1
        v = verdicts.get(f["key"])
        if v:  # notice-level verdicts are optional, shown when given
            r["reviewed"] += 1
            r[v["verdict"]] += 1
    missed = []
    for (rule, level), r in rows.items():
        if level not in JUDGED:
            r["target"] = "n/a (notice" + (", optional review" if r["reviewed"] else "") + ")"
        elif not r["reviewed"]:
            r["target"] = "not reviewed"
        else:
            limit = 0.0 if level == "error" else 0.02
            ok = r["false"] / r["reviewed"] <= limit
            r["target"] = ("met" if ok else "MISSED") + ("" if r["reviewed"] == r["findings"] else " (sample)")
            if not ok:
                missed.append(f"{rule} ({level})")

    # Per app.
    app_rows = []
    for a in apps:
        fs = [f for f in findings if f["app"] == a["app"]]
        c = collections.Counter(f["level"] for f in fs)
        rev = [f for f in fs if f["level"] in JUDGED and f["key"] in verdicts]
        fa = sum(1 for f in rev if verdicts[f["key"]]["verdict"] == "false")
        app_rows.append((a, c, len(rev), fa,
                         sum(1 for f in fs if f["level"] in JUDGED) - len(rev)))

    stale = sorted(k for k in verdicts if k not in by_key)
    # A verdict recorded at another place (a re-pin moved the line, or a fingerprint's occurrence
    # index now names another finding on the line): worth a second look.
    moved = sorted(k for k in verdicts if k in by_key and verdicts[k]["place"] != place(by_key[k]))

    out = []
    w = out.append
    w("# shipcheck on real applications (issue 12)")
    w("")
    w("Generated by `bench/apps.py` (corpus: `bench/apps.sh`); do not edit by hand. "
      "Verdicts: [`apps-verdicts.json`](apps-verdicts.json).")
    w("")
    w(f"- date: {datetime.date.today().isoformat()} (runs with `SHIPCHECK_TODAY={TODAY}`)")
    w(f"- binary: `{version}` (`{os.path.relpath(shipcheck, ROOT) if shipcheck.startswith(ROOT) else shipcheck}`)")
    w(f"- command: `shipcheck check APP --format json --branch {BRANCH}`, no config, no `--base`, "
      "no production env file, CI variables cleared")
    w(f"- {len(findings)} findings, {len(judged)} at error or warning level, "
      f"{len(judged) - len(unreviewed)} reviewed, {len(unreviewed)} unreviewed"
      + (f"; {len(stale)} stale verdicts (finding gone)" if stale else ""))
    w("- target: per rule, no false alarm at error level and at most 2% at warning level "
      "(among reviewed findings; `(sample)` where not every finding is reviewed)")
    w("")
    w("Review criteria: **true** is what a team would want reported at that level before a deploy;")
    w("**false** is a false alarm (not production code, dead in production, a platform or tool variable, an")
    w("optional read reported at error level, a template or fixture taken for a real file, …); **debatable**")
    w("is intended output or a read guarded a line later. For `debug/console`, true means a console call the")
    w("rule's contract covers (production code, not a logger): many are deliberate server logs whose fix is a")
    w("logger or a `shipcheck-ignore` with a reason.")
    w("")
    w("## Manifest")
    w("")
    w("| app | commit | kind | files scanned | migration sets found | time (s) |")
    w("| --- | --- | --- | ---: | --- | ---: |")
    for a in apps:
        p = per_app[a["app"]]
        w(f"| [{a['app']}](https://github.com/{a['app']}) | `{a['sha'][:12]}` | {a['kind']} | "
          f"{p['files']} | {p['migrations']} | {p['elapsed']:.1f} |")
    w("")
    w("The git-aware migration rules (`migrations/edited`, `out-of-order`, `schema-without-migration`) "
      "compare with a base and the live ones need `--database-url`: with neither given, they stay quiet here.")
    w("")
    w("## Per rule")
    w("")
    w("| rule | level | findings | reviewed | true | false alarms | debatable | false-alarm rate | target |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for (rule, level), r in rows.items():
        j = level in JUDGED or r["reviewed"] > 0
        w(f"| `{rule}` | {level} | {r['findings']} | {r['reviewed'] if j else '—'} | "
          f"{r['true'] if j else '—'} | {r['false'] if j else '—'} | {r['debatable'] if j else '—'} | "
          f"{pct(r['false'], r['reviewed']) if j else '—'} | {r['target']} |")
    w("")
    w("## Per app")
    w("")
    w("| app | errors | warnings | notices | reviewed | false alarms | unreviewed |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for a, c, rev, fa, unrev in app_rows:
        w(f"| {a['app']} | {c['error']} | {c['warning']} | {c['notice']} | {rev} | {fa} | {unrev} |")
    w("")
    w("## False alarms by class")
    w("")
    w("A verdict's `why` starts with its class (`class: detail`); notice-level rows come from optional reviews.")
    w("")
    classes = collections.OrderedDict()
    for f in sorted(findings, key=lambda f: (f["rule"], f["app"], f.get("path") or "", f.get("line") or 0)):
        v = verdicts.get(f["key"])
        if not v or v["verdict"] != "false":
            continue
        why = v["why"]
        cls = why.split(": ", 1)[0] if ": " in why[:80] else why[:60]
        c = classes.setdefault((f["rule"], f["level"], cls), {"n": 0, "ex": f})
        c["n"] += 1
    if not classes:
        w("None.")
    else:
        w("| rule | level | class | false alarms | example |")
        w("| --- | --- | --- | ---: | --- |")
        for (rule, level, cls), c in sorted(classes.items(), key=lambda kv: (kv[0][0], -kv[1]["n"])):
            ex = c["ex"]
            w(f"| `{rule}` | {level} | {md_escape(cls)} | {c['n']} | {ex['app']} `{md_escape(place(ex))}` |")
    w("")
    w("## False alarms (error and warning)")
    w("")
    fas = [f for f in judged if verdicts.get(f["key"], {}).get("verdict") == "false"]
    if not fas:
        w("None among the reviewed findings.")
    else:
        w("| rule | level | app | place | why |")
        w("| --- | --- | --- | --- | --- |")
        for f in sorted(fas, key=lambda f: (f["rule"], f["app"], f.get("path") or "", f.get("line") or 0)):
            w(f"| `{f['rule']}` | {f['level']} | {f['app']} | `{md_escape(place(f))}` | "
              f"{md_escape(verdicts[f['key']]['why'])} |")
    w("")
    w("## Debatable (error and warning)")
    w("")
    w("Findings a reviewer could argue either way, each with the reason; none counts as a false alarm.")
    w("")
    deb = [f for f in judged if verdicts.get(f["key"], {}).get("verdict") == "debatable"]
    if not deb:
        w("None.")
    else:
        w("| rule | level | app | place | why |")
        w("| --- | --- | --- | --- | --- |")
        for f in sorted(deb, key=lambda f: (f["rule"], f["app"], f.get("path") or "", f.get("line") or 0)):
            w(f"| `{f['rule']}` | {f['level']} | {f['app']} | `{md_escape(place(f))}` | "
              f"{md_escape(verdicts[f['key']]['why'])} |")
    w("")
    w("## Unreviewed error and warning findings")
    w("")
    if not unreviewed:
        w("None.")
    else:
        w("`bench/apps.py --review` lists them as JSON lines; `--import FILE` merges the verdicts.")
        w("")
        w("| rule | app | place | message |")
        w("| --- | --- | --- | --- |")
        for f in sorted(unreviewed, key=lambda f: (f["rule"], f["app"], f.get("path") or "", f.get("line") or 0)):
            w(f"| `{f['rule']}` | {f['app']} | `{md_escape(place(f))}` | {md_escape(f['message'][:120])} |")
    if moved:
        w("")
        w("## Verdicts recorded at another place")
        w("")
        w("The finding moved since it was judged: check the verdict still fits (then fix its `place`).")
        w("")
        for k in moved:
            w(f"- `{k}` ({verdicts[k]['rule']}): recorded at `{verdicts[k]['place']}`, now at `{place(by_key[k])}`")
    if stale:
        w("")
        w("## Stale verdicts")
        w("")
        w("Verdicts whose finding no run produced (kept in case it comes back):")
        w("")
        for k in stale:
            w(f"- `{k}` ({verdicts[k]['rule']} at `{verdicts[k]['place']}`)")
    w("")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"apps.py: wrote {args.out}; {len(unreviewed)} unreviewed; "
          f"target {'missed by ' + ', '.join(missed) if missed else 'met'}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
