/**
 * Streaming experts: experts that can deliver their answer token by token ({@link
 * io.himoe.experts.stream.StreamingExpert}), used by LLM experts and fallback chains.
 */
package io.himoe.experts.stream;
