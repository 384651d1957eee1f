#!/usr/bin/env bash
# Measures Baken's startup-to-ready time on an existing database and its
# idle memory (RSS) with the demo loaded. Usage: tools/startup-rss.sh
set -euo pipefail
bin=$(mktemp -d)/baken
go build -o "$bin" ./cmd/baken
data=$(mktemp -d)
port=18090
# First start seeds the demo; it is not measured.
"$bin" --addr 127.0.0.1:$port --data "$data" >/dev/null 2>&1 &
pid=$!
until curl -sf http://127.0.0.1:$port/readyz >/dev/null; do sleep 0.05; done
kill -INT $pid; wait $pid || true
for i in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$bin" --addr 127.0.0.1:$port --data "$data" >/dev/null 2>&1 &
  pid=$!
  until curl -sf http://127.0.0.1:$port/readyz >/dev/null; do sleep 0.005; done
  end=$(date +%s%N)
  echo "start $i: ready in $(( (end-start)/1000000 )) ms"
  if [ "$i" = 5 ]; then
    jar=$(mktemp)
    csrf=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:$port/signin | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
    curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "login=anna.visser@hofman.example" --data-urlencode "secret=baken-demo-2026" http://127.0.0.1:$port/signin
    for u in / /people /people?q=smit /admin /admin/teams /admin/audit /about; do curl -s -b "$jar" -o /dev/null http://127.0.0.1:$port$u; done
    sleep 2
    echo "RSS 2 s after sign-in and page views: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}')"
    sleep 30
    echo "idle RSS 30 s later: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}')"
  fi
  kill -INT $pid; wait $pid || true
done
rm -rf "$data"
