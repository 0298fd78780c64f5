#!/bin/sh
# tools/valgrind.sh MMSIM [JOBS] - run every scenario under valgrind memcheck
# (make valgrind). The lessons and regressions (scenarios/) run narrated
# with the invariant checker on and must pass; the malformed files
# (tests/bad/) must be refused (exit 2). Any memcheck error or leak fails.
# JOBS files at a time (default: the number of CPUs); logs in build/valgrind/.
set -u
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes"

# One file: tools/valgrind.sh --one MMSIM FILE (what the parallel runs call).
if [ "${1:-}" = --one ]; then
	mmsim=$2 f=$3
	case $f in
	tests/bad/*) want=2 args="run --trace=none" ;;
	*) want=0 args="run --check-invariants" ;;
	esac
	out=build/valgrind/$(echo "$f" | tr / _).log
	$vg --log-file="$out" "$mmsim" $args "$f" >/dev/null 2>>"$out"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		# one write, so that parallel reports do not interleave
		printf '%s\n' "valgrind: $f: exit status $rc, expected $want (log: $out)
$(sed -n '1,40p' "$out")
valgrind: FAILED $f"
	fi
	exit 0
fi

mmsim=${1:-build/mmsim}
jobs=${2:-$(nproc)}
cd "$(dirname "$0")/.." || exit 2
mkdir -p build/valgrind
files=$( (find scenarios -name '*.scn' | sort; ls tests/bad/*.scn) )
n=$(echo "$files" | wc -l)
echo "$files" | xargs -P "$jobs" -n 1 tools/valgrind.sh --one "$mmsim" >build/valgrind/summary 2>&1
xrc=$?
cat build/valgrind/summary
fail=$(grep -c '^valgrind: FAILED ' build/valgrind/summary)
echo "valgrind: $n files, $fail failed ($jobs at a time)"
[ "$fail" -eq 0 ] && [ "$xrc" -eq 0 ]
