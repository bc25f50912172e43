#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Checks every example lab config in config/examples/ with the real
# `werkbankd --check-config`: each must parse and pass every rule without an
# error or a warning. A copy with a wrong time zone must be refused, so that
# the test cannot pass by a daemon that does not check.
#
#   tests/config_examples_test.sh WERKBANKD EXAMPLES_DIR
set -euo pipefail
werkbankd=$1
examples=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
shopt -s nullglob
configs=("$examples"/*.textproto)
if [ ${#configs[@]} -eq 0 ]; then
  echo "no example configs in $examples"
  exit 1
fi
for config in "${configs[@]}"; do
  if "$werkbankd" --check-config --config "$config" >"$scratch/out" 2>"$scratch/err" \
      && [ ! -s "$scratch/err" ]; then
    passed=$((passed + 1))
  else
    echo "FAILED: $config"
    cat "$scratch/err"
    failed=$((failed + 1))
  fi
done

sed 's|^time_zone: .*|time_zone: "Europe/Musterstadt"|' "${configs[0]}" >"$scratch/broken.textproto"
if "$werkbankd" --check-config --config "$scratch/broken.textproto" >/dev/null 2>"$scratch/err" \
    || ! grep -q 'time_zone' "$scratch/err"; then
  echo "FAILED: a config with an unknown time zone was not refused by name"
  cat "$scratch/err"
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
