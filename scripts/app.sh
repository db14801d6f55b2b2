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
exec .venv/bin/streamlit run app.py --browser.gatherUsageStats false --server.showEmailPrompt false \
    --server.address 127.0.0.1 "$@"
