#!/bin/sh
# Container entry point. exec replaces the shell, so java is PID 1 and receives SIGTERM from
# `docker stop` directly (a shell in between would swallow it and the JVM would be SIGKILLed).
# JAVA_OPTS is split on spaces on purpose (several flags in one variable); arguments ("run",
# "provision --dry-run", ...) pass through unchanged.
set -eu
# The AppCDS archive the image build trained (docker/Dockerfile); PIPELINE_CDS=false starts without it.
CDS=""
if [ "${PIPELINE_CDS:-true}" = true ] && [ -f /app/video-pipeline.jsa ]; then
  CDS="-XX:SharedArchiveFile=/app/video-pipeline.jsa"
fi
# shellcheck disable=SC2086
exec java $CDS ${JAVA_OPTS:-} -jar /app/video-pipeline.jar "$@"
