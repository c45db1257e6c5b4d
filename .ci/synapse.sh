#!/usr/bin/env bash
# Prepares a Matrix homeserver for the Matrix adapter's tests: Debian sid's matrix-synapse,
# installed into a minimal sid chroot (Debian 12 has no matrix-synapse package).
#
#   bash .ci/synapse.sh            # prepare (or reuse) the chroot, print its path on the last line
#
# The chroot lives in $HELFERRUF_SYNAPSE_CHROOT (default /var/cache/helferruf-ci/synapse-chroot)
# and is reused between runs on the same machine. The tests start Synapse from it themselves
# (test/support/synapse.ts): SQLite, 127.0.0.1, a free port, a throw-away config directory.
# Needs root (debootstrap, chroot); the first run takes a minute or two, later runs a second.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
CHROOT="${HELFERRUF_SYNAPSE_CHROOT:-${HELFERRUF_CI_CACHE:-/var/cache/helferruf-ci}/synapse-chroot}"
MIRROR="${HELFERRUF_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
READY="$CHROOT/.helferruf-synapse-ready"

die() {
  echo "synapse.sh: $*" >&2
  exit 1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

works() {
  [[ -f "$READY" ]] && as_root chroot "$CHROOT" /usr/bin/python3 -c 'import synapse; print("synapse", synapse.__version__)'
}

if works; then
  echo "reusing $CHROOT"
  # Config and data directories of test runs that were killed before they could clean up.
  as_root find "$CHROOT/tmp" -mindepth 1 -maxdepth 1 -name 'hr-synapse-*' -mmin +720 -exec rm -rf {} + 2>/dev/null || true
  echo "$CHROOT"
  exit 0
fi

if ! command -v debootstrap >/dev/null; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap </dev/null
fi

# Build next to the final place and move it there only when complete, so an interrupted run
# never leaves a half-built chroot that looks ready.
partial="$CHROOT.partial"
as_root rm -rf "$partial"
as_root mkdir -p "$(dirname "$CHROOT")"
echo "debootstrap --variant=minbase sid $partial"
as_root debootstrap --variant=minbase sid "$partial" "$MIRROR" </dev/null >"$(dirname "$CHROOT")/debootstrap.log" 2>&1 ||
  { tail -n 30 "$(dirname "$CHROOT")/debootstrap.log" >&2; die "debootstrap failed"; }

# No daemons start inside the chroot while packages are installed.
printf '#!/bin/sh\nexit 101\n' | as_root tee "$partial/usr/sbin/policy-rc.d" >/dev/null
as_root chmod +x "$partial/usr/sbin/policy-rc.d"

# sid's Release files can be older than their Valid-Until on a machine whose clock runs ahead.
apt_opts=(-o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false)
as_root chroot "$partial" apt-get "${apt_opts[@]}" update </dev/null
as_root chroot "$partial" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y matrix-synapse </dev/null
as_root chroot "$partial" apt-get clean

as_root rm -rf "$CHROOT"
as_root mv "$partial" "$CHROOT"
as_root touch "$READY"
works || die "matrix-synapse does not import inside $CHROOT"
echo "$CHROOT"
