# The Python plugin example: a keyword-block stage written in Python
# (keyword_block.py, with the llmgw_plugin SDK) in front of gpt-4o-primary.
#
#   make build                                   # also prepares .venv-plugins
#   bin/llmgw serve --config examples/python-plugin/pipeline.hcl
#
# Relative paths resolve against this file's directory.

plugin "keyword-block" {
  # A launcher that runs keyword_block.py with .venv-plugins/bin/python.
  path = "keyword-block"
  # The Python SDK speaks go-plugin's AutoMTLS like Go plugins (auto_mtls
  # defaults to true); set auto_mtls = false only to debug the transport.
  auto_mtls = true
}

plugin "provider-openai" {
  path = "../../bin/plugins/provider-openai"
}

provider "openai" {
  plugin = "provider-openai"
  config = {
    api_key  = env("OPENAI_API_KEY", "")
    base_url = env("OPENAI_BASE_URL", "https://api.openai.com/v1")
    flavor   = "openai"
  }
}

model "gpt-4o-primary" {
  provider = "openai"
  upstream = "gpt-4o"
}

pipeline "default" {
  stage "keyword-block" {
    plugin   = "keyword-block"
    on_error = "fail_closed"
    timeout  = "1s"
    config = {
      words = ["forbidden-word"]
    }
  }
}
