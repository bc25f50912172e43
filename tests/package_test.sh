#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Builds the .deb with CPack, unpacks it into a scratch root and checks that
# every file is where Debian expects it, with its dependencies declared.
set -euo pipefail
build_dir=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$build_dir" && cpack -G DEB -B "$scratch/pkg" >/dev/null)
deb=$(ls "$scratch"/pkg/werkbank_*.deb)
dpkg-deb -x "$deb" "$scratch/root"
fail=0
for f in usr/bin/werkbankd usr/bin/werkbank usr/bin/werkbank-sim \
         etc/werkbank/werkbank.textproto usr/lib/systemd/system/werkbank.service \
         usr/lib/sysusers.d/werkbank.conf usr/lib/tmpfiles.d/werkbank.conf \
         usr/share/doc/werkbank/examples/99-werkbank.rules; do
  if [ ! -e "$scratch/root/$f" ]; then echo "missing: /$f"; fail=1; fi
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libgrpc libprotobuf libssl libsqlite3 libserialport tzdata; do
  case "$depends" in *"$lib"*) ;; *) echo "Depends lacks $lib: $depends"; fail=1 ;; esac
done
grep -q '^Type=notify' "$scratch/root/usr/lib/systemd/system/werkbank.service" || { echo "unit is not Type=notify"; fail=1; }
"$scratch/root/usr/bin/werkbankd" --check-config --config "$scratch/root/etc/werkbank/werkbank.textproto" >/dev/null \
  || { echo "the packaged config does not check"; fail=1; }
dpkg-deb -e "$deb" "$scratch/control"
grep -q werkbank.textproto "$scratch/control/conffiles" || { echo "config is not a conffile"; fail=1; }
if [ "$fail" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit "$fail"
