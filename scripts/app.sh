#!/usr/bin/env bash
# Install formcheck (first start, or after pyproject.toml changed: later starts need no network) and open the app
# at http://localhost:8501 (this computer only). The "dev" extra makes `.venv/bin/python -m pytest` work afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
FORMCHECK_EXTRAS="dev${FORMCHECK_EXTRAS:+,$FORMCHECK_EXTRAS}" bash scripts/setup_env.sh
# --lan: also serve paired phones on the local network, over HTTPS (formcheck serve --lan prints a QR code to scan).
if [[ "${1:-}" == "--lan" ]]; then
    shift
    exec .venv/bin/formcheck serve --lan "$@"
fi
# Never stop at Streamlit's first-run "Email:" prompt (a desktop start waited for it); no usage statistics.
# Loopback only, whatever a ~/.streamlit/config.toml or STREAMLIT_SERVER_ADDRESS says: no other device can connect.
# Streamlit refuses uploads above its own limit before the page can explain: give it the page's limit.
# Same rule as formcheck.app.config.upload_limit_mb (a positive whole number, else 500), without starting Python.
upload_limit_mb="${FORMCHECK_MAX_UPLOAD_MB:-}"
if ! [[ "$upload_limit_mb" =~ ^[0-9]+$ ]] || (( 10#$upload_limit_mb == 0 )); then upload_limit_mb=500; fi
exec .venv/bin/streamlit run app.py --browser.gatherUsageStats false --server.showEmailPrompt false \
    --server.address 127.0.0.1 --server.maxUploadSize "$upload_limit_mb" "$@"
