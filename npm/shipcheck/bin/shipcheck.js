#!/usr/bin/env node
// The `shipcheck` command of the npm package: runs the native binary from
// the platform package npm installed next to this one (one of the
// optionalDependencies, picked by their `os`/`cpu` fields), the way esbuild,
// biome and oxlint ship. No postinstall script and no download: what npm
// installed is what runs.
"use strict";

const { spawnSync } = require("child_process");
const path = require("path");

const platform = `${process.platform}-${process.arch}`;
const packageName = `@shipcheck/cli-${platform}`;
const binaryName = process.platform === "win32" ? "shipcheck.exe" : "shipcheck";

// The platform package, resolved from this file the way Node resolves any
// dependency (hoisted, nested, pnpm's store, Yarn's unplugged folders).
function binaryPath() {
  try {
    return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), binaryName);
  } catch (error) {
    if (error && error.code === "MODULE_NOT_FOUND") return null;
    throw error;
  }
}

// One line that says what is wrong and what to do: an unsupported platform,
// or a supported one whose package npm left out (--omit=optional, or a
// lockfile written on another platform: npm/cli#4828).
function missingPlatformMessage() {
  const supported = Object.keys(require("../package.json").optionalDependencies || {})
    .map((name) => name.replace("@shipcheck/cli-", ""))
    .sort();
  if (supported.includes(platform)) {
    return `shipcheck: the binary package ${packageName} for ${process.platform} ${process.arch} is not installed; reinstall without --omit=optional / --no-optional (delete node_modules and package-lock.json if the lockfile was written on another platform)`;
  }
  return `shipcheck: no prebuilt binary for ${process.platform} ${process.arch} (npm packages exist for ${supported.join(", ")}); install it with \`cargo install --locked shipcheck\` instead`;
}

const binary = binaryPath();
if (binary === null) {
  console.error(missingPlatformMessage());
  process.exit(2);
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error) {
  console.error(`shipcheck: could not run ${binary}: ${result.error.message}`);
  process.exit(2);
}
if (result.signal) {
  // Die of the same signal, so the caller sees what the binary saw.
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
