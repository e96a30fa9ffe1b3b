#!/usr/bin/env bash
# Prints the artifacts only the localcloud module brings at run time: the worker jar's <artifactSet><excludes>
# in app/pom.xml. Run after adding a dependency to localcloud, on an installed tree:
#   mvn -o -q -B -DskipTests install && scripts/worker-excludes.sh
# (WorkerJarIT fails when emulator classes reach the worker jar.)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
list() { (cd "$1" && mvn -o -q -B dependency:list -DincludeScope=runtime -DoutputFile="$2" >/dev/null)
         grep -oE '^\s+[^: ]+:[^: ]+' "$2" | tr -d ' ' | sort -u; }
comm -23 <(list localcloud "$tmp/localcloud.txt") <(list pipeline "$tmp/pipeline.txt") \
  | grep -v '^org.slf4j:jcl-over-slf4j$' | sed 's|.*|                  <exclude>&</exclude>|'
