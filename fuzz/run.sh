#!/bin/sh
# fuzz/run.sh SECONDS - run each libFuzzer target in build/fuzz/ for SECONDS
# (make fuzz FUZZ_SECONDS=N builds them and calls this; see fuzz/README.md).
#
# The seeds are the lessons (scenarios/) and the malformed files
# (tests/bad/), copied into build/fuzz/seeds at each run. What a target
# learns stays in build/fuzz/corpus/TARGET for the next run; a crash, leak
# or hang is written to build/fuzz/artifacts/TARGET-* and fails the run.
set -u
secs=${1:-60}
cd "$(dirname "$0")/.." || exit 2
out=build/fuzz
seeds=$out/seeds

rm -rf "$seeds"
mkdir -p "$seeds" "$out/artifacts"
for f in $(find scenarios tests/bad -name '*.scn' | sort); do
	cp "$f" "$seeds/$(echo "$f" | tr / _)"
done

status=0
for t in parser run; do
	case $t in
	parser) maxlen=16384 ;;
	*) maxlen=8192 ;;
	esac
	mkdir -p "$out/corpus/$t"
	"$out/fuzz_$t" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 \
		-max_len=$maxlen -dict=fuzz/scenario.dict -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" "$out/corpus/$t" "$seeds" \
		>"$out/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1)
	echo "fuzz_$t: ${runs:-?} runs in $secs s ($cov), exit status $rc (log: $out/$t.log)"
	if [ "$rc" -ne 0 ]; then
		tail -n 60 "$out/$t.log"
		status=1
	fi
done
exit $status
