"""Generated from sdk/go/proto/llmgw/v1/llmgw.proto by make python-proto; do not edit."""
