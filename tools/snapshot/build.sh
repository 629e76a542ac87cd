#!/usr/bin/env bash
# Builds the feed snapshot that `fixpoint server` imports on first start (docs/feeds.md, "Bundled snapshot").
#
#   tools/snapshot/build.sh [SHARED_DATA_DIR] [OUT]
#
# SHARED_DATA_DIR: the shared data folder (default: $FIXPOINT_SHARED_DATA, else the nearest
#   shared/data beside this checkout or above it — the folder the tests use, usually ../shared/data).
# OUT: the bundle to write (default server/src/main/resources/dev/fixpoint/server/feed/snapshot.fpbundle);
#   its SOURCES.md is written next to it and inside it.
#
# Needs python3 (standard library) and a JDK: the bundle itself is written by `./fixpoint feeds bundle`.
# The staged files are byte-reproducible (their digests in the manifest do not change from run to run);
# the manifest's "created" time is the time of the build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

data=${1:-${FIXPOINT_SHARED_DATA:-}}
if [ -z "$data" ]; then
  d=$root
  while [ "$d" != / ]; do
    if [ -f "$d/shared/data/SOURCES.md" ]; then data=$d/shared/data; break; fi
    d=$(dirname "$d")
  done
fi
if [ -z "$data" ] || [ ! -f "$data/SOURCES.md" ]; then
  echo "build.sh: no shared data folder (give it as the first argument or set FIXPOINT_SHARED_DATA)" >&2
  exit 2
fi
out=${2:-$root/server/src/main/resources/dev/fixpoint/server/feed/snapshot.fpbundle}
mkdir -p "$(dirname "$out")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
staging=$work/store
mkdir "$staging"

python3 "$root/tools/snapshot/stage.py" "$data" "$staging" > "$work/report.jsonl"

{
  cat "$root/tools/snapshot/SOURCES.md"
  echo
  echo "## Files"
  echo
  echo "| file | records | bytes | from (under the shared data folder) |"
  echo "| --- | --- | --- | --- |"
  python3 - "$work/report.jsonl" "$staging" <<'PY'
import json, os, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    src = r["from"] if isinstance(r["from"], str) else ", ".join(r["from"])
    extra = f" (catalogVersion {r['catalogVersion']})" if "catalogVersion" in r else ""
    size = os.path.getsize(os.path.join(sys.argv[2], r["file"]))
    print(f"| `{r['file']}` | {r['records']:,}{extra} | {size:,} | `{src}` |")
PY
} > "$staging/SOURCES.md"

"$root/fixpoint" feeds bundle --store "$staging" -o "$out"
cp "$staging/SOURCES.md" "$(dirname "$out")/SOURCES.md"
echo "$out: $(wc -c < "$out" | tr -d ' ') bytes"
