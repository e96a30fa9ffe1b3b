#!/usr/bin/env bash
# What moving bytes costs under a set of JVM flags (issue 20, goal 4): starts a local cloud with the flags, then a
# JVM with the same flags that measures SHA-256 / MD5 / AES-GCM rates and PUTs and GETs a file of SIZE_MB through
# the runner's own S3 client (wall, its CPU, the cloud's CPU). Compare flag sets one after the other on an idle
# machine, e.g.:
#   scripts/transfer-cpu.sh 286 @config/jvm.options
#   scripts/transfer-cpu.sh 286 -XX:TieredStopAtLevel=1
# Needs target/video-pipeline.jar and app/target/test-classes (mvn package; TransferProbe).
set -euo pipefail
cd "$(dirname "$0")/.."
size=$1
shift
flags=("$@")
jar=target/video-pipeline.jar
work=$(mktemp -d)
trap 'kill "$cloud" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
head -c "$((size * 1024 * 1024))" /dev/urandom >"$work/file.bin"
java "${flags[@]}" -jar "$jar" localcloud --set pipeline.localcloud.port=0 \
  --set pipeline.localcloud.data-dir="$work/cloud" >"$work/cloud.log" 2>&1 &
cloud=$!
until grep -q 'Local cloud ready' "$work/cloud.log"; do
  kill -0 "$cloud" 2>/dev/null || { cat "$work/cloud.log" >&2; exit 1; }
  sleep 0.2
done
endpoint=$(grep -o 'AWS_ENDPOINT_URL=[^ ]*' "$work/cloud.log" | cut -d= -f2)
echo "flags: ${flags[*]:-(none)}"
java "${flags[@]}" -cp "$jar:app/target/test-classes" io.videopipeline.bench.TransferProbe ciphers
java "${flags[@]}" -cp "$jar:app/target/test-classes" io.videopipeline.bench.TransferProbe \
  "$endpoint" video-transcoded "$work/file.bin" "$cloud" 3 2>&1 | grep -v ' WARN '
