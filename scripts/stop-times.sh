#!/usr/bin/env bash
# Measures how long the packaged jar takes to exit after SIGTERM (what `docker stop` / `podman stop` send):
#   idle        — ready, every consumer waiting in its SQS long poll
#   busy-short  — SIGTERM while ffmpeg transcodes a job that ends within the grace period
#   busy-long   — SIGTERM while ffmpeg transcodes a job that outlasts the grace period (5 s here)
# Local profile, embedded local cloud (in memory), free ports, a scratch dir; touches nothing else.
# Usage: scripts/stop-times.sh [JAR]   (default target/video-pipeline.jar; needs ffmpeg and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(realpath "${1:-target/video-pipeline.jar}")
project=$(pwd)
work=$(mktemp -d /tmp/stop-times.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -ltn "( sport = :$p )" | grep -q ":$p" || { echo "$p"; return; }
  done
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# start NAME [--set K=V ...]: the runner in the background; returns once /observe/health/ready answers 200.
start() {
  local name=$1; shift
  mgmt=$(free_port)
  mkdir -p "$work/$name/inbox"
  (cd "$work/$name" && exec java -jar "$jar" --routes "$project/routes" --config "$project/config" \
      --set pipeline.localcloud.port="$(free_port)" --set pipeline.localcloud.smtp-port="$(free_port)" \
      --set camel.management.port="$mgmt" --set pipeline.localcloud.transient=true \
      --set pipeline.localcloud.data-dir="$work/$name/data" --set pipeline.ffmpeg.work-dir="$work/$name/ffmpeg" \
      --set pipeline.inbox.dir="$work/$name/inbox" --set pipeline.routes.live-reload=false "$@" \
      >"$work/$name.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$mgmt/observe/health/ready" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$name: runner exited during start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "$name: not ready after 120 s" >&2; exit 1
}

# stop NAME: SIGTERM, wait for the exit, print the seconds it took and the exit code.
stop() {
  local name=$1 t0 code=0
  t0=$(now)
  kill -TERM "$pid"
  wait "$pid" || code=$?
  printf '%-11s SIGTERM -> exit %s s (exit code %s)\n' "$name" "$(since "$t0")" "$code"
  pid=
}

# transcoding NAME CLIP_SECONDS: drops a clip into the inbox and returns once ffmpeg transcodes it.
transcoding() {
  local name=$1 seconds=$2
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$seconds" \
      -f lavfi -i "sine=frequency=440:duration=$seconds" -c:v libx264 -preset ultrafast -c:a aac -shortest \
      "$work/$name/clip.mov"
  mv "$work/$name/clip.mov" "$work/$name/inbox/clip.mov"
  for _ in $(seq 1 600); do
    pgrep -P "$pid" -x ffmpeg >/dev/null && return 0
    sleep 0.2
  done
  echo "$name: no ffmpeg started within 120 s" >&2; exit 1
}

start idle
stop idle

start busy-short --set pipeline.shutdown.grace-seconds=30 --set pipeline.ffmpeg.x264-preset=ultrafast
transcoding busy-short 20
stop busy-short
grep -q "outputs written now" "$work/busy-short.log" && echo "            (the job finished before the exit)" \
  || echo "            (the job did NOT finish before the exit)"

start busy-long --set pipeline.shutdown.grace-seconds=5 --set pipeline.ffmpeg.x264-preset=veryslow
transcoding busy-long 60
stop busy-long
