#!/bin/sh
# tools/valgrind.sh MMSIM - run every scenario under valgrind memcheck
# (make valgrind). The lessons and regressions (scenarios/) run narrated
# with the invariant checker on and must pass; the malformed files
# (tests/bad/) must be refused (exit 2). Any memcheck error or leak fails.
set -u
mmsim=${1:-build/mmsim}
cd "$(dirname "$0")/.." || exit 2
log=build/valgrind
mkdir -p "$log"
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes"
fail=0
n=0
for f in $(find scenarios -name '*.scn' | sort) $(ls tests/bad/*.scn); do
	case $f in
	tests/bad/*) want=2 args="run --trace=none" ;;
	*) want=0 args="run --check-invariants" ;;
	esac
	out=$log/$(echo "$f" | tr / _).log
	$vg --log-file="$out" "$mmsim" $args "$f" >/dev/null 2>>"$out"
	rc=$?
	n=$((n + 1))
	if [ "$rc" -ne "$want" ]; then
		echo "valgrind: $f: exit status $rc, expected $want (log: $out)"
		sed -n '1,40p' "$out"
		fail=$((fail + 1))
	fi
done
echo "valgrind: $n files, $fail failed"
[ "$fail" -eq 0 ]
