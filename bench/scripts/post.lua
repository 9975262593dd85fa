-- wrk: POST a small chat completion with an API key (the body of chat-request.json, which h2load sends).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"bench","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":16}'
