#!/usr/bin/env bash
# Makes sure the Debian packages the tests use are installed: installs the missing ones with
# apt-get when running as root, otherwise stops and names them. Never lets a suite skip.
set -euo pipefail

packages=(docker-registry skopeo openssl golang-docker-credential-helpers gnome-keyring dbus libsecret-tools bash bash-completion zsh fish strace)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing the Debian packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
  exit 0
fi

echo "regctl's tests need these Debian packages, which are missing: ${missing[*]}" >&2
echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
exit 2
