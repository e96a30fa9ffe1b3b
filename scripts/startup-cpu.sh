#!/usr/bin/env bash
# One start of the aws profile (or the bare Camel Main floor) to readiness: CPU seconds (user + system, with waited-for
# children such as the ffmpeg/ffprobe checks) from /proc/PID/stat when /observe/health/ready first answers 200, wall
# seconds, and with CLASSLOG=1 the classes loaded (-Xlog:class+load) until it is stopped. Run several, interleaved with
# the floor: on a shared 2-core machine one start's CPU varies by +-0.7 s. Issue 20, goal 3.
#   scripts/startup-cpu.sh aws|floor|sqsfloor JAR ENDPOINT SMTP_PORT [JVM flags...]
# sqsfloor: the least an S3 + SQS worker on Camel and the AWS SDK starts (SqsFloorApp: the SDK's SQS client and one
# aws2-sqs route on queue SQS_FLOOR_QUEUE, default sqs-floor, which must exist; SQS_FLOOR_S3=1 builds the S3 client too).
# ENDPOINT/SMTP_PORT: a running local cloud (java -jar JAR localcloud --set pipeline.localcloud.port=0 ... prints them).
# The floors need app/target/test-classes (TimerFloorApp, SqsFloorApp), built by mvn test-compile.
# Optional: KEEP=FILE keeps the runner's log, THREADS=FILE writes each live thread's CPU ticks at ready (JIT compiler
# threads, main, ...), EXTRA_SETS="--set k=v ..." adds settings (e.g. camel.main.startup-recorder=logging).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 jar=$2 endpoint=$3 smtp=$4
shift 4
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
flags=("$@")
if [ "${CLASSLOG:-0}" = 1 ]; then flags+=("-Xlog:class+load:file=$work/classes.txt:uptime"); fi
start=$(date +%s.%N)
if [ "$kind" = floor ]; then
  java "${flags[@]}" -cp "$jar:app/target/test-classes" io.videopipeline.bench.TimerFloorApp "$port" >"$work/out.log" 2>&1 &
elif [ "$kind" = sqsfloor ]; then
  java "${flags[@]}" -cp "$jar:app/target/test-classes" io.videopipeline.bench.SqsFloorApp "$port" "$endpoint" \
    "${SQS_FLOOR_QUEUE:-sqs-floor}" ${SQS_FLOOR_S3:+s3} >"$work/out.log" 2>&1 &
else
  java "${flags[@]}" -jar "$jar" run --profile aws --routes routes --config config \
    --set pipeline.aws.endpoint-url="$endpoint" --set pipeline.aws.access-key=test --set pipeline.aws.secret-key=test \
    --set pipeline.aws.force-path-style=true --set pipeline.mail.host=127.0.0.1 --set pipeline.mail.port="$smtp" \
    --set camel.management.port="$port" --set pipeline.ffmpeg.work-dir="$work/work" ${EXTRA_SETS:-} >"$work/out.log" 2>&1 &
fi
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/observe/health/ready")" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "$kind: exited before ready, see $work/out.log" >&2; exit 1; }
  sleep 0.05
done
ready=$(date +%s.%N)
read -r -a stat < "/proc/$pid/stat"
if [ -n "${THREADS:-}" ]; then
  # per-thread CPU ticks (utime + stime; the fields after the parenthesised name, which may hold spaces)
  for t in /proc/$pid/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    read -r -a f <<< "${s##*) }"
    printf '%s %s\n' "$(( f[11] + f[12] ))" "$(cat "$t/comm")"
  done | sort -rn > "$THREADS"
fi
cpu=$(echo "scale=2; (${stat[13]} + ${stat[14]} + ${stat[15]} + ${stat[16]}) / $(getconf CLK_TCK)" | bc)
kill -TERM "$pid"
wait "$pid" || true
classes=""
if [ "${CLASSLOG:-0}" = 1 ]; then classes=" classes=$(grep -c 'source:' "$work/classes.txt")"; fi
printf '%s cpu=%s wall=%.2f%s load=%s\n' "$kind" "$cpu" "$(echo "$ready - $start" | bc)" "$classes" \
  "$(cut -d' ' -f1 /proc/loadavg)"
[ -n "${KEEP:-}" ] && cp "$work/out.log" "$KEEP"; rm -rf "$work"
