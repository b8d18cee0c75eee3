#!/bin/sh
# Cleans up after one real-server test binary, even when it crashes or is
# killed: the binary starts this script first, with a pipe on stdin that only
# the binary holds. When the binary ends, for whatever reason, the pipe closes
# and this script
#   - stops every process inside the binary's namespaces (by pid),
#   - deletes those namespaces and their /etc/netns directories,
#   - unmounts whatever the tests mounted under the temp dir, removes it.
#
# usage: reaper.sh NAMESPACE_PREFIX TEMP_DIR
set -u
prefix=$1
dir=$2
trap '' INT HUP TERM

cat >/dev/null

ours() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep "^${prefix}" || true
}

signal_all() {
    for ns in $(ours); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill "-$1" "$pid" 2>/dev/null || true
        done
    done
}

signal_all TERM
i=0
while [ "$i" -lt 20 ]; do
    left=""
    for ns in $(ours); do
        left="$left$(ip netns pids "$ns" 2>/dev/null)"
    done
    [ -z "$left" ] && break
    sleep 0.1
    i=$((i + 1))
done
signal_all KILL

for ns in $(ours); do
    ip netns del "$ns" 2>/dev/null || true
done
for etc in /etc/netns/"${prefix}"*; do
    [ -e "$etc" ] && rm -rf "$etc"
done

case "$dir" in
    /*/mailfix-real-*)
        grep " $dir/" /proc/mounts | awk '{print $2}' | sort -r | while read -r mnt; do
            umount -l "$mnt" 2>/dev/null || true
        done
        rm -rf "$dir"
        ;;
esac
