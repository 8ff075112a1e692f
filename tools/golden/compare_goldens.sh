#!/usr/bin/env bash
# Compare two golden trees written by run_goldens.sh, file by file with cmp. report.html embeds the run folder's
# path in its config, so it is compared with that path masked. Exits non-zero on the first difference found.
set -euo pipefail
a=$(realpath "${1:?usage: compare_goldens.sh A B}"); b=$(realpath "${2:?usage: compare_goldens.sh A B}")
status=0
while IFS= read -r rel; do
  [ "${rel#data/}" != "$rel" ] && continue
  if [ ! -e "$b/$rel" ]; then echo "missing in $b: $rel"; status=1; continue; fi
  case "$rel" in
    *.html|*.yaml|*.summary.txt)
      if ! cmp -s <(sed "s#$a#ROOT#g" "$a/$rel") <(sed "s#$b#ROOT#g" "$b/$rel"); then echo "differs: $rel"; status=1; fi ;;
    *) if ! cmp -s "$a/$rel" "$b/$rel"; then echo "differs: $rel"; status=1; fi ;;
  esac
done < <(cd "$a" && find . -type f | sed 's#^\./##' | sort)
[ $status -eq 0 ] && echo "identical: every file under $a equals its twin under $b"
exit $status
