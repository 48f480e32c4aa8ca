"""Generated from core/sdk/proto/llmgw/v1/llmgw.proto by make python-proto; do not edit."""
