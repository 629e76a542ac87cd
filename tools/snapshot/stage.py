#!/usr/bin/env python3
"""Stages the bundled feed snapshot's files from the shared data folder (called by build.sh).

Writes into STAGING, under the file names `fixpoint feeds sync` uses for the same sources (so an
online sync replaces them):
  cisa-kev.json               the newest CISA KEV catalogue (by catalogVersion), byte for byte
  epss_scores-current.csv.gz  the newest EPSS mirror's per-year files, concatenated, gzip-compressed
  osv-<distro>.zip            OSV records of each distribution, in osv.dev's all.zip shape
and prints what it staged as JSON lines. The output is byte-reproducible: zip entries are sorted and
stamped 1980-01-01, gzip carries no name or time. Standard library only.
"""
import gzip
import json
import pathlib
import sys
import zipfile

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def newest_kev(data):
    best = None
    for p in sorted(data.glob("kev/*/known_exploited_vulnerabilities.json")):
        doc = json.loads(p.read_bytes())
        version = tuple(int(x) for x in doc["catalogVersion"].split("."))
        if best is None or version > best[0]:
            best = (version, p, doc)
    if best is None:
        sys.exit("stage.py: no kev/*/known_exploited_vulnerabilities.json under " + str(data))
    return best[1], best[2]


def newest_epss(data):
    # The EMBA mirror of FIRST's scores: one `CVE;epss;percentile` file per CVE year. The
    # official-format fixtures next to it are trimmed test copies (2-3 rows) and are not used.
    dirs = sorted(d for d in data.glob("epss/emba-*") if d.is_dir())
    if not dirs:
        sys.exit("stage.py: no epss/emba-* folder under " + str(data))
    return dirs[-1], sorted(dirs[-1].glob("CVE_*_EPSS.csv"))


def osv_record(path):
    """The record's id and the ids it stands for, or None when the file is not one OSV record."""
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or " " in doc["id"]:
        return None  # e.g. SUSE's all.json index, or a fixture's renamed copy ("SUSE-SU-403 Forbidden-1")
    ids = {doc["id"]} | set(doc.get("aliases") or []) | set(doc.get("upstream") or [])
    return doc["id"], ids


def write_zip(out, entries):
    """entries: (name in zip, source path), written sorted with fixed timestamps."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, src in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, src.read_bytes(), compresslevel=9)


def distro_sets(data):
    """Per distribution, its source folders in order of preference (the osv.dev all.zip contents first)."""
    osv = data / "osv"
    fx = osv / "distro-fixtures"
    worker = fx / "osv.dev-worker-testdata"
    return {
        "almalinux": [osv / "almalinux"],
        "debian": [fx / "debian/vuls-fetch-all.zip-contents", worker / "DSA-3029-1.json", fx / "debian/vuls-extract-fixtures"],
        "ubuntu": [
            fx / "ubuntu/vuls-fetch-osv-all",
            worker / "UBUNTU-CVE-2025-38094.json",
            osv / "ubuntu-cassette",
            fx / "ubuntu/vuls-extract-fixtures",
        ],
        "alpine": [fx / "alpine/vuls-fetch-all.zip-contents", fx / "alpine/vuls-extract-fixtures"],
        "rocky": [fx / "rocky/vuls-fetch-all.zip-contents", fx / "rocky/vuls-extract-fixtures"],
        "redhat": [fx / "redhat/vuls-fetch-all.zip-contents", fx / "redhat/vuls-extract-fixtures"],
        "suse": [fx / "suse/vuls-fetch-osv", fx / "suse/vuls-extract-fixtures"],
    }


def stage_osv(data, staging, report):
    for distro, sources in distro_sets(data).items():
        seen, entries = set(), []
        for src in sources:
            files = [src] if src.is_file() else sorted(src.rglob("*.json")) if src.is_dir() else []
            ids = set()
            for f in files:
                rec = osv_record(f)
                if rec is None or rec[0] in seen:
                    continue  # the same advisory from an earlier source (later ones are trimmed or re-formatted)
                ids |= rec[1]
                # AlmaLinux reuses an ALSA id across releases (one record per release): keep its folder.
                name = f"{f.parent.name}/{rec[0]}.json" if distro == "almalinux" else f"{rec[0]}.json"
                entries.append((name, f))
            seen |= ids
        if not entries:
            continue
        out = staging / f"osv-{distro}.zip"
        write_zip(out, entries)
        report({"file": out.name, "records": len(entries), "from": [str(s.relative_to(data)) for s in sources]})


def main():
    data, staging = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    staging.mkdir(parents=True, exist_ok=True)
    report = lambda d: print(json.dumps(d))  # noqa: E731

    kev_path, kev = newest_kev(data)
    (staging / "cisa-kev.json").write_bytes(kev_path.read_bytes())
    report({"file": "cisa-kev.json", "records": kev["count"], "catalogVersion": kev["catalogVersion"],
            "from": str(kev_path.relative_to(data))})

    epss_dir, parts = newest_epss(data)
    rows = 0
    with open(staging / "epss_scores-current.csv.gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
            for p in parts:
                b = p.read_bytes()
                if b and not b.endswith(b"\n"):
                    b += b"\n"
                rows += b.count(b"\n")
                gz.write(b)
    report({"file": "epss_scores-current.csv.gz", "records": rows, "from": str(epss_dir.relative_to(data))})

    stage_osv(data, staging, report)


if __name__ == "__main__":
    main()
