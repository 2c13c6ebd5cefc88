#!/usr/bin/env bash
# Build the peer libraries' own virtual environments, which the tests that compare with them
# need: movement 0.17 on Python 3.12, dustrack 1.3.2 (numpy < 2) on Python 3.11+.
# Usage: bash .ci/install_peers.sh [DIR]   (default DIR: .ci/peers; prints the two
# export lines for MOVEMENT_PYTHON and DUSTRACK_PYTHON). A peer that cannot be installed
# stops with a message saying why: CI must not silently skip the peer tests.
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")" && pwd)/peers"}
mkdir -p "$dir"

find_python312() {  # the first candidate that really runs Python 3.12 (pyenv shims may not)
    local candidate
    for candidate in "$(command -v pyenv >/dev/null && pyenv root)"/versions/3.12*/bin/python3.12 \
                     python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do
        if [ -n "$candidate" ] && "$candidate" -c \
            'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

build() {  # name python requirement
    local name=$1 python=$2 requirement=$3
    if [ -x "$dir/$name/bin/python" ] && "$dir/$name/bin/python" -c "import $name" >/dev/null 2>&1; then
        return 0
    fi
    rm -rf "$dir/$name"
    "$python" -m venv "$dir/$name"
    if ! "$dir/$name/bin/pip" install -q "$requirement" >"$dir/$name.log" 2>&1; then
        echo "install_peers: could not install $requirement with $python (log: $dir/$name.log)" >&2
        tail -n 20 "$dir/$name.log" >&2
        exit 1
    fi
}

py312=$(find_python312) || {
    echo "install_peers: movement 0.17 needs Python 3.12, and none was found" \
         "(looked for python3.12 on PATH and in pyenv); install it (e.g. pyenv install 3.12)" >&2
    exit 1
}
build movement "$py312" "movement==0.17.0"
build dustrack "$(command -v python3)" "dustrack==1.3.2"
echo "export MOVEMENT_PYTHON=$dir/movement/bin/python"
echo "export DUSTRACK_PYTHON=$dir/dustrack/bin/python"
