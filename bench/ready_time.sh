#!/usr/bin/env bash
# Seconds from `make run` to GET /readyz answering 200, with the model already trained, on a
# fresh database and ports of its own; then Ctrl-C and a check that everything stopped.
#   bash bench/ready_time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
export IAA_DATABASE_URL="sqlite:///$tmp/iaa.db" IAA_PORT=8200 \
       IAA_RASA_URL=http://127.0.0.1:5205 IAA_ACTION_URL=http://127.0.0.1:5255
start=$(date +%s.%N)
make run > "$tmp/run.log" 2>&1 &
make_pid=$!
until curl -sf http://127.0.0.1:8200/readyz > /dev/null; do
  kill -0 "$make_pid" 2>/dev/null || { echo "make run exited; see $tmp/run.log"; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
printf 'make run to ready: %.1f s\n' "$(echo "$end - $start" | bc)"
kill -INT "$(pgrep -f 'frontdoor.cli serve' | head -1)"
wait "$make_pid" && echo "stopped cleanly (exit 0)"
