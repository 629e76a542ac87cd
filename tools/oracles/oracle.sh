#!/bin/bash
# Dispatcher: oracle.sh NAME [extra args]  -- reads "A<TAB>B" lines on stdin,
# writes "A<TAB>B<TAB>R". NAME is a vectors/ file stem or a variant:
#   dpkg  dpkg-apt  dpkg-cli | rpm  rpm-lua | rpm_evr  rpm_evr-lua | apk
#   semver  semver_loose  semver_build | pep440 | maven  maven3 | go
# Environment: MAVEN_ARTIFACT_VERSION (overrides the maven-artifact version:
# default 4.0.0-rc-6 for `maven`, 3.9.16 for `maven3`), APK_ORACLE (path of
# the locally built apk driver, default oracles/build/apk_oracle),
# PEP440_PYTHON (interpreter that has `packaging`, default python3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: oracle.sh NAME [args]}
shift
case "$name" in
  dpkg)         exec "$here/build/dpkg_oracle" "$@" ;;
  dpkg-apt)     exec /usr/bin/python3 "$here/dpkg_apt_oracle.py" "$@" ;;
  dpkg-cli)     exec "$here/dpkg_cli_oracle.sh" "$@" ;;
  rpm)          exec /usr/bin/python3 "$here/rpm_oracle.py" "$@" ;;
  rpm-lua)      exec "$here/rpm_lua_oracle.sh" "$@" ;;
  rpm_evr)      exec /usr/bin/python3 "$here/rpm_oracle.py" --evr "$@" ;;
  rpm_evr-lua)  exec "$here/rpm_lua_oracle.sh" --evr "$@" ;;
  apk)
    bin=${APK_ORACLE:-$here/build/apk_oracle}
    if [ ! -x "$bin" ]; then
      echo "apk oracle not available: set APK_ORACLE to a locally built apk-tools version driver (see README.md)" >&2
      exit 3
    fi
    exec "$bin" "$@" ;;
  semver)       exec node "$here/semver_oracle.js" "$@" ;;
  semver_loose) exec node "$here/semver_oracle.js" --loose "$@" ;;
  semver_build) exec node "$here/semver_oracle.js" --build "$@" ;;
  pep440)       exec "${PEP440_PYTHON:-/usr/bin/python3}" "$here/pep440_oracle.py" "$@" ;;
  maven|maven3)
    if [ "$name" = maven ]; then v=${MAVEN_ARTIFACT_VERSION:-4.0.0-rc-6}; else v=${MAVEN_ARTIFACT_VERSION:-3.9.16}; fi
    exec java -Dfile.encoding=UTF-8 -cp "$here/build/maven-$v/classes:$here/build/maven-$v/maven-artifact-$v.jar" MavenOracle "$@" ;;
  go)           exec "$here/build/go_oracle" "$@" ;;
  *) echo "unknown oracle: $name" >&2; exit 2 ;;
esac
