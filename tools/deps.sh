#!/bin/sh
# Checks the Debian packages mmsim builds and tests with, and installs the
# missing ones when run as root. Otherwise prints the exact line to run.
#   tools/deps.sh [extra-package...]
set -u
pkgs="libglib2.0-dev libcriterion-dev libgraphviz-dev graphviz libreadline-dev pkg-config gcc make $*"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "mmsim needs these Debian packages:$missing" >&2
	echo "run:  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
apt-get install -y -qq $missing >/dev/null || {
	echo "apt-get install -y$missing failed" >&2; exit 1; }
