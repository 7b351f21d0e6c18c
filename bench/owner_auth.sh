#!/usr/bin/env bash
# Owner credentials on the API: HTTP Basic against the operator's token,
# veinfo with a password against a VE token (bench/owner_auth.py).
set -euo pipefail
: "${VEP_HTTP:?run under ./dev bench or after eval \"\$(./dev env)\"}"
exec /usr/bin/python3 "$(dirname "$0")/owner_auth.py"
