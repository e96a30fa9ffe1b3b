#!/usr/bin/env bash
# Installs what video-pipeline and its tests need on a Debian machine that has Java 17 and Maven:
#   - ffmpeg/ffprobe: the transcoder and metadata engine; GNU time (/usr/bin/time) for a test's peak-memory check;
#   - Debian's AWS CLI at /usr/bin/aws: the tests prove the local cloud speaks to a client we did not write.
#     Another `aws` on PATH does not count: e.g. a Python AWS CLI v1 whose botocore lacks services the tests use;
#   - Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): the tests play the HLS package in a
#     real headless browser through Selenium, which is given these paths and so never downloads a browser or driver;
#   - Node.js with the AWS SDK for JavaScript v2 (pinned in localcloud/src/test/node/et-client/package-lock.json,
#     installed into that directory's node_modules/, ignored by git): the Elastic Transcoder client, since the
#     AWS CLI no longer has the elastictranscoder commands.
# As root it installs with apt-get and npm; otherwise it prints the exact command to run.
# Idempotent, and quick when everything is present (no network then).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null 2>&1 || { echo "setup: java 17 is required (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn  >/dev/null 2>&1 || { echo "setup: maven is required (apt-get install maven)" >&2; exit 1; }

missing=()
command -v ffmpeg  >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
[ -x /usr/bin/aws ] || missing+=(awscli)
[ -x /usr/bin/time ] || missing+=(time)   # GNU time: a test measures ffmpeg's peak memory on hostile input
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm  >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: $pkgs— run: sudo apt-get update && sudo apt-get install -y $pkgs" >&2
    exit 1
  fi
  echo "setup: installing $pkgs" >&2
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs >/dev/null
fi

# The Elastic Transcoder client: exactly the locked versions; skipped when they are already installed.
et=localcloud/src/test/node/et-client
if ! cmp -s "$et/package-lock.json" "$et/node_modules/.package-lock.json.installed" 2>/dev/null; then
  echo "setup: installing the AWS SDK for JavaScript v2 into $et/node_modules" >&2
  (cd "$et" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  cp "$et/package-lock.json" "$et/node_modules/.package-lock.json.installed"
fi
