# The plugin fast lane (sdk/go/lane): the end-to-end suite with every plugin
# kept on gRPC, the lane's other half (make test runs it on the fast lane).

.PHONY: test-e2e-grpc-lane

## test-e2e-grpc-lane: the end-to-end tests with LLMGW_PLUGIN_LANE=grpc (the request path on gRPC)
test-e2e-grpc-lane: build
	@LLMGW_PLUGIN_LANE=grpc $(GO) test -count=1 ./tests/e2e/ $(if $(RUN),-run '$(RUN)')
