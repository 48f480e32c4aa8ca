# The default llmgw pipeline: the course's models behind one gateway.
# Secrets come from the environment through env("NAME", "default").
# Edit this file while the gateway runs: it reloads by itself.

server {
  listen = "127.0.0.1:8000"
}

plugin "virtual-keys" {
  path = "bin/plugins/virtual-keys"
}

plugin "provider-openai" {
  path = "bin/plugins/provider-openai"
}

plugin "provider-gemini" {
  path = "bin/plugins/provider-gemini"
}

plugin "provider-anthropic" {
  path = "bin/plugins/provider-anthropic"
}

plugin "guard-injection" {
  path = "bin/plugins/guard-injection"
}

plugin "ratelimit" {
  path = "bin/plugins/ratelimit"
}

plugin "cache" {
  path = "bin/plugins/cache"
}

plugin "tracker-mlflow" {
  path = "bin/plugins/tracker-mlflow"
}

provider "openai" {
  plugin = "provider-openai"
  config = {
    api_key  = env("OPENAI_API_KEY", "")
    base_url = env("OPENAI_BASE_URL", "https://api.openai.com/v1")
    flavor   = "openai"
  }
}

provider "gemini" {
  plugin = "provider-gemini"
  config = {
    api_key  = env("GEMINI_API_KEY", "")
    base_url = env("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com")
  }
}

# Anthropic's Messages API. Requests without max_tokens get 4096 (the API
# requires one); set max_tokens here to change that default.
provider "anthropic" {
  plugin = "provider-anthropic"
  config = {
    api_key  = env("ANTHROPIC_API_KEY", "")
    base_url = env("ANTHROPIC_BASE_URL", "https://api.anthropic.com")
  }
}

provider "openrouter" {
  plugin = "provider-openai"
  config = {
    api_key  = env("OPENROUTER_API_KEY", "")
    base_url = env("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1")
    flavor   = "openrouter"
  }
}

provider "groq" {
  plugin = "provider-openai"
  config = {
    api_key  = env("GROQ_API_KEY", "")
    base_url = env("GROQ_BASE_URL", "https://api.groq.com/openai/v1")
    flavor   = "groq"
  }
}

model "gpt-4o-primary" {
  provider = "openai"
  upstream = "gpt-4o"
  # None of the models below claude-sonnet thinks: a Messages API client
  # that turns extended thinking on (Claude Code does) is served without it,
  # here and through smart-router, instead of refused.
  drop_params = ["thinking"]
}

model "gemini-secondary" {
  provider = "gemini"
  upstream = "gemini-2.0-flash"
  # Gemini has no end-user id nor OpenAI's prompt-cache key: serve OpenAI
  # clients that send `user`, `safety_identifier` or `prompt_cache_key`
  # without them (here and through smart-router) instead of refusing them.
  # They identify and route; the answer is the same without them.
  drop_params = ["user", "safety_identifier", "prompt_cache_key", "thinking"]
}

model "openrouter-fallback" {
  provider = "openrouter"
  upstream = "mistralai/mistral-7b-instruct"
  # The same for OpenRouter, which documents neither hint.
  drop_params = ["safety_identifier", "prompt_cache_key", "thinking"]
}

model "groq-kimi-primary" {
  provider = "groq"
  upstream = "moonshotai/kimi-k2-instruct"
  drop_params = ["thinking"]
}

model "claude-sonnet" {
  provider = "anthropic"
  upstream = "claude-sonnet-4-5"
}

model "smart-router" {
  fallback = ["gpt-4o-primary", "gemini-secondary", "openrouter-fallback"]
}

# Embeddings models (POST /v1/embeddings). Both answer 1536-dimension
# vectors (OpenAI's native size; Gemini is asked for it), so smart-embed can
# fall back from one to the other without changing the size of the vectors a
# client stores. A request's own `dimensions` overrides it for every member.
model "embed-openai" {
  kind     = "embeddings"
  provider = "openai"
  upstream = "text-embedding-3-small"
}

model "embed-gemini" {
  kind        = "embeddings"
  provider    = "gemini"
  upstream    = "gemini-embedding-001"
  dimensions  = 1536
  drop_params = ["user"]
}

model "smart-embed" {
  kind       = "embeddings"
  fallback   = ["embed-openai", "embed-gemini"]
  dimensions = 1536
}

