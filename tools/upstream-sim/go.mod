module github.com/llmgw/llmgw/tools/upstream-sim

go 1.26
