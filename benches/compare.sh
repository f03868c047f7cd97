#!/usr/bin/env bash
# Wall time of one whole search command, side by side with `rg -i` and `grep -ri` over the same
# corpus, at several corpus sizes (copies of the shipped corpus, as `nlmg-search bench --scale`
# makes them). Prints each tool's median, its ratio to rg, and its peak RSS.
#
#   benches/compare.sh [--scales "1 300"] [--tools "nlmg rg grep"] [--runs N] [--warmup N]
#                      [--out DIR] [QUERY...]
#
# QUERY defaults to `deferral`; each query is one hyperfine comparison per scale. The engine's
# index is built before timing (`nlmg-search index`); if that fails, the engine is left out and
# only rg and grep are compared. NLMG_BIN points at a binary; by default target/release is built.
# Exports (hyperfine JSON and Markdown) go to --out (default target/compare).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scales="1 300"
tools="nlmg rg grep"
runs=30
warmup=3
out="$root/target/compare"
queries=()

while (($#)); do
    case "$1" in
    --scales) scales=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; queries+=("$@"); break ;;
    -*) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) queries+=("$1"); shift ;;
    esac
done
((${#queries[@]})) || queries=(deferral)

need() {
    local missing=()
    for pkg in "$@"; do
        case "$pkg" in
        hyperfine) command -v hyperfine >/dev/null || missing+=(hyperfine) ;;
        ripgrep) command -v rg >/dev/null || missing+=(ripgrep) ;;
        jq) command -v jq >/dev/null || missing+=(jq) ;;
        esac
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "compare.sh: installing ${missing[*]}" >&2
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "compare.sh: please install ${missing[*]}" >&2
        exit 2
    fi
}
need hyperfine ripgrep jq

has_tool() { [[ " $tools " == *" $1 "* ]]; }

bin=${NLMG_BIN:-}
if has_tool nlmg && [[ -z $bin ]]; then
    (cd "$root" && cargo build --release --quiet)
    bin="$root/target/release/nlmg-search"
fi

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/nlmg-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

# N copies of every summary under distinct names (study-guide-0007.txt), the data files once:
# the same layout as `nlmg-search bench --scale N`.
make_corpus() {
    local n=$1 dst=$2 width=4 f stem i
    mkdir -p "$dst"
    ((${#n} > width)) && width=${#n}
    for f in "$root"/corpus/*; do
        [[ -f $f ]] || continue
        if [[ $f == *.txt ]]; then
            stem=$(basename "$f" .txt)
            for ((i = 0; i < n; i++)); do
                cp "$f" "$dst/$(printf "%s-%0${width}d.txt" "$stem" "$i")"
            done
        else
            cp "$f" "$dst/"
        fi
    done
}

peak_rss_kb() {
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

for scale in $scales; do
    corpus="$work/corpus-$scale"
    index="$work/index-$scale"
    make_corpus "$scale" "$corpus"
    size=$(du -sb "$corpus" | cut -f1)
    echo
    echo "== ${scale}× corpus: $(ls "$corpus" | wc -l) files, $size bytes"
    use_nlmg=false
    if has_tool nlmg; then
        t0=$(date +%s%N)
        if "$bin" --corpus "$corpus" --index "$index" index >/dev/null 2>"$work/index.err"; then
            t1=$(date +%s%N)
            echo "index built in $(((t1 - t0) / 1000000)) ms (one run, includes process start)"
            use_nlmg=true
        else
            echo "nlmg-search index failed, leaving the engine out: $(head -1 "$work/index.err")"
        fi
    fi
    for q in "${queries[@]}"; do
        names=() cmds=()
        if $use_nlmg; then
            names+=(nlmg-search)
            cmds+=("$bin --corpus $corpus --index $index --color never '$q'")
        fi
        if has_tool rg; then
            names+=("rg -i")
            cmds+=("rg -i '$q' $corpus/")
        fi
        if has_tool grep; then
            names+=("grep -ri")
            cmds+=("grep -ri '$q' $corpus/")
        fi
        tag="${scale}x-$(echo "$q" | tr -c 'A-Za-z0-9' '_' | sed 's/_*$//')"
        args=(--warmup "$warmup" --runs "$runs" --ignore-failure --shell=none --style basic
            --output=pipe --export-json "$out/$tag.json" --export-markdown "$out/$tag.md")
        for i in "${!cmds[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
        echo "-- query: $q"
        hyperfine "${args[@]}" >"$out/$tag.log"
        rg_median=$(jq -r '.results[] | select(.command == "rg -i") | .median' "$out/$tag.json")
        printf '%-12s %12s %10s %10s %14s\n' tool "median ms" "mean ms" "× rg" "peak RSS kB"
        for i in "${!cmds[@]}"; do
            read -r median mean < <(jq -r --arg c "${names[$i]}" \
                '.results[] | select(.command == $c) | "\(.median) \(.mean)"' "$out/$tag.json")
            ratio=-
            [[ -n $rg_median ]] && ratio=$(jq -n "$median / $rg_median * 1000 | round / 1000")
            eval "set -- ${cmds[$i]}"
            rss=$(peak_rss_kb "$@")
            printf '%-12s %12.2f %10.2f %10s %14s\n' "${names[$i]}" \
                "$(jq -n "$median * 1000")" "$(jq -n "$mean * 1000")" "$ratio" "$rss"
        done
    done
done
echo
echo "hyperfine exports: $out"
