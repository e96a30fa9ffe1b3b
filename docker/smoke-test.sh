#!/usr/bin/env bash
# Container smoke test: builds the image, runs it the way a user would (published ports on
# 127.0.0.1, a data volume, a mounted routes dir), uploads a tiny clip from the host through the
# container's local cloud with the AWS CLI, and waits for the three renditions and their metadata.
#
# usage:  docker/smoke-test.sh            (from anywhere; run as root, like CI)
#
# Asserts: healthy within SMOKE_HEALTH_TIMEOUT; 3 renditions + 3 .json in video-transcoded within
# SMOKE_PIPELINE_TIMEOUT, and the HLS master playable by its public URL (anonymous ffprobe); the web console
# reachable from the host with its token (page served, 401 without the token, the upload listed with it);
# the process is not root; the mounted routes dir replaced the baked one;
# `podman stop -t 30` ends the JVM within the grace period (no SIGKILL). Prints timings; exits
# non-zero on any failure; removes its container, volume and temp files on exit.
#
# Settings (environment):
#   SMOKE_IMAGE             image tag to build and run              (video-pipeline:smoke)
#   SMOKE_NO_CACHE=1        make the first build a cold one (--no-cache); default: use the cache
#   SMOKE_HEALTH_TIMEOUT    seconds to wait for the HEALTHCHECK     (120)
#   SMOKE_PIPELINE_TIMEOUT  seconds from upload to the last output  (240)
#   SMOKE_STOP_GRACE        podman stop -t                          (30)
#   SMOKE_RUN_ARGS          extra `podman run` arguments (e.g. "-e PIPELINE_LOG_LEVEL=DEBUG")
#   CONTAINER_ENV_SCRIPT    path of shared/tools/container-env.sh   (found beside the project)
#
# The machine has no Docker engine and no registry: shared/tools/container-env.sh installs podman +
# runc and builds local stand-ins for the base images under their public names. It also explains
# why health is polled with `podman healthcheck run` (no systemd timers here).
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
cd "$project"

# ---- container tooling ------------------------------------------------------------------------------
env_script=${CONTAINER_ENV_SCRIPT:-}
if [ -z "$env_script" ]; then
  # The project dir sits beside shared/ (…/main and …/shared; CI clones beside it too). A git
  # worktree one level deeper (…/wt/NAME) finds it one level up.
  for candidate in "$project/../shared/tools/container-env.sh" "$project/../../shared/tools/container-env.sh"; do
    [ -f "$candidate" ] && { env_script=$candidate; break; }
  done
fi
[ -n "$env_script" ] && [ -f "$env_script" ] || {
  echo "smoke: shared/tools/container-env.sh not found beside $project (set CONTAINER_ENV_SCRIPT)" >&2; exit 2; }
CONTAINER_BASES="jre maven"
# shellcheck source=/dev/null
source "$env_script"
set -euo pipefail # container-env.sh sets these too; restated so this script does not depend on it

image=${SMOKE_IMAGE:-video-pipeline:smoke}
health_timeout=${SMOKE_HEALTH_TIMEOUT:-120}
pipeline_timeout=${SMOKE_PIPELINE_TIMEOUT:-240}
stop_grace=${SMOKE_STOP_GRACE:-30}
name=video-pipeline-smoke-$$
volume=video-pipeline-smoke-data-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/video-pipeline-smoke.XXXXXX")
failures=0

