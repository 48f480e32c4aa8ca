module github.com/llmgw/llmgw/plugins/guard-injection

go 1.26.0

require golang.org/x/text v0.42.0

replace github.com/llmgw/llmgw/core/sdk => ../../core/sdk
