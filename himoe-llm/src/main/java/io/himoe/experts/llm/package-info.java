/** LLM experts: any OpenAI-compatible or LangChain4j chat model as a Hi-MoE expert. */
package io.himoe.experts.llm;
