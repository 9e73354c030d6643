#!/bin/bash
# EMR bootstrap action: writes a Presto/Trino catalog (and, optionally, the Hadoop configuration
# file it loads) once the engine is installed, then restarts the engine on this node.
#
# Bootstrap actions run before EMR installs applications, so the files cannot be written yet; a
# background job waits for the engine's catalog directory and does it afterwards.
#
# Usage: write-catalog.sh --engine presto|trino --catalog NAME
#          [catalog:key=value]... [site:key=value]... [jar:/path/on/node.jar]...
# catalog: entries go to /etc/<engine>/conf/catalog/<NAME>.properties; site: entries go to
# /etc/<engine>/conf/<NAME>Conf/core-site.xml, which the catalog loads through
# hive.config.resources (Alluxio's transparent URI for hdfs:// paths); jar: entries are linked
# into the engine's Hive connector plugin folder (Alluxio's client for Trino). The prefixes keep every
# argument distinct, as CloudFormation requires of bootstrap-action arguments.
set -euo pipefail

engine=""
catalog=""
properties=()
site_properties=()
jars=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="$2"; shift 2 ;;
    --catalog) catalog="$2"; shift 2 ;;
    catalog:*) properties+=("${1#catalog:}"); shift ;;
    site:*) site_properties+=("${1#site:}"); shift ;;
    jar:*) jars+=("${1#jar:}"); shift ;;
    *) echo "write-catalog.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$engine" in presto|trino) ;; *) echo "write-catalog.sh: --engine presto|trino" >&2; exit 2 ;; esac
[[ "$catalog" =~ ^[a-z][a-z0-9_]*$ ]] || { echo "write-catalog.sh: bad --catalog" >&2; exit 2; }

staging="$(mktemp -d)"
printf '%s\n' "${properties[@]}" > "$staging/$catalog.properties"
if [ ${#site_properties[@]} -gt 0 ]; then
  {
    echo '<?xml version="1.0"?>'
    echo '<configuration>'
    for entry in "${site_properties[@]}"; do
      printf '  <property><name>%s</name><value>%s</value></property>\n' "${entry%%=*}" "${entry#*=}"
    done
    echo '</configuration>'
  } > "$staging/core-site.xml"
fi

install_later() {
  local conf="/etc/$engine/conf"
  for _ in $(seq 1 360); do
    [ -d "$conf/catalog" ] && break
    sleep 5
  done
  [ -d "$conf/catalog" ] || { echo "write-catalog.sh: $conf/catalog never appeared" >&2; exit 1; }
  if [ -f "$staging/core-site.xml" ]; then
    sudo mkdir -p "$conf/${catalog}Conf"
    sudo install -m 0644 "$staging/core-site.xml" "$conf/${catalog}Conf/core-site.xml"
  fi
  sudo install -m 0644 "$staging/$catalog.properties" "$conf/catalog/$catalog.properties"
  # PrestoDB names its Hive connector hive-hadoop2, Trino hive.
  local plugin="/usr/lib/$engine/plugin/hive"
  [ "$engine" = presto ] && plugin="/usr/lib/presto/plugin/hive-hadoop2"
  for jar in ${jars[@]+"${jars[@]}"}; do
    for _ in $(seq 1 60); do [ -e "$jar" ] && break; sleep 5; done
    [ -e "$jar" ] || { echo "write-catalog.sh: $jar never appeared" >&2; exit 1; }
    sudo mkdir -p "$plugin"
    sudo ln -sf "$jar" "$plugin/$(basename "$jar")"
  done
  # Let the installer finish starting the server, then restart it so the catalog is loaded.
  sleep 30
  if command -v systemctl >/dev/null 2>&1 && systemctl list-unit-files "$engine-server.service" >/dev/null 2>&1; then
    sudo systemctl restart "$engine-server" || true
  elif command -v initctl >/dev/null 2>&1; then
    sudo stop "$engine-server" || true
    sudo start "$engine-server" || true
  fi
}

install_later > /tmp/write-catalog.log 2>&1 &
disown
exit 0
