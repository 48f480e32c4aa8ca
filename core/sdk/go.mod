module github.com/llmgw/llmgw/core/sdk

go 1.26
