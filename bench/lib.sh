# Shared by the bench scripts (sourced): the binaries measured, a private
# home so that the user's settings, caches and history stay out of it, and
# the emulator started on a free port. Each function uses the caller's
# $root (the repository) and $work (a scratch folder it removes).

# bench_build builds sigscope into $work, unless $SIGSCOPE names a build to
# measure, and bench/cpuclock; it sets $bin. curl is the yardstick.
bench_build() {
	command -v curl >/dev/null || { echo "curl is required (apt-get install curl)" >&2; exit 1; }
	bin=${SIGSCOPE:-}
	if [ -z "$bin" ]; then
		echo "building sigscope..." >&2
		(cd "$root" && go build -o "$work/sigscope" .)
		bin=$work/sigscope
	fi
	(cd "$root" && go build -o "$work/cpuclock" ./bench/cpuclock)
}

# bench_home points HOME and the XDG folders into $work, history on.
bench_home() {
	export HOME=$work/home XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config
	unset SIGSCOPE_HISTORY
	mkdir -p "$HOME"
}

# bench_emulator starts `$bin emulator` on a free loopback port and waits
# for its URL; it sets $emu_pid and $url. Each start logs to a file of its
# own: the shell truncates a log only once the process is forked, and an
# old URL must not be read.
bench_emulator() {
	local log
	log=$(mktemp "$work/emulator.XXXXXX")
	"$bin" emulator --addr 127.0.0.1:0 >"$log" 2>&1 &
	emu_pid=$!
	url=
	for _ in $(seq 1 100); do
		url=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$log" || true)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || { echo "the emulator did not print its URL:" >&2; cat "$log" >&2; exit 1; }
}
