#!/usr/bin/env bash
# The main job: set up, validate the corpus, build the dataset folder, load it back
# offline and show it (a summary, one row of the ner config, the HTML viewer page).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

newsgold validate
newsgold build
HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 newsgold show --config ner --n 1
newsgold summary
newsgold show --html out/newsgold.html
echo "viewer: out/newsgold.html"
