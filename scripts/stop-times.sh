#!/usr/bin/env bash
# Measures how long the packaged jar takes to exit after SIGTERM (what `docker stop` / `podman stop` send):
#   idle        — ready, every consumer waiting in its SQS long poll
#   busy-short  — SIGTERM while ffmpeg transcodes a job that ends within the grace period (30 s)
#   busy-long   — SIGTERM while ffmpeg transcodes a job that outlasts the grace period (5 s here)
# Local profile, embedded local cloud (in memory), free ports, a scratch dir; touches nothing else.
# Usage: [STOP_TIMES_ONLY="idle busy-short busy-long"] [STOP_TIMES_KEEP=1] scripts/stop-times.sh [JAR]   (default target/video-pipeline.jar; needs ffmpeg, curl and the AWS CLI that
#        scripts/setup.sh installs)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(realpath "${1:-target/video-pipeline.jar}")
project=$(pwd)
work=$(mktemp -d /tmp/stop-times.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${STOP_TIMES_KEEP:-}" ] && echo "logs kept in $work" || rm -rf "$work"' EXIT

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
  cloud=$(free_port)
  mkdir -p "$work/$name/inbox"
  (cd "$work/$name" && exec java -jar "$jar" --routes "$project/routes" --config "$project/config" \
      --set pipeline.localcloud.port="$cloud" --set pipeline.localcloud.smtp-port="$(free_port)" \
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

# idle: returns once every consumer waits in a receive with nothing to return. Provisioning leaves an
# s3:TestEvent on each queue, which the first polls return at once; once the queues hold nothing (visible or in
# flight) the consumers are back in their 20 s long polls (2 s margin for the last one to re-enter its receive).
idle() {
  local q n url
  for _ in $(seq 1 300); do
    n=0
    for q in video-upload-events transcoded-video-email transcoded-video-acl transcoded-video-metadata; do
      url=$(awsl sqs get-queue-url --queue-name "$q" --query QueueUrl)
      n=$((n + $(awsl sqs get-queue-attributes --queue-url "$url" \
          --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible \
          --query 'sum([to_number(Attributes.ApproximateNumberOfMessages), to_number(Attributes.ApproximateNumberOfMessagesNotVisible)])')))
    done
    [ "$n" -eq 0 ] && { sleep 2; return 0; }
    sleep 0.5
  done
  echo "queues not drained within 150 s" >&2; exit 1
}
awsl() {
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
    /usr/bin/aws --endpoint-url "http://127.0.0.1:$cloud" --output text "$@"
}

# stop NAME: SIGTERM, wait for the exit, print the seconds it took, the exit code and, when a job finished
# meanwhile, how long after the job's end (the log line "outputs written now") the process exited.
stop() {
  local name=$1 t0 code=0 exited done
  t0=$(now)
  kill -TERM "$pid"
  wait "$pid" || code=$?
  exited=$(date +%H:%M:%S.%N)
  printf '%-11s SIGTERM -> exit %s s (exit code %s)' "$name" "$(since "$t0")" "$code"
  done=$(grep -m1 "outputs written now" "$work/$name.log" | cut -c1-12 || true)
  if [ -n "$done" ]; then
    awk -v a="$done" -v b="$exited" 'function s(t, p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
      BEGIN { printf "; the job ended during the stop, the exit came %.1f s after it", s(b) - s(a) }'
  fi
  echo
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

only=" ${STOP_TIMES_ONLY:-idle busy-short busy-long} "   # e.g. STOP_TIMES_ONLY=idle; STOP_TIMES_KEEP=1 keeps logs

if [[ $only == *" idle "* ]]; then
  start idle
  idle
  stop idle
fi

if [[ $only == *" busy-short "* ]]; then
  start busy-short --set pipeline.shutdown.grace-seconds=30 --set pipeline.ffmpeg.x264-preset=ultrafast
  transcoding busy-short 10
  stop busy-short
fi

if [[ $only == *" busy-long "* ]]; then
  start busy-long --set pipeline.shutdown.grace-seconds=5 --set pipeline.ffmpeg.x264-preset=veryslow
  transcoding busy-long 60
  stop busy-long
fi
