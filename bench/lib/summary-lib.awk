# summary-lib.awk: what the benchmarks' summary.awk files share (awk -f summary-lib.awk -f summary.awk).
# Samples live in val[iteration, kind, metric] with iters the highest iteration; host facts come in as -v
# variables host_date, host_commit, host_cpus, qemu, host_load_start, load_start, load_end. Runs under busybox
# awk in dom0 and any POSIX awk on a host.

# median(kind, metric): the median over the iterations that have the value, "" when none has
function median(kind, metric,    i, k, c, v, tmp, j) {
  c = 0
  for (i = 1; i <= iters; i++) {
    k = i SUBSEP kind SUBSEP metric
    if (k in val) v[++c] = val[k] + 0
  }
  if (c == 0) return ""
  for (i = 2; i <= c; i++) {  # insertion sort: a handful of values
    tmp = v[i]
    for (j = i - 1; j >= 1 && v[j] > tmp; j--) v[j + 1] = v[j]
    v[j + 1] = tmp
  }
  return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
}
function jnum(x) { return x == "" ? "null" : x }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }

# json_host(json): the "host" and "dom0" members, each line ending with a comma
function json_host(json) {
  printf "  \"host\": {\"date\": %s, \"commit\": %s, \"cpus\": %s, \"qemu\": %s, \"loadavg_start\": %s},\n", \
    jstr(host_date), jstr(host_commit), jnum(host_cpus), jstr(qemu), jstr(host_load_start) > json
  printf "  \"dom0\": {\"loadavg_start\": %s, \"loadavg_end\": %s},\n", jstr(load_start), jstr(load_end) > json
}

# json_samples(json, key, kinds, nk, metrics, nm): "samples": one object per iteration and kind that has a
# value, named by key ("runtime", "kind"); then "medians" (med[kind, metric], printed with mfmt) for the
# kinds that have any. Both members end with a comma.
function json_samples(json, key, kinds, nk, metrics, nm, med, mfmt,    i, a, b, k, line, sep) {
  printf "  \"samples\": [" > json
  sep = ""
  for (i = 1; i <= iters; i++) for (a = 1; a <= nk; a++) {
    line = ""
    for (b = 1; b <= nm; b++) {
      k = i SUBSEP kinds[a] SUBSEP metrics[b]
      if (k in val) line = line ", \"" metrics[b] "\": " val[k]
    }
    if (line == "") continue
    printf "%s\n    {\"iteration\": %d, \"%s\": \"%s\"%s}", sep, i, key, kinds[a], line > json
    sep = ","
  }
  printf "\n  ],\n  \"medians\": {" > json
  sep = ""
  for (a = 1; a <= nk; a++) {
    line = ""
    for (b = 1; b <= nm; b++)
      if (med[kinds[a], metrics[b]] != "")
        line = line (line == "" ? "" : ", ") "\"" metrics[b] "\": " sprintf(mfmt, med[kinds[a], metrics[b]])
    if (line == "") continue
    printf "%s\n    \"%s\": {%s}", sep, kinds[a], line > json
    sep = ","
  }
  printf "\n  },\n" > json
}

# medians_of(kinds, nk, metrics, nm, med): med[kind, metric] = median(kind, metric) for every pair
function medians_of(kinds, nk, metrics, nm, med,    a, b) {
  for (a = 1; a <= nk; a++) for (b = 1; b <= nm; b++) med[kinds[a], metrics[b]] = median(kinds[a], metrics[b])
}

# print_table(kinds, nk, metrics, nm, heads, med, width, vfmt): the per-iteration table, one row per
# iteration and kind, then one median row per kind; columns `width` wide, values printed with vfmt ("-" for
# none)
function print_table(kinds, nk, metrics, nm, heads, med, width, vfmt,    i, a, b, k) {
  printf "%-7s %-5s |", "iter", "rt"
  for (b = 1; b <= nm; b++) printf " %" width "s", heads[b]
  printf "\n"
  for (i = 1; i <= iters; i++) for (a = 1; a <= nk; a++) {
    printf "%-7d %-5s |", i, kinds[a]
    for (b = 1; b <= nm; b++) {
      k = i SUBSEP kinds[a] SUBSEP metrics[b]
      printf " %" width "s", (k in val) ? sprintf(vfmt, val[k]) : "-"
    }
    printf "\n"
  }
  for (a = 1; a <= nk; a++) {
    printf "%-7s %-5s |", "median", kinds[a]
    for (b = 1; b <= nm; b++) printf " %" width "s", med[kinds[a], metrics[b]] == "" ? "-" : sprintf(vfmt, med[kinds[a], metrics[b]])
    printf "\n"
  }
}
