#!/bin/bash
# Writes the version-pair files the version benchmarks run on (Java JMH and the C anchors alike):
#   real_deb.tsv     every Version: of the local APT Packages indexes (as ../shared/vercmp/bench does),
#                    plus the shared dpkg status files and Debian's bookworm-security index,
#                    de-duplicated, sorted as strings and paired with the neighbour
#   real_rpm_evr.tsv every [E:]V-R of the UBI 9 inventory and every fixed version in the AlmaLinux
#                    8/9/10 OSV advisories, paired the same way
#   gen_dpkg.tsv, gen_rpm.tsv, gen_rpm_evr.tsv   gen_pairs.py ECO -n 100000 --seed 1
# Usage: bench/version-pairs.sh OUTDIR   (needs ../shared/data, or FIXPOINT_SHARED_DATA)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/version-pairs.sh OUTDIR}
data=${FIXPOINT_SHARED_DATA:-$here/../shared/data}
mkdir -p "$out"
pair() { LC_ALL=C sort -u | awk 'NR>1{print prev "\t" $0} {prev=$0}'; }
{
  for f in $(apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' 2>/dev/null); do
    /usr/lib/apt/apt-helper cat-file "$f"
  done
  cat "$data"/inventories/*/var/lib/dpkg/status
  xz -dc "$data/debian-archive/bookworm-security/main/binary-amd64/Packages.xz"
} | sed -n 's/^Version: //p' | pair > "$out/real_deb.tsv"
{
  grep -v '^#' "$data"/inventories/rhel-ubi9-9.2-spdx-sbom/*.rpm-nevra.tsv | cut -f2
  cat "$data"/osv/almalinux/almalinux*/*.json | grep -o '"fixed": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
} | pair > "$out/real_rpm_evr.tsv"
for e in dpkg rpm rpm_evr; do
  python3 "$here/tools/oracles/gen_pairs.py" "$e" -n 100000 --seed 1 > "$out/gen_$e.tsv"
done
wc -l "$out"/*.tsv
