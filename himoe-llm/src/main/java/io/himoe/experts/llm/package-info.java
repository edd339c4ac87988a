/** LLM experts: any OpenAI-compatible or LangChain4j chat model as a Hi-MoE expert. */
@NullMarked
package io.himoe.experts.llm;

import org.jspecify.annotations.NullMarked;
