#!/usr/bin/env bash
# What the test suite needs beyond npm: installed here when this is Debian and we are root (as on
# CI and on a fresh machine of this kind), otherwise named with the exact command, before any test runs.
set -euo pipefail

missing=()
command -v tmux >/dev/null || missing+=(tmux)
command -v git >/dev/null || missing+=(git)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
command -v psql >/dev/null || missing+=(postgresql-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v ansible-playbook >/dev/null || missing+=(ansible-core)
# The idempotence gate reads ansible's `json` stdout callback, which lives in the ansible.posix collection
# (Debian package `ansible`, only a Recommends of ansible-core, so --no-install-recommends skips it).
ls /usr/lib/python3/dist-packages/ansible_collections/ansible/posix/plugins/callback/json.py >/dev/null 2>&1 || missing+=(ansible)

[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test suite: installing ${missing[*]} (Debian packages)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $install
  exit 0
fi
echo "test suite: missing ${missing[*]}; install them first:" >&2
echo "  sudo $install" >&2
exit 1
