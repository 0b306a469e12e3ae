#!/bin/sh
# Installs the Debian packages named as arguments that are not installed
# yet: with apt-get when run as root, else prints the line to run and
# fails.  Used by `make deps` (and so by `make demo` and `make check`).
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "vockit needs these Debian packages:$missing" >&2
	echo "Run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2
