#!/usr/bin/env bash
# Builds the Debian package from a build directory with cpack, into a temporary directory,
# and checks it without installing it on this machine:
#  - the control data: name, section, dependencies (dpkg-shlibdeps found the libraries),
#    the conffile and the maintainer scripts;
#  - the files: binary, units, sysusers.d file, man page, docs, examples, and the config
#    in /etc, 0640;
#  - extracted (dpkg-deb -x), the binary runs: --version, `man` gives the packaged page,
#    which groff renders without a warning, and `validate` accepts the example configs;
#  - installed into a temporary root (dpkg --root, the maintainer scripts run chrootless
#    against $DPKG_ROOT, no root privileges needed): the postinst creates the user there
#    and gives the config its group, and purging leaves no statoverride behind. Skipped,
#    and said, when this dpkg cannot install into a root at all.
# Needs the default build target built first (the man page is made from the binary).
# Usage: check_deb.sh BUILD_DIR
set -euo pipefail
export LC_ALL=C

fail() {
  echo "check_deb: $*" >&2
  exit 1
}

[ $# -eq 1 ] || fail "usage: check_deb.sh BUILD_DIR"
build=$(realpath "$1")
[ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build"
[ -f "$build/man/sgwatch.1.gz" ] ||
  fail "no man page in $build/man: build the default target first (cmake --build $build)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" > "$tmp/cpack.log" 2>&1 ||
  fail "cpack failed: $(cat "$tmp/cpack.log")"
debs=("$tmp"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single .deb: ${debs[*]}"
deb=${debs[0]}
echo "check_deb: built $(basename "$deb")"

# --- Control data -------------------------------------------------------------------
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = sgwatch ] || fail "Package is '$(field Package)'"
[ "$(field Section)" = admin ] || fail "Section is '$(field Section)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
for needed in 'libc6' 'libsqlite3-0' 'libcurl4' 'libsystemd0' 'systemd | adduser'; do
  grep -qF "$needed" <<< "$depends" || fail "Depends lacks '$needed': $depends"
done
[ "$(dpkg-deb --info "$deb" conffiles)" = /etc/sgwatch/sgwatch.toml ] ||
  fail "conffiles: $(dpkg-deb --info "$deb" conffiles)"
for script in postinst prerm postrm; do
  dpkg-deb --info "$deb" "$script" > "$tmp/$script" || fail "no $script"
  sh -n "$tmp/$script" || fail "$script is not valid sh"
done

# --- Files ------------------------------------------------------------------------
dpkg-deb --contents "$deb" > "$tmp/contents"
has() {  # has MODE PATH: the package holds PATH, a file with MODE, owned by root
  grep -Eq "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \.$2\$" "$tmp/contents" ||
    fail "the package has no $1 root/root $2; it has:
$(cat "$tmp/contents")"
}
has -rwxr-xr-x /usr/bin/sgwatch
has -rw-r--r-- /usr/lib/systemd/system/sgwatch.service
has -rw-r--r-- /usr/lib/systemd/system/sgwatch-once.service
has -rw-r--r-- /usr/lib/systemd/system/sgwatch.timer
has -rw-r--r-- /usr/lib/sysusers.d/sgwatch.conf
has -rw-r--r-- /usr/share/man/man1/sgwatch.1.gz
has -rw-r--r-- /usr/share/bash-completion/completions/sgwatch
has -rw-r--r-- /usr/share/doc/sgwatch/README.md
has -rw-r--r-- /usr/share/doc/sgwatch/SYSTEMD.md
has -rw-r--r-- /usr/share/doc/sgwatch/examples/sgwatch.toml
has -rw-r--r-- /usr/share/doc/sgwatch/examples/sgwatch-multi-account.toml
has -rw-r----- /etc/sgwatch/sgwatch.toml

# --- The extracted binary -----------------------------------------------------------
dpkg-deb -x "$deb" "$tmp/x"
sgwatch=$tmp/x/usr/bin/sgwatch
# Nothing of this machine's: no AWS settings, no config or store of its user.
run() {
  env -i PATH=/usr/bin:/bin HOME="$tmp/home" AWS_EC2_METADATA_DISABLED=true "$@"
}
version=$(run "$sgwatch" --version) || fail "--version failed"
[ "$version" = "sgwatch $(field Version | sed 's/-.*//')" ] ||
  fail "--version says '$version', the package is $(field Version)"
run "$sgwatch" man > "$tmp/sgwatch.1" || fail "'sgwatch man' failed"
zcat "$tmp/x/usr/share/man/man1/sgwatch.1.gz" | cmp -s - "$tmp/sgwatch.1" ||
  fail "the packaged man page is not what the packaged binary prints"
grep -q '^\.SS "watch"$' "$tmp/sgwatch.1" || fail "the man page has no watch command"
run "$sgwatch" completion bash > "$tmp/sgwatch.bash" || fail "'sgwatch completion bash' failed"
cmp -s "$tmp/x/usr/share/bash-completion/completions/sgwatch" "$tmp/sgwatch.bash" ||
  fail "the packaged completion is not what the packaged binary prints"
bash -n "$tmp/sgwatch.bash" || fail "the bash completion is not valid bash"
warnings=$(groff -man -Tutf8 -ww -z "$tmp/sgwatch.1" 2>&1) ||
  fail "groff failed on the man page: $warnings"
[ -z "$warnings" ] || fail "groff warns about the man page: $warnings"
run "$sgwatch" --config "$tmp/x/etc/sgwatch/sgwatch.toml" validate --no-environment \
  > "$tmp/validate.log" 2>&1 ||
  fail "the packaged config does not validate: $(cat "$tmp/validate.log")"
run SGWATCH_DEPT_B_EXTERNAL_ID=example "$sgwatch" \
  --config "$tmp/x/usr/share/doc/sgwatch/examples/sgwatch-multi-account.toml" \
  validate --no-environment > "$tmp/validate.log" 2>&1 ||
  fail "the multi-account example does not validate: $(cat "$tmp/validate.log")"

# --- Installed into a temporary root ---------------------------------------------
# The scripts run on this machine with DPKG_ROOT set (chrootless: a chroot would need root
# and a shell inside); the dependencies are not installed in the empty root.
root=$tmp/root
mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$tmp/home"
touch "$root/var/lib/dpkg/status"
in_root() {
  env HOME="$tmp/home" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
dpkg_root=(dpkg --root="$root" --force-script-chrootless --force-not-root --force-depends
           --log="$tmp/dpkg.log")
if ! in_root "${dpkg_root[@]}" --install "$deb" > "$tmp/install.log" 2>&1; then
  if grep -q 'post-installation script' "$tmp/install.log"; then
    fail "the postinst failed in a temporary root: $(cat "$tmp/install.log")"
  fi
  echo "check_deb: skipped the maintainer scripts: dpkg cannot install into a root here:" >&2
  cat "$tmp/install.log" >&2
  echo "check_deb: ok (without the maintainer scripts)"
  exit 0
fi
[ -x "$root/usr/bin/sgwatch" ] || fail "dpkg --root installed no binary"
grep -q '^sgwatch:x:[0-9]*:[0-9]*:.*:/var/lib/sgwatch:/usr/sbin/nologin$' "$root/etc/passwd" ||
  fail "the postinst created no user sgwatch in the root: $(cat "$root/etc/passwd" 2>&1)"
gid=$(awk -F: '$1 == "sgwatch" { print $3 }' "$root/etc/group")
[ -n "$gid" ] || fail "the postinst created no group sgwatch in the root"
# dpkg-statoverride names the group as this machine does, so only the rest is compared.
overrides=$(in_root dpkg-statoverride --root="$root" --list 2>&1 || true)
grep -Eq '^root [^ ]+ 640 /etc/sgwatch/sgwatch.toml$' <<< "$overrides" ||
  fail "no statoverride for the config: '$overrides'"
# Only root may give a file away; others keep their own files.
if [ "$(id -u)" -eq 0 ]; then
  [ "$(stat -c '%u:%g %a' "$root/etc/sgwatch/sgwatch.toml")" = "0:$gid 640" ] ||
    fail "the config is $(stat -c '%u:%g %a' "$root/etc/sgwatch/sgwatch.toml"), not 0:$gid 640"
fi
in_root "${dpkg_root[@]}" --purge sgwatch > "$tmp/purge.log" 2>&1 ||
  fail "dpkg --purge failed: $(cat "$tmp/purge.log")"
[ ! -e "$root/usr/bin/sgwatch" ] || fail "purging left the binary"
[ ! -e "$root/etc/sgwatch/sgwatch.toml" ] || fail "purging left the config"
overrides=$(in_root dpkg-statoverride --root="$root" --list 2>&1 || true)
[ -z "$overrides" ] || fail "purging left a statoverride: $overrides"

echo "check_deb: ok"
