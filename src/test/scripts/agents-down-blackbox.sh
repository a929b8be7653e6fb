#!/usr/bin/env bash
# Black-box figure of /api/agents and the agents command after a SIGKILL (docs/http-api.md): the fat
# jar's monitor (embedded ZooKeeper on 22181, HTTP on 18080) and three supervisors of `sleep 600`,
# each in a cold JVM of its own. Needs `mvn -B -DskipTests package` first, curl, and both ports free.
set -u
JAR=$(cd "$(dirname "$0")/../../.." && pwd)/target/flume-sentinel.jar
WORK=$(mktemp -d)
cd "$WORK"
java -jar $JAR monitor --embedded-zk-port 22181 --http-port 18080 --webhook http://127.0.0.1:9/hook > monitor.log 2>&1 &
MON=$!
until curl -sf http://127.0.0.1:18080/health/ready > /dev/null; do sleep 0.2; done
for a in a1 a2 a3; do
  java -jar $JAR supervise --zk 127.0.0.1:22181 --agent $a --restart-delay-ms 60000 -- sleep 600 > sup-$a.log 2>&1 &
done
until [ "$(curl -s http://127.0.0.1:18080/api/agents | grep -o '"state":"UP"' | wc -l)" = 3 ]; do sleep 0.2; done
java -jar $JAR agents --zk 127.0.0.1:22181 > agents-before.txt
PID=$(grep -o 'started pid [0-9]*' sup-a2.log | head -1 | awk '{print $3}')
T0=$(date +%s%N)
kill -KILL $PID
until curl -s 'http://127.0.0.1:18080/api/agents?state=DOWN' | grep -q '"id":"a2"'; do sleep 0.01; done
T1=$(date +%s%N)
java -jar $JAR agents --zk 127.0.0.1:22181 --state down > agents-after.txt
T2=$(date +%s%N)
echo "api DOWN after $(( (T1-T0)/1000000 )) ms; agents command (a cold JVM) printed it $(( (T2-T0)/1000000 )) ms after the kill"
cat agents-before.txt agents-after.txt
pkill -f "supervise --zk 127.0.0.1:22181"; kill $MON; wait 2>/dev/null
rm -rf "$WORK"
