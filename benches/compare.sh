#!/usr/bin/env bash
# Whole-command cost of nlmg-search beside a floor and a scan, on the same text, at several corpus
# sizes: the floor is benches/floor.rs (a minimal tantivy index and search over the same
# passages: one text field, default settings, top 10), the scan is `rg -i` over the summaries.
# Every figure is also given as a ratio to the floor measured in the same run.
#
#   benches/compare.sh [--scales "1 300"] [--exact-copies] [--runs N] [--warmup N]
#                      [--out DIR] [QUERY...]
#
# The corpus of each scale is `nlmg-search bench --scale N --write-corpus DIR`: distinct text
# (words respelt, sentences recombined, names varied) unless --exact-copies. For each scale:
# index build time and peak RSS of nlmg-search and of the floor (one run each), then one
# hyperfine comparison per QUERY (default: deferral) of nlmg-search, the floor and rg -i.
# NLMG_BIN and FLOOR_BIN point at binaries; by default `cargo build --release --all-targets`
# builds both. hyperfine exports (JSON, Markdown) go to --out (default target/compare).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scales="1 300"
runs=20
warmup=3
exact=()
out="$root/target/compare"
queries=()

while (($#)); do
    case "$1" in
    --scales) scales=$2; shift 2 ;;
    --exact-copies) exact=(--exact-copies); shift ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; queries+=("$@"); break ;;
    -*) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) queries+=("$1"); shift ;;
    esac
done
((${#queries[@]})) || queries=(deferral)

for tool in hyperfine rg jq; do
    command -v "$tool" >/dev/null || { echo "compare.sh: please install $tool" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "compare.sh: please install GNU time (/usr/bin/time)" >&2; exit 2; }

bin=${NLMG_BIN:-}
floor=${FLOOR_BIN:-}
if [[ -z $bin || -z $floor ]]; then
    (cd "$root" && cargo build --release --all-targets --quiet)
    bin=${bin:-$root/target/release/nlmg-search}
    floor=${floor:-$root/target/release/examples/floor}
fi

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/nlmg-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Wall seconds and peak RSS (kB) of one run of a command: "seconds kB".
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" ||
        { echo "compare.sh: failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
    cat "$work/time"
}
ratio() { jq -n "$1 / $2 * 100 | round / 100"; }

for scale in $scales; do
    corpus="$work/corpus-$scale" index="$work/index-$scale" findex="$work/floor-$scale"
    "$bin" --corpus "$root/corpus" bench --scale "$scale" "${exact[@]}" --write-corpus "$corpus" \
        >/dev/null 2>&1
    echo
    echo "== ${scale}× ($( ((${#exact[@]})) && echo exact copies || echo distinct text)):" \
        "$(ls "$corpus"/*.txt | wc -l) summaries, $(cat "$corpus"/*.txt | wc -c) bytes"

    "$bin" --corpus "$corpus" passages --json >"$work/passages-$scale.jsonl"
    echo "   $(wc -l <"$work/passages-$scale.jsonl") passages"
    read -r nlmg_s nlmg_kb < <(measure "$bin" --corpus "$corpus" --index "$index" index)
    read -r floor_s floor_kb < <(measure "$floor" index "$work/passages-$scale.jsonl" "$findex")
    printf '%-24s %10s %10s %12s\n' "index build (one run)" "seconds" "× floor" "peak RSS kB"
    printf '%-24s %10s %10s %12s\n' floor "$floor_s" 1 "$floor_kb"
    printf '%-24s %10s %10s %12s\n' nlmg-search "$nlmg_s" "$(ratio "$nlmg_s" "$floor_s")" "$nlmg_kb"

    for q in "${queries[@]}"; do
        tag="${scale}x-$(echo "$q" | tr -c 'A-Za-z0-9' '_' | sed 's/_*$//')"
        hyperfine --warmup "$warmup" --runs "$runs" --ignore-failure --shell=none --style basic \
            --output=pipe --export-json "$out/$tag.json" --export-markdown "$out/$tag.md" \
            --command-name floor "$floor search $findex '$q'" \
            --command-name nlmg-search "$bin --corpus $corpus --index $index --color never '$q'" \
            --command-name "rg -i" "rg -i '$q' $corpus/" >"$out/$tag.log" 2>&1
        median() { jq -r --arg c "$1" '.results[] | select(.command == $c) | .median' "$out/$tag.json"; }
        f=$(median floor) r=$(median "rg -i")
        echo "-- search: $q"
        printf '%-24s %10s %10s %10s %12s\n' "" "median ms" "× floor" "× rg -i" "peak RSS kB"
        for name in floor nlmg-search "rg -i"; do
            m=$(median "$name")
            case $name in
            floor) cmd=("$floor" search "$findex" "$q") ;;
            nlmg-search) cmd=("$bin" --corpus "$corpus" --index "$index" --color never "$q") ;;
            *) cmd=(rg -i "$q" "$corpus/") ;;
            esac
            /usr/bin/time -f %M -o "$work/rss" "${cmd[@]}" >/dev/null 2>&1 || true
            printf '%-24s %10.2f %10s %10s %12s\n' "$name" "$(jq -n "$m * 1000")" \
                "$(ratio "$m" "$f")" "$(ratio "$m" "$r")" "$(cat "$work/rss")"
        done
    done
done
echo
echo "hyperfine exports: $out"
