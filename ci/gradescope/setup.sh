#!/usr/bin/env bash
# Gradescope autograder setup: runs once when the autograder image is built.
# Zip this folder's two files with a copy of the grader repository as `source/`
# (Gradescope unpacks it to /autograder/source), then upload the zip.
set -euo pipefail

apt-get update
apt-get install -y python3.11 python3.11-venv bubblewrap
python3.11 -m venv /opt/grader
/opt/grader/bin/pip install --upgrade pip
/opt/grader/bin/pip install /autograder/source
