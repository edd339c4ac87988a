/**
 * Implementation details of the LLM experts: the per-call cancellation scope and the LangChain4j
 * HTTP client that honours it. Not a public API.
 */
@NullMarked
package io.himoe.experts.llm.internal;

import org.jspecify.annotations.NullMarked;
