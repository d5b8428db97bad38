#!/usr/bin/env bash
# The playground's redraw time (issue 11's target: a slider change to a
# painted redraw in ≤ 50 ms, 5 optimizers × 500 steps): runs the browser
# test ROUNDS times (default 4) and prints each run's median of 20 slider
# changes and the load average (the test always logs the median; it is run
# without DESCENT_E2E_TIMING=1 so that a round over 50 ms is printed too).
#
#   bench/redraw.sh [ROUNDS [BASE]]
#
# With BASE (a commit), the test binary built at BASE runs too, alternating
# with this tree's, round by round: the page before and after a change, in
# one sitting. Needs Debian's chromium. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
base=${2:-}
tmp=$(mktemp -d)
trap '[ -z "$base" ] || git worktree remove --force "$tmp/base" 2>/dev/null || true; rm -rf "$tmp"; git worktree prune' EXIT
go test -c -o "$tmp/this.test" ./playground
bins=(this)
if [ -n "$base" ]; then
	git worktree add -q --detach "$tmp/base" "$base"
	(cd "$tmp/base" && go test -c -o "$tmp/base.test" ./playground)
	bins=(base this)
fi
echo "# playground redraw, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)${base:+ against $(git rev-parse --short "$base")}, $(nproc) CPUs"
for i in $(seq "$rounds"); do
	for b in "${bins[@]}"; do
		label="round $i"
		[ -z "$base" ] || label="round $i, $b"
		(cd playground && DESCENT_E2E=require "$tmp/$b.test" -test.run '^TestBrowser$' -test.count=1 -test.v 2>&1) |
			sed -n 's/.*slider change to painted redraw, /'"$label"': /p'
	done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
