// Conformance of the Hi-MoE gateway with the official `openai` npm SDK.
// Usage: node conformance.mjs BASE_URL API_KEY
// The server's `llm` expert talks to a local upstream that streams 5 tokens 250 ms apart (set up by
// OpenAiNodeSdkTest). Prints one JSON line per check; exits 1 on the first failed assertion.
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const report = (check, data) => console.log(JSON.stringify({ check, ...data }));

// 1. Whole reply, multi-turn.
const whole = await client.chat.completions.create({
  model: 'main',
  messages: [
    { role: 'system', content: 'Count.' },
    { role: 'user', content: 'count to two' },
    { role: 'assistant', content: 'one two' },
    { role: 'user', content: 'now to five' },
  ],
});
assert.equal(whole.object, 'chat.completion');
assert.equal(whole.model, 'main');
assert.equal(whole.choices[0].message.content, 'one two three four five');
assert.equal(whole.choices[0].finish_reason, 'stop');
assert.equal(whole.usage.prompt_tokens, 12);
assert.equal(whole.usage.completion_tokens, 5);
report('whole', { usage: whole.usage });

// 2. Stream: time each delta's arrival.
const t0 = performance.now();
const stream = await client.chat.completions.create({
  model: 'main',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'now to five' }],
});
const deltas = [];
let usage = null;
let finish = null;
for await (const chunk of stream) {
  assert.equal(chunk.object, 'chat.completion.chunk');
  assert.equal(chunk.model, 'main');
  if (chunk.usage) usage = chunk.usage;
  for (const c of chunk.choices) {
    if (c.delta?.content) deltas.push({ text: c.delta.content, ms: performance.now() - t0 });
    if (c.finish_reason) finish = c.finish_reason;
  }
}
const endMs = performance.now() - t0;
assert.equal(deltas.map((d) => d.text).join(''), 'one two three four five');
assert.equal(finish, 'stop');
assert.ok(usage, 'a usage chunk');
assert.equal(usage.completion_tokens, 5);
// The upstream spends 5 x 250 ms: the first delta must arrive long before the last.
assert.ok(deltas.at(-1).ms - deltas[0].ms > 750, `deltas spread: ${JSON.stringify(deltas)}`);
report('stream', { first_ms: deltas[0].ms, last_ms: deltas.at(-1).ms, end_ms: endMs, deltas: deltas.length, usage });

// 3. Tools round trip (the test switches the upstream to a tool call for the request with tools).
const tools = [{
  type: 'function',
  function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}];
const question = { role: 'user', content: 'weather in Paris? (tool)' };
const asked = await client.chat.completions.create({ model: 'main', messages: [question], tools });
assert.equal(asked.choices[0].finish_reason, 'tool_calls');
const call = asked.choices[0].message.tool_calls[0];
assert.equal(call.type, 'function');
assert.equal(call.function.name, 'weather');
assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
const answered = await client.chat.completions.create({
  model: 'main',
  tools,
  messages: [question, asked.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
});
assert.equal(answered.choices[0].message.role, 'assistant');
assert.equal(answered.choices[0].finish_reason, 'stop');
report('tools', { call_id: call.id });

// 4. Errors as APIError subclasses with the HTTP status, code and param.
async function expectError(label, request, options, status, cls) {
  try {
    await client.chat.completions.create(request, options);
  } catch (e) {
    assert.ok(e instanceof OpenAI.APIError, `${label}: ${e}`);
    assert.ok(e instanceof cls, `${label}: ${e.constructor.name}`);
    assert.equal(e.status, status, label);
    report('error', { label, status: e.status, code: e.code, param: e.param, type: e.type, request_id: e.request_id ?? null });
    return e;
  }
  assert.fail(`${label}: no error`);
}
const msgs = [{ role: 'user', content: 'hi' }];
const unknown = await expectError('unknown model', { model: 'nope', messages: msgs }, {}, 404, OpenAI.NotFoundError);
assert.equal(unknown.code, 'model_not_found');
const typed = await expectError('wrong type', { model: 'main', messages: msgs, max_tokens: 'x' }, {}, 400, OpenAI.BadRequestError);
assert.equal(typed.param, 'max_tokens');
const extra = await expectError('unknown parameter', { model: 'main', messages: msgs, frobnicate: 1 }, {}, 400, OpenAI.BadRequestError);
assert.equal(extra.param, 'frobnicate');
const nTwo = await expectError('n > 1', { model: 'main', messages: msgs, n: 2 }, {}, 400, OpenAI.BadRequestError);
assert.equal(nTwo.param, 'n');
const badKey = new OpenAI({ baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
try {
  await badKey.chat.completions.create({ model: 'main', messages: msgs });
  assert.fail('wrong key: no error');
} catch (e) {
  assert.ok(e instanceof OpenAI.AuthenticationError, `wrong key: ${e}`);
  assert.equal(e.status, 401);
  report('error', { label: 'wrong key', status: e.status, code: e.code });
}
report('done', {});
