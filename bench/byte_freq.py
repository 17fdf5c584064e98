#!/usr/bin/env python3
"""Print `literals::BYTE_FREQ`: how often each byte stands in source code,
per 65,536 (every byte at least 1), over the files of the real-app corpus
(`bench/apps.sh` clones it; default /tmp/shipcheck-apps).

    bench/byte_freq.py [CORPUS_DIR]

Files as the walk reads them: JS/TS, Python, Ruby, Markdown, YAML, JSON,
SQL, HTML, CSS … under 1 MB, outside `.git` and `node_modules`, lock files
left out. `literals::bucket_order` weighs a Teddy bucket's masks with it.
"""
import collections
import os
import sys

EXTS = (
    ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".py", ".rb", ".erb", ".go",
    ".md", ".yml", ".yaml", ".json", ".prisma", ".sql", ".env", ".sh", ".html",
    ".css", ".svelte", ".vue",
)


def main(argv):
    corpus = argv[0] if argv else "/tmp/shipcheck-apps"
    counts = collections.Counter()
    total = 0
    for app in sorted(os.listdir(corpus)):
        for folder, dirs, files in os.walk(os.path.join(corpus, app)):
            dirs[:] = sorted(d for d in dirs if d not in (".git", "node_modules"))
            for name in sorted(files):
                if not name.endswith(EXTS) or name.endswith("lock.json"):
                    continue
                try:
                    with open(os.path.join(folder, name), "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                if len(data) > 1 << 20:
                    continue
                counts.update(data)
                total += len(data)
    if total == 0:
        sys.exit(f"no source files under {corpus}")
    table = [max(1, round(counts[b] * 65536 / total)) for b in range(256)]
    print(f"// {total} bytes of {corpus}")
    for row in range(0, 256, 16):
        print("    " + ", ".join(str(v) for v in table[row : row + 16]) + ",")


if __name__ == "__main__":
    main(sys.argv[1:])
