module github.com/llmgw/llmgw/plugins/provider-gemini

go 1.26

require github.com/llmgw/llmgw/core/sdk v0.0.0

replace github.com/llmgw/llmgw/core/sdk => ../../core/sdk
