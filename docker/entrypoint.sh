#!/bin/sh
# Entry point of a dwh project image.
#   (no arguments)          dwh run <the image's project>
#   --load-type F ...       dwh run <the image's project> --load-type F ...
#   backfill -s ... -e ...  dwh backfill <the image's project> -s ... -e ...
#   any other dwh command   passed through as is (dwh runs, dwh sql "...", dwh --help)
# The exit code is dwh's: 0 success, 1 run failed, 2 bad usage/config, 3 already running.
set -u
cd /opt/dwh || exit 2

if [ ! -f config/dwh.yaml ] && [ -z "${DWH_DATABASE_URL:-}" ]; then
  echo "dwh-entrypoint: no config/dwh.yaml mounted and no DWH_DATABASE_URL: using the embedded database in metadata/" >&2
fi

if [ "$#" -eq 0 ]; then
  set -- run "$DWH_PROJECT"
else
  case "$1" in
    -*) set -- run "$DWH_PROJECT" "$@" ;;
    backfill) shift; set -- backfill "$DWH_PROJECT" "$@" ;;
  esac
fi

exec node /opt/dwh/dist/cli/main.js "$@"
