#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Fails when a source file of the project lacks its SPDX licence line; the
# rules for what counts as source are in scripts/spdx-headers.
#
#   tests/spdx_test.sh SOURCE_DIR
set -euo pipefail
exec "$1/scripts/spdx-headers" --check "$1"
