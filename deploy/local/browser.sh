#!/usr/bin/env bash
# The headless browser of the review page's test (e2e ReviewPageBrowserTest): Debian's Chromium and its
# ChromeDriver, /usr/bin/chromium and /usr/bin/chromedriver. Installs them when missing (root only);
# as any other user it says what to install. Prints the two paths.
set -euo pipefail
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "browser.sh: Chromium and ChromeDriver are missing; as root: apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  echo "browser.sh: installing Chromium and ChromeDriver from Debian's packages" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
fi
echo /usr/bin/chromium
echo /usr/bin/chromedriver
