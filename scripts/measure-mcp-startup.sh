#!/usr/bin/env bash
# Measures how long `bin/chaojiyuyan mcp-server` takes from process start to its answer to an MCP
# `initialize` request (what a client such as Claude Code waits for), several runs, and prints each run
# and the median in milliseconds. No kernel is needed: initialize does not reach it (a placeholder key
# satisfies the credentials check).
#
#   scripts/measure-mcp-startup.sh [RUNS]          # default 7 runs, with the launcher's defaults (AppCDS on)
#   CHAOJIYUYAN_CDS=off scripts/measure-mcp-startup.sh 7   # without the class-data-sharing archive
#
# The first run with AppCDS on may create the archive (it is written when that JVM exits); later runs use it.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
runs="${1:-7}"
request='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"startup-probe","version":"1"}}}'

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

times=()
for i in $(seq 1 "$runs"); do
  start="$(now_ms)"
  coproc MCP { CHAOJIYUYAN_API_KEY=nxt_ag_startup_probe CHAOJIYUYAN_BASE_URL=http://127.0.0.1:9/api/v1 \
      "$root/bin/chaojiyuyan" mcp-server 2>/dev/null; }
  echo "$request" >&"${MCP[1]}"
  IFS= read -r answer <&"${MCP[0]}"
  end="$(now_ms)"
  exec {MCP[1]}>&-
  wait "$MCP_PID" || true
  case "$answer" in
    *'"serverInfo"'*) ;;
    *) echo "run $i: unexpected answer on stdout: $answer" >&2; exit 1 ;;
  esac
  times+=("$((end - start))")
  echo "run $i: $((end - start)) ms"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "median of $runs runs: ${sorted[$((runs / 2))]} ms (CDS ${CHAOJIYUYAN_CDS:-on})"
