#!/usr/bin/env bash
# The demo behind `npm run demo`: make a local RSA key, encrypt a file under it,
# inspect the envelope, decrypt it, compare, and watch a tampered copy fail.
# No cloud and no network. Run `npm run build` first (npm run demo does).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/packages/cli/dist/bin.js"
work=$(mktemp -d "${TMPDIR:-/tmp}/envelope-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

envelope() { node "$cli" "$@"; }
run() {
  printf '\n\033[1m$ envelope %s\033[0m\n' "$*"
  envelope "$@"
}

# A 3 MiB file: readable text followed by random bytes, so it spans many frames.
{ cat "$root/README.md"; head -c 3000000 /dev/urandom; } > report.bin

run keygen --out demo-key.pem --bits 3072
run encrypt --key local:demo-key.pub.pem --context app=demo --context purpose=readme --out report.env report.bin
run inspect report.env
run decrypt --key local:demo-key.pem --context app=demo --out report.out report.env

cmp report.bin report.out
printf '\nround trip OK: %s bytes in, %s-byte envelope, identical bytes out\n' "$(wc -c < report.bin)" "$(wc -c < report.env)"

# Flip one byte in the middle of the body: decryption must fail and leave no output file.
cp report.env tampered.env
printf '\x00' | dd of=tampered.env bs=1 seek=1500000 conv=notrunc status=none
if run decrypt --key local:demo-key.pem --out tampered.out tampered.env; then
  echo "ERROR: a tampered envelope decrypted" >&2
  exit 1
fi
[ ! -e tampered.out ] || { echo "ERROR: a failed decrypt left an output file" >&2; exit 1; }
printf 'tampered envelope rejected; no output file was written\n'

# A producer holding only the public key can seal, but not open.
if run decrypt --key local:demo-key.pub.pem --out nope.out report.env; then
  echo "ERROR: the public key decrypted" >&2
  exit 1
fi
printf '\ndemo finished: the public key encrypts, only the private key decrypts, tampering is caught\n'
