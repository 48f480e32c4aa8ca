module github.com/llmgw/llmgw/tools/release

go 1.26.0
