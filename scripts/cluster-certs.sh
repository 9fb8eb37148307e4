#!/usr/bin/env bash
# Makes the remoting credentials of a cluster with openssl: one authority, and for each name a
# folder to give that node or admin tool as its actorproxy.remote.credentials (a tool:
# `actorproxy admin --credentials FOLDER`, or copy it to ~/.config/actorproxy/remote).
#
# Usage: scripts/cluster-certs.sh DIR NAME[:LEVEL]...
#   NAME         a node: its certificate and every admin key (a node checks the keys tools send)
#   NAME:LEVEL   an admin tool that sends LEVEL's key: user, operator or admin
#
#   DIR/authority/  ca.crt, ca.key and the keys; keep it off the nodes. Run the script again
#                   with the same DIR to add names: the authority and the keys are kept.
#   DIR/NAME/       ca.crt, node.pem (certificate then key), the keys; mode 700, files 600.
#
# Every certificate is signed by the authority and valid 825 days; peers check only that, not
# the names, since members reach each other by address.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2
fi
command -v openssl >/dev/null || { echo "cluster-certs: openssl is needed (apt-get install openssl)"; exit 1; }
umask 077
dir=$1; shift
authority=$dir/authority
mkdir -p "$authority"
levels=(admin operator user)

if [ ! -f "$authority/ca.key" ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out "$authority/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$authority/ca.key" -sha256 -days 3650 -subj "/CN=ActorProxy cluster authority" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$authority/ca.crt"
  for level in "${levels[@]}"; do openssl rand -base64 32 > "$authority/$level.key"; done
  echo "authority made in $authority (keep ca.key there, off the nodes)"
fi

for entry in "$@"; do
  name=${entry%%:*}
  level=""
  [[ $entry == *:* ]] && level=${entry#*:}
  case "$level" in ""|admin|operator|user) ;; *) echo "cluster-certs: '$entry': the level is user, operator or admin"; exit 2;; esac
  [[ $name =~ ^[A-Za-z0-9._-]+$ && $name != authority ]] || { echo "cluster-certs: '$name' is not a plain name"; exit 2; }
  out=$dir/$name
  if [ -e "$out" ]; then echo "$out exists: kept as it is"; continue; fi
  mkdir -p "$out"
  key=$(mktemp "$dir/.key.XXXXXX"); csr=$(mktemp "$dir/.csr.XXXXXX"); ext=$(mktemp "$dir/.ext.XXXXXX")
  openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$key"
  openssl req -new -key "$key" -subj "/CN=$name" -out "$csr"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" > "$ext"
  openssl x509 -req -in "$csr" -CA "$authority/ca.crt" -CAkey "$authority/ca.key" -CAcreateserial \
    -days 825 -sha256 -extfile "$ext" -out "$out/node.pem" 2>/dev/null
  cat "$key" >> "$out/node.pem"
  rm -f "$key" "$csr" "$ext"
  cp "$authority/ca.crt" "$out/ca.crt"
  if [ -z "$level" ]; then
    for l in "${levels[@]}"; do cp "$authority/$l.key" "$out/$l.key"; done
    echo "$out: node $name"
  else
    cp "$authority/$level.key" "$out/$level.key"
    echo "$out: admin tool $name, level $level"
  fi
done