pipeline "default" {
  # Virtual keys (docs/keys.md): LLMGW_REQUIRE_KEYS=1 refuses requests without
  # a valid key; keys live in Redis when REDIS_URL is set, else under
  # LLMGW_DATA_DIR. Budgets need its After hook, so it runs first and alone.
  stage "keys" {
    plugin   = "virtual-keys"
    on_error = "fail_closed"
    timeout  = "500ms"
    config = {
      require_keys = env("LLMGW_REQUIRE_KEYS", "0")
      redis_url    = env("REDIS_URL", "")
      # Budget alerts (docs/keys.md): a JSON POST when a key has spent 80 %
      # of its budget, and at its first refused request, once per window.
      alert_webhook        = env("LLMGW_KEYS_ALERT_WEBHOOK", "")
      alert_webhook_secret = env("LLMGW_KEYS_ALERT_SECRET", "")
      # Budgets several keys share (docs/keys.md, Team budgets); a key joins
      # one with llmgw keys create --team research:
      # teams = { research = { budget_usd = 100, budget_period = "month" } }
    }
  }

  stage "guard" {
    plugin   = "guard-injection"
    on_error = "fail_closed"
    # The guard scans about 4 MB/s on one idle CPU, 1.5 MB/s on a busy one: a
    # body at the 1 MiB limit of text it has never seen (an agent resuming a
    # long session) takes 250-650 ms, which the former 200ms refused with 503.
    # A hung guard is replaced by its liveness checks in 2.5-3.5 s either way.
    timeout  = "2s"
    parallel = true
    config = {
      # The course's limits, for /generate's one prompt.
      max_prompt_chars = 2000
      min_temperature  = 0.0
      max_temperature  = 1.0
      max_tokens_limit = 4096
      # The chat routes (/v1/chat/completions, /v1/responses, /v1/messages)
      # carry whole conversations and agents' system prompts (Claude Code's
      # is 26 000 characters, and it asks for 32 000 output tokens): the
      # request body limit (server max_body_bytes) bounds them first.
      chat_limits = {
        max_prompt_chars = 1000000
        max_temperature  = 2.0
        max_tokens_limit = 128000
      }
      threshold        = 0.25
      # Fixed text a client puts around its users' words, cut out before the
      # scan (the words around it are still scanned): Claude Code's context
      # block, whose override-like boilerplate the detector would flag. Add
      # your own clients' (plugins/guard-injection/README.md, Config).
      strip_patterns = [
        "</?system-reminder>",
        "As you answer the user's questions, you can use the following context:",
        "Codebase and user instructions are shown below[.] Be sure to adhere to these instructions[.] IMPORTANT: These instructions OVERRIDE any default behavior and you MUST follow them exactly as written[.]",
        "IMPORTANT: this context may or may not be relevant to your tasks[.] You should not respond to this context unless it is highly relevant to your task[.]",
      ]
      # Verdicts of texts of 128 bytes and more are remembered, so the
      # history a chat client re-sends each turn is not scanned again: the
      # guard scans about 4 MB/s, and a long agent session's history alone
      # would cost every turn hundreds of milliseconds (0 turns it off).
      scan_cache_entries = 4096
      # flag: serve what the guard would block, marked (X-LLMGW-Guard) and
      # counted — the way to trial a guard on your own traffic.
      mode             = env("LLMGW_GUARD_MODE", "block")
    }
  }

  stage "ratelimit" {
    plugin   = "ratelimit"
    on_error = "fail_open"
    timeout  = "250ms"
    parallel = true
    config = {
      rpm            = env("LLMGW_RATE_LIMIT_RPM", "60")
      redis_url      = env("REDIS_URL", "")
      on_redis_error = "fail_open"
    }
  }

  # Response cache (plugins/cache/README.md): a repeated deterministic
  # request (temperature 0 or a seed) is answered without a provider, per
  # virtual key; shared by every replica through Redis when REDIS_URL is set.
  # After the guard and the key check, so only admitted requests are served.
  stage "cache" {
    plugin   = "cache"
    on_error = "fail_open"
    timeout  = "250ms"
    config = {
      ttl         = "1h"
      max_entries = 10000
      redis_url   = env("REDIS_URL", "")
    }
  }

  tracker "mlflow" {
    plugin = "tracker-mlflow"
    config = {
      tracking_uri    = env("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
      experiment_name = env("MLFLOW_EXPERIMENT_NAME", "llm-gateway")
    }
  }
}
