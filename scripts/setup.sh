#!/usr/bin/env bash
# Installs what video-pipeline needs on a Debian machine that has Java 17 and Maven:
#   ffmpeg/ffprobe (the transcoder and metadata engine) and the AWS CLI (used by the tests to prove
#   the local cloud speaks to a client we did not write). As root it installs with apt-get; otherwise
#   it prints the exact command to run. Idempotent: does nothing when all is present.
set -euo pipefail

missing=()
command -v ffmpeg  >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
[ -x /usr/bin/aws ] || command -v aws >/dev/null 2>&1 || missing+=(awscli)
command -v java >/dev/null 2>&1 || { echo "setup: java 17 is required (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn  >/dev/null 2>&1 || { echo "setup: maven is required (apt-get install maven)" >&2; exit 1; }

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: $pkgs— run: sudo apt-get update && sudo apt-get install -y $pkgs" >&2
  exit 1
fi
echo "setup: installing $pkgs" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs >/dev/null
