#!/usr/bin/env bash
# Install formcheck and open the app at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
exec .venv/bin/streamlit run app.py --browser.gatherUsageStats false "$@"
