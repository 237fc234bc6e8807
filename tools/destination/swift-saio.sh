#!/bin/sh
# Start a one-device OpenStack Swift ("Swift all in one") on loopback with tempauth, to check the
# controller's client against a real Swift. Needs the Debian packages swift-proxy swift-account
# swift-container swift-object memcached, a filesystem with user xattrs, and /etc/swift/swift.conf
# (the packages install one). Usage: swift-saio.sh DIR [PROXY_PORT]  (stop: swift-saio.sh DIR stop)
# Prints the environment for test/firmware/controller/destination/real-swift.test.ts.
set -eu
dir=${1:?usage: swift-saio.sh DIR [PROXY_PORT|stop]}
port=${2:-8081}
if [ "$port" = stop ]; then
  for p in "$dir"/run/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  exit 0
fi
mkdir -p "$dir/etc" "$dir/node/d1" "$dir/run" "$dir/log"
user=$(id -un)
for kind in account:6212 container:6211 object:6210; do
  name=${kind%%:*}; p=${kind##*:}
  cat > "$dir/etc/$name-server.conf" <<CONF
[DEFAULT]
devices = $dir/node
mount_check = false
bind_ip = 127.0.0.1
bind_port = $p
swift_dir = $dir/etc
workers = 0
user = $user
log_facility = LOG_LOCAL2
[pipeline:main]
pipeline = $name-server
[app:$name-server]
use = egg:swift#$name
CONF
  [ "$name" = object ] && printf '[object-replicator]\n[object-updater]\n[object-auditor]\n' >> "$dir/etc/$name-server.conf"
  [ "$name" = container ] && printf '[container-replicator]\n[container-updater]\n[container-auditor]\n[container-sync]\n' >> "$dir/etc/$name-server.conf"
  [ "$name" = account ] && printf '[account-replicator]\n[account-auditor]\n[account-reaper]\n' >> "$dir/etc/$name-server.conf"
  if [ ! -f "$dir/etc/$name.ring.gz" ]; then
    swift-ring-builder "$dir/etc/$name.builder" create 8 1 1 >/dev/null
    swift-ring-builder "$dir/etc/$name.builder" add "r1z1-127.0.0.1:$p/d1" 1 >/dev/null
    swift-ring-builder "$dir/etc/$name.builder" rebalance >/dev/null || true
  fi
done
cat > "$dir/etc/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
swift_dir = $dir/etc
workers = 0
user = $user
[pipeline:main]
pipeline = catch_errors cache tempauth proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
[filter:tempauth]
use = egg:swift#tempauth
user_bwc_scu = secret .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11219
[filter:catch_errors]
use = egg:swift#catch_errors
CONF
memcached -u "$user" -l 127.0.0.1 -p 11219 -d -P "$dir/run/memcached.pid"
for s in account container object; do
  swift-$s-server "$dir/etc/$s-server.conf" >"$dir/log/$s.log" 2>&1 & echo $! > "$dir/run/$s.pid"
done
swift-proxy-server "$dir/etc/proxy-server.conf" >"$dir/log/proxy.log" 2>&1 & echo $! > "$dir/run/proxy.pid"
i=0
until curl -fs -o /dev/null -H 'X-Auth-User: bwc:scu' -H 'X-Auth-Key: secret' "http://127.0.0.1:$port/auth/v1.0"; do
  i=$((i + 1)); [ $i -gt 60 ] && { echo "swift-saio: proxy did not answer on $port; see $dir/log" >&2; exit 1; }
  sleep 0.5
done
echo "BWC_SWIFT_AUTH_URL=http://127.0.0.1:$port/auth/v1.0 BWC_SWIFT_USER=bwc:scu BWC_SWIFT_KEY=secret"
