#!/usr/bin/env bash
# Usage: ./deploy.sh prod|staging
set -euo pipefail
env="${1:?environment}"
aws cloudformation deploy \
  --stack-name "orders-${env}" \
  --template-file service.yaml \
  --capabilities CAPABILITY_IAM \
  --parameter-overrides $(grep -v '^#' "params/${env}.properties")
