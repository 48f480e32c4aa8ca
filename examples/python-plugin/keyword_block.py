"""keyword-block: an llmgw stage, written in Python, that rejects prompts
containing configured words with 400 blocked_keyword.

The gateway starts it through the `keyword-block` launcher (see
pipeline.hcl); run `bin/llmgw plugin check examples/python-plugin/keyword-block
--config '{"words":["forbidden-word"]}'` to check it.
"""

from llmgw_plugin import ConfigError, Plugin, Stage, proceed, reject, serve


class KeywordBlock(Stage):
    """Rejects a request whose messages contain one of `words`
    (case-insensitive)."""

    def __init__(self, config):
        super().__init__(config)
        cfg = config.decode({"words": (list, [])})
        words = []
        for i, w in enumerate(cfg["words"]):
            if not isinstance(w, str) or not w.strip():
                raise ConfigError('field "words": entry %d must be a non-empty string' % i)
            words.append(w.strip().lower())
        self.words = words
        config.logger.info("configured", extra={"words": len(words)})

    def process(self, request, context):
        for message in request.request.messages:
            text = message.content.lower()
            for word in self.words:
                if word in text:
                    return reject(status=400, type="invalid_request_error", code="blocked_keyword",
                                  message="the prompt contains a blocked word", param="messages",
                                  category="keyword")
        return proceed()

    def info(self):
        return {"blocked_words": str(len(self.words))}


if __name__ == "__main__":
    serve(Plugin(name="keyword-block", version="0.1.0", stage=KeywordBlock))
