#!/bin/bash
# Installs and builds what the oracles need (Debian 12, run as root), and the real package
# managers the agent's executor tests drive in temporary roots (rpm, dnf, createrepo-c).
# Everything built lands in oracles/build/ and oracles/node_modules/ (not to be committed).
# The apk oracle is not built here: see README.md.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f build/.ready ] && [ "${FORCE:-0}" != 1 ]; then echo "oracles already set up (FORCE=1 to redo)"; exit 0; fi
MAVEN_ARTIFACT_VERSIONS=${MAVEN_ARTIFACT_VERSIONS:-"3.9.16 3.10.0 4.0.0-rc-6"}

if [ "${SKIP_APT:-0}" != 1 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    gcc g++ libc6-dev pkg-config libdpkg-dev python3-apt python3-rpm rpm \
    librpm-dev libapt-pkg-dev python3-packaging dnf createrepo-c \
    golang-go golang-golang-x-mod-dev
fi
# node + npm, a JDK (javac) and mvn are expected to be there already (the
# project's machine image has them; Debian's own `npm` package conflicts with a
# NodeSource `nodejs`, so it is not installed here).
for t in node npm javac java mvn; do
  command -v "$t" > /dev/null || { echo "missing: $t" >&2; exit 1; }
done

npm install --no-audit --no-fund --no-package-lock

mkdir -p build
cc -O2 -Wall -o build/dpkg_oracle dpkg_oracle.c $(pkg-config --cflags --libs libdpkg)

# golang.org/x/mod from Debian's golang-golang-x-mod-dev, built in GOPATH mode
semver_go=$(dpkg -L golang-golang-x-mod-dev | grep '/golang.org/x/mod/semver/semver.go$' | head -1)
gopath=${semver_go%/src/golang.org/x/mod/semver/semver.go}
GO111MODULE=off GOPATH="$gopath" GOCACHE="$PWD/build/gocache" go build -o build/go_oracle go_oracle.go

for v in $MAVEN_ARTIFACT_VERSIONS; do
  mvn -q dependency:copy -Dartifact="org.apache.maven:maven-artifact:$v" -DoutputDirectory="build/maven-$v"
  mkdir -p "build/maven-$v/classes"
  javac -d "build/maven-$v/classes" -cp "build/maven-$v/maven-artifact-$v.jar" MavenOracle.java
done
touch build/.ready
echo "setup done"
