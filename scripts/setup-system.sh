#!/usr/bin/env bash
# System packages PlanQA's browser tests need: Debian's Chromium (driven by Playwright via
# executable_path, never `playwright install`) and a CJK font so Chinese renders in screenshots.
# Idempotent: apt-get skips what is already installed.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium fonts-wqy-microhei
