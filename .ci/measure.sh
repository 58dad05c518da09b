# Sourced by the CI steps that measure (.ci/large-spec.sh, .ci/real-specs.sh): `measure LABEL
# COMMAND…` runs COMMAND and prints its wall time, CPU time (user + system, children
# included), the peak RSS of its largest process, and the peak of the RSS of all its processes
# together (sampled five times a second: what a build of crates compiled side by side needs
# from the machine). With /usr/bin/time it reads the first three from `time -v`; without it,
# from bash's own `time` and the sampler (then the largest process is not known apart).
# TIME_V names another GNU time (or a missing path, to use bash's `time`).

tree_rss() { # pid: the RSS (KB) of that process and all its descendants, together
    ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
        { parent[$1] = $2; rss[$1] = $3 }
        END {
            for (p in parent) {
                x = p
                for (n = 0; x != root && (x in parent) && n < 100; n++) x = parent[x]
                if (x == root) sum += rss[p]
            }
            print sum + 0
        }'
}

# Sets MEASURED_CPU (seconds, user + system) and MEASURED_RSS (KB, all processes together)
# for the caller, besides printing them.
measure() { # label, command…
    local label=$1 log pid peak=0 now wall cpu largest
    shift
    log=$(mktemp)
    if [ -x "${TIME_V:-/usr/bin/time}" ]; then
        "${TIME_V:-/usr/bin/time}" -v -o "$log" "$@" &
    else
        # The command's own stderr stays the caller's (fd 3); only the report goes to the log.
        (TIMEFORMAT='%R %U %S' && { time "$@" 2>&3; } 3>&2 2>"$log.bash") &
    fi
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        now=$(tree_rss "$pid")
        if ((now > peak)); then peak=$now; fi
        sleep 0.2
    done
    if ! wait "$pid"; then
        cat "$log" "$log.bash" 2>/dev/null >&2 || true
        rm -f "$log" "$log.bash"
        return 1
    fi
    if [ -x "${TIME_V:-/usr/bin/time}" ]; then
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$log")
        largest="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log") KB"
    else
        wall="$(tail -n 1 "$log.bash" | awk '{ print $1 }') s"
        cpu=$(tail -n 1 "$log.bash" | awk '{ printf "%.2f", $2 + $3 }')
        largest="(not measured without /usr/bin/time)"
    fi
    printf '%s: %s wall, %s s CPU, %s peak RSS (largest process), %s KB (all processes together)\n' \
        "$label" "$wall" "$cpu" "$largest" "$peak"
    MEASURED_CPU=$cpu
    MEASURED_RSS=$peak
    rm -f "$log" "$log.bash"
}
