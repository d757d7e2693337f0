#!/usr/bin/env bash
# Runs CMD in a brand-new Debian 12 root, the way a new user meets Tandem: a debootstrap minbase
# bookworm root (nothing else installed), a clone of this repository's current commit in
# /root/tandem, CMD run there as root. The host's installed packages are invisible to it.
#
# Usage: scripts/fresh-debian-root.sh [options] [--] CMD [ARGS...]
#   e.g. scripts/fresh-debian-root.sh ./test.sh
# Options:
#   --keep               keep the root afterwards (its path is printed) instead of deleting it
#   --refresh-base       debootstrap the base root again instead of using the cached tarball
#   --base-tarball FILE  use FILE (a tar of a root file system) as the base root
#   -h, --help           this text
# The base root is cached as a tarball in .cache/fresh-root/ (only what debootstrap made, never
# anything installed into it). CMD runs in its own mount and PID namespace: /proc, /sys and /dev
# are mounted for it and unmounted on any exit, and no process it started outlives it.
# Exit status: CMD's own; 1 for a set-up error (said on stderr); 2 for bad usage.
set -euo pipefail

say() { echo "[fresh-root] $*" >&2; }
die() { echo "[fresh-root] error: $*" >&2; exit 1; }
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

# Second stage, inside `unshare --mount --pid --fork`: we are PID 1 of a new PID namespace, so
# every process CMD leaves behind is killed when we exit, and our mounts die with the namespace
# even if we are killed. The trap unmounts them explicitly on every ordinary exit.
if [[ "${1:-}" == --enter ]]; then
  root=$2
  shift 2
  unmount_all() {
    local m
    for m in dev sys proc; do
      mountpoint -q "$root/$m" && { umount -R "$root/$m" 2>/dev/null || umount -R -l "$root/$m"; }
    done
  }
  trap unmount_all EXIT
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --make-rslave "$root/sys"
  mount --rbind /dev "$root/dev"
  mount --make-rslave "$root/dev"
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c 'cd /root/tandem && exec "$@"' fresh-root "$@"
  status=$?
  exit "$status"
fi

keep=0
refresh=0
base_tarball=
while (($#)); do
  case "$1" in
    --keep) keep=1 ;;
    --refresh-base) refresh=1 ;;
    --base-tarball)
      (($# >= 2)) || { echo "fresh-debian-root.sh: --base-tarball needs a FILE" >&2; exit 2; }
      base_tarball=$2
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "fresh-debian-root.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
(($#)) || { echo "fresh-debian-root.sh: no CMD given (try --help)" >&2; exit 2; }

[[ $(id -u) -eq 0 ]] ||
  die "must run as root: it creates a Debian root with debootstrap and mounts /proc, /sys and" \
    "/dev into it (try: sudo $0 $*)"
for tool in unshare chroot mountpoint tar git; do
  command -v "$tool" >/dev/null || die "'$tool' not found (apt-get install util-linux coreutils tar git)"
done

top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) ||
  die "$(dirname "$0") is not inside a git checkout: the fresh root clones this repository"
commit=$(git -C "$top" rev-parse HEAD)
cache=$top/.cache/fresh-root
mkdir -p "$cache"

# The base root: debootstrap's minbase of bookworm with Debian 12's default apt sources, as a
# newly installed machine has them.
make_base() {
  local out=$1 tmp
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2 ||
      die "could not install debootstrap with apt-get; install it and run again"
  fi
  tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
  say "debootstrap --variant=minbase bookworm (about a minute; log $cache/debootstrap.log)"
  if ! debootstrap --variant=minbase bookworm "$tmp" http://deb.debian.org/debian \
    >"$cache/debootstrap.log" 2>&1; then
    tail -n 20 "$cache/debootstrap.log" >&2
    rm -rf --one-file-system "$tmp"
    die "debootstrap failed (log above and in $cache/debootstrap.log)"
  fi
  chmod 755 "$tmp"  # mktemp's 0700 would become the root's "/": no user but root could use it
  rm -f "$tmp/etc/apt/sources.list"
  cat >"$tmp/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  tar --numeric-owner -C "$tmp" -cf "$out.part" . || die "could not write $out.part"
  mv "$out.part" "$out"
  rm -rf --one-file-system "$tmp"
  say "cached the base root as $out"
}

if [[ -z $base_tarball ]]; then
  base_tarball=$cache/bookworm-minbase-$(dpkg --print-architecture).tar
  if ((refresh)) || [[ ! -f $base_tarball ]]; then make_base "$base_tarball"; fi
else
  [[ -f $base_tarball ]] || die "--base-tarball $base_tarball: no such file"
fi

work=$(mktemp -d "$cache/run.XXXXXX")
root=$work/root
# Deletes the root unless asked to keep it; never while anything is still mounted below it
# (rm -rf through a bind mount of /dev would reach the host's).
cleanup() {
  local status=$?
  if grep -q " $work/" /proc/self/mountinfo; then
    say "left $work in place: something is still mounted below it (see /proc/self/mountinfo)"
  elif ((keep)); then
    say "kept the root: $root (chroot $root /bin/bash)"
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$root"
say "unpacking the base root $base_tarball"
tar --numeric-owner -C "$root" -xf "$base_tarball" || die "could not unpack $base_tarball into $root"
chmod 755 "$root"  # "/" as a machine has it: apt's _apt user and others must traverse it
for d in proc sys dev root etc; do mkdir -p "$root/$d"; done
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || say "note: no /etc/resolv.conf to copy"
git clone -q --no-hardlinks "$top" "$root/root/tandem" || die "could not clone $top"
git -C "$root/root/tandem" checkout -q --detach "$commit"
if [[ -n $(git -C "$top" status --porcelain --untracked-files=no) ]]; then
  say "note: uncommitted changes in $top are not in the fresh root (it has commit ${commit:0:12})"
fi

say "running '$*' in a brand-new Debian 12 root at $root (commit ${commit:0:12})"
started=$(date +%s)
set +e
# Our mounts must not propagate back to this namespace. Inside a chroot "/" is no mount point,
# so unshare cannot make it private: the mounts then follow the enclosing mount's propagation
# (private where that chroot runs in its own namespace, as this script's own CMD does), and
# are still unmounted on every ordinary exit.
propagation=private
if ! mountpoint -q /; then
  propagation=unchanged
  say "note: / is not a mount point (a chroot?): mounts for CMD keep the enclosing propagation"
fi
unshare --mount --pid --fork --propagation "$propagation" -- "$0" --enter "$root" "$@"
status=$?
set -e
say "'$*' exited with status $status after $(($(date +%s) - started)) s in the fresh root"
exit "$status"
