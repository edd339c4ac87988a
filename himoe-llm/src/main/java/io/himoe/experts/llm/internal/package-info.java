/**
 * Implementation details of the LLM experts: the per-call cancellation scope and the LangChain4j
 * HTTP client that honours it. Not a public API.
 */
package io.himoe.experts.llm.internal;
