#!/bin/bash
# EMR bootstrap action: maps host names this node cannot resolve to their addresses in /etc/hosts.
#
# The burst cluster's VPC resolver answers only its own region's compute.internal names, while Hive
# wrote the on-prem NameNode's name (ip-...<region>.compute.internal) into every table location.
# Runs first, before Alluxio's bootstrap mounts the on-prem HDFS by that name.
#
# Usage: map-hosts.sh host:IP=NAME [host:IP=NAME]...
set -euo pipefail

for entry in "$@"; do
  case "$entry" in
    host:*=*) ;;
    *) echo "map-hosts.sh: expected host:IP=NAME, got $entry" >&2; exit 2 ;;
  esac
  pair="${entry#host:}"
  ip="${pair%%=*}"
  name="${pair#*=}"
  [[ "$ip" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || { echo "map-hosts.sh: bad IP $ip" >&2; exit 2; }
  [[ "$name" =~ ^[A-Za-z0-9.-]+$ ]] || { echo "map-hosts.sh: bad name $name" >&2; exit 2; }
  grep -qE "[[:space:]]$name([[:space:]]|\$)" /etc/hosts && continue
  echo "$ip $name ${name%%.*}" | sudo tee -a /etc/hosts >/dev/null
done