log() { printf '[smoke] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; failures=$((failures + 1)); }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && podman container exists "$name" 2>/dev/null; then
    log "container log (last 60 lines):"; podman logs --tail 60 "$name" >&2 2>&1 || true
  fi
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- host tools -----------------------------------------------------------------------------------
# Debian's awscli (2.x) at /usr/bin/aws; a pyenv/pip "aws" earlier on PATH may be 1.x.
aws_cli=/usr/bin/aws
if [ ! -x "$aws_cli" ]; then
  log "installing awscli"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends awscli >/dev/null
fi
command -v ffmpeg >/dev/null || { log "host ffmpeg is needed to make the test clip (scripts/setup.sh)"; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# ---- build (first, then again to show the layer cache) -----------------------------------------
# --no-cache builds do not feed podman's layer cache: prime it first, so the warm build below is warm.
no_cache=${SMOKE_NO_CACHE:-0}
if [ "$no_cache" = 1 ]; then
  log "priming the layer cache"
  ctr_build "$image" docker/Dockerfile . >"$work/build0.log" 2>&1 ||
    { tail -40 "$work/build0.log" >&2; log "FAIL: image build"; exit 1; }
fi
build_args=()
[ "$no_cache" = 1 ] && build_args+=(--no-cache)
log "building $image (${build_args[*]:-with cache})"
t0=$(now)
ctr_build "$image" docker/Dockerfile . "${build_args[@]}" >"$work/build1.log" 2>&1 ||
  { tail -40 "$work/build1.log" >&2; log "FAIL: image build"; exit 1; }
t1=$(now)
ctr_build "$image" docker/Dockerfile . >"$work/build2.log" 2>&1 ||
  { tail -40 "$work/build2.log" >&2; log "FAIL: second image build"; exit 1; }
t2=$(now)
build_first=$(secs "$t0" "$t1"); build_warm=$(secs "$t1" "$t2")
image_size=$(podman image inspect -f '{{.Size}}' "$image")
log "built: first $build_first s (${build_args[*]:-cached layers allowed}), warm $build_warm s, size $((image_size / 1000000)) MB"

# ---- a routes dir to mount: the project's routes plus one marker route ------------------------
mkdir -p "$work/routes"
cp routes/*.yaml "$work/routes/"
cat >"$work/routes/smoke-marker.yaml" <<'EOF'
# Only in the smoke test's mounted routes dir: writes /data/smoke-marker.txt once, proving the
# container runs the mounted routes, not the ones baked into the image.
- route:
    id: smoke-marker
    from:
      uri: timer:smoke-marker
      parameters:
        repeatCount: 1
      steps:
        - setBody:
            constant: mounted routes dir in use
        - to:
            uri: file:/data
            parameters:
              fileName: smoke-marker.txt
EOF
chmod 0755 "$work" "$work/routes"; chmod 0644 "$work/routes"/*.yaml # the container runs as uid 10001

# ---- run ------------------------------------------------------------------------------------------
s3_port=$(free_port); http_port=$(free_port); console_port=$(free_port)
# The console binds 0.0.0.0 inside the container so the published port reaches it, which it allows only with a
# token (a random one per run, never written to a file).
console_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
podman volume create "$volume" >/dev/null
log "starting $name (local cloud on 127.0.0.1:$s3_port, health on 127.0.0.1:$http_port)"
t_start=$(now)
# slirp4netns publishes ports without a CNI bridge or iptables rules (neither works in this sandbox);
# --health-interval disable: no systemd timers here, the script runs the check itself.
# shellcheck disable=SC2086
podman run -d --name "$name" \
  --network slirp4netns --health-interval disable \
  -p "127.0.0.1:$s3_port:4566" -p "127.0.0.1:$http_port:8080" -p "127.0.0.1:$console_port:8000" \
  -e PIPELINE_CONSOLE_HOST=0.0.0.0 -e PIPELINE_CONSOLE_TOKEN="$console_token" \
  -v "$volume:/data" \
  -v "$work/routes:/app/routes:ro" \
  -e PIPELINE_FFMPEG_X264_PRESET=ultrafast \
  ${SMOKE_RUN_ARGS:-} \
  "$image" >/dev/null
if ! ctr_wait_healthy "$name" "$health_timeout"; then
  log "FAIL: not healthy within $health_timeout s"; exit 1
fi
t_healthy=$(now)
start_to_healthy=$(secs "$t_start" "$t_healthy")
log "healthy after $start_to_healthy s"
curl -fsS "http://127.0.0.1:$http_port/observe/health/ready" >/dev/null ||
  fail "readiness endpoint not reachable through the published port $http_port"

# ---- assertions on the running container -------------------------------------------------------
uid=$(podman exec "$name" id -u)
[ "$uid" != 0 ] && log "runs as uid $uid" || fail "the process runs as root"
podman exec "$name" test -f /app/routes/smoke-marker.yaml || fail "/app/routes is not the mounted dir"
for _ in $(seq 1 30); do
  podman exec "$name" test -f /data/smoke-marker.txt && break
  sleep 1
done
podman exec "$name" test -f /data/smoke-marker.txt && log "mounted routes dir in use (smoke-marker route ran)" ||
  fail "the mounted routes dir's extra route did not run (baked routes used?)"

# ---- the pipeline, end to end, from the host through the published port -------------------------
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_PAGER=""
s3() { "$aws_cli" --endpoint-url "http://127.0.0.1:$s3_port" "$@"; }
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=320x240:rate=30:duration=2 \
  -f lavfi -i sine=frequency=440:duration=2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
  -c:a aac -shortest "$work/smoke-clip.mov"
t_upload=$(now)
upload_to_last=n/a
if ! s3 s3 cp --only-show-errors "$work/smoke-clip.mov" s3://video-upload/smoke-clip.mov; then
  fail "upload to the local cloud through 127.0.0.1:$s3_port"
else
  expected=(smoke-clip/smoke-clip-1080p.mp4 smoke-clip/smoke-clip-720p.mp4 smoke-clip/smoke-clip-web-720p.mp4
            smoke-clip/smoke-clip-1080p.json smoke-clip/smoke-clip-720p.json smoke-clip/smoke-clip-web-720p.json)
  deadline=$(( $(date +%s) + pipeline_timeout ))
  while :; do
    keys=$(s3 s3api list-objects-v2 --bucket video-transcoded --prefix smoke-clip/ \
             --query 'Contents[].Key' --output text 2>/dev/null | tr '\t' '\n' || true)
    missing=()
    for k in "${expected[@]}"; do
      grep -qxF -- "$k" <<<"$keys" || missing+=("$k")
    done
    [ ${#missing[@]} -eq 0 ] && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
  done
  t_done=$(now)
  upload_to_last=$(secs "$t_upload" "$t_done")
  if [ ${#missing[@]} -eq 0 ]; then
    log "all 3 renditions and 3 metadata files after $upload_to_last s"
    s3 s3 cp --only-show-errors s3://video-transcoded/smoke-clip/smoke-clip-720p.json "$work/meta.json"
    grep -q '"codec_name" *: *"h264"' "$work/meta.json" || fail "smoke-clip-720p.json does not describe an h264 stream"
    # the stream: its master is uploaded last and made public by set-permissions; no credentials here
    master="http://127.0.0.1:$s3_port/video-transcoded/smoke-clip/smoke-clip.m3u8"
    playable=0
    while :; do
      if ffprobe -v error -protocol_whitelist http,tcp -show_entries stream=codec_type -of csv=p=0 "$master" \
           2>/dev/null | grep -qx video; then
        playable=1; break
      fi
      [ "$(date +%s)" -ge "$deadline" ] && break
      sleep 1
    done
    if [ "$playable" = 1 ]; then
      log "HLS master playable by its public URL after $(secs "$t_upload" "$(now)") s"
    else
      fail "the HLS master is not playable anonymously at $master"
    fi
  else
    fail "after $pipeline_timeout s still missing in video-transcoded: ${missing[*]}"
  fi
fi

# ---- the web console, from the host through its published port ----------------------------------------
console="http://127.0.0.1:$console_port"
curl -fsS "$console/" | grep -q '<title>' || fail "the console's page is not served at $console/"
code=$(curl -s -o /dev/null -w '%{http_code}' "$console/api/uploads")
[ "$code" = 401 ] || fail "the console API answered $code without the token (401 expected)"
if curl -fsS -H "Authorization: Bearer $console_token" "$console/api/uploads?q=smoke-clip" | grep -q '"key":"smoke-clip.mov"'; then
  log "web console reachable on $console: page served, 401 without the token, the upload listed with it"
else
  fail "the console API with the token does not list smoke-clip.mov"
fi

# ---- graceful stop ----------------------------------------------------------------------------------
t_stop=$(now)
podman stop -t "$stop_grace" "$name" >/dev/null
t_stopped=$(now)
stop_secs=$(secs "$t_stop" "$t_stopped")
exit_code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
# The JVM exits 143 (128+SIGTERM) after its shutdown hooks ran; 137 would mean SIGKILL at the deadline.
if [ "$exit_code" = 0 ] || [ "$exit_code" = 143 ]; then
  awk -v s="$stop_secs" -v g="$stop_grace" 'BEGIN { exit !(s < g) }' ||
    fail "stop took $stop_secs s, not within the $stop_grace s grace period"
  log "stopped in $stop_secs s (exit $exit_code)"
else
  fail "stop ended with exit code $exit_code after $stop_secs s (137 = killed at the grace deadline)"
fi
podman logs "$name" >"$work/container.log" 2>&1 || true
grep -q "Apache Camel .* shutdown" "$work/container.log" ||
  fail "no Camel shutdown in the log (SIGTERM not reaching the JVM?)"
camel_shutdown=$(grep -o "shutdown in [0-9a-z]*" "$work/container.log" | tail -1 || true)

# ---- summary ------------------------------------------------------------------------------------------
cat >&2 <<EOF
[smoke] ---- timings -------------------------------------------------------
[smoke] image              $image, $((image_size / 1000000)) MB
[smoke] build (first)      $build_first s  ${build_args[*]:-(layer cache allowed; SMOKE_NO_CACHE=1 for a cold build)}
[smoke] build (warm)       $build_warm s
[smoke] start -> healthy   $start_to_healthy s
[smoke] upload -> last     $upload_to_last s   (3 renditions + 3 .json)
[smoke] stop (-t $stop_grace)       $stop_secs s, exit $exit_code (Camel: ${camel_shutdown:-?})
EOF
if [ "$failures" -gt 0 ]; then
  log "$failures check(s) failed"; exit 1
fi
log "OK"
